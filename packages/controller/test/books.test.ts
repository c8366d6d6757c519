// Books: the ladder, Kalshi and Polymarket books, the frame parsers feeding them, and property
// tests against brute-force references. Spec vectors: discovery-and-arb.md §4.2 (K1–K12, P1–P8)
// and kalshi.md §6, with sizes as contract counts (the reference's `q × price / 100` "size" was a
// unit bug, §5.2 item 1; we keep the bid quantity itself).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseScaled } from '@parity/trading';
import { fastScaled } from '@parity/trading/market-data-common.ts';
import { KalshiBookSession } from '@parity/trading/kalshi/market-data.ts';
import { PolyBookSession } from '@parity/trading/polymarket/market-data.ts';
import { Ladder } from '../src/books/ladder.ts';
import { KalshiBook } from '../src/books/kalshi-book.ts';
import { BookStore } from '../src/books/book-store.ts';
import { askPx, askQty } from '../src/books/pair-state.ts';
import type { Pair } from '../src/model.ts';

const live = { aliveAtMs: 0 };
const c = (cents: number): number => cents * 100; // cents -> Px
const n = (contracts: number): number => contracts * 100; // contracts -> Qty

function kbook(yes: Array<[number, number]>, no: Array<[number, number]> = []): KalshiBook {
  const b = new KalshiBook('T');
  b.applySnapshot(yes.flatMap(([p, q]) => [c(p), n(q)]), no.flatMap(([p, q]) => [c(p), n(q)]), 1, live);
  return b;
}

test('ladder keeps bids ascending / asks descending with the best last', () => {
  const bids = new Ladder('bids');
  const asks = new Ladder('asks');
  for (const [p, q] of [[50, 1], [30, 2], [70, 3], [60, 4]] as const) {
    bids.set(p, q);
    asks.set(p, q);
  }
  assert.deepEqual(bids.toArray(), [[70, 3], [60, 4], [50, 1], [30, 2]]);
  assert.deepEqual(asks.toArray(), [[30, 2], [50, 1], [60, 4], [70, 3]]);
  bids.set(70, 0);
  asks.set(30, 0);
  assert.equal(bids.bestPx(), 60);
  assert.equal(asks.bestPx(), 50);
  assert.equal(bids.add(10, -5), 0, 'negative change at an absent price is a no-op');
  assert.equal(bids.n, 3);
  assert.equal(bids.add(50, 4), 5);
  assert.equal(bids.add(50, -5), 0);
  assert.equal(bids.sizeAt(50), 0);
  const empty = new Ladder('asks');
  assert.equal(empty.bestPx(), -1);
  assert.equal(empty.bestQty(), 0);
  // growth past the initial capacity
  const big = new Ladder('bids', 2);
  for (let p = 1; p <= 100; p++) big.set(p, p);
  assert.equal(big.n, 100);
  assert.equal(big.bestPx(), 100);
  assert.equal(big.pxAt(99), 1);
});

