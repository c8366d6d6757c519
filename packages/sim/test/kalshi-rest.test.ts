import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Configuration, OrdersApi, PortfolioApi, MarketApi } from 'kalshi-typescript';
import { startSim, type SimHandle } from '../src/index.ts';
import { kalshiCaller, type Json, type KalshiCaller } from './helpers/kalshi.ts';
import { K1, K2, K3, K4, staticScenario } from './helpers/scenarios.ts';

const shared = resolve(import.meta.dirname, '../../../../shared');
const fixture = (name: string): Json => JSON.parse(readFileSync(resolve(shared, 'fixtures/kalshi', name), 'utf8'));

let sim: SimHandle;
let call: KalshiCaller;

before(async () => {
  sim = await startSim({ seed: 11, scenario: staticScenario, polymarket: false });
  const key = createPrivateKey(sim.accounts.kalshi.privateKeyPem);
  call = kalshiCaller(sim.urls.kalshiApiBase, sim.accounts.kalshi.keyId, key);
});
after(async () => {
  await sim.close();
});

const balanceMicros = (): number => sim.accounts.kalshi.account.cash - sim.accounts.kalshi.account.reserved;

test('official kalshi-typescript client: createOrderV2 fills at the resting price with the spec fee; balance reads back', async () => {
  const config = new Configuration({ apiKey: sim.accounts.kalshi.keyId, privateKeyPem: sim.accounts.kalshi.privateKeyPem, basePath: sim.urls.kalshiApiBase });
  const orders = new OrdersApi(config);
  const portfolio = new PortfolioApi(config);
  const before = (await portfolio.getBalance()).data;
  assert.equal(before.balance_dollars, '10000.0000');
  assert.equal(before.balance, 1_000_000);
  const res = await orders.createOrderV2({
    ticker: K1,
    side: 'bid',
    count: '10',
    price: '0.6000',
    time_in_force: 'immediate_or_cancel',
    self_trade_prevention_type: 'taker_at_cross',
    client_order_id: 'sdk-1',
  });
  assert.equal(res.status, 201);
  assert.equal(res.data.fill_count, '10.00');
  assert.equal(res.data.remaining_count, '0.00');
  assert.equal(res.data.average_fill_price, '0.4500');
  // taker fee = ceil_to_cent(0.07 x 10 x 0.45 x 0.55) = $0.18 -> $0.018 per contract
  assert.equal(res.data.average_fee_paid, '0.0180');
  const bal = (await portfolio.getBalance()).data;
  assert.equal(bal.balance_dollars, '9995.3200');
  assert.equal(bal.balance, 999_532);
  const got = (await orders.getOrder(res.data.order_id)).data.order;
  assert.equal(got.status, 'executed');
  assert.equal(got.fill_count_fp, '10.00');
  assert.equal(got.taker_fill_cost_dollars, '4.5000');
  assert.equal(got.taker_fees_dollars, '0.1800');
  assert.equal(got.client_order_id, 'sdk-1');
  const mk = (await new MarketApi(config).getMarket(K1)).data.market;
  assert.equal(mk.ticker, K1);
  assert.equal(mk.yes_ask_dollars, '0.4500');
  assert.equal(mk.yes_ask_size_fp, '40.00');
});

test('legacy POST /portfolio/orders reproduces the recorded partial fill (114 of 200 @ 9c, fee 66c, canceled)', async () => {
  const fx = fixture('kalshi_partial_fill_real.json');
  const body = { ...fx.request.body, client_order_id: 'fx-partial' };
  const r = await call('POST', '/portfolio/orders', body);
  assert.equal(r.status, fx.response.status);
  const o = r.json.order;
  const want = fx.response.body_parsed.order;
  assert.equal(o.status, want.status);
  assert.equal(o.fill_count_fp, '114.00');
  assert.equal(o.initial_count_fp, '200.00');
  assert.equal(o.remaining_count_fp, '0.00');
  assert.equal(o.taker_fill_cost_dollars, want.taker_fill_cost_dollars);
  assert.equal(o.taker_fees_dollars, want.taker_fees_dollars);
  assert.equal(o.yes_price_dollars, want.yes_price_dollars);
  assert.equal(o.no_price_dollars, want.no_price_dollars);
  assert.equal(o.outcome_side, 'yes');
  assert.equal(o.book_side, 'bid');
  // Fixed-point only: no legacy integer fields.
  for (const legacy of ['fill_count', 'yes_price', 'taker_fill_cost', 'taker_fees', 'remaining_count']) assert.equal(o[legacy], undefined, legacy);
});

