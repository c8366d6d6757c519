// The venue WebSocket clients over real sockets against small in-test servers: authentication,
// subscription, snapshot + deltas, seq gaps, resync, reconnect with backoff, keep-alive,
// silence watchdogs, sharding, live add/remove. (The simulator-backed tests are feeds.test.ts.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { WebSocket } from 'ws';
import { KalshiSigner, kalshiWsAuthHeaders, verifyKalshiRequest } from '@parity/trading/kalshi/auth.ts';
import { KalshiMarketData } from '@parity/trading/kalshi/market-data.ts';
import { PolyMarketData } from '@parity/trading/polymarket/market-data.ts';
import { BookStore } from '../src/books/book-store.ts';
import type { Pair } from '../src/model.ts';
import { startWsServer, waitFor } from './marketdata-helpers.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signer = new KalshiSigner('test-key-id', privateKey);

function pair(id: string, ticker: string, yes: string, no: string): Pair {
  return { id, description: id, kalshiTicker: ticker, polyYesToken: yes, polyNoToken: no, source: 'file' };
}

// --- a tiny Kalshi venue ----------------------------------------------------------------------

interface KalshiFake {
  /** Commands received, per connection index. */
  commands: Array<Array<Record<string, unknown>>>;
  authOk: boolean[];
  ignoreGetSnapshot: boolean;
  silent: boolean;
  seq: number;
  sid: number;
  markets: Set<string>;
  /** Tickers the venue does not list (error 16, like Kalshi and the simulator). */
  unknown: Set<string>;
  send(ws: WebSocket, type: string, msg: object, opts?: { skip?: number }): void;
}

function kalshiSnapshotMsg(t: string): object {
  return { market_ticker: t, yes_dollars_fp: [['0.4000', '10.00'], ['0.3900', '5.00']], no_dollars_fp: [['0.5500', '20.00']] };
}

async function startKalshiFake() {
  const fake: KalshiFake = {
    commands: [],
    authOk: [],
    ignoreGetSnapshot: false,
    silent: false,
    seq: 0,
    sid: 1,
    markets: new Set(),
    unknown: new Set(),
    send(ws, type, msg, opts = {}) {
      this.seq += 1 + (opts.skip ?? 0);
      ws.send(JSON.stringify({ type, sid: this.sid, seq: this.seq, msg }));
    },
  };
  const server = await startWsServer('/trade-api/ws/v2', (ws, req) => {
    // Kalshi's heartbeat Ping (every 10 s for real; faster here), silent while "frozen".
    const beat = setInterval(() => {
      if (!fake.silent && ws.readyState === ws.OPEN) ws.ping('heartbeat');
    }, 100);
    ws.on('close', () => clearInterval(beat));
    const idx = fake.commands.length;
    fake.commands.push([]);
    fake.authOk.push(verifyKalshiRequest(publicKey, 'GET', req.url ?? '', req.headers, { maxSkewMs: 30_000 }).ok);
    fake.seq = 0;
    fake.sid = idx + 1;
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { id: number; cmd: string; params: Record<string, unknown> };
      fake.commands[idx]!.push(m);
      if (fake.silent) return;
      const tickers = (m.params.market_tickers ?? []) as string[];
      const missing = tickers.find((t) => fake.unknown.has(t));
      if (missing) {
        ws.send(JSON.stringify({ id: m.id, type: 'error', msg: { code: 16, msg: 'Market not found', market_ticker: missing } }));
        return;
      }
      if (m.cmd === 'subscribe') {
        ws.send(JSON.stringify({ id: m.id, type: 'subscribed', msg: { channel: 'orderbook_delta', sid: fake.sid } }));
        for (const t of tickers) fake.markets.add(t);
        for (const t of tickers) fake.send(ws, 'orderbook_snapshot', kalshiSnapshotMsg(t));
      } else if (m.cmd === 'update_subscription') {
        if (m.params.action === 'get_snapshot' && fake.ignoreGetSnapshot) return;
        fake.seq++;
        ws.send(JSON.stringify({ id: m.id, sid: fake.sid, seq: fake.seq, type: 'ok', msg: { market_tickers: tickers } }));
        if (m.params.action === 'delete_markets') for (const t of tickers) fake.markets.delete(t);
        else {
          if (m.params.action === 'add_markets') for (const t of tickers) fake.markets.add(t);
          for (const t of tickers) fake.send(ws, 'orderbook_snapshot', kalshiSnapshotMsg(t));
        }
      }
    });
  });
  return { fake, server };
}

