import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import WebSocket from 'ws';
import { PX_ONE, parsePx, parseQty } from '@parity/trading';
import { startSim, type SimHandle } from '../src/index.ts';
import { kalshiHeaders, waitFor, type Json } from './helpers/kalshi.ts';
import { K1, K2, staticScenario } from './helpers/scenarios.ts';

let sim: SimHandle;
let key: KeyObject;

before(async () => {
  sim = await startSim({ seed: 5, scenario: staticScenario, polymarket: false, kalshiHeartbeatMs: 50 });
  key = createPrivateKey(sim.accounts.kalshi.privateKeyPem);
});
after(async () => {
  await sim.close();
});

interface Client {
  ws: WebSocket;
  msgs: Json[];
  pings: string[];
  send(cmd: string, params?: unknown): number;
  next(pred: (m: Json) => boolean, what: string): Promise<Json>;
  close(): void;
}

async function connect(opts: { key?: KeyObject; tsMs?: number } = {}): Promise<Client> {
  const headers = kalshiHeaders(sim.accounts.kalshi.keyId, opts.key ?? key, 'GET', '/trade-api/ws/v2', opts.tsMs);
  const ws = new WebSocket(sim.urls.kalshiWs, { headers });
  const msgs: Json[] = [];
  const pings: string[] = [];
  let seen = 0;
  ws.on('message', (d) => msgs.push(JSON.parse(d.toString())));
  ws.on('ping', (d) => pings.push(d.toString()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
  });
  let id = 0;
  return {
    ws,
    msgs,
    pings,
    send(cmd, params) {
      id++;
      ws.send(JSON.stringify(params === undefined ? { id, cmd } : { id, cmd, params }));
      return id;
    },
    async next(pred, what) {
      const m = await waitFor(() => {
        for (let i = seen; i < msgs.length; i++) {
          if (pred(msgs[i])) {
            seen = i + 1;
            return msgs[i] as Json;
          }
        }
        return undefined;
      }, what);
      return m;
    },
    close: () => ws.close(),
  };
}

/** A Kalshi book (YES bids, NO bids) rebuilt from snapshot + deltas. */
class Book {
  yes = new Map<number, number>();
  no = new Map<number, number>();
  snapshot(msg: Json): void {
    this.yes.clear();
    this.no.clear();
    for (const [p, q] of msg.yes_dollars_fp ?? []) this.yes.set(parsePx(p), parseQty(q));
    for (const [p, q] of msg.no_dollars_fp ?? []) this.no.set(parsePx(p), parseQty(q));
  }
  delta(msg: Json): void {
    const side = msg.side === 'yes' ? this.yes : this.no;
    const p = parsePx(msg.price_dollars);
    const v = (side.get(p) ?? 0) + parseQty(msg.delta_fp);
    if (v <= 0) side.delete(p);
    else side.set(p, v);
  }
  /** As engine levels: YES bids and YES asks (NO bid q = YES ask 1 - q), best first. */
  asEngine(): { bids: [number, number][]; asks: [number, number][] } {
    const bids = [...this.yes].sort((a, b) => b[0] - a[0]);
    const asks = [...this.no].map(([p, q]) => [PX_ONE - p, q] as [number, number]).sort((a, b) => a[0] - b[0]);
    return { bids, asks };
  }
}

