import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import {
  parseBalance,
  parseCreateOrderV2Answer,
  parseFill,
  parseKalshiOrder,
  parseMarket,
  parseMarketPosition,
  parsePage,
  KalshiWireError,
} from '../src/kalshi/wire.ts';
import { buildLegacyOrderBody, buildV2OrderBody, kalshiClientOrderId, reportFromOrder, reportFromV2Answer, toYesBook } from '../src/kalshi/orders.ts';
import { kalshiHttpError, parseKalshiErrorBody, parseRetryAfter } from '../src/kalshi/venue-errors.ts';
import { describeKalshiGrid, isOnKalshiGrid, nearestOnGrid } from '../src/kalshi/grid.ts';
import { KalshiClient } from '../src/kalshi/client.ts';
import { executeLeg } from '../src/execution/leg.ts';
import type { OrderAction, OutcomeSide, VenueOrderReport } from '../src/execution/types.ts';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const fixturesDir = join(repoRoot, '../shared/fixtures/kalshi');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

interface Fixture {
  request: { method: string; url: string; body: { action: OrderAction; side: OutcomeSide; count: number; yes_price: number; ticker: string; time_in_force: string; client_order_id: string } };
  response: { status: number; headers: Record<string, string>; body_raw: string };
}

type Expect = Pick<VenueOrderReport, 'status' | 'filledContracts' | 'costMicros' | 'feesMicros'> | { error: string };
// What each recorded exchange describes (spec §13), in the traded side's terms.
const EXPECT: Record<string, Expect> = {
  'kalshi_full_fill_real.json': { status: 'filled', filledContracts: 100, costMicros: 90_000, feesMicros: 10_000 },
  'kalshi_no_fill_real.json': { status: 'unfilled', filledContracts: 0, costMicros: 0, feesMicros: 0 },
  'kalshi_partial_fill_real.json': { status: 'partial', filledContracts: 11_400, costMicros: 10_260_000, feesMicros: 660_000 },
  // sold 1 YES at 0.08: the venue says taker_fill_cost 92c (NO terms); YES proceeds are 8c
  'kalshi_sell_full_fill_real.json': { status: 'filled', filledContracts: 100, costMicros: 80_000, feesMicros: 10_000 },
  'kalshi_sell_no_fill_real.json': { status: 'unfilled', filledContracts: 0, costMicros: 0, feesMicros: 0 },
  // sold 7 of 20 YES at 0.84: taker_fill_cost $1.12 (NO), proceeds 7 - 1.12 = $5.88
  'kalshi_sell_partial_fill_real.json': { status: 'partial', filledContracts: 700, costMicros: 5_880_000, feesMicros: 70_000 },
  'kalshi_sell_insufficient_position_real.json': { error: 'insufficient_balance' },
  'session_2026-01-19_22-07-40/001_POST_kalshi_orders.json': { error: 'market_not_found' },
  'session_2026-01-19_22-11-14/001_POST_kalshi_orders.json': { status: 'unfilled', filledContracts: 0, costMicros: 0, feesMicros: 0 },
  'session_2026-01-19_22-12-36/001_POST_kalshi_orders.json': { status: 'filled', filledContracts: 100, costMicros: 90_000, feesMicros: 10_000 },
  'session_2026-01-19_22-13-12/001_POST_kalshi_orders.json': { status: 'filled', filledContracts: 10_000, costMicros: 9_000_000, feesMicros: 580_000 },
  'session_2026-01-19_22-14-44/001_POST_kalshi_orders.json': { status: 'partial', filledContracts: 11_400, costMicros: 10_260_000, feesMicros: 660_000 },
};