function kalshiClient(url: string, store: BookStore, over: Partial<ConstructorParameters<typeof KalshiMarketData>[0]> = {}) {
  return new KalshiMarketData({
    url,
    authHeaders: () => ({ ...kalshiWsAuthHeaders(signer, url) }),
    sink: store,
    pingIntervalMs: 100,
    staleMs: 5_000,
    resyncTimeoutMs: 1_000,
    backoff: { baseMs: 20, maxMs: 100 },
    ...over,
  });
}

test('Kalshi feed: signed upgrade, subscribe, snapshot + deltas, server pings answered, pings sent', async () => {
  const { fake, server } = await startKalshiFake();
  const store = new BookStore();
  store.addPair(pair('a', 'KA', 'y', 'n'));
  const md = kalshiClient(server.url, store);
  md.add(['KA']);
  md.start();
  try {
    const book = store.kalshiBooks.get('KA')!;
    await waitFor(() => book.tradeable, 'KA snapshot');
    assert.equal(fake.authOk[0], true, 'the upgrade carried a valid RSA-PSS signature of GET /trade-api/ws/v2');
    const sub = fake.commands[0]![0]!;
    assert.equal(sub.cmd, 'subscribe');
    assert.deepEqual(sub.params, { channels: ['orderbook_delta'], market_tickers: ['KA'], use_yes_price: false });
    assert.equal(book.yesAskPx(), 4500);
    const ws = server.connections[0]!;
    fake.send(ws, 'orderbook_delta', { market_ticker: 'KA', price_dollars: '0.4000', delta_fp: '-10.00', side: 'yes' });
    await waitFor(() => book.noAskPx() === 6100, 'best YES bid removed -> next level');
    assert.equal(book.yes.bestQty(), 500);
    // Kalshi pings; the client must pong.
    const pong = new Promise<Buffer>((r) => ws.once('pong', (d) => r(d)));
    ws.ping('heartbeat');
    assert.equal((await pong).toString(), 'heartbeat');
    // The client pings too (keep-alive).
    const ping = new Promise<void>((r) => ws.once('ping', () => r()));
    await ping;
  } finally {
    await md.stop();
    await server.close();
  }
});

test('Kalshi feed: a seq gap makes every book of the sid untradeable, get_snapshot restores them', async () => {
  const { fake, server } = await startKalshiFake();
  const store = new BookStore();
  store.addPair(pair('a', 'KA', 'y1', 'n1'));
  store.addPair(pair('b', 'KB', 'y2', 'n2'));
  const md = kalshiClient(server.url, store);
  md.add(['KA', 'KB']);
  md.start();
  try {
    const a = store.kalshiBooks.get('KA')!;
    const b = store.kalshiBooks.get('KB')!;
    await waitFor(() => a.tradeable && b.tradeable, 'both snapshots');
    fake.ignoreGetSnapshot = true;
    fake.send(server.connections[0]!, 'orderbook_delta', { market_ticker: 'KA', price_dollars: '0.4000', delta_fp: '1.00', side: 'yes' }, { skip: 1 });
    await waitFor(() => !a.tradeable && !b.tradeable, 'gap invalidates both');
    const isGetSnapshot = (c: Record<string, unknown>) => c.cmd === 'update_subscription' && (c.params as Record<string, unknown>).action === 'get_snapshot';
    await waitFor(() => fake.commands[0]!.some(isGetSnapshot), 'get_snapshot sent');
    const req = fake.commands[0]!.find(isGetSnapshot)!;
    assert.deepEqual((req.params as Record<string, unknown>).market_tickers, ['KA', 'KB']);
    // The venue never answered: a repeated get_snapshot or, past the resync deadline, a reconnect
    // and resubscribe restores the books (which one comes first depends on timing on a busy machine).
    fake.ignoreGetSnapshot = false;
    await waitFor(() => a.tradeable && b.tradeable, 'resynced', 10_000);
    assert.ok(md.connects >= 2 || fake.commands[0]!.filter(isGetSnapshot).length >= 2, 'recovered by a retry or a reconnect, not by the ignored request');
    assert.equal(md.stats().gaps, 1);
    // The answered path: another gap, get_snapshot answered on the same connection.
    const connects = md.connects;
    const invalidations = store.invalidations.kalshi;
    fake.send(server.connections.at(-1)!, 'orderbook_delta', { market_ticker: 'KB', price_dollars: '0.5500', delta_fp: '1.00', side: 'no' }, { skip: 3 });
    // (on loopback the resync can complete before a poll sees the gap, so count invalidations)
    await waitFor(() => store.invalidations.kalshi === invalidations + 2, 'second gap');
    await waitFor(() => a.tradeable && b.tradeable, 'resynced by get_snapshot');
    assert.equal(md.connects, connects, 'no reconnect needed');
    assert.equal(b.no.bestQty(), 2000, 'the delta after the gap was not applied');
  } finally {
    await md.stop();
    await server.close();
  }
});