test('Kalshi §4.2 K1–K10: derived asks with contract-count sizes', () => {
  const k1 = () => kbook([[36, 23], [34, 10]]);
  // K1: NO ask 64, size 23 contracts (the reference printed 8 = 23 × 36 / 100)
  let b = k1();
  assert.equal(b.noAskPx(), c(64));
  assert.equal(b.yes.bestQty(), n(23));
  // K2
  b = kbook([], [[60, 15], [58, 8]]);
  assert.equal(b.yesAskPx(), c(40));
  assert.equal(b.no.bestQty(), n(15));
  // K3: best removed -> next level becomes best
  b = k1();
  b.applyDelta('yes', c(36), -n(23), 2);
  assert.equal(b.noAskPx(), c(66));
  assert.equal(b.yes.bestQty(), n(10));
  // K4: side emptied
  b = kbook([[36, 23]]);
  b.applyDelta('yes', c(36), -n(23), 2);
  assert.equal(b.noAskPx(), -1);
  assert.equal(b.yes.n, 0);
  // K5: a better bid arrives
  b = kbook([[36, 23]]);
  b.applyDelta('yes', c(40), n(10), 2);
  assert.equal(b.noAskPx(), c(60));
  // K6: partial reduction
  b = kbook([[36, 23]]);
  b.applyDelta('yes', c(36), -n(10), 2);
  assert.equal(b.noAskPx(), c(64));
  assert.equal(b.yes.bestQty(), n(13));
  // K7: a non-best level changes, the best does not
  b = k1();
  b.applyDelta('yes', c(34), -n(5), 2);
  assert.equal(b.noAskPx(), c(64));
  assert.equal(b.yes.bestQty(), n(23));
  assert.equal(b.yes.sizeAt(c(34)), n(5));
  // K8: over-removal removes the level
  b = kbook([[36, 5]]);
  b.applyDelta('yes', c(36), -n(10), 2);
  assert.equal(b.yes.n, 0);
  // K9: negative delta at an absent price: unchanged
  b = kbook([[36, 23]]);
  b.applyDelta('yes', c(20), -n(5), 2);
  assert.deepEqual(b.yes.toArray(), [[c(36), n(23)]]);
  // K10: deltas then a new snapshot replaces everything
  b = kbook([[36, 23], [34, 10]], [[60, 15]]);
  b.applyDelta('yes', c(36), -n(23), 2);
  b.applyDelta('yes', c(38), n(50), 3);
  b.applySnapshot([c(42), n(30)], [c(55), n(20)], 4, live);
  assert.equal(b.noAskPx(), c(58));
  assert.equal(b.yesAskPx(), c(45));
  assert.equal(b.yes.n, 1);
  assert.equal(b.yes.sizeAt(c(38)), 0);
  assert.equal(b.tradeable, true);
});

test('Kalshi §6 worked example and the crossed-book guard', () => {
  const b = kbook([[40, 120], [42, 30]], [[55, 80], [56, 10]]);
  assert.equal(b.yesAskPx(), c(44));
  assert.equal(b.no.bestQty(), n(10));
  assert.equal(b.noAskPx(), c(58));
  assert.equal(b.yes.bestQty(), n(30));
  assert.equal(b.applyDelta('no', c(56), -n(10), 2), true);
  assert.equal(b.yesAskPx(), c(45));
  assert.equal(b.no.bestQty(), n(80));
  // A delta that crosses the book (YES bid 0.46 + NO bid 0.55 >= $1) makes it untradeable.
  assert.equal(b.applyDelta('yes', c(46), n(1), 3), false);
  assert.equal(b.tradeable, false);
  assert.match(b.reason, /crossed/);
  const crossed = new KalshiBook('X');
  assert.equal(crossed.applySnapshot([c(60), n(1)], [c(40), n(1)], 1, live), false);
  assert.equal(crossed.tradeable, false);
});

function pair(id: string, ticker: string, yes: string, no: string): Pair {
  return { id, description: id, kalshiTicker: ticker, polyYesToken: yes, polyNoToken: no, source: 'file' };
}

function kalshiSession(store: BookStore) {
  const sent: Array<Record<string, unknown>> = [];
  const fatal: string[] = [];
  const s = new KalshiBookSession(store, (m) => sent.push(m as Record<string, unknown>), (r) => fatal.push(r));
  s.add(['T']);
  s.handleText(JSON.stringify({ id: 1, type: 'subscribed', msg: { channel: 'orderbook_delta', sid: 7 } }), 1);
  let seq = 0;
  const feed = (type: string, msg: object) => s.handleText(JSON.stringify({ type, sid: 7, seq: ++seq, msg }), 2);
  return { s, sent, fatal, feed };
}

