import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OrderBook, type EngineOrder, type MatchResult } from '../src/index.ts';

const o = (id: string, owner: string, side: 'bid' | 'ask', px: number, qty: number, tif: EngineOrder['tif'] = 'gtc', extra: Partial<EngineOrder> = {}): EngineOrder => ({ id, owner, side, px, qty, tif, ...extra });

test('price-time priority: better price first, then arrival order; fills at the resting price', () => {
  const b = new OrderBook();
  b.submit(o('a1', 'm1', 'ask', 4500, 100));
  b.submit(o('a2', 'm2', 'ask', 4400, 100));
  b.submit(o('a3', 'm3', 'ask', 4400, 100));
  const r = b.submit(o('t', 'x', 'bid', 4600, 250, 'ioc'));
  assert.deepEqual(
    r.fills.map((f) => [f.makerId, f.px, f.qty]),
    [
      ['a2', 4400, 100],
      ['a3', 4400, 100],
      ['a1', 4500, 50],
    ],
  );
  assert.equal(r.filledQty, 250);
  assert.equal(r.restingQty, 0);
  assert.deepEqual(b.levels('ask'), [[4500, 50]]);
  assert.deepEqual(
    r.changes.map((c) => [c.side, c.px, c.size, c.delta]),
    [
      ['ask', 4400, 100, -100],
      ['ask', 4400, 0, -100],
      ['ask', 4500, 50, -50],
    ],
  );
});

test('ioc cancels the rest, gtc rests it, fok is all or nothing, post-only never takes', () => {
  const b = new OrderBook();
  b.submit(o('a', 'm', 'ask', 5000, 100));
  const ioc = b.submit(o('i', 'x', 'bid', 5000, 150, 'ioc'));
  assert.equal(ioc.filledQty, 100);
  assert.equal(ioc.cancelledQty, 50);
  assert.equal(b.bestBid(), null);
  b.submit(o('a2', 'm', 'ask', 5100, 100));
  const fok = b.submit(o('f', 'x', 'bid', 5100, 101, 'fok'));
  assert.equal(fok.accepted, false);
  assert.equal(fok.rejectReason, 'fok_not_filled');
  assert.deepEqual(b.levels('ask'), [[5100, 100]]);
  const fok2 = b.submit(o('f2', 'x', 'bid', 5100, 100, 'fok'));
  assert.equal(fok2.filledQty, 100);
  b.submit(o('a3', 'm', 'ask', 5200, 100));
  const po = b.submit(o('p', 'x', 'bid', 5200, 10, 'gtc', { postOnly: true }));
  assert.equal(po.accepted, false);
  assert.equal(po.rejectReason, 'post_only_cross');
  const po2 = b.submit(o('p2', 'x', 'bid', 5100, 10, 'gtc', { postOnly: true }));
  assert.equal(po2.restingQty, 10);
  const g = b.submit(o('g', 'y', 'bid', 5300, 150));
  assert.equal(g.filledQty, 100);
  assert.equal(g.restingQty, 50);
  assert.equal(b.bestBid(), 5300);
});

test('self-trade prevention: cancel_taker stops at our own order, cancel_maker removes it and continues', () => {
  const b = new OrderBook();
  b.submit(o('own', 'me', 'ask', 5000, 100));
  b.submit(o('other', 'you', 'ask', 5000, 100));
  const t1 = b.submit(o('t1', 'me', 'bid', 5000, 50, 'gtc', { stp: 'cancel_taker' }));
  assert.equal(t1.filledQty, 0);
  assert.equal(t1.selfTradeStopped, true);
  assert.equal(t1.restingQty, 0);
  assert.equal(b.sizeAt('ask', 5000), 200);
  const t2 = b.submit(o('t2', 'me', 'bid', 5000, 50, 'ioc', { stp: 'cancel_maker' }));
  assert.deepEqual(t2.makersCancelled, [{ id: 'own', owner: 'me', remaining: 100 }]);
  assert.deepEqual(t2.fills.map((f) => f.makerId), ['other']);
  assert.equal(b.sizeAt('ask', 5000), 50);
});

test('forced partial fill caps the match and cancels the rest', () => {
  const b = new OrderBook();
  b.submit(o('a', 'm', 'ask', 5000, 1000));
  const r = b.submit(o('t', 'x', 'bid', 5000, 800, 'gtc', { maxFillQty: 300 }));
  assert.equal(r.filledQty, 300);
  assert.equal(r.restingQty, 0);
  assert.equal(r.cancelledQty, 500);
});

