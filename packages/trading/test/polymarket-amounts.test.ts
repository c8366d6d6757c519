import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  POLY_ROUNDING, baseUnitDecimals, polyCheckServerRules, polyLegAmounts, polyLimitAmounts, polyLimitAmountsFromDecimal,
  polyMarketAmounts, polyMarketAmountsFromDecimal, polyTickPx, polyTickSize, type PolyRawAmounts, type PolyTickSize,
} from '../src/polymarket/amounts.ts';
import { VenueError } from '../src/errors.ts';
import { loadVectors, type Json } from './polymarket-helpers.ts';

const v1file = loadVectors('polymarket.json');
const v2file = loadVectors('polymarket-v2.json');

function amountsOf(c: Json): PolyRawAmounts {
  const tick = polyTickSize(c.tick_size);
  return c.kind === 'limit' || c.size !== undefined
    ? polyLimitAmountsFromDecimal(c.side, c.price, c.size, tick)
    : polyMarketAmountsFromDecimal(c.side, c.price, c.amount, tick);
}

test('every amount_rounding case of both vector files reproduces exactly', () => {
  const cases = [...v1file.amount_rounding, ...v2file.amount_rounding];
  assert.equal(cases.length, 34 + 19);
  for (const c of cases) {
    const got = amountsOf(c);
    const label = JSON.stringify(c);
    assert.equal(String(got.makerAmount), c.maker_amount, label);
    assert.equal(String(got.takerAmount), c.taker_amount, label);
    assert.equal(got.side, c.side);
    if (c.rounding_config) assert.deepEqual(POLY_ROUNDING[polyTickSize(c.tick_size)], c.rounding_config);
  }
});

test('order vectors (V2 and V3, both files) get the recorded maker/taker amounts', () => {
  const orders: Array<{ id: string; inp: Json; maker: string; taker: string; cfg: Json }> = [
    ...v2file.orders.map((o: Json) => ({ id: o.id, inp: o.inputs, maker: o.outputs.maker_amount, taker: o.outputs.taker_amount, cfg: o.outputs.rounding_config })),
    ...v1file.orders_v2.map((o: Json) => ({ id: o.id, inp: o.input, maker: o.expected.order_struct.makerAmount, taker: o.expected.order_struct.takerAmount, cfg: o.expected.rounding_config })),
  ];
  assert.equal(orders.length, 17 + 11);
  for (const { id, inp, maker, taker, cfg } of orders) {
    const tick = polyTickSize(inp.tick_size);
    assert.deepEqual(POLY_ROUNDING[tick], cfg, id);
    if (inp.user_usdc_balance !== undefined) continue; // fee-adjusted: covered in polymarket-orders.test.ts
    const got = inp.size !== undefined
      ? polyLimitAmountsFromDecimal(inp.side, inp.price, inp.size, tick)
      : polyMarketAmountsFromDecimal(inp.side, inp.price, inp.amount, tick);
    assert.equal(String(got.makerAmount), maker, id);
    assert.equal(String(got.takerAmount), taker, id);
  }
});

test('tick sizes parse from numbers and strings; unknown ticks are refused', () => {
  assert.equal(polyTickSize(0.01), '0.01');
  assert.equal(polyTickSize('0.0025'), '0.0025');
  assert.equal(polyTickSize('.010'), '0.01');
  assert.equal(polyTickSize(0.0001), '0.0001');
  assert.equal(polyTickPx('0.005'), 50);
  assert.throws(() => polyTickSize(0.02), /unsupported Polymarket tick size/);
  assert.throws(() => polyTickSize('abc'), /unsupported/);
});

test('integer API: limit amounts are exactly price × size; market BUY quotient is truncated to A decimals', () => {
  assert.deepEqual(polyLimitAmounts('BUY', 5600, 2104, '0.01'), { side: 'BUY', makerAmount: 11_782_400, takerAmount: 21_040_000 });
  assert.deepEqual(polyLimitAmounts('SELL', 5650, 1000, '0.01'), { side: 'SELL', makerAmount: 10_000_000, takerAmount: 5_700_000 });
  assert.deepEqual(polyMarketAmounts('BUY', 3300, 10_000_000, '0.01'), { side: 'BUY', makerAmount: 10_000_000, takerAmount: 30_303_000 });
  // amount floored to cents
  assert.equal(polyMarketAmounts('BUY', 5700, 4_999_999, '0.01').makerAmount, 4_990_000);
  // large orders stay exact
  assert.equal(polyMarketAmounts('BUY', 7, 3_000_000_000_000, '0.0001').takerAmount, 4_285_714_285_714_285);
});