test('Kalshi frames: K11 zero-size levels are absent, K12 unknown side rejected and resynced', () => {
  const store = new BookStore();
  store.addPair(pair('p', 'T', 'Y', 'N'));
  const { s, sent, feed } = kalshiSession(store);
  const book = store.kalshiBooks.get('T')!;
  feed('orderbook_snapshot', { market_ticker: 'T', yes_dollars_fp: [['0.3600', '23.00'], ['0.3400', '0.00'], ['0.3000', '5.00']] });
  assert.equal(book.yes.n, 2);
  assert.equal(book.yes.sizeAt(c(34)), 0);
  assert.equal(book.tradeable, true);
  const before = book.yes.toArray();
  feed('orderbook_delta', { market_ticker: 'T', price_dollars: '0.3600', delta_fp: '-5.00', side: 'bid' });
  assert.deepEqual(book.yes.toArray(), before, 'book unchanged');
  assert.equal(book.tradeable, false, 'a lost change makes the book untradeable');
  assert.equal(store.badFrames.countFor('kalshi', 'T'), 1);
  const last = sent.at(-1)!;
  assert.equal(last.cmd, 'update_subscription');
  assert.deepEqual(last.params, { sid: 7, action: 'get_snapshot', market_tickers: ['T'] });
  assert.equal(s.isSynced('T'), false);
  // deltas before the new snapshot are not applied to the unsynced book
  feed('orderbook_delta', { market_ticker: 'T', price_dollars: '0.3600', delta_fp: '-23.00', side: 'yes' });
  assert.deepEqual(book.yes.toArray(), before);
  feed('orderbook_snapshot', { market_ticker: 'T', yes_dollars_fp: [['0.3600', '23.00']], no_dollars_fp: [['0.6000', '15.00']] });
  assert.equal(book.tradeable, true);
  assert.equal(book.yesAskPx(), c(40));
});

test('Kalshi frames: bad frames are counted, never crash, never corrupt', () => {
  const store = new BookStore();
  store.addPair(pair('p', 'T', 'Y', 'N'));
  const { s, feed } = kalshiSession(store);
  const book = store.kalshiBooks.get('T')!;
  feed('orderbook_snapshot', { market_ticker: 'T', yes_dollars_fp: [['0.3600', '23.00']], no_dollars_fp: [['0.6000', '15.00']] });
  const good = () => JSON.stringify([book.yes.toArray(), book.no.toArray()]);
  const snap = good();
  const bads: object[] = [
    { market_ticker: 'T', price_dollars: 'abc', delta_fp: '1.00', side: 'yes' },
    { market_ticker: 'T', price_dollars: '1.5000', delta_fp: '1.00', side: 'yes' },
    { market_ticker: 'T', price_dollars: '0.3600', side: 'yes' },
    { market_ticker: 'T', price_dollars: '0.36001', delta_fp: '1.00', side: 'yes' },
  ];
  for (const m of bads) {
    feed('orderbook_delta', m);
    assert.equal(good(), snap, `book unchanged by ${JSON.stringify(m)}`);
    assert.equal(book.tradeable, false);
    feed('orderbook_snapshot', { market_ticker: 'T', yes_dollars_fp: [['0.3600', '23.00']], no_dollars_fp: [['0.6000', '15.00']] });
    assert.equal(book.tradeable, true);
  }
  // negative / non-numeric levels in a snapshot: refused whole
  feed('orderbook_snapshot', { market_ticker: 'T', yes_dollars_fp: [['0.3600', '-1.00']] });
  assert.equal(book.tradeable, false);
  assert.equal(good(), snap);
  feed('orderbook_snapshot', { market_ticker: 'T', yes_dollars_fp: [['x', '1.00']] });
  assert.equal(good(), snap);
  // crossed snapshot: applied but untradeable
  feed('orderbook_snapshot', { market_ticker: 'T', yes_dollars_fp: [['0.6000', '1.00']], no_dollars_fp: [['0.5000', '1.00']] });
  assert.equal(book.tradeable, false);
  // garbage frames
  s.handleText('not json', 3);
  s.handleText('[1,2]', 3);
  s.handleText(JSON.stringify({ type: 'mystery', sid: 7 }), 3);
  assert.ok(store.badFrames.total >= 9, `counted ${store.badFrames.total}`);
  // legacy integer shapes are still read
  feed('orderbook_snapshot', { market_ticker: 'T', yes: [[36, 23]], no: [[60, 15]] });
  assert.equal(book.tradeable, true);
  assert.equal(book.yesAskPx(), c(40));
  feed('orderbook_delta', { market_ticker: 'T', price: 36, delta: -3, side: 'yes' });
  assert.equal(book.yes.bestQty(), n(20));
});