test('Kalshi feed: a dropped socket invalidates, reconnects with a fresh signature and resubscribes; silence trips the watchdog', async () => {
  const { fake, server } = await startKalshiFake();
  const store = new BookStore();
  store.addPair(pair('a', 'KA', 'y', 'n'));
  const md = kalshiClient(server.url, store, { staleMs: 400 });
  md.add(['KA']);
  md.start();
  try {
    const a = store.kalshiBooks.get('KA')!;
    {
      await waitFor(() => a.tradeable, 'snapshot');
      server.connections[0]!.terminate();
      await waitFor(() => !a.tradeable, 'invalidated on close');
      await waitFor(() => a.tradeable && md.connects === 2, 'reconnected');
      assert.deepEqual(fake.authOk, [true, true]);
      const ts = server.upgrades.map((r) => r.headers['kalshi-access-timestamp']);
      assert.notEqual(ts[0], ts[1], 'each connect is signed afresh');
      assert.equal(fake.commands[1]![0]!.cmd, 'subscribe');
      // silent freeze: the server stops sending anything (its pings included)
      fake.silent = true;
      await waitFor(() => !a.tradeable, 'watchdog invalidates a silent feed', 5_000);
      fake.silent = false;
      await waitFor(() => a.tradeable && md.connects >= 3, 'reconnected after the freeze', 5_000);
    }
  } finally {
    await md.stop();
    await server.close();
  }
});

test('Kalshi feed: tickers added and removed live', async () => {
  const { fake, server } = await startKalshiFake();
  const store = new BookStore();
  store.addPair(pair('a', 'KA', 'y', 'n'));
  const md = kalshiClient(server.url, store);
  md.add(['KA']);
  md.start();
  try {
    await waitFor(() => store.kalshiBooks.get('KA')!.tradeable, 'KA');
    store.addPair(pair('b', 'KB', 'y2', 'n2'));
    md.add(['KB']);
    await waitFor(() => store.kalshiBooks.get('KB')!.tradeable, 'KB added live');
    const add = fake.commands[0]!.find((c) => (c.params as Record<string, unknown>).action === 'add_markets')!;
    assert.deepEqual(add.params, { sid: 1, action: 'add_markets', market_tickers: ['KB'] });
    md.remove(['KA']);
    await waitFor(() => !fake.markets.has('KA'), 'KA removed');
    assert.ok(store.kalshiBooks.get('KB')!.tradeable, 'the ok reply (with seq) keeps the sequence intact');
  } finally {
    await md.stop();
    await server.close();
  }
});