test('property: integer limit amounts equal the decimal front end for every on-grid input', () => {
  const ticks: PolyTickSize[] = ['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001'];
  fc.assert(
    fc.property(fc.constantFrom(...ticks), fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 10_000_000 }), fc.boolean(), (tick, px, qty, buy) => {
      const t = polyTickPx(tick);
      const price = Math.max(t, Math.min(10_000 - t, Math.round(px / t) * t));
      const side = buy ? 'BUY' : 'SELL';
      const a = polyLimitAmounts(side, price, qty, tick);
      const b = polyLimitAmountsFromDecimal(side, (price / 10_000).toFixed(4), (qty / 100).toFixed(2), tick);
      assert.deepEqual(a, b);
      // the pUSD side is always exactly price × shares for limit orders
      const shares = buy ? a.takerAmount : a.makerAmount;
      const usd = buy ? a.makerAmount : a.takerAmount;
      assert.equal(shares * price, usd * 10_000);
    }),
    { numRuns: 500 },
  );
});

function rejects(fn: () => void, kind: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof VenueError && e.kind === kind && re.test(e.message));
}

test('§6.5: off-grid and out-of-range prices are invalid_price', () => {
  const c = v2file.amount_rounding.find((x: Json) => x.tick_size === '0.005' && x.price === 0.007);
  const a = amountsOf(c);
  rejects(() => polyCheckServerRules({ side: 'BUY', orderType: 'GTC', price: 70, makerAmount: a.makerAmount, takerAmount: a.takerAmount, tick: '0.005' }), 'invalid_price', /breaks minimum tick size rule: 0.005/);
  rejects(() => polyCheckServerRules({ side: 'BUY', orderType: 'GTC', price: 0, makerAmount: 1, takerAmount: 1, tick: '0.01' }), 'invalid_price', /min: 0.01/);
  rejects(() => polyCheckServerRules({ side: 'SELL', orderType: 'GTC', price: 10_000, makerAmount: 1, takerAmount: 1, tick: '0.01' }), 'invalid_price', /max: 0.9900/);
  // on-grid 0.0025 passes
  const ok = polyLimitAmounts('BUY', 5025, 800, '0.0025');
  polyCheckServerRules({ ...ok, side: 'BUY', orderType: 'GTC', price: 5025, tick: '0.0025' });
});

test('§6.5: the 5-decimal market-BUY taker the client emits is rejected as invalid_size', () => {
  const o = v2file.orders.find((x: Json) => x.id === 'v2-market-buy-t0.001-std-eoa-fak-5dp-taker');
  const out = o.outputs;
  rejects(
    () => polyCheckServerRules({ side: 'BUY', orderType: 'FAK', price: 9850, makerAmount: Number(out.maker_amount), takerAmount: Number(out.taker_amount), tick: '0.001' }),
    'invalid_size',
    /market buy orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals/,
  );
  // the same quotient computed for the rounding table
  const c = v2file.amount_rounding.find((x: Json) => x.tick_size === '0.001' && x.kind === 'market' && x.side === 'BUY');
  const a = amountsOf(c);
  assert.equal(baseUnitDecimals(a.takerAmount), 5);
  rejects(() => polyCheckServerRules({ ...a, side: 'BUY', orderType: 'FOK', price: 9850, tick: '0.001' }), 'invalid_size', /max accuracy/);
  // 5 @ 0.3333 on a 0.0001 tick: the client may emit 6 decimals there, but 15.0015 happens to have 4: accepted
  const d = v2file.amount_rounding.find((x: Json) => x.tick_size === '0.0001' && x.kind === 'market');
  polyCheckServerRules({ ...amountsOf(d), side: 'BUY', orderType: 'FOK', price: 3333, tick: '0.0001' });
});