test('Kalshi seq: a gap or a duplicate invalidates every book of the subscription and asks for snapshots', () => {
  const store = new BookStore();
  store.addPair(pair('a', 'A', 'Y1', 'N1'));
  store.addPair(pair('b', 'B', 'Y2', 'N2'));
  const sent: Array<Record<string, unknown>> = [];
  const s = new KalshiBookSession(store, (m) => sent.push(m as Record<string, unknown>), () => {});
  s.add(['A', 'B']);
  assert.equal(sent[0]!.cmd, 'subscribe');
  assert.deepEqual((sent[0]!.params as Record<string, unknown>).market_tickers, ['A', 'B']);
  assert.equal((sent[0]!.params as Record<string, unknown>).use_yes_price, false);
  s.handleText(JSON.stringify({ id: 1, type: 'subscribed', msg: { channel: 'orderbook_delta', sid: 3 } }), 1);
  const snap = (t: string, seq: number) =>
    s.handleText(JSON.stringify({ type: 'orderbook_snapshot', sid: 3, seq, msg: { market_ticker: t, yes_dollars_fp: [['0.4000', '10.00']], no_dollars_fp: [['0.5000', '10.00']] } }), 2);
  snap('A', 1);
  snap('B', 2);
  const a = store.kalshiBooks.get('A')!;
  const b = store.kalshiBooks.get('B')!;
  assert.ok(a.tradeable && b.tradeable);
  // gap: seq 3 missing
  s.handleText(JSON.stringify({ type: 'orderbook_delta', sid: 3, seq: 4, msg: { market_ticker: 'A', price_dollars: '0.4000', delta_fp: '1.00', side: 'yes' } }), 3);
  assert.equal(a.tradeable, false);
  assert.equal(b.tradeable, false);
  assert.equal(a.yes.bestQty(), n(10), 'the delta after the gap is not applied');
  const req = sent.at(-1)!;
  assert.deepEqual(req.params, { sid: 3, action: 'get_snapshot', market_tickers: ['A', 'B'] });
  snap('A', 5);
  snap('B', 6);
  assert.ok(a.tradeable && b.tradeable);
  // duplicate
  snap('A', 6);
  assert.equal(a.tradeable, false);
  assert.equal(b.tradeable, false);
  assert.equal(s.stats.gaps, 1);
  assert.equal(s.stats.duplicates, 1);
  // 'ok' replies count in the sequence
  snap('A', 7);
  snap('B', 8);
  s.handleText(JSON.stringify({ id: 9, type: 'ok', sid: 3, seq: 9, msg: { market_tickers: ['A', 'B'] } }), 4);
  s.handleText(JSON.stringify({ type: 'orderbook_delta', sid: 3, seq: 10, msg: { market_ticker: 'B', price_dollars: '0.5000', delta_fp: '-4.00', side: 'no' } }), 5);
  assert.ok(a.tradeable && b.tradeable);
  assert.equal(b.no.bestQty(), n(6));
});