test('legacy sell of YES reports taker_fill_cost in NO terms (recorded sell partial fill: 7 @ 84c -> 1.12, fee 7c)', async () => {
  const fx = fixture('kalshi_sell_partial_fill_real.json');
  const r = await call('POST', '/portfolio/orders', { ...fx.request.body, ticker: K3, client_order_id: 'fx-sell' });
  assert.equal(r.status, 201);
  const o = r.json.order;
  const want = fx.response.body_parsed.order;
  assert.equal(o.status, want.status);
  assert.equal(o.fill_count_fp, '7.00');
  assert.equal(o.taker_fill_cost_dollars, want.taker_fill_cost_dollars);
  assert.equal(o.taker_fees_dollars, want.taker_fees_dollars);
  assert.equal(o.outcome_side, 'no');
  assert.equal(o.book_side, 'ask');
  const pos = await call('GET', `/portfolio/positions?ticker=${K3}&count_filter=position`);
  assert.equal(pos.status, 200);
  assert.equal(pos.json.market_positions[0].position_fp, '-7.00');
  assert.equal(pos.json.market_positions[0].fees_paid_dollars, '0.0700');
});

test('forged signature and stale timestamp are rejected with 401 and never reach the book', async () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const logBefore = sim.orderLog({ result: 'accepted' }).length;
  const body = { ticker: K1, side: 'bid', count: '1', price: '0.5000', time_in_force: 'immediate_or_cancel', self_trade_prevention_type: 'taker_at_cross', client_order_id: 'forged' };
  const forged = await call('POST', '/portfolio/events/orders', body, { key: other });
  assert.equal(forged.status, 401);
  assert.equal(forged.json.error.code, 'authentication_error');
  assert.equal(typeof forged.json.error.message, 'string');
  assert.equal(typeof forged.json.error.service, 'string');
  const stale = await call('POST', '/portfolio/events/orders', { ...body, client_order_id: 'stale' }, { tsMs: Date.now() - 5 * 60_000 });
  assert.equal(stale.status, 401);
  assert.equal(stale.json.error.code, 'authentication_error');
  const unknownKey = await call('GET', '/portfolio/balance', undefined, { keyId: '00000000-0000-4000-8000-000000000000' });
  assert.equal(unknownKey.status, 401);
  // Signed with the query string included: Kalshi signs the path only, so this must fail.
  const ts = String(Date.now());
  const sigWithQuery = sign('sha256', Buffer.from(`${ts}GET/trade-api/v2/portfolio/orders?limit=1`), {
    key: createPrivateKey(sim.accounts.kalshi.privateKeyPem),
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  }).toString('base64');
  const withQuery = await fetch(`${sim.urls.kalshiApiBase}/portfolio/orders?limit=1`, {
    headers: { 'KALSHI-ACCESS-KEY': sim.accounts.kalshi.keyId, 'KALSHI-ACCESS-TIMESTAMP': ts, 'KALSHI-ACCESS-SIGNATURE': sigWithQuery },
  });
  assert.equal(withQuery.status, 401);
  assert.equal(sim.orderLog({ result: 'accepted' }).length, logBefore);
  const rejected = sim.orderLog({ venue: 'kalshi', result: 'rejected' }).filter((e) => e.reason === 'unauthorized');
  assert.deepEqual(rejected.map((e) => e.clientOrderId), ['forged', 'stale']);
  assert.equal(sim.ctx.orderByClientId(sim.accounts.kalshi.account.id, 'forged'), undefined);
});

