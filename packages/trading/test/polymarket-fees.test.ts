import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  POLY_NO_FEES, polyAdjustBuyAmountForFees, polyBuilderFeeMicros, polyFeeParamsFromWire, polyRateToPpm, polyTakerFeeMicros,
  type PolyFeeParams,
} from '../src/polymarket/fees.ts';
import { parseMicros, parsePx } from '../src/units.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const vectors = JSON.parse(readFileSync(path.resolve(repoRoot, '../shared/vectors/polymarket-v2.json'), 'utf8')) as {
  market_buy_fee_adjustment: { cases: Array<Record<string, number>> };
};

const fees = (rate: number, exponent = 1): PolyFeeParams => ({ ratePpm: polyRateToPpm(rate), exponent, takerOnly: true });

test('spec §15 worked examples (100 shares, exponent 1)', () => {
  const table: Array<[number, number, number]> = [
    // rate, fee at p=0.5, fee at p=0.9 (pUSD)
    [0.07, 1.75, 0.63],
    [0.05, 1.25, 0.45],
    [0.04, 1.0, 0.36],
  ];
  for (const [rate, at50, at90] of table) {
    assert.equal(polyTakerFeeMicros(5000, 10_000, fees(rate)), Math.round(at50 * 1e6), `rate ${rate} p 0.5`);
    assert.equal(polyTakerFeeMicros(9000, 10_000, fees(rate)), Math.round(at90 * 1e6), `rate ${rate} p 0.9`);
  }
});

test('spec §15 exponent 2 example (the client test: rate 0.25)', () => {
  assert.equal(polyTakerFeeMicros(5000, 10_000, fees(0.25, 2)), 1_562_500);
  assert.equal(polyTakerFeeMicros(9000, 10_000, fees(0.25, 2)), 202_500);
});

test('fee is symmetric around 0.5 and zero on fee-free markets', () => {
  for (const p of [100, 1234, 2500, 4999]) {
    assert.equal(polyTakerFeeMicros(p, 777, fees(0.07)), polyTakerFeeMicros(10_000 - p, 777, fees(0.07)));
  }
  assert.equal(polyTakerFeeMicros(5000, 10_000, POLY_NO_FEES), 0);
  assert.equal(polyTakerFeeMicros(5000, 0, fees(0.07)), 0);
});

test('fees are rounded to 5 decimals; floor by default, ceil or half-up on request', () => {
  // 1 share at 0.01, rate 0.04: 1 × 0.04 × 0.0099 = 0.000396 pUSD
  assert.equal(polyTakerFeeMicros(100, 100, fees(0.04)), 390);
  assert.equal(polyTakerFeeMicros(100, 100, fees(0.04), 'ceil'), 400);
  assert.equal(polyTakerFeeMicros(100, 100, fees(0.04), 'half-up'), 400);
  // below 0.00001: floor gives 0 ("anything smaller is 0")
  assert.equal(polyTakerFeeMicros(1, 1, fees(0.07)), 0);
  assert.equal(polyTakerFeeMicros(1, 1, fees(0.07), 'ceil'), 10);
  // 1,000,000 shares at 0.37: 1e6 × 0.07 × 0.2331 = $16,317, exact although the numerator exceeds 2^53
  assert.equal(polyTakerFeeMicros(parsePx('0.37'), 100_000_000, fees(0.07)), 16_317_000_000);
});

test('price outside (0,1) is refused', () => {
  assert.throws(() => polyTakerFeeMicros(0, 100, fees(0.07)), /outside \(0, 1\)/);
  assert.throws(() => polyTakerFeeMicros(10_000, 100, fees(0.07)), /outside \(0, 1\)/);
});

test('fee parameters from /clob-markets fd', () => {
  assert.deepEqual(polyFeeParamsFromWire({ r: 0.07, e: 1, to: true }), { ratePpm: 70_000, exponent: 1, takerOnly: true });
  assert.deepEqual(polyFeeParamsFromWire(undefined), POLY_NO_FEES);
  assert.equal(polyFeeParamsFromWire({ r: 0.0125, e: 2 }).ratePpm, 12_500);
  assert.equal(polyRateToPpm(1e-6), 1);
  assert.throws(() => polyFeeParamsFromWire({ r: 0.07, e: 1.5 }), /exponent/);
  assert.throws(() => polyRateToPpm(-0.1), /invalid fee rate/);
});

test('builder fee is flat bps of notional', () => {
  // 100 shares at 0.5 = $50, 100 bps -> $0.50
  assert.equal(polyBuilderFeeMicros(5000, 10_000, 100), 500_000);
});

test('market_buy_fee_adjustment vectors (spec §6.6) reproduce exactly', () => {
  const cases = vectors.market_buy_fee_adjustment.cases;
  assert.equal(cases.length, 6);
  for (const c of cases) {
    const got = polyAdjustBuyAmountForFees({
      amount: parseMicros(String(c.amount)),
      price: parsePx(String(c.price)),
      balance: parseMicros(String(c.user_usdc_balance)),
      params: fees(c.fee_rate!, c.fee_exponent),
      builderTakerRatePpm: polyRateToPpm(c.builder_taker_fee_rate!),
      feeSlippagePercent: c.fee_slippage_percent,
    });
    assert.equal(got, parseMicros(String(c.adjusted_amount)), JSON.stringify(c));
  }
});

test('fee adjustment refuses a bad slippage', () => {
  assert.throws(
    () => polyAdjustBuyAmountForFees({ amount: 1, price: 5000, balance: 1, params: fees(0.07), feeSlippagePercent: 0.5 }),
    /feeSlippage/,
  );
});