test('Polymarket §4.2 P1–P8 through the frame parser (asks as share counts)', () => {
  const store = new BookStore();
  store.addPair(pair('m0', 'K0', 'A', 'B'));
  store.addPair(pair('m1', 'K1', 'B', 'A')); // P8: token A is YES of m0 and NO of m1
  const s = new PolyBookSession(store, () => {}, () => {});
  s.add(['A', 'B']);
  s.start();
  const book = (asset: string, asks: Array<[string, string]>, bids: Array<[string, string]> = []) => ({
    event_type: 'book', asset_id: asset, market: '0x1', bids: bids.map(([price, size]) => ({ price, size })), asks: asks.map(([price, size]) => ({ price, size })), timestamp: '1', hash: '0x',
  });
  const change = (asset: string, price: string, size: string, side = 'SELL') => ({ event_type: 'price_change', market: '0x1', timestamp: '1', price_changes: [{ asset_id: asset, price, size, side }] });
  const A = store.polyBooks.get('A')!;
  const best = () => [A.asks.bestPx(), A.asks.bestQty()];
  // P1 (array frame)
  s.handleText(JSON.stringify([book('A', [['0.48', '2000'], ['0.45', '1500'], ['0.52', '3000']])]), 1);
  assert.deepEqual(best(), [c(45), n(1500)]);
  // P2
  s.handleText(JSON.stringify(book('A', [['.50', '1000']])), 1);
  s.handleText(JSON.stringify(change('A', '0.48', '500')), 2);
  assert.deepEqual(best(), [c(48), n(500)]);
  // P3
  s.handleText(JSON.stringify(book('A', [['0.45', '1000']])), 1);
  s.handleText(JSON.stringify(change('A', '0.45', '2000')), 2);
  assert.deepEqual(best(), [c(45), n(2000)]);
  // P4
  s.handleText(JSON.stringify(book('A', [['0.45', '1000'], ['0.50', '2000']])), 1);
  s.handleText(JSON.stringify(change('A', '0.45', '0')), 2);
  assert.deepEqual(best(), [c(50), n(2000)]);
  // P5
  s.handleText(JSON.stringify(book('A', [['0.50', '1000']])), 1);
  s.handleText(JSON.stringify(change('A', '0.50', '0')), 2);
  assert.equal(A.asks.n, 0);
  // P6
  s.handleText(JSON.stringify(book('A', [['0.45', '1000'], ['0.50', '2000']])), 1);
  s.handleText(JSON.stringify(book('A', [['0.60', '500'], ['0.65', '800']])), 1);
  s.handleText(JSON.stringify(change('A', '0.45', '0')), 2);
  assert.deepEqual(best(), [c(60), n(500)]);
  // P7: a zero-size level is absent; a price-0 level is refused (bad frame, book not tradeable)
  s.handleText(JSON.stringify(book('A', [['0.45', '0'], ['0.50', '2000']])), 1);
  assert.deepEqual(best(), [c(50), n(2000)]);
  assert.equal(A.asks.n, 1);
  const bad0 = store.badFrames.total;
  s.handleText(JSON.stringify(book('A', [['0', '1000'], ['0.50', '2000']])), 1);
  assert.equal(store.badFrames.total, bad0 + 1);
  assert.equal(A.tradeable, false);
  // sub-cent prices keep their own levels (the reference collapsed 0.999/0.998/0.99 into 99¢)
  s.handleText(JSON.stringify(book('A', [['0.999', '100000'], ['0.998', '55000'], ['0.99', '92075']])), 1);
  assert.equal(A.asks.n, 3);
  assert.deepEqual(best(), [9900, n(92075)]);
  // P8: one token, two pairs in opposite roles
  s.handleText(JSON.stringify([book('A', [['0.34', '4.62']]), book('B', [['0.70', '26.75']])]), 1);
  const m0 = store.pairs.get('m0')!;
  const m1 = store.pairs.get('m1')!;
  assert.deepEqual([askPx(m0.polyYes, 0), askPx(m0.polyNo, 0)], [c(34), c(70)]);
  assert.deepEqual([askPx(m1.polyYes, 0), askPx(m1.polyNo, 0)], [c(70), c(34)]);
  assert.equal(askQty(m0.polyYes, 0), 462);
});

