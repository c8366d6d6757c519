import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { kalshiMakerFeeMicros, kalshiTakerFeeMicros } from '@parity/trading/kalshi/fees.ts';
import { KalshiFeeModel, ManualClock, PriceGrid, SimContext, newMarket } from '../src/index.ts';

const cents = (m: number): number => m / 10_000;

test('spec §7.4 worked examples', () => {
  const q = new KalshiFeeModel('quadratic');
  const mk = new KalshiFeeModel('quadratic_with_maker_fees');
  assert.equal(cents(q.orderFee('taker', 900, 100)), 1);
  assert.equal(cents(q.orderFee('taker', 900, 10_000)), 58);
  assert.equal(cents(q.orderFee('taker', 900, 11_400)), 66);
  assert.equal(cents(q.orderFee('taker', 8400, 700)), 7);
  assert.equal(cents(q.orderFee('taker', 800, 100)), 1);
  assert.equal(cents(q.orderFee('taker', 5000, 1000)), 18);
  assert.equal(cents(q.orderFee('taker', 3000, 10_000)), 147);
  assert.equal(cents(mk.orderFee('maker', 5000, 1000)), 5);
  assert.equal(cents(mk.orderFee('maker', 3000, 10_000)), 37);
  assert.equal(cents(new KalshiFeeModel('quadratic', 0.5).orderFee('taker', 3000, 10_000)), 74);
  assert.equal(q.orderFee('maker', 5000, 1000), 0);
});

test('independent of, and equal to, the trading library formula', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 10_000_000 }), fc.constantFrom('quadratic', 'quadratic_with_maker_fees', 'quadratic_with_combo_maker_fees') as fc.Arbitrary<'quadratic'>, fc.constantFrom(1, 0.5, 1.25), (px, qty, feeType, mult) => {
      const m = new KalshiFeeModel(feeType, mult);
      assert.equal(m.orderFee('taker', px, qty), kalshiTakerFeeMicros(px, qty, { feeType, feeMultiplier: mult }));
      assert.equal(m.orderFee('maker', px, qty), kalshiMakerFeeMicros(px, qty, { feeType, feeMultiplier: mult }));
    }),
    { numRuns: 500, seed: 7 },
  );
});

test('per-order accumulator: 100 single-contract fills at 9c cost 58c in total, not $1.00', () => {
  const ctx = new SimContext({ seed: 1, clock: new ManualClock() });
  ctx.addMarket(newMarket({ id: 'K', venue: 'kalshi', grid: PriceGrid.uniform(100), status: 'open', fees: new KalshiFeeModel('quadratic'), netting: true }));
  const mm = ctx.addAccount({ id: 'mm', venue: 'kalshi', cash: 1e12, marketMaker: true });
  const me = ctx.addAccount({ id: 'me', venue: 'kalshi', cash: 1e9 });
  for (let i = 0; i < 100; i++) ctx.placeOrder({ venue: 'kalshi', accountId: mm.id, marketId: 'K', action: 'buy', outcome: 'no', px: 9100, qty: 100, tif: 'gtc', silent: true });
  const r = ctx.placeOrder({ venue: 'kalshi', accountId: me.id, marketId: 'K', action: 'buy', outcome: 'yes', px: 900, qty: 10_000, tif: 'ioc' });
  assert.ok(r.ok);
  assert.equal(r.fills.length, 100);
  assert.equal(r.order.takerFees, 580_000);
  assert.equal(r.fills.reduce((s, f) => s + f.fee, 0), 580_000);
  assert.equal(me.cash, 1e9 - 9_000_000 - 580_000);
});