test('§6.5: a limit-path FAK BUY with a 4-decimal maker is rejected; the market path passes', () => {
  const lim = polyLimitAmounts('BUY', 5700, 1033, '0.01'); // maker 5.8881
  rejects(() => polyCheckServerRules({ ...lim, side: 'BUY', orderType: 'FAK', price: 5700, tick: '0.01' }), 'invalid_size', /market buy orders/);
  // as GTC it is fine (maker ≤ 4 decimals, taker 2)
  polyCheckServerRules({ ...lim, side: 'BUY', orderType: 'GTC', price: 5700, tick: '0.01' });
  const leg = polyLegAmounts('BUY', 5700, 1033, '0.01');
  assert.deepEqual(leg, { side: 'BUY', makerAmount: 5_890_000, takerAmount: 10_333_300 });
});

test('§6.5: limit amounts that are not price × size are rejected', () => {
  rejects(() => polyCheckServerRules({ side: 'BUY', orderType: 'GTC', price: 5700, makerAmount: 5_710_000, takerAmount: 10_000_000, tick: '0.01' }), 'invalid_size', /not price 0.5700/);
});

test('§6.5: below the market minimum size is invalid_size', () => {
  const a = polyLimitAmounts('BUY', 5000, 400, '0.01');
  rejects(() => polyCheckServerRules({ ...a, side: 'BUY', orderType: 'GTC', price: 5000, tick: '0.01', minOrderSize: 500 }), 'invalid_size', /Size \(4\) lower than the minimum: 5/);
  polyCheckServerRules({ ...polyLimitAmounts('BUY', 5000, 500, '0.01'), side: 'BUY', orderType: 'GTC', price: 5000, tick: '0.01', minOrderSize: 500 });
});

test('leg amounts: whole cents are exact, BUY never asks fewer shares than requested, all pass §6.5', () => {
  assert.deepEqual(polyLegAmounts('BUY', 5300, 500, '0.01'), { side: 'BUY', makerAmount: 2_650_000, takerAmount: 5_000_000 });
  assert.deepEqual(polyLegAmounts('SELL', 4400, 1550, '0.01'), { side: 'SELL', makerAmount: 15_500_000, takerAmount: 6_820_000 });
  // fine tick SELL: proceeds floored to 4 decimals
  assert.deepEqual(polyLegAmounts('SELL', 9870, 1001, '0.001'), { side: 'SELL', makerAmount: 10_010_000, takerAmount: 9_879_800 });
  rejects(() => polyLegAmounts('BUY', 5305, 100, '0.01'), 'invalid_price', /tick size rule: 0.01/);
  rejects(() => polyLegAmounts('BUY', 5000, 100, '0.01', 500), 'invalid_size', /lower than the minimum/);
  // dust: 0.01 share at 0.0001 is worth less than 0.0001 pUSD
  rejects(() => polyLegAmounts('SELL', 1, 1, '0.0001'), 'invalid_size', /takerAmount 0/);
  const ticks: PolyTickSize[] = ['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001'];
  fc.assert(
    fc.property(fc.constantFrom(...ticks), fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 100, max: 5_000_000 }), fc.boolean(), (tick, px, qty, buy) => {
      const t = polyTickPx(tick);
      const price = Math.max(t, Math.min(10_000 - t, Math.round(px / t) * t));
      const a = polyLegAmounts(buy ? 'BUY' : 'SELL', price, qty, tick);
      assert.ok(baseUnitDecimals(a.makerAmount) <= 2 && baseUnitDecimals(a.takerAmount) <= 4);
      if (buy) {
        assert.ok(a.takerAmount >= qty * 10_000, 'BUY taker ≥ requested shares');
        assert.ok(a.makerAmount - price * qty < 10_000, 'BUY spend at most one cent over price × size');
        // implied price never above the cap by more than the share truncation (A or 4 decimals)
        const quantum = 10 ** (6 - Math.min(POLY_ROUNDING[tick].amount, 4));
        assert.ok(BigInt(a.makerAmount) * 10_000n <= BigInt(price) * BigInt(a.takerAmount + quantum));
      } else {
        assert.equal(a.makerAmount, qty * 10_000);
        assert.ok(price * qty - a.takerAmount < 100 && a.takerAmount <= price * qty);
      }
    }),
    { numRuns: 1000 },
  );
});