test('Polymarket frames: drift against the venue top of book, crossed books, legacy schema, tick size', () => {
  const store = new BookStore();
  store.addPair(pair('m', 'K', 'A', 'B'));
  const sent: string[] = [];
  const s = new PolyBookSession(store, (t) => sent.push(t), () => {});
  s.add(['A', 'B']);
  s.start();
  const A = store.polyBooks.get('A')!;
  s.handleText(JSON.stringify({ event_type: 'book', asset_id: 'A', bids: [{ price: '0.40', size: '10' }], asks: [{ price: '0.45', size: '10' }] }), 1);
  assert.equal(A.tradeable, true);
  // consistent change with matching best_bid/best_ask
  s.handleText(JSON.stringify({ event_type: 'price_change', price_changes: [{ asset_id: 'A', price: '0.44', size: '5', side: 'SELL', best_bid: '0.4', best_ask: '0.44' }] }), 2);
  assert.equal(A.tradeable, true);
  // frame without event_type but with price_changes; BUY side changes bids
  s.handleText(JSON.stringify({ price_changes: [{ asset_id: 'A', price: '0.41', size: '3', side: 'BUY', best_bid: '0.41', best_ask: '0.44' }] }), 2);
  assert.equal(A.bids.bestPx(), c(41));
  assert.equal(A.tradeable, true);
  // the venue says best ask 0.43 but we have 0.44: drift -> untradeable + resubscribe
  sent.length = 0;
  s.handleText(JSON.stringify({ event_type: 'price_change', price_changes: [{ asset_id: 'A', price: '0.50', size: '5', side: 'SELL', best_bid: '0.41', best_ask: '0.43' }] }), 3);
  assert.equal(A.tradeable, false);
  assert.match(A.reason, /drift/);
  assert.deepEqual(sent.map((t) => JSON.parse(t).operation), ['unsubscribe', 'subscribe']);
  // changes are not applied until a fresh book
  s.handleText(JSON.stringify({ event_type: 'price_change', price_changes: [{ asset_id: 'A', price: '0.30', size: '5', side: 'SELL' }] }), 3);
  assert.equal(A.asks.sizeAt(c(30)), 0);
  s.handleText(JSON.stringify({ event_type: 'book', asset_id: 'A', bids: [{ price: '0.40', size: '10' }], asks: [{ price: '0.43', size: '10' }] }), 4);
  assert.equal(A.tradeable, true);
  // crossing change -> untradeable
  s.handleText(JSON.stringify({ event_type: 'price_change', price_changes: [{ asset_id: 'A', price: '0.43', size: '1', side: 'BUY' }] }), 5);
  assert.equal(A.tradeable, false);
  // legacy price_change schema
  s.handleText(JSON.stringify({ event_type: 'book', asset_id: 'A', bids: [], asks: [{ price: '0.43', size: '10' }] }), 6);
  s.handleText(JSON.stringify({ event_type: 'price_change', asset_id: 'A', changes: [{ price: '0.42', side: 'SELL', size: '7' }] }), 6);
  assert.deepEqual([A.asks.bestPx(), A.asks.bestQty()], [c(42), n(7)]);
  // tick size
  s.handleText(JSON.stringify({ event_type: 'tick_size_change', asset_id: 'A', old_tick_size: '0.01', new_tick_size: '0.001' }), 7);
  assert.equal(A.tickSize, 10);
  // unknown types and garbage are counted, known-but-unused are not
  const bad = store.badFrames.total;
  s.handleText(JSON.stringify({ event_type: 'last_trade_price', asset_id: 'A', price: '0.5' }), 8);
  assert.equal(store.badFrames.total, bad);
  s.handleText(JSON.stringify({ event_type: 'weird', asset_id: 'A' }), 8);
  s.handleText('{', 8);
  s.handleText('PONG', 8);
  assert.equal(store.badFrames.total, bad + 2);
  assert.equal(store.badFrames.countFor('polymarket', 'A') >= 1, true);
});

// --- properties ------------------------------------------------------------------------------------

const pxArb = fc.integer({ min: 1, max: 9999 });
const qtyArb = fc.integer({ min: 1, max: 1_000_000 });
const levelsArb = fc.array(fc.tuple(pxArb, qtyArb), { maxLength: 30 });

