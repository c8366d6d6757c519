import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  effectiveKalshiFeeParams,
  kalshiFeeMicros,
  kalshiMakerFeeMicros,
  kalshiTakerFeeMicros,
  parseKalshiFeeType,
} from '../src/kalshi/fees.ts';
import { parseMicros } from '../src/units.ts';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const fixturesDir = join(repoRoot, '../shared/fixtures/kalshi');

const usd = (s: string): number => parseMicros(s);

test('spec §7.4 worked examples (taker unless noted)', () => {
  // [case, price Px, contracts Qty, options, role, expected fee]
  const cases: [string, number, number, Parameters<typeof kalshiTakerFeeMicros>[2], 'taker' | 'maker', string][] = [
    ['buy 1 YES @ 0.09', 900, 100, undefined, 'taker', '0.01'],
    ['buy 100 YES @ 0.09', 900, 10_000, undefined, 'taker', '0.58'],
    ['IOC 200 @ 0.09, 114 filled', 900, 11_400, undefined, 'taker', '0.66'],
    ['sell 20 YES @ 0.84, 7 filled', 8400, 700, undefined, 'taker', '0.07'],
    ['sell 1 YES filled at 0.08', 800, 100, undefined, 'taker', '0.01'],
    ['10 @ 0.50', 5000, 1000, undefined, 'taker', '0.18'],
    ['100 @ 0.30', 3000, 10_000, undefined, 'taker', '1.47'],
    ['maker 10 @ 0.50', 5000, 1000, { feeType: 'quadratic_with_maker_fees' }, 'maker', '0.05'],
    ['maker 100 @ 0.30', 3000, 10_000, { feeType: 'quadratic_with_maker_fees' }, 'maker', '0.37'],
    ['taker 100 @ 0.30, multiplier 0.5', 3000, 10_000, { feeMultiplier: 0.5 }, 'taker', '0.74'],
  ];
  for (const [name, px, qty, opts, role, want] of cases) {
    assert.equal(kalshiFeeMicros(role, px, qty, opts), usd(want), name);
  }
});

test('symmetric in P and 1 - P; a single contract at 0.50 pays 2 cents', () => {
  for (const px of [100, 900, 3000, 5000, 7700, 9999]) {
    assert.equal(kalshiTakerFeeMicros(px, 12_300), kalshiTakerFeeMicros(10_000 - px, 12_300), `px ${px}`);
  }
  assert.equal(kalshiTakerFeeMicros(5000, 100), 20_000);
});

test('aggregate rounding, not per contract: 100 @ 0.09 is $0.58, not $1.00', () => {
  const perContract = 100 * kalshiTakerFeeMicros(900, 100);
  assert.equal(perContract, 1_000_000);
  assert.equal(kalshiTakerFeeMicros(900, 10_000), 580_000);
});

test('maker fees by fee type; quadratic has none', () => {
  assert.equal(kalshiMakerFeeMicros(5000, 1000), 0);
  assert.equal(kalshiMakerFeeMicros(5000, 1000, { feeType: 'quadratic' }), 0);
  // 0.035 × 10 × 0.25 = 0.0875 -> $0.09
  assert.equal(kalshiMakerFeeMicros(5000, 1000, { feeType: 'quadratic_with_combo_maker_fees' }), 90_000);
  // taker is the general table whatever the type
  assert.equal(kalshiTakerFeeMicros(5000, 1000, { feeType: 'quadratic_with_combo_maker_fees' }), 180_000);
});

test('sub-penny prices and fractional contracts: exact integer maths, rounding units', () => {
  // 0.07 × 2.5 × 0.0125 × 0.9875 = 0.00216015625 $
  assert.equal(kalshiTakerFeeMicros(125, 250, { rounding: 'micro' }), 2161);
  assert.equal(kalshiTakerFeeMicros(125, 250, { rounding: 'centicent' }), 2200);
  assert.equal(kalshiTakerFeeMicros(125, 250), 10_000);
  // exact cent results are not bumped: 0.07 × 100 × 0.5 × 0.5 = 1.75
  assert.equal(kalshiTakerFeeMicros(5000, 10_000), 1_750_000);
  assert.equal(kalshiTakerFeeMicros(5000, 10_000, { rounding: 'micro' }), 1_750_000);
  // zero quantity / degenerate prices / zero multiplier cost nothing
  assert.equal(kalshiTakerFeeMicros(5000, 0), 0);
  assert.equal(kalshiTakerFeeMicros(0, 100), 0);
  assert.equal(kalshiTakerFeeMicros(10_000, 100), 0);
  assert.equal(kalshiTakerFeeMicros(5000, 100, { feeMultiplier: 0 }), 0);
});