test('orderbook_delta: snapshot + deltas with contiguous per-sid seq reproduce the engine book', async () => {
  const c = await connect();
  c.send('subscribe', { channels: ['orderbook_delta'], market_tickers: [K1], use_yes_price: false });
  const sub = await c.next((m) => m.type === 'subscribed', 'subscribed');
  assert.equal(sub.msg.channel, 'orderbook_delta');
  const sid = sub.msg.sid;
  const snap = await c.next((m) => m.type === 'orderbook_snapshot', 'snapshot');
  assert.equal(snap.sid, sid);
  assert.equal(snap.seq, 1);
  assert.equal(snap.msg.market_ticker, K1);
  assert.match(snap.msg.market_id, /^[0-9a-f-]{36}$/);
  const book = new Book();
  book.snapshot(snap.msg);
  const market = sim.ctx.market(K1)!;
  assert.deepEqual(book.asEngine(), { bids: market.book.levels('bid'), asks: market.book.levels('ask') });

  // Drive the book: rest, cross, cancel, from the test account and a second account.
  const acct = sim.accounts.kalshi.account.id;
  const other = sim.ctx.addAccount({ id: 'ws-other', venue: 'kalshi', cash: 1_000_000_000 });
  const place = (accountId: string, action: 'buy' | 'sell', outcome: 'yes' | 'no', px: number, qty: number, tif: 'gtc' | 'ioc', clientOrderId?: string) =>
    sim.ctx.placeOrder({ venue: 'kalshi', accountId, marketId: K1, action, outcome, px, qty, tif, ...(clientOrderId ? { clientOrderId } : {}) });
  const r1 = place(acct, 'buy', 'yes', 4300, 2500, 'gtc', 'ws-rest');
  assert.ok(r1.ok);
  place(other.id, 'buy', 'no', 5400, 7000, 'ioc'); // takes YES bids down to 0.46
  place(other.id, 'buy', 'yes', 4600, 1000, 'gtc');
  if (r1.ok) sim.ctx.cancelOrder(acct, r1.order.id);
  place(acct, 'buy', 'yes', 5000, 6000, 'ioc'); // lifts asks
  const expected = { bids: market.book.levels('bid'), asks: market.book.levels('ask') };
  let seq = snap.seq;
  let sawOwn = false;
  await waitFor(() => {
    for (const m of c.msgs) {
      if (m.type !== 'orderbook_delta' || m.seq <= seq) continue;
      assert.equal(m.seq, seq + 1, 'seq is contiguous');
      assert.equal(m.sid, sid);
      seq = m.seq;
      book.delta(m.msg);
      assert.match(m.msg.delta_fp, /^-?\d+\.\d{2}$/);
      assert.match(m.msg.price_dollars, /^\d\.\d{4}$/);
      if (m.msg.client_order_id === 'ws-rest') sawOwn = true;
    }
    const got = book.asEngine();
    return JSON.stringify(got) === JSON.stringify(expected);
  }, 'book to converge');
  assert.ok(sawOwn, 'deltas caused by our own order carry its client_order_id');
  assert.ok(!c.msgs.some((m) => m.type === 'orderbook_delta' && m.msg.client_order_id && m.msg.client_order_id !== 'ws-rest'));

  // get_snapshot re-sends the book on the same sid, continuing seq.
  c.send('update_subscription', { sid, action: 'get_snapshot', market_tickers: [K1] });
  const ok = await c.next((m) => m.type === 'ok' && m.sid === sid, 'ok');
  assert.equal(ok.seq, seq + 1);
  const snap2 = await c.next((m) => m.type === 'orderbook_snapshot', 'snapshot 2');
  assert.equal(snap2.seq, seq + 2);
  const b2 = new Book();
  b2.snapshot(snap2.msg);
  assert.deepEqual(b2.asEngine(), expected);

  c.send('unsubscribe', { sids: [sid] });
  const un = await c.next((m) => m.type === 'unsubscribed', 'unsubscribed');
  assert.equal(un.sid, sid);
  assert.equal(un.seq, seq + 3);
  c.close();
});

test('command errors use the documented codes', async () => {
  const c = await connect();
  c.send('frobnicate');
  assert.equal((await c.next((m) => m.type === 'error', 'error 5')).msg.code, 5);
  c.send('subscribe');
  assert.equal((await c.next((m) => m.type === 'error', 'error 2')).msg.code, 2);
  c.send('subscribe', { channels: [] });
  assert.equal((await c.next((m) => m.type === 'error', 'error 3')).msg.code, 3);
  c.send('subscribe', { channels: ['orderbook_delta'] });
  assert.equal((await c.next((m) => m.type === 'error', 'error 14')).msg.code, 14);
  c.send('subscribe', { channels: ['orderbook_delta'], market_tickers: ['NOPE-1'] });
  const e16 = await c.next((m) => m.type === 'error', 'error 16');
  assert.equal(e16.msg.code, 16);
  assert.equal(e16.msg.market_ticker, 'NOPE-1');
  c.send('subscribe', { channels: ['no_such_channel'], market_tickers: [K1] });
  assert.equal((await c.next((m) => m.type === 'error', 'error 8')).msg.code, 8);
  c.send('subscribe', { channels: ['orderbook_delta'], market_ticker: K2 });
  const sub = await c.next((m) => m.type === 'subscribed', 'subscribed');
  c.send('subscribe', { channels: ['orderbook_delta'], market_ticker: K2 });
  assert.equal((await c.next((m) => m.type === 'error', 'error 6')).msg.code, 6);
  c.send('unsubscribe', { sids: [999] });
  assert.equal((await c.next((m) => m.type === 'error', 'error 7')).msg.code, 7);
  c.send('update_subscription', { sids: [sub.msg.sid, 5], action: 'get_snapshot', market_tickers: [K2] });
  assert.equal((await c.next((m) => m.type === 'error', 'error 12')).msg.code, 12);
  c.send('update_subscription', { sid: sub.msg.sid, action: 'explode', market_tickers: [K2] });
  assert.equal((await c.next((m) => m.type === 'error', 'error 13')).msg.code, 13);
  c.send('list_subscriptions');
  const list = await c.next((m) => m.type === 'ok' && Array.isArray(m.msg), 'list');
  assert.deepEqual(list.msg, [{ channel: 'orderbook_delta', sid: sub.msg.sid }]);
  c.ws.send('not json');
  assert.equal((await c.next((m) => m.type === 'error', 'error 1')).msg.code, 1);
  c.close();
});

test('authenticated upgrade: forged or stale signatures get HTTP 401; pings carry "heartbeat"', async () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  await assert.rejects(connect({ key: other }), (e: Error & { statusCode?: number }) => e.statusCode === 401);
  await assert.rejects(connect({ tsMs: Date.now() - 10 * 60_000 }), (e: Error & { statusCode?: number }) => e.statusCode === 401);
  const c = await connect();
  await waitFor(() => c.pings.length > 0, 'a heartbeat ping');
  assert.equal(c.pings[0], 'heartbeat');
  c.close();
});

