// The market WebSocket of the simulated Polymarket over a real socket: the book / price_change
// sequence rebuilds the engine's book for the YES token and the mirrored NO token; trades,
// tick changes, PING/PONG, the 500-asset cap and the WS faults.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { SimContext } from '../src/context.ts';
import { Rng } from '../src/rng.ts';
import { startPolymarketVenue, type PolymarketVenueHandle } from '../src/polymarket/index.ts';
import { newPolymarketMarket, setTickSize } from '../src/polymarket/catalog.ts';
import type { SimMarket } from '../src/markets.ts';
import type { SimAccount } from '../src/accounts.ts';

let ctx: SimContext;
let pm: PolymarketVenueHandle;
let m: SimMarket;
let mm: SimAccount;
let taker: SimAccount;

before(async () => {
  ctx = new SimContext({ seed: 9 });
  m = ctx.addMarket(newPolymarketMarket(ctx.rng, { question: 'Oilers vs. Canucks', slug: 'nhl-edm-van-2026-11-27', outcomes: ['Oilers', 'Canucks'] }));
  mm = ctx.addAccount({ id: 'mm', venue: 'polymarket', cash: 1e12, marketMaker: true });
  taker = ctx.addAccount({ id: 'taker', venue: 'polymarket', cash: 1e12 });
  pm = await startPolymarketVenue(ctx, { host: '127.0.0.1' });
});

after(async () => {
  await pm.close();
  ctx.close();
});

/** A client connection that records frames and keeps local books per asset. */
class Sub {
  readonly ws: WebSocket;
  readonly frames: unknown[] = [];
  readonly texts: string[] = [];
  readonly books = new Map<string, { bids: Map<string, string>; asks: Map<string, string> }>();
  closed = false;
  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (d) => {
      const t = d.toString();
      this.texts.push(t);
      if (t === 'PONG' || t === 'INVALID OPERATION') return;
      const msg = JSON.parse(t) as unknown;
      for (const e of Array.isArray(msg) ? msg : [msg]) this.apply(e as Record<string, unknown>);
    });
    this.ws.on('close', () => (this.closed = true));
  }
  opened(): Promise<void> {
    return new Promise((res, rej) => {
      this.ws.once('open', () => res());
      this.ws.once('error', rej);
    });
  }
  private apply(e: Record<string, unknown>): void {
    this.frames.push(e);
    if (e.event_type === 'book') {
      const lv = (xs: unknown) => new Map((xs as { price: string; size: string }[]).map((x) => [x.price, x.size]));
      this.books.set(e.asset_id as string, { bids: lv(e.bids), asks: lv(e.asks) });
    } else if (e.event_type === 'price_change') {
      for (const c of e.price_changes as { asset_id: string; price: string; size: string; side: string }[]) {
        const b = this.books.get(c.asset_id);
        if (!b) continue;
        const side = c.side === 'BUY' ? b.bids : b.asks;
        if (c.size === '0') side.delete(c.price);
        else side.set(c.price, c.size);
      }
    }
  }
  /** Local book as sorted [price, size] lists, best first. */
  view(asset: string): { bids: [string, string][]; asks: [string, string][] } {
    const b = this.books.get(asset)!;
    const sort = (x: Map<string, string>, desc: boolean) => [...x.entries()].sort((a, c) => (desc ? Number(c[0]) - Number(a[0]) : Number(a[0]) - Number(c[0])));
    return { bids: sort(b.bids, true), asks: sort(b.asks, false) };
  }
  send(x: unknown): void {
    this.ws.send(typeof x === 'string' ? x : JSON.stringify(x));
  }
  async ping(): Promise<void> {
    const n = this.texts.filter((t) => t === 'PONG').length;
    this.send('PING');
    await until(() => this.texts.filter((t) => t === 'PONG').length > n, 'PONG');
  }
}

async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const fmt = (px: number): string => String(px / 10_000);
const fmtQ = (q: number): string => String(q / 100);
/** The engine book as the YES or NO token's levels, best first. */
function engineView(outcome: 'yes' | 'no'): { bids: [string, string][]; asks: [string, string][] } {
  const bids = m.book.levels('bid');
  const asks = m.book.levels('ask');
  const f = (l: [number, number][], flip: boolean) => l.map(([p, q]) => [fmt(flip ? 10_000 - p : p), fmtQ(q)] as [string, string]);
  return outcome === 'yes' ? { bids: f(bids, false), asks: f(asks, false) } : { bids: f(asks, true), asks: f(bids, true) };
}