const arbOrder = fc.record({
  owner: fc.constantFrom('a', 'b', 'c'),
  side: fc.constantFrom('bid' as const, 'ask' as const),
  px: fc.integer({ min: 40, max: 60 }).map((c) => c * 100),
  qty: fc.integer({ min: 1, max: 50 }).map((n) => n * 100),
  tif: fc.constantFrom('gtc' as const, 'ioc' as const, 'fok' as const),
  postOnly: fc.boolean(),
  stp: fc.constantFrom('cancel_taker' as const, 'cancel_maker' as const, 'none' as const),
  cancel: fc.option(fc.nat(), { nil: undefined }),
});

test('property: quantity is conserved, the book never stays crossed, fills respect limits and priority', () => {
  fc.assert(
    fc.property(fc.array(arbOrder, { minLength: 1, maxLength: 120 }), (ops) => {
      const b = new OrderBook();
      const submitted = new Map<string, { qty: number; side: 'bid' | 'ask'; px: number; seq: number }>();
      const filled = new Map<string, number>();
      const cancelled = new Map<string, number>();
      const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
      const ids: string[] = [];
      ops.forEach((op, i) => {
        if (op.cancel !== undefined && ids.length > 0) {
          const id = ids[op.cancel % ids.length]!;
          const c = b.cancel(id);
          if (c) add(cancelled, id, c.removed);
        }
        const id = `o${i}`;
        const before = { bid: b.levels('bid'), ask: b.levels('ask') };
        const r: MatchResult = b.submit({ id, owner: op.owner, side: op.side, px: op.px, qty: op.qty, tif: op.tif, postOnly: op.postOnly, stp: op.stp });
        if (!r.accepted) {
          assert.deepEqual({ bid: b.levels('bid'), ask: b.levels('ask') }, before, 'a rejected order changes nothing');
          return;
        }
        ids.push(id);
        submitted.set(id, { qty: op.qty, side: op.side, px: op.px, seq: i });
        assert.equal(r.filledQty + r.restingQty + r.cancelledQty, op.qty, 'taker quantity conserved');
        let lastPx = -1;
        for (const f of r.fills) {
          // Limit respected, and prices only get worse as the walk goes on (price priority).
          if (op.side === 'bid') assert.ok(f.px <= op.px);
          else assert.ok(f.px >= op.px);
          if (lastPx >= 0) assert.ok(op.side === 'bid' ? f.px >= lastPx : f.px <= lastPx);
          lastPx = f.px;
          assert.notEqual(f.makerOwner === op.owner && op.stp !== 'none', true, 'no self-trade under STP');
          const maker = submitted.get(f.makerId)!;
          assert.equal(maker.px, f.px, 'fills at the resting price');
          add(filled, f.makerId, f.qty);
          add(filled, id, f.qty);
        }
        // Time priority: at one price, makers fill in arrival order.
        for (let k = 1; k < r.fills.length; k++) {
          const a = r.fills[k - 1]!;
          const c = r.fills[k]!;
          if (a.px === c.px) assert.ok(submitted.get(a.makerId)!.seq < submitted.get(c.makerId)!.seq);
        }
        for (const mc of r.makersCancelled) add(cancelled, mc.id, mc.remaining);
        if (r.cancelledQty) add(cancelled, id, r.cancelledQty);
        const bb = b.bestBid();
        const ba = b.bestAsk();
        if (bb !== null && ba !== null) assert.ok(bb < ba, `book crossed: ${bb} >= ${ba}`);
      });
      // Every order: submitted = filled + cancelled + still resting.
      const resting = new Map<string, number>();
      for (const id of ids) {
        const rest = b.get(id);
        if (rest) resting.set(id, rest.remaining);
      }
      for (const [id, s] of submitted) {
        assert.equal((filled.get(id) ?? 0) + (cancelled.get(id) ?? 0) + (resting.get(id) ?? 0), s.qty, `order ${id} conserved`);
      }
      // Level totals equal the sum of their resting orders.
      for (const side of ['bid', 'ask'] as const) {
        for (const [px, size] of b.levels(side)) {
          let sum = 0;
          for (const id of ids) {
            const r = b.get(id);
            if (r && r.side === side && r.px === px) sum += r.remaining;
          }
          assert.equal(size, sum);
        }
      }
    }),
    { numRuns: 300, seed: 42 },
  );
});