test('off-grid price, unknown market, closed market, duplicate id and insufficient balance use Kalshi shapes', async () => {
  const base = { side: 'bid', count: '1', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross' };
  const off = await call('POST', '/portfolio/events/orders', { ...base, ticker: K1, price: '0.4150', client_order_id: 'off' });
  assert.equal(off.status, 400);
  assert.deepEqual(off.json, { error: { code: 'invalid_price', message: 'invalid price', service: 'exchange' } });
  const tooFine = await call('POST', '/portfolio/events/orders', { ...base, ticker: K1, price: '0.41505', client_order_id: 'off2' });
  assert.equal(tooFine.status, 400);
  assert.equal(tooFine.json.error.code, 'invalid_price');

  const fx = fixture('captures/session_2026-01-19_22-07-40/001_POST_kalshi_orders.json');
  const nf = await call('POST', '/portfolio/orders', { ...fx.request.body, client_order_id: 'nf' });
  assert.equal(nf.status, fx.response.status);
  assert.deepEqual(nf.json, fx.response.body_parsed);

  const first = await call('POST', '/portfolio/events/orders', { ...base, ticker: K1, price: '0.3000', client_order_id: 'dup' });
  assert.equal(first.status, 201);
  const dup = await call('POST', '/portfolio/events/orders', { ...base, ticker: K1, price: '0.3000', client_order_id: 'dup' });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.service, 'exchange');

  const poor = await call('POST', '/portfolio/events/orders', { ...base, ticker: K1, price: '0.3000', count: '100000', client_order_id: 'poor' });
  const want = fixture('kalshi_sell_insufficient_position_real.json').response;
  assert.equal(poor.status, want.status);
  assert.deepEqual(poor.json, want.body_parsed);

  const closed = await call('POST', '/portfolio/events/orders', { ...base, ticker: K4, price: '0.0500', client_order_id: 'closed' });
  assert.equal(closed.status, 400);
  assert.equal(closed.json.error.code, 'market_closed');
  const badBody = await call('POST', '/portfolio/events/orders', { ticker: K1, side: 'buy', count: '1', price: '0.5000' });
  assert.equal(badBody.status, 400);
  assert.equal(badBody.json.error.code, 'invalid_parameters');
});

test('orders list, get, cancel (V2 and legacy), fills and positions move with fills', async () => {
  const base = { ticker: K1, side: 'bid', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross' };
  const a = await call('POST', '/portfolio/events/orders', { ...base, count: '5', price: '0.3500', client_order_id: 'rest-a' });
  const b = await call('POST', '/portfolio/events/orders', { ...base, count: '3', price: '0.3400', client_order_id: 'rest-b' });
  assert.equal(a.status, 201);
  assert.equal(a.json.remaining_count, '5.00');
  assert.equal(a.json.average_fill_price, undefined);
  const resting = await call('GET', `/portfolio/orders?ticker=${K1}&status=resting&limit=1`);
  assert.equal(resting.status, 200);
  assert.equal(resting.json.orders.length, 1);
  assert.notEqual(resting.json.cursor, '');
  const page2 = await call('GET', `/portfolio/orders?ticker=${K1}&status=resting&limit=1&cursor=${encodeURIComponent(resting.json.cursor)}`);
  assert.equal(page2.json.orders.length, 1);
  assert.notEqual(page2.json.orders[0].order_id, resting.json.orders[0].order_id);

  const c1 = await call('DELETE', `/portfolio/events/orders/${a.json.order_id}`);
  assert.equal(c1.status, 200);
  assert.equal(c1.json.reduced_by, '5.00');
  assert.equal(c1.json.client_order_id, 'rest-a');
  const c2 = await call('DELETE', `/portfolio/orders/${b.json.order_id}`);
  assert.equal(c2.status, 200);
  assert.equal(c2.json.order.status, 'canceled');
  const again = await call('DELETE', `/portfolio/events/orders/${b.json.order_id}`);
  assert.equal(again.status, 404);
  const gone = await call('GET', `/portfolio/orders/${a.json.order_id}`);
  assert.equal(gone.json.order.status, 'canceled');
  assert.equal(gone.json.order.remaining_count_fp, '0.00');

  // A fill: sell 2 YES into the 0.42 bid.
  const s = await call('POST', '/portfolio/events/orders', { ...base, side: 'ask', count: '2', price: '0.4100', time_in_force: 'fill_or_kill', client_order_id: 'sell-2' });
  assert.equal(s.status, 201);
  assert.equal(s.json.fill_count, '2.00');
  assert.equal(s.json.average_fill_price, '0.4200');
  const fills = await call('GET', `/portfolio/fills?order_id=${s.json.order_id}`);
  assert.equal(fills.json.fills.length, 1);
  const f = fills.json.fills[0];
  assert.equal(f.count_fp, '2.00');
  assert.equal(f.yes_price_dollars, '0.4200');
  assert.equal(f.no_price_dollars, '0.5800');
  assert.equal(f.is_taker, true);
  assert.equal(f.outcome_side, 'no');
  assert.equal(f.book_side, 'ask');
  assert.equal(f.fee_cost, '0.0400'); // ceil(0.07 x 2 x 0.42 x 0.58 = 0.034104)
  // FOK that cannot fill completely is killed with nothing filled.
  const fok = await call('POST', '/portfolio/events/orders', { ...base, count: '500', price: '0.4700', time_in_force: 'fill_or_kill', client_order_id: 'fok' });
  assert.equal(fok.status, 201);
  assert.equal(fok.json.fill_count, '0.00');
  const fo = await call('GET', `/portfolio/orders/${fok.json.order_id}`);
  assert.equal(fo.json.order.status, 'canceled');
});

test('public market data: markets pagination, events, series, orderbook (bids only, ascending)', async () => {
  const p1 = await call('GET', '/markets?limit=2');
  assert.equal(p1.json.markets.length, 2);
  assert.notEqual(p1.json.cursor, '');
  const p2 = await call('GET', `/markets?limit=2&cursor=${p1.json.cursor}`);
  assert.equal(p2.json.markets.length, 2);
  assert.equal(p2.json.cursor, '');
  const all = [...p1.json.markets, ...p2.json.markets].map((m: Json) => m.ticker).sort();
  assert.deepEqual(all, [K1, K2, K3, K4].sort());
  const closedOnly = await call('GET', '/markets?status=closed');
  assert.deepEqual(closedOnly.json.markets.map((m: Json) => [m.ticker, m.status]), [[K4, 'closed']]);
  const one = await call('GET', `/markets?tickers=${K1}&status=open`);
  assert.equal(one.json.markets.length, 1);
  assert.deepEqual(one.json.markets[0].price_ranges, [{ start: '0.0100', end: '0.9900', step: '0.0100' }]);
  const ev = await call('GET', '/events?with_nested_markets=true');
  assert.ok(ev.json.events.length >= 2);
  assert.ok(ev.json.events.every((e: Json) => Array.isArray(e.markets)));
  const series = await call('GET', '/series/KXTEST');
  assert.equal(series.json.series.fee_type, 'quadratic');
  const ob = await call('GET', `/markets/${K3}/orderbook`);
  // The 0.84 bid was taken by the sell test above; 0.50 is now the best YES bid (last element).
  assert.deepEqual(ob.json.orderbook_fp.yes_dollars.at(-1), ['0.5000', '500.00']);
  const yes = ob.json.orderbook_fp.yes_dollars.map((l: string[]) => l[0]);
  assert.deepEqual(yes, [...yes].sort());
  assert.equal(ob.json.orderbook_fp.no_dollars.at(-1)[0], '0.1000'); // YES ask 0.90 = NO bid 0.10
  const missing = await call('GET', '/markets/NOPE-1');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'market_not_found');
});