test('book + price_change frames rebuild the engine book for the YES and the mirrored NO token', async () => {
  const meta = m.polymarket!;
  // Some liquidity before anyone subscribes: the initial dump carries it.
  for (const [outcome, px] of [['yes', 4800], ['no', 4800]] as const) {
    assert.ok(ctx.placeOrder({ venue: 'polymarket', accountId: mm.id, marketId: m.id, action: 'buy', outcome, px, qty: 2000, tif: 'gtc', stp: 'none', silent: true }).ok);
  }
  const s = new Sub(pm.wsUrl);
  await s.opened();
  s.send({ assets_ids: [meta.yesTokenId, meta.noTokenId], type: 'market' });
  await until(() => s.books.size === 2, 'initial dump');
  assert.deepEqual(s.view(meta.yesTokenId), engineView('yes'));
  assert.deepEqual(s.view(meta.noTokenId), engineView('no'));

  // A seeded storm of quotes, cancels and crossing orders.
  const rng = new Rng(123);
  const resting: string[] = [];
  for (let i = 0; i < 400; i++) {
    const k = rng.int(0, 9);
    if (k < 6) {
      const outcome = rng.pick(['yes', 'no'] as const);
      const px = rng.int(30, 52) * 100;
      const r = ctx.placeOrder({ venue: 'polymarket', accountId: mm.id, marketId: m.id, action: 'buy', outcome, px, qty: rng.int(1, 50) * 100, tif: 'gtc', stp: 'none', silent: true });
      if (r.ok && r.order.status === 'resting') resting.push(r.order.id);
    } else if (k < 8 && resting.length > 0) {
      const id = resting.splice(rng.int(0, resting.length - 1), 1)[0]!;
      ctx.cancelOrder(mm.id, id);
    } else {
      const outcome = rng.pick(['yes', 'no'] as const);
      ctx.placeOrder({ venue: 'polymarket', accountId: taker.id, marketId: m.id, action: 'buy', outcome, px: 5800, qty: rng.int(1, 30) * 100, tif: 'ioc', stp: 'none', silent: true });
    }
  }
  await until(
    () => JSON.stringify(s.view(meta.yesTokenId)) === JSON.stringify(engineView('yes')) && JSON.stringify(s.view(meta.noTokenId)) === JSON.stringify(engineView('no')),
    'local books to match the engine',
  );
  assert.ok(m.book.levels('bid').length > 3);
  // Every frame is shaped as the venue sends it.
  const pcs = s.frames.filter((f) => (f as { event_type: string }).event_type === 'price_change') as { market: string; timestamp: string; price_changes: Record<string, string>[] }[];
  assert.ok(pcs.length > 100);
  for (const f of pcs) {
    assert.equal(f.market, meta.conditionId);
    assert.match(f.timestamp, /^\d{13}$/);
    for (const c of f.price_changes) {
      assert.ok(c.asset_id === meta.yesTokenId || c.asset_id === meta.noTokenId);
      assert.ok(c.side === 'BUY' || c.side === 'SELL');
      assert.match(c.best_bid!, /^[01](\.\d+)?$/);
    }
  }
  const trades = s.frames.filter((f) => (f as { event_type: string }).event_type === 'last_trade_price') as Record<string, string>[];
  assert.ok(trades.length > 0);
  // Each trade is reported for both tokens, at complementary prices and opposite sides.
  const t0 = trades.findIndex((t) => t.asset_id === meta.yesTokenId);
  const yes = trades[t0]!;
  const no = trades[t0 + 1]!;
  assert.equal(no.asset_id, meta.noTokenId);
  assert.equal(Number(yes.price) + Number(no.price), 1);
  assert.notEqual(yes.side, no.side);
  assert.equal(yes.fee_rate_bps, '500');

  // Tick size change for both tokens.
  setTickSize(ctx, m, '0.001');
  await until(() => s.frames.filter((f) => (f as { event_type: string }).event_type === 'tick_size_change').length === 2, 'tick_size_change');
  const tc = s.frames.find((f) => (f as { event_type: string }).event_type === 'tick_size_change') as Record<string, string>;
  assert.deepEqual([tc.old_tick_size, tc.new_tick_size], ['0.01', '0.001']);
  setTickSize(ctx, m, '0.01');

  await s.ping();
  s.ws.close();
});