function expectFor(file: string): Expect {
  const rel = relative(fixturesDir, file).replace(/^captures\//, '');
  const e = EXPECT[rel];
  assert.ok(e, `no expectation for fixture ${rel}`);
  return e;
}

const orderFixtures = walk(fixturesDir).filter((f) => !f.endsWith('manifest.json'));

test('every recorded fixture parses into the typed result it describes', () => {
  assert.equal(orderFixtures.length, Object.keys(EXPECT).length, 'a fixture without an expectation (or the reverse)');
  for (const file of orderFixtures) {
    const fx = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
    const want = expectFor(file);
    const path = new URL(fx.request.url).pathname;
    if ('error' in want) {
      const e = kalshiHttpError(fx.response.status, fx.response.body_raw, fx.response.headers, { method: 'POST', path, notFound: 'market' });
      assert.equal(e.kind, want.error, file);
      assert.equal(e.venueCode, want.error);
      assert.match(e.message, new RegExp(want.error.replace('_', '.')));
      continue;
    }
    const order = parseKalshiOrder((JSON.parse(fx.response.body_raw) as { order: unknown }).order);
    const b = fx.request.body;
    assert.equal(order.side, b.side);
    assert.equal(order.action, b.action);
    assert.equal(order.initialCount, b.count * 100, file);
    assert.equal(order.yesPrice, b.yes_price * 100);
    assert.equal(order.noPrice, 10_000 - b.yes_price * 100);
    assert.equal(order.outcomeSide, b.action === 'buy' ? 'yes' : 'no', 'sell YES makes us long NO');
    assert.equal(order.remainingCount, 0);
    const rep = reportFromOrder(order, { action: b.action, side: b.side });
    const { status, filledContracts, costMicros, feesMicros } = rep;
    assert.deepEqual({ status, filledContracts, costMicros, feesMicros }, want, file);
    assert.equal(rep.clientOrderId, b.client_order_id);
    assert.equal(rep.venueOrderId, order.orderId);
  }
});

test('manifests list the capture files next to them', () => {
  const manifests = walk(fixturesDir).filter((f) => f.endsWith('manifest.json'));
  assert.ok(manifests.length >= 5);
  for (const m of manifests) {
    const j = JSON.parse(readFileSync(m, 'utf8')) as { files: string[]; capture_filter: string };
    assert.equal(j.capture_filter, 'orders');
    for (const f of j.files) assert.ok(statSync(join(m, '..', f)).isFile(), `${m} lists ${f}`);
  }
});

test('replaying the recorded answers through the client (legacy endpoint) gives the same LegResults', async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let current: Fixture | null = null;
  const srv = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const fx = current!;
      const headers = { ...fx.response.headers };
      delete headers['content-length'];
      res.writeHead(fx.response.status, headers);
      res.end(fx.response.body_raw);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const c = new KalshiClient({
    apiBase: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/trade-api/v2`,
    credentials: { keyId: 'k', privateKey },
    orderEndpoint: 'legacy',
    presign: false,
  });
  try {
    for (const file of orderFixtures) {
      current = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
      const b = current.request.body;
      const r = await executeLeg(
        { legId: `replay-${file}`, platform: 'kalshi', action: b.action, side: b.side, price: b.yes_price * 100, contracts: b.count * 100, kalshiTicker: b.ticker },
        { kalshi: c },
        { dryRun: false },
      );
      const want = expectFor(file);
      if ('error' in want) {
        assert.equal(r.status, 'rejected', file);
        assert.equal(r.errorKind, want.error);
      } else {
        assert.deepEqual(
          { status: r.status, filledContracts: r.filledContracts, costMicros: r.costMicros, feesMicros: r.feesMicros },
          want,
          file,
        );
        assert.equal(r.success, want.status === 'filled');
      }
    }
  } finally {
    await c.close();
    await new Promise<void>((r) => srv.close(() => r()));
  }
});

test('current fixed-point Order shapes parse; legacy "" and missing mean zero', () => {
  const current = parseKalshiOrder({
    order_id: 'o1', user_id: 'u', client_order_id: 'c1', ticker: 'KX-1', outcome_side: 'no', book_side: 'ask', type: 'limit',
    status: 'canceled', yes_price_dollars: '0.5650', no_price_dollars: '0.4350', initial_count_fp: '10.50', fill_count_fp: '2.25',
    remaining_count_fp: '0.00', taker_fill_cost_dollars: '0.978750', maker_fill_cost_dollars: '0.0000', taker_fees_dollars: '0.0400',
    maker_fees_dollars: '0.0000', created_time: '2026-05-07T00:00:00Z',
  });
  assert.equal(current.yesPrice, 5650);
  assert.equal(current.initialCount, 1050);
  assert.equal(current.fillCount, 225);
  assert.equal(current.takerFillCost, 978_750);
  assert.equal(current.action, null);
  // sell YES (outcome no): YES proceeds = 2.25 × $1 − 0.97875 = 1.27125 = 2.25 × 0.565
  const rep = reportFromOrder(current, { action: 'sell', side: 'yes' });
  assert.equal(rep.status, 'partial');
  assert.equal(rep.costMicros, 1_271_250);
  // buy NO (same order seen as a NO purchase): cost is the NO cost itself
  assert.equal(reportFromOrder(current, { action: 'buy', side: 'no' }).costMicros, 978_750);

  const legacy = parseKalshiOrder({
    order_id: 'o2', client_order_id: 'c2', ticker: 'KX', side: 'no', action: 'buy', status: 'canceled', no_price: 40,
    fill_count: 0, initial_count: 5, remaining_count: 0, taker_fill_cost: 0, taker_fill_cost_dollars: '', maker_fill_cost_dollars: '',
  });
  assert.equal(legacy.yesPrice, 6000);
  assert.equal(legacy.noPrice, 4000);
  assert.equal(legacy.outcomeSide, 'no');
  assert.equal(legacy.bookSide, 'ask');
  assert.equal(legacy.takerFees, 0, 'taker_fees_dollars omitted -> 0');
  assert.equal(legacy.makerFillCost, 0, '"" -> 0');
  assert.equal(reportFromOrder(legacy, { action: 'buy', side: 'no' }).status, 'unfilled');

  const resting = parseKalshiOrder({ order_id: 'o3', ticker: 'KX', book_side: 'bid', status: 'resting', yes_price_dollars: '0.10', initial_count_fp: '5.00', fill_count_fp: '1.00', remaining_count_fp: '4.00' });
  assert.equal(resting.outcomeSide, 'yes');
  assert.equal(reportFromOrder(resting, { action: 'buy', side: 'yes' }).status, 'pending');

  assert.throws(() => parseKalshiOrder({ order_id: 'x', ticker: 'T', status: 'executed', yes_price_dollars: '0.5' }), KalshiWireError);
  assert.throws(() => parseKalshiOrder({ order_id: 'x', ticker: 'T', status: 'executed', side: 'yes', action: 'buy', yes_price_dollars: 'abc' }), /yes_price_dollars/);
  assert.throws(() => parseKalshiOrder({ order_id: 'x', ticker: 'T', status: 'executed', side: 'yes', action: 'buy', yes_price_dollars: '0.5', fill_count_fp: '1.005' }), /fill_count_fp/);
});

test('V2 create answers: fp counts in fill_count, averages, status from fill vs requested', () => {
  const a = parseCreateOrderV2Answer({ order_id: '3b23', client_order_id: 'c-1', fill_count: '7.00', remaining_count: '0.00', average_fill_price: '0.8400', average_fee_paid: '0.0100', ts_ms: 1768934648440 });
  assert.equal(a.fillCount, 700);
  assert.equal(a.averageFillPriceMicros, 840_000);
  assert.equal(a.averageFeePaidMicros, 10_000);
  assert.equal(a.tsMs, 1768934648440);
  const sellYes = reportFromV2Answer(a, { action: 'sell', side: 'yes', count: 2000 }, 'c-1');
  assert.deepEqual(sellYes, { status: 'partial', filledContracts: 700, costMicros: 5_880_000, feesMicros: 70_000, venueOrderId: '3b23', clientOrderId: 'c-1' });
  // a NO leg reported from a YES average: NO price = 1 − 0.84
  const buyNo = reportFromV2Answer(a, { action: 'buy', side: 'no', count: 700 }, 'c-1');
  assert.equal(buyNo.status, 'filled');
  assert.equal(buyNo.costMicros, 1_120_000);
  const none = parseCreateOrderV2Answer({ order_id: 'o', fill_count: '0.00', remaining_count: '0.00', ts_ms: 1 });
  assert.equal(reportFromV2Answer(none, { action: 'buy', side: 'yes', count: 100 }, 'cid').status, 'unfilled');
  assert.equal(reportFromV2Answer(none, { action: 'buy', side: 'yes', count: 100 }, 'cid').clientOrderId, 'cid');
  const resting = parseCreateOrderV2Answer({ order_id: 'o', fill_count: '0.00', remaining_count: '1.00' });
  assert.equal(reportFromV2Answer(resting, { action: 'buy', side: 'yes', count: 100 }, 'cid').status, 'pending');
  assert.throws(() => parseCreateOrderV2Answer({ fill_count: '1.00' }), /order_id/);
});

test('balance, positions, fills, markets and pages parse into integer units', () => {
  const bal = parseBalance({ balance: 150000, balance_dollars: '1500.0000', portfolio_value: 25000, updated_ts: 1767225600, balance_breakdown: [{ exchange_index: 3, balance: '12.3400' }] });
  assert.equal(bal.balance, 1_500_000_000);
  assert.equal(bal.portfolioValue, 250_000_000);
  assert.deepEqual(bal.byExchangeIndex, [{ exchangeIndex: 3, balance: 12_340_000 }]);
  assert.equal(parseBalance({ balance: 123 }).balance, 1_230_000, 'legacy cents');
  const pos = parseMarketPosition({ ticker: 'KXNBA-26-SAS', position: -3, market_exposure: 276, fees_paid: 3 });
  assert.equal(pos.position, -300);
  assert.equal(pos.marketExposure, 2_760_000);
  assert.equal(pos.feesPaid, 30_000);
  const fill = parseFill({ trade_id: 'd91b', order_id: 'ee58', market_ticker: 'KXNBA-26-SAS', side: 'yes', action: 'sell', yes_price_dollars: '0.0900', count_fp: '100.00', fee_cost: '0.5800', is_taker: true, client_order_id: 'c-42' });
  assert.equal(fill.fillId, 'd91b');
  assert.equal(fill.ticker, 'KXNBA-26-SAS');
  assert.equal(fill.outcomeSide, 'no');
  assert.equal(fill.noPrice, 9100);
  assert.equal(fill.fee, 580_000);
  const m = parseMarket({
    ticker: 'KX-M', event_ticker: 'KX', status: 'active', yes_bid_dollars: '0.4200', yes_ask_dollars: '0.4400', volume_fp: '12.50',
    price_level_structure: 'tapered_deci_cent', fractional_trading_enabled: true, exchange_index: 3,
    price_ranges: [{ start: '0.0000', end: '0.1000', step: '0.0010' }, { start: '0.1000', end: '0.9000', step: '0.0100' }, { start: '0.9000', end: '1.0000', step: '0.0010' }],
  });
  assert.equal(m.yesBid, 4200);
  assert.equal(m.volume, 1250);
  assert.equal(m.priceRanges.length, 3);
  assert.equal(m.exchangeIndex, 3);
  assert.equal(parseMarket({ ticker: 'L', yes_bid: 42, volume: 7 }).yesBid, 4200, 'legacy integer fields');
  const page = parsePage({ markets: [{ ticker: 'A' }, { ticker: 'B' }], cursor: '' }, 'markets', parseMarket);
  assert.equal(page.items.length, 2);
  assert.equal(page.cursor, null);
  assert.equal(parsePage({ markets: [], cursor: 'abc' }, 'markets', parseMarket).cursor, 'abc');
  assert.throws(() => parsePage({ markets: {} }, 'markets', parseMarket), KalshiWireError);
});

test('request bodies: the YES-book mapping and both endpoint forms', () => {
  assert.deepEqual(toYesBook('buy', 'yes', 4200), { bookSide: 'bid', yesPrice: 4200 });
  assert.deepEqual(toYesBook('sell', 'yes', 4200), { bookSide: 'ask', yesPrice: 4200 });
  assert.deepEqual(toYesBook('buy', 'no', 4200), { bookSide: 'ask', yesPrice: 5800 });
  assert.deepEqual(toYesBook('sell', 'no', 4200), { bookSide: 'bid', yesPrice: 5800 });
  const p = { ticker: 'KX', action: 'buy' as const, side: 'no' as const, price: 4250, count: 1050, clientOrderId: 'cid' };
  assert.deepEqual(buildV2OrderBody(p), {
    ticker: 'KX', client_order_id: 'cid', side: 'ask', count: '10.50', price: '0.5750', time_in_force: 'immediate_or_cancel', self_trade_prevention_type: 'taker_at_cross',
  });
  assert.deepEqual(buildV2OrderBody({ ...p, timeInForce: 'gtc', expirationTimeS: 1800000000, postOnly: true, selfTradePrevention: 'maker', subaccount: 2 }), {
    ticker: 'KX', client_order_id: 'cid', side: 'ask', count: '10.50', price: '0.5750', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'maker',
    post_only: true, expiration_time: 1800000000, subaccount: 2,
  });
  assert.deepEqual(buildLegacyOrderBody(p), {
    ticker: 'KX', client_order_id: 'cid', action: 'buy', side: 'no', count_fp: '10.50', no_price_dollars: '0.4250', time_in_force: 'immediate_or_cancel', self_trade_prevention_type: 'taker_at_cross',
  });
  assert.equal(buildLegacyOrderBody({ ...p, count: 200, timeInForce: 'fok' }).count, 2);
  assert.equal(buildLegacyOrderBody({ ...p, count: 200, timeInForce: 'fok' }).time_in_force, 'fill_or_kill');
});

test('client order ids are deterministic UUIDs per leg', () => {
  const a = kalshiClientOrderId('leg-1');
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(kalshiClientOrderId('leg-1'), a);
  assert.notEqual(kalshiClientOrderId('leg-2'), a);
  assert.notEqual(kalshiClientOrderId('leg-1 '), a);
});

test('price grids', () => {
  const tapered = [
    { start: 0, end: 1000, step: 10 },
    { start: 1000, end: 9000, step: 100 },
    { start: 9000, end: 10_000, step: 10 },
  ];
  assert.ok(isOnKalshiGrid(10, tapered));
  assert.ok(isOnKalshiGrid(990, tapered));
  assert.ok(isOnKalshiGrid(1000, tapered));
  assert.ok(isOnKalshiGrid(5600, tapered));
  assert.ok(!isOnKalshiGrid(5650, tapered));
  assert.ok(isOnKalshiGrid(9990, tapered));
  assert.ok(!isOnKalshiGrid(0, tapered));
  assert.ok(!isOnKalshiGrid(10_000, tapered));
  assert.ok(!isOnKalshiGrid(9995, tapered));
  assert.ok(isOnKalshiGrid(100, []), 'unknown grid: whole cents');
  assert.ok(!isOnKalshiGrid(150, []));
  assert.deepEqual(nearestOnGrid(5650, tapered), { below: 5600, above: 5700 });
  assert.deepEqual(nearestOnGrid(995, tapered), { below: 990, above: 1000 });
  assert.match(describeKalshiGrid(tapered), /0\.0010 steps in \[0\.0000, 0\.1000\]; 0\.0100 steps/);
});

test('error bodies: wrapped, flat, string (429), non-JSON; Retry-After forms', () => {
  assert.deepEqual(parseKalshiErrorBody('{"error":{"code":"market_not_found","message":"market not found","service":"exchange"}}'), { code: 'market_not_found', message: 'market not found' });
  assert.deepEqual(parseKalshiErrorBody('{"code":"invalid_order","message":"bad","details":"x"}'), { code: 'invalid_order', message: 'bad (x)' });
  assert.deepEqual(parseKalshiErrorBody('{"error":"too many requests"}'), { code: null, message: 'too many requests' });
  assert.deepEqual(parseKalshiErrorBody('<html>'), { code: null, message: '<html>' });
  assert.deepEqual(parseKalshiErrorBody(''), { code: null, message: null });
  assert.equal(parseRetryAfter('7'), 7);
  assert.equal(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2026, 0, 1)), 30);
  assert.equal(parseRetryAfter(undefined), null);
  assert.equal(parseRetryAfter('soon'), null);
  const ctx = { method: 'POST', path: '/trade-api/v2/portfolio/events/orders' };
  const kinds: [number, string, string][] = [
    [400, '{"error":{"code":"insufficient_balance","message":"insufficient balance"}}', 'insufficient_balance'],
    [400, '{"error":{"code":"market_closed","message":"market closed"}}', 'market_closed'],
    [404, '{"error":{"code":"market_not_found","message":"market not found"}}', 'market_not_found'],
    [409, '{"error":{"code":"order_already_exists","message":"dup"}}', 'duplicate_order'],
    [429, '{"error":"too many requests"}', 'rate_limited'],
    [401, '{"error":{"code":"authentication_error","message":"bad sig"}}', 'auth'],
    [403, '{"error":{"code":"forbidden","message":"scope"}}', 'auth'],
    [400, '{"error":{"code":"invalid_price","message":"off grid"}}', 'invalid_price'],
    [400, '{"error":{"code":"something_new","message":"?"}}', 'venue'],
    [503, '{"error":{"code":"service_unavailable","message":"maintenance"}}', 'venue'],
  ];
  for (const [status, body, kind] of kinds) {
    const e = kalshiHttpError(status, body, {}, ctx);
    assert.equal(e.kind, kind, body);
    assert.equal(e.platform, 'kalshi');
    assert.equal(e.httpStatus, status);
  }
  assert.equal(kalshiHttpError(404, '', {}, { ...ctx, notFound: 'market' }).kind, 'market_not_found');
  assert.equal(kalshiHttpError(404, '{"error":{"code":"not_found","message":"order not found"}}', {}, { ...ctx, notFound: 'order' }).kind, 'venue');
});