test('faults: 429 with and without Retry-After, 5xx, forced partial fill, rejected next order', async () => {
  sim.faults.http429('kalshi', { retryAfterSecs: 2 });
  const r1 = await call('GET', '/portfolio/balance');
  assert.equal(r1.status, 429);
  assert.deepEqual(r1.json, { error: 'too many requests' });
  assert.equal(r1.headers.get('retry-after'), '2');
  sim.faults.http429('kalshi');
  const r2 = await call('GET', '/portfolio/balance');
  assert.equal(r2.status, 429);
  assert.equal(r2.headers.get('retry-after'), null);
  sim.faults.http5xx('kalshi', { status: 503 });
  const r3 = await call('GET', '/portfolio/balance');
  assert.equal(r3.status, 503);
  assert.equal(r3.json.error.code, 'service_unavailable');
  assert.equal((await call('GET', '/portfolio/balance')).status, 200);

  sim.faults.partialFill('kalshi', { ratio: 0.5, market: K2 });
  const base = { ticker: K2, side: 'bid', time_in_force: 'immediate_or_cancel', self_trade_prevention_type: 'taker_at_cross' };
  const pf = await call('POST', '/portfolio/events/orders', { ...base, count: '10', price: '0.2000', client_order_id: 'pf' });
  assert.equal(pf.status, 201);
  assert.equal(pf.json.fill_count, '5.00');
  sim.faults.rejectNext('kalshi', { market: K2, params: { status: 400, code: 'insufficient_balance', message: 'insufficient balance' } });
  const rj = await call('POST', '/portfolio/events/orders', { ...base, count: '1', price: '0.2000', client_order_id: 'rj' });
  assert.equal(rj.status, 400);
  assert.equal(rj.json.error.code, 'insufficient_balance');
  const ok = await call('POST', '/portfolio/events/orders', { ...base, count: '1', price: '0.2000', client_order_id: 'rj2' });
  assert.equal(ok.status, 201);
  const log = sim.orderLog({ clientOrderId: 'rj' });
  assert.equal(log.length, 1);
  assert.equal(log[0]!.result, 'rejected');
  assert.equal(log[0]!.reason, 'fault_injected');
  assert.equal(balanceMicros() > 0, true);
});