test('huge quantities take the bigint path and agree with a bigint reference', () => {
  const qty = 4_000_000_000; // 40M contracts: beyond the fast path's 2^53
  const px = 4321;
  const n = 7n * BigInt(qty) * BigInt(px) * BigInt(10_000 - px);
  const want = Number((n + 10_000_000_000n - 1n) / 10_000_000_000n) * 10_000;
  assert.equal(kalshiTakerFeeMicros(px, qty), want);
  // multiplier path agrees with the fast path at multiplier 1
  assert.equal(kalshiTakerFeeMicros(px, 123_456, { feeMultiplier: 1 }), kalshiTakerFeeMicros(px, 123_456));
  assert.equal(kalshiTakerFeeMicros(px, 123_456, { feeMultiplier: 2 }), kalshiTakerFeeMicros(px, 246_912));
});

test('bad inputs are errors, not silent zeros', () => {
  assert.throws(() => kalshiTakerFeeMicros(-1, 100), RangeError);
  assert.throws(() => kalshiTakerFeeMicros(10_001, 100), RangeError);
  assert.throws(() => kalshiTakerFeeMicros(50.5, 100), RangeError);
  assert.throws(() => kalshiTakerFeeMicros(5000, -1), RangeError);
  assert.throws(() => kalshiTakerFeeMicros(5000, 100, { feeMultiplier: Number.NaN }), RangeError);
  assert.throws(() => parseKalshiFeeType('cubic'), /unknown Kalshi fee_type "cubic"/);
  assert.throws(() => kalshiMakerFeeMicros(5000, 100, { feeType: 'cubic' as never }), RangeError);
});

test('event overrides win over series fee parameters', () => {
  assert.deepEqual(effectiveKalshiFeeParams({ fee_type: 'quadratic', fee_multiplier: 1 }), { feeType: 'quadratic', feeMultiplier: 1 });
  assert.deepEqual(
    effectiveKalshiFeeParams({ fee_type: 'quadratic', fee_multiplier: 1 }, { fee_type_override: 'quadratic_with_maker_fees', fee_multiplier_override: '0.5' }),
    { feeType: 'quadratic_with_maker_fees', feeMultiplier: 0.5 },
  );
  assert.deepEqual(
    effectiveKalshiFeeParams({ fee_type: 'quadratic_with_maker_fees', fee_multiplier: 2 }, { fee_type_override: null, fee_multiplier_override: null }),
    { feeType: 'quadratic_with_maker_fees', feeMultiplier: 2 },
  );
  assert.deepEqual(effectiveKalshiFeeParams({}), { feeType: 'quadratic', feeMultiplier: 1 });
});

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.json') && name !== 'manifest.json') out.push(p);
  }
  return out;
}

test('every recorded fill fee in the fixtures is reproduced from its fill', () => {
  let checked = 0;
  for (const file of walk(fixturesDir)) {
    const order = JSON.parse(readFileSync(file, 'utf8')).response?.body_parsed?.order;
    if (!order || !(order.fill_count > 0)) continue;
    // taker_fill_cost is in the long side's terms; the fee formula is symmetric, so cost/count is the price.
    const avgCents = order.taker_fill_cost / order.fill_count;
    assert.ok(Number.isInteger(avgCents), `${file}: whole-cent average`);
    const fee = kalshiTakerFeeMicros(avgCents * 100, order.fill_count * 100);
    assert.equal(fee, order.taker_fees * 10_000, file);
    checked++;
  }
  assert.ok(checked >= 5, `expected at least 5 filled fixtures, saw ${checked}`);
});