test('faults: seq gap, duplicate and reordered frames, silent freeze, drop', async () => {
  const c = await connect();
  c.send('subscribe', { channels: ['orderbook_delta'], market_tickers: [K1] });
  const sub = await c.next((m) => m.type === 'subscribed', 'subscribed');
  const snap = await c.next((m) => m.type === 'orderbook_snapshot', 'snapshot');
  const acct = sim.accounts.kalshi.account.id;
  // Each step rests one new YES bid at a fresh price: exactly one delta.
  let level = 0;
  const step = (): void => {
    const r = sim.ctx.placeOrder({ venue: 'kalshi', accountId: acct, marketId: K1, action: 'buy', outcome: 'yes', px: 2000 + 100 * level++, qty: 100, tif: 'gtc' });
    assert.ok(r.ok);
  };
  const deltas = async (n: number): Promise<Json[]> => {
    const out: Json[] = [];
    for (let i = 0; i < n; i++) out.push(await c.next((m) => m.type === 'orderbook_delta', `delta ${i}`));
    return out;
  };
  step();
  const [d1] = await deltas(1);
  assert.equal(d1.seq, snap.seq + 1);
  sim.faults.seqGap(1);
  step();
  const [d2] = await deltas(1);
  assert.equal(d2.seq, d1.seq + 2, 'one seq skipped');
  sim.faults.duplicateFrames('kalshi');
  step();
  const [d3, d3b] = await deltas(2);
  assert.deepEqual(d3b, d3);
  sim.faults.reorderFrames('kalshi');
  step();
  step();
  const [e1, e2] = await deltas(2);
  assert.equal(e1.seq, d3.seq + 2);
  assert.equal(e2.seq, d3.seq + 1);
  // Freeze: the socket stays open, the delta is lost, the next one after unfreezing shows the gap.
  const fz = sim.faults.freeze('kalshi');
  step();
  sim.faults.remove(fz.id);
  step();
  const [after] = await deltas(1);
  assert.equal(after.seq, e1.seq + 2);
  assert.equal(c.ws.readyState, WebSocket.OPEN);
  assert.equal(sub.msg.sid, after.sid);
  const closed = new Promise<number>((r) => c.ws.once('close', (code) => r(code)));
  sim.faults.dropWs('kalshi');
  assert.equal(await closed, 1006);
  assert.equal(sim.faults.list().length, 0);
});

test('private fill and user_orders channels, public trade channel, use_yes_price snapshots', async () => {
  const c = await connect();
  c.send('subscribe', { channels: ['fill', 'user_orders'] });
  await c.next((m) => m.type === 'subscribed' && m.msg.channel === 'fill', 'fill sub');
  await c.next((m) => m.type === 'subscribed' && m.msg.channel === 'user_orders', 'user_orders sub');
  c.send('subscribe', { channels: ['trade'], market_tickers: [K2] });
  await c.next((m) => m.type === 'subscribed' && m.msg.channel === 'trade', 'trade sub');
  const acct = sim.accounts.kalshi.account;
  const r = sim.ctx.placeOrder({ venue: 'kalshi', accountId: acct.id, marketId: K2, action: 'buy', outcome: 'yes', px: 9900, qty: 200, tif: 'ioc', clientOrderId: 'ws-fill' });
  assert.ok(r.ok && r.order.filledQty === 200);
  // Emission order: the public trade, then our fill, then our order update.
  const tr = await c.next((m) => m.type === 'trade', 'trade');
  assert.equal(tr.msg.market_ticker, K2);
  assert.equal(tr.msg.taker_book_side, 'bid');
  assert.equal(tr.msg.yes_price_dollars, '0.0900');
  assert.equal(tr.seq, undefined, 'trade has no seq');
  const fill = await c.next((m) => m.type === 'fill', 'fill');
  assert.equal(fill.msg.client_order_id, 'ws-fill');
  assert.equal(fill.msg.order_id, r.order.id);
  assert.equal(fill.msg.count_fp, '2.00');
  assert.equal(fill.msg.is_taker, true);
  assert.equal(fill.msg.yes_price_dollars, '0.0900');
  assert.equal(fill.msg.post_position_fp, ((sim.ctx.position(acct, K2).yes - sim.ctx.position(acct, K2).no) / 100).toFixed(2));
  const uo = await c.next((m) => m.type === 'user_order' && m.msg.order_id === r.order.id, 'user_order');
  assert.equal(uo.msg.status, 'executed');
  assert.equal(uo.msg.fill_count_fp, '2.00');
  c.send('subscribe', { channels: ['orderbook_delta'], market_tickers: [K2], use_yes_price: true });
  const snap = await c.next((m) => m.type === 'orderbook_snapshot', 'yes-price snapshot');
  const asks = sim.ctx.market(K2)!.book.levels('ask');
  // With use_yes_price the NO side is quoted at the YES price of the level (a YES ask).
  assert.deepEqual(
    (snap.msg.no_dollars_fp as [string, string][]).map(([p]) => p),
    asks.map(([p]) => (p / 10_000).toFixed(4)),
  );
  c.close();
});