test('Kalshi feed: an unknown ticker stays untradeable without taking the others down', async () => {
  const { fake, server } = await startKalshiFake();
  fake.unknown.add('KX');
  const store = new BookStore();
  store.addPair(pair('a', 'KA', 'y1', 'n1'));
  store.addPair(pair('x', 'KX', 'y2', 'n2'));
  const md = kalshiClient(server.url, store);
  md.add(['KA', 'KX']);
  md.start();
  try {
    await waitFor(() => store.kalshiBooks.get('KA')!.tradeable, 'KA subscribed without KX');
    assert.deepEqual(
      fake.commands[0]!.filter((c) => c.cmd === 'subscribe').map((c) => (c.params as Record<string, unknown>).market_tickers),
      [['KA', 'KX'], ['KA']],
    );
    // Past the resync deadline: still one connection, KA still in sync, KX still not tradeable.
    const until = Date.now() + 1_500;
    await waitFor(() => Date.now() > until, 'resync deadline passed');
    assert.equal(md.connects, 1);
    assert.equal(store.kalshiBooks.get('KA')!.tradeable, true);
    assert.equal(store.kalshiBooks.get('KX')!.tradeable, false);
  } finally {
    await md.stop();
    await server.close();
  }
});

// --- a tiny Polymarket venue ---------------------------------------------------------------------

interface PolyFake {
  /** Assets the venue does not know: silently no book. */
  unknown: Set<string>;
  subs: string[][];
  ops: Array<{ conn: number; op: string; ids: string[] }>;
  pings: number;
  frozen: boolean;
  asks: Map<string, string>;
}

function polyBook(asset: string, ask = '0.45') {
  return { event_type: 'book', asset_id: asset, market: '0xm', bids: [{ price: '0.40', size: '10' }], asks: [{ price: ask, size: '10' }], timestamp: '1', hash: '0x' };
}

async function startPolyFake() {
  const fake: PolyFake = { unknown: new Set(), subs: [], ops: [], pings: 0, frozen: false, asks: new Map() };
  const server = await startWsServer('/ws/market', (ws) => {
    const conn = fake.subs.length;
    fake.subs.push([]);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === 'PING') {
        fake.pings++;
        if (!fake.frozen) ws.send('PONG');
        return;
      }
      const m = JSON.parse(text) as { assets_ids: string[]; type?: string; operation?: string };
      if (m.type === 'market') {
        fake.subs[conn] = m.assets_ids;
        if (!fake.frozen) ws.send(JSON.stringify(m.assets_ids.filter((a) => !fake.unknown.has(a)).map((a) => polyBook(a, fake.asks.get(a)))));
      } else if (m.operation) {
        fake.ops.push({ conn, op: m.operation, ids: m.assets_ids });
        if (m.operation === 'subscribe' && !fake.frozen) for (const a of m.assets_ids.filter((x) => !fake.unknown.has(x))) ws.send(JSON.stringify(polyBook(a, fake.asks.get(a))));
      }
    });
  });
  return { fake, server };
}

function polyClient(url: string, store: BookStore, over: Partial<ConstructorParameters<typeof PolyMarketData>[0]> = {}) {
  return new PolyMarketData({ url, sink: store, pingIntervalMs: 100, staleMs: 5_000, resyncTimeoutMs: 1_000, backoff: { baseMs: 20, maxMs: 100 }, ...over });
}

test('Polymarket feed: sharded at the asset limit, books per asset, text PING keep-alive', async () => {
  const { fake, server } = await startPolyFake();
  const store = new BookStore();
  store.addPair(pair('a', 'K1', 'A1', 'A2'));
  store.addPair(pair('b', 'K2', 'A3', 'A4'));
  store.addPair(pair('c', 'K3', 'A5', 'A2')); // A2 shared
  const md = polyClient(server.url, store, { maxAssetsPerConnection: 2 });
  md.add(['A1', 'A2', 'A3', 'A4', 'A5']);
  md.start();
  try {
    await waitFor(() => [...store.polyBooks.values()].every((b) => b.tradeable), 'all books');
    assert.equal(md.connectionCount, 3);
    assert.deepEqual(fake.subs.map((s) => s.length).sort(), [1, 2, 2]);
    assert.deepEqual(fake.subs.flat().sort(), ['A1', 'A2', 'A3', 'A4', 'A5']);
    await waitFor(() => fake.pings >= 6, 'PINGs from every connection');
    assert.equal(store.polyBooks.get('A2')!.asks.bestPx(), 4500);
    assert.throws(() => polyClient(server.url, store, { maxAssetsPerConnection: 501 }), /1\.\.500/);
  } finally {
    await md.stop();
    await server.close();
  }
});