test('one connection carries at most 500 assets; ids beyond the cap are silently not subscribed', async () => {
  const meta = m.polymarket!;
  const capped = new Sub(pm.wsUrl);
  const ok = new Sub(pm.wsUrl);
  await Promise.all([capped.opened(), ok.opened()]);
  const fakes = Array.from({ length: 500 }, (_, i) => String(10n ** 70n + BigInt(i)));
  capped.send({ assets_ids: [...fakes, meta.yesTokenId], type: 'market' });
  ok.send({ assets_ids: [meta.yesTokenId], type: 'market' });
  await until(() => ok.books.size === 1, 'dump on the uncapped connection');
  await capped.ping();
  assert.equal(capped.frames.length, 0);
  // A book change reaches the subscriber, not the over-cap connection.
  const n = ok.frames.length;
  assert.ok(ctx.placeOrder({ venue: 'polymarket', accountId: mm.id, marketId: m.id, action: 'buy', outcome: 'yes', px: 1000, qty: 500, tif: 'gtc', stp: 'none', silent: true }).ok);
  await until(() => ok.frames.length > n, 'price_change');
  await capped.ping();
  assert.equal(capped.frames.length, 0);
  // Garbage is answered, not fatal.
  capped.send('{"nope":1}');
  await until(() => capped.texts.includes('INVALID OPERATION'), 'INVALID OPERATION');
  capped.ws.close();
  ok.ws.close();
});

test('ws_freeze drops data while active; ws_duplicate / ws_reorder; ws_drop closes the sockets', async () => {
  const meta = m.polymarket!;
  const s = new Sub(pm.wsUrl);
  await s.opened();
  s.send({ assets_ids: [meta.yesTokenId], type: 'market' });
  await until(() => s.books.size === 1, 'dump');
  const freeze = ctx.faults.add({ venue: 'polymarket', kind: 'ws_freeze' });
  assert.ok(ctx.placeOrder({ venue: 'polymarket', accountId: mm.id, marketId: m.id, action: 'buy', outcome: 'yes', px: 1100, qty: 700, tif: 'gtc', stp: 'none', silent: true }).ok);
  ctx.faults.remove(freeze.id);
  assert.ok(ctx.placeOrder({ venue: 'polymarket', accountId: mm.id, marketId: m.id, action: 'buy', outcome: 'yes', px: 1200, qty: 300, tif: 'gtc', stp: 'none', silent: true }).ok);
  await until(() => s.frames.length > 1, 'data after the freeze');
  // Nothing from the frozen period: no 0.11 level; the next frame is the 0.12 change.
  const first = s.frames[1] as { price_changes: { price: string }[] };
  assert.deepEqual(first.price_changes.map((c) => c.price), ['0.12']);
  assert.equal(s.books.get(meta.yesTokenId)!.bids.has('0.11'), false);

  // ws_duplicate: the next frame twice; ws_reorder: the next frame after the one that follows it.
  const prices = (): string[] =>
    s.frames.filter((f) => (f as { event_type: string }).event_type === 'price_change').map((f) => (f as { price_changes: { price: string }[] }).price_changes[0]!.price);
  const mark = prices().length;
  const bid = (px: number): void => {
    assert.ok(ctx.placeOrder({ venue: 'polymarket', accountId: mm.id, marketId: m.id, action: 'buy', outcome: 'yes', px, qty: 100, tif: 'gtc', stp: 'none', silent: true }).ok);
  };
  ctx.faults.add({ venue: 'polymarket', kind: 'ws_duplicate', count: 1 });
  bid(1300);
  ctx.faults.add({ venue: 'polymarket', kind: 'ws_reorder', count: 1 });
  bid(1400);
  bid(1500);
  await until(() => prices().length >= mark + 4, 'duplicated and reordered frames');
  assert.deepEqual(prices().slice(mark), ['0.13', '0.13', '0.15', '0.14']);

  ctx.faults.add({ venue: 'polymarket', kind: 'ws_drop', count: 1 });
  await until(() => s.closed, 'socket closed by ws_drop');
  assert.equal(pm.ws.connectionCount, 0);
});