test('property: Kalshi snapshot + deltas == rebuilding from the final snapshot', () => {
  fc.assert(
    fc.property(
      levelsArb,
      fc.array(fc.tuple(fc.boolean(), pxArb, fc.integer({ min: -2_000_000, max: 2_000_000 })), { maxLength: 200 }),
      (initial, deltas) => {
        const ref = new Map<number, number>();
        for (const [p, q] of initial) ref.set(p, q);
        const ladder = new Ladder('bids');
        ladder.replaceFlat(initial.flat());
        const refNo = new Map<number, number>();
        const ladderNo = new Ladder('bids');
        for (const [isYes, p, d] of deltas) {
          const m = isYes ? ref : refNo;
          const v = (m.get(p) ?? 0) + d;
          if (v > 0) m.set(p, v);
          else m.delete(p);
          (isYes ? ladder : ladderNo).add(p, d);
        }
        for (const [m, l] of [[ref, ladder], [refNo, ladderNo]] as const) {
          const rebuilt = new Ladder('bids');
          rebuilt.replaceFlat([...m].flat());
          assert.deepEqual(l.toArray(), rebuilt.toArray());
          // brute-force best and order: descending prices from the best, sizes > 0
          const sorted = [...m].sort((x, y) => y[0] - x[0]);
          assert.deepEqual(l.toArray(), sorted);
          assert.equal(l.bestPx(), sorted.length ? sorted[0]![0] : -1);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('property: Polymarket book + absolute changes == rebuilding from the final book; walk == brute force', () => {
  fc.assert(
    fc.property(
      levelsArb,
      fc.array(fc.tuple(pxArb, fc.oneof(fc.constant(0), qtyArb)), { maxLength: 200 }),
      fc.integer({ min: 0, max: 5_000_000 }),
      (initial, changes, want) => {
        const ref = new Map<number, number>();
        for (const [p, q] of initial) ref.set(p, q);
        const asks = new Ladder('asks');
        asks.replaceFlat(initial.flat());
        for (const [p, q] of changes) {
          if (q > 0) ref.set(p, q);
          else ref.delete(p);
          asks.set(p, q);
        }
        const rebuilt = new Ladder('asks');
        rebuilt.replaceFlat([...ref].flat());
        assert.deepEqual(asks.toArray(), rebuilt.toArray());
        const sorted = [...ref].sort((x, y) => x[0] - y[0]);
        assert.equal(asks.bestPx(), sorted.length ? sorted[0]![0] : -1);
        // depth walk for `want` Qty: cost and worst price vs a brute-force walk over the sorted map
        const leg = { platform: 'polymarket' as const, side: 'yes' as const, market: 'x', ladder: asks, invert: false };
        let left = want;
        let cost = 0;
        let worst = -1;
        for (let i = 0; i < asks.n && left > 0; i++) {
          const q = Math.min(left, askQty(leg, i));
          cost += askPx(leg, i) * q;
          worst = askPx(leg, i);
          left -= q;
        }
        let bLeft = want;
        let bCost = 0;
        let bWorst = -1;
        for (const [p, q] of sorted) {
          if (bLeft <= 0) break;
          const t = Math.min(bLeft, q);
          bCost += p * t;
          bWorst = p;
          bLeft -= t;
        }
        assert.deepEqual([cost, worst, left], [bCost, bWorst, bLeft]);
      },
    ),
    { numRuns: 300 },
  );
});

test('property: Kalshi derived asks mirror the opposite bids', () => {
  fc.assert(
    fc.property(levelsArb, levelsArb, (yes, no) => {
      const b = new KalshiBook('T');
      b.applySnapshot(yes.flat(), no.flat(), 1, live);
      const noBids = [...new Map(no)].sort((x, y) => y[0] - x[0]);
      const yesBids = [...new Map(yes)].sort((x, y) => y[0] - x[0]);
      assert.equal(b.yesAskPx(), noBids.length ? 10_000 - noBids[0]![0] : -1);
      assert.equal(b.noAskPx(), yesBids.length ? 10_000 - yesBids[0]![0] : -1);
      const crossed = yesBids.length > 0 && noBids.length > 0 && yesBids[0]![0] + noBids[0]![0] >= 10_000;
      assert.equal(b.tradeable, !crossed);
    }),
    { numRuns: 300 },
  );
});

test('property: the hot-path decimal parser agrees with units.ts parseScaled whenever it answers', () => {
  const decimal = fc
    .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{0,7}$/), fc.boolean(), fc.stringMatching(/^[0-9]{0,6}$/))
    .map(([neg, int, dot, frac]) => `${neg ? '-' : ''}${int}${dot ? '.' : ''}${frac}`);
  const junk = fc.string({ maxLength: 12 });
  let answered = 0;
  fc.assert(
    fc.property(fc.oneof(decimal, junk), fc.constantFrom(2, 4), (s, scale) => {
      const fast = fastScaled(s, scale);
      let full: number | null;
      try {
        full = parseScaled(s, scale);
      } catch {
        full = null;
      }
      if (fast === fast) {
        answered++;
        assert.equal(fast, full, `fastScaled(${JSON.stringify(s)}, ${scale})`);
      }
    }),
    { numRuns: 3000 },
  );
  assert.ok(answered > 1000, `the fast path answered only ${answered} times`);
  assert.equal(fastScaled('0.41', 4), 4100);
  assert.equal(fastScaled('.5', 4), 5000);
  assert.equal(fastScaled('-350.00', 2), -35000);
  assert.ok(Number.isNaN(fastScaled('0.36001', 4)));
  assert.ok(Number.isNaN(fastScaled('1e5', 2)));
});