test('Polymarket feed: a silent freeze (no PONG) makes books untradeable and reconnects; a fresh book restores them', async () => {
  const { fake, server } = await startPolyFake();
  const store = new BookStore();
  store.addPair(pair('a', 'K1', 'A1', 'A2'));
  const md = polyClient(server.url, store, { staleMs: 400 });
  md.add(['A1', 'A2']);
  md.start();
  try {
    const a1 = store.polyBooks.get('A1')!;
    await waitFor(() => a1.tradeable, 'book');
    fake.frozen = true;
    const t0 = Date.now();
    await waitFor(() => !a1.tradeable, 'freeze detected');
    assert.ok(Date.now() - t0 < 5_000);
    await waitFor(() => md.connects >= 2, 'reconnect attempted');
    assert.equal(a1.tradeable, false, 'still frozen: no book, not tradeable');
    fake.asks.set('A1', '0.47');
    fake.frozen = false;
    await waitFor(() => a1.tradeable, 'fresh book after reconnect', 5_000);
    assert.equal(a1.asks.bestPx(), 4700);
  } finally {
    await md.stop();
    await server.close();
  }
});

test('Polymarket feed: drift resubscribes the asset; assets added and removed live', async () => {
  const { fake, server } = await startPolyFake();
  const store = new BookStore();
  store.addPair(pair('a', 'K1', 'A1', 'A2'));
  const md = polyClient(server.url, store);
  md.add(['A1', 'A2']);
  md.start();
  try {
    const a1 = store.polyBooks.get('A1')!;
    await waitFor(() => a1.tradeable && store.polyBooks.get('A2')!.tradeable, 'books');
    const ws = server.connections[0]!;
    // venue top of book says 0.44 after the change but our book has 0.45 -> drift
    ws.send(JSON.stringify({ event_type: 'price_change', market: '0xm', price_changes: [{ asset_id: 'A1', price: '0.50', size: '3', side: 'SELL', best_bid: '0.4', best_ask: '0.44' }] }));
    await waitFor(() => fake.ops.some((o) => o.op === 'subscribe' && o.ids.includes('A1')), 'resubscribe');
    assert.deepEqual(fake.ops.slice(-2).map((o) => o.op), ['unsubscribe', 'subscribe']);
    await waitFor(() => a1.tradeable, 'fresh book restores');
    assert.equal(a1.asks.sizeAt(5000), 0, 'the fresh book replaced the drifted one');
    // live add and remove
    store.addPair(pair('b', 'K2', 'A3', 'A4'));
    md.add(['A3', 'A4']);
    await waitFor(() => store.polyBooks.get('A3')!.tradeable && store.polyBooks.get('A4')!.tradeable, 'added live');
    md.remove(['A1']);
    await waitFor(() => fake.ops.some((o) => o.op === 'unsubscribe' && o.ids.length === 1 && o.ids[0] === 'A1' && o === fake.ops.at(-1)), 'unsubscribed');
    assert.equal(md.connectionCount, 1);
  } finally {
    await md.stop();
    await server.close();
  }
});

test('Polymarket feed: a token the venue never books is retried, not a reason to reconnect', async () => {
  const { fake, server } = await startPolyFake();
  fake.unknown.add('A2');
  const store = new BookStore();
  store.addPair(pair('a', 'K1', 'A1', 'A2'));
  const md = polyClient(server.url, store);
  md.add(['A1', 'A2']);
  md.start();
  try {
    await waitFor(() => store.polyBooks.get('A1')!.tradeable, 'A1 book');
    await waitFor(() => fake.ops.some((o) => o.op === 'subscribe' && o.ids.includes('A2')), 'A2 retried after the deadline', 10_000);
    assert.equal(md.connects, 1, 'no reconnect for one silent token');
    assert.equal(store.polyBooks.get('A1')!.tradeable, true);
    assert.equal(store.polyBooks.get('A2')!.tradeable, false);
  } finally {
    await md.stop();
    await server.close();
  }
});
