import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { KalshiClient, type KalshiClientOptions } from '../src/kalshi/client.ts';
import { kalshiClientOrderId } from '../src/kalshi/orders.ts';
import { executeLeg, resolveLeg } from '../src/execution/leg.ts';
import { VenueError } from '../src/errors.ts';
import type { LegRequest } from '../src/execution/types.ts';
import { FakeKalshiVenue } from './kalshi-fake-venue.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
let venue: FakeKalshiVenue;
const clients: KalshiClient[] = [];

before(async () => {
  venue = await FakeKalshiVenue.start(publicKey);
});
after(async () => {
  for (const c of clients) await c.close();
  await venue.close();
});

let legSeq = 0;
function leg(over: Partial<LegRequest>): LegRequest {
  return { legId: `leg-${process.pid}-${++legSeq}`, platform: 'kalshi', action: 'buy', side: 'yes', price: 5000, contracts: 1000, ...over };
}

function client(over: Partial<KalshiClientOptions> = {}): KalshiClient {
  const c = new KalshiClient({
    apiBase: venue.url,
    credentials: { keyId: KEY_ID, privateKey },
    maxReadRetries: 0,
    presign: { maxAgeMs: 60_000 }, // a loaded test machine must not age them out
    ...over,
  });
  clients.push(c);
  return c;
}

async function rejects(p: Promise<unknown>, kind: string, re?: RegExp): Promise<VenueError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof VenueError, `expected VenueError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    if (re) assert.match(err.message, re);
    return err;
  }
  assert.fail(`expected a ${kind} VenueError`);
}

test('executeLeg with DRY_RUN off: buy YES IOC through the V2 endpoint with pre-signed auth, full fill', async () => {
  venue.addMarket({ ticker: 'KX-FULL', eventTicker: 'KX', yesAsks: [[4800, 600], [5000, 1000]] });
  const c = client();
  await c.warm();
  const req = leg({ kalshiTicker: 'KX-FULL', price: 5000, contracts: 1000 });
  const r = await executeLeg(req, { kalshi: c }, { dryRun: false });
  assert.equal(r.status, 'filled', JSON.stringify(r));
  assert.equal(r.success, true);
  assert.equal(r.filledContracts, 1000);
  // 6 @ 0.48 + 4 @ 0.50 = 2.88 + 2.00 (price improvement at the resting prices)
  assert.equal(r.costMicros, 4_880_000);
  assert.equal(r.avgPrice, 4880);
  // fee: 0.07 × (6×.48×.52 + 4×.5×.5) = 0.174832 -> $0.18
  assert.equal(r.feesMicros, 180_000);
  assert.equal(r.clientOrderId, kalshiClientOrderId(req.legId));
  assert.ok(r.venueOrderId);
  const posts = venue.seen('/portfolio/events/orders', 'POST');
  const post = posts[posts.length - 1]!;
  assert.equal(post.authOk, true, 'signature verified by the venue with the public key');
  assert.equal(post.headers['kalshi-access-key'], KEY_ID);
  assert.deepEqual(post.body, {
    ticker: 'KX-FULL',
    client_order_id: kalshiClientOrderId(req.legId),
    side: 'bid',
    count: '10.00',
    price: '0.5000',
    time_in_force: 'immediate_or_cancel',
    self_trade_prevention_type: 'taker_at_cross',
  });
  assert.equal(post.headers['content-type'], 'application/json');
  // the order answer lacked per-side costs, so the client fetched the order once
  assert.equal(venue.seen(`/portfolio/orders/${r.venueOrderId}`, 'GET').length, 1);
  const s = c.presignStats()!;
  assert.equal(s.misses, 0, 'no RSA on the order path');
  assert.ok(s.hits >= 1);
});

test('IOC partial fill is partial (never filled); zero fill is unfilled; FOK short is unfilled', async () => {
  venue.addMarket({ ticker: 'KX-PART', eventTicker: 'KX', yesAsks: [[900, 11_400]] });
  const c = client();
  const p = await executeLeg(leg({ kalshiTicker: 'KX-PART', price: 900, contracts: 20_000 }), { kalshi: c }, { dryRun: false });
  assert.equal(p.status, 'partial');
  assert.equal(p.success, false);
  assert.equal(p.filledContracts, 11_400);
  assert.equal(p.costMicros, 10_260_000); // the fixture's $10.26
  assert.equal(p.feesMicros, 660_000); // and its $0.66
  const z = await executeLeg(leg({ kalshiTicker: 'KX-PART', price: 900, contracts: 100 }), { kalshi: c }, { dryRun: false });
  assert.equal(z.status, 'unfilled');
  assert.equal(z.filledContracts, 0);
  assert.equal(z.costMicros, 0);
  assert.ok(z.venueOrderId);
  venue.addMarket({ ticker: 'KX-FOK', eventTicker: 'KX', yesAsks: [[6000, 500]] });
  const f = await executeLeg(leg({ kalshiTicker: 'KX-FOK', price: 6000, contracts: 1000, timeInForce: 'fok' }), { kalshi: c }, { dryRun: false });
  assert.equal(f.status, 'unfilled');
  const body = venue.seen('/portfolio/events/orders', 'POST').at(-1)!.body as Record<string, unknown>;
  assert.equal(body.time_in_force, 'fill_or_kill');
});

test('NO legs map onto the YES book; costs and proceeds come back in the traded side\'s terms', async () => {
  venue.addMarket({ ticker: 'KX-NO', eventTicker: 'KX', yesBids: [[6200, 500], [6000, 1000]], yesAsks: [[6500, 2000]] });
  const c = client();
  // buy NO @ 0.40 == ask YES @ 0.60; it sells YES to the 0.62 then 0.60 bids -> NO cost 0.38 and 0.40.
  const b = await executeLeg(leg({ kalshiTicker: 'KX-NO', action: 'buy', side: 'no', price: 4000, contracts: 1000 }), { kalshi: c }, { dryRun: false });
  const body = venue.seen('/portfolio/events/orders', 'POST').at(-1)!.body as Record<string, unknown>;
  assert.equal(body.side, 'ask');
  assert.equal(body.price, '0.6000');
  assert.equal(b.status, 'filled');
  assert.equal(b.costMicros, 5 * 380_000 + 5 * 400_000);
  assert.equal(b.avgPrice, 3900);
  // sell NO @ 0.30 == bid YES @ 0.70; buys YES at 0.65 -> NO proceeds 0.35 each.
  const s = await executeLeg(leg({ kalshiTicker: 'KX-NO', action: 'sell', side: 'no', price: 3000, contracts: 500 }), { kalshi: c }, { dryRun: false });
  const body2 = venue.seen('/portfolio/events/orders', 'POST').at(-1)!.body as Record<string, unknown>;
  assert.equal(body2.side, 'bid');
  assert.equal(body2.price, '0.7000');
  assert.equal(s.status, 'filled');
  assert.equal(s.costMicros, 5 * 350_000, 'proceeds of the NO sale, not the YES cost');
  assert.equal(s.avgPrice, 3500);
});

test('sell YES: proceeds in YES terms although the venue reports the fill cost in NO terms', async () => {
  venue.addMarket({ ticker: 'KX-SELL', eventTicker: 'KX', yesBids: [[8400, 700]] });
  const c = client();
  const r = await executeLeg(leg({ kalshiTicker: 'KX-SELL', action: 'sell', side: 'yes', price: 8400, contracts: 2000 }), { kalshi: c }, { dryRun: false });
  assert.equal(r.status, 'partial');
  assert.equal(r.filledContracts, 700);
  assert.equal(r.costMicros, 7 * 840_000);
  assert.equal(r.avgPrice, 8400);
  assert.equal(r.feesMicros, 70_000);
  const ord = venue.orders.find((o) => o.order_id === r.venueOrderId)!;
  assert.equal(ord.taker_fill_cost_dollars, '1.120000', 'the venue said $1.12 (7 × NO 0.16)');
});

test('without the detail fetch the report comes from the V2 answer averages', async () => {
  venue.addMarket({ ticker: 'KX-AVG', eventTicker: 'KX', yesAsks: [[3000, 10_000]] });
  const c = client({ fetchFillDetails: false });
  const r = await executeLeg(leg({ kalshiTicker: 'KX-AVG', price: 3000, contracts: 10_000 }), { kalshi: c }, { dryRun: false });
  assert.equal(r.status, 'filled');
  assert.equal(r.costMicros, 30_000_000);
  assert.equal(r.feesMicros, 1_470_000);
  const before = venue.requests.length;
  venue.failOrderGets = true;
  try {
    // with the fetch on but failing, the leg still reports the fill (never a lost fill)
    const c2 = client();
    const r2 = await executeLeg(leg({ kalshiTicker: 'KX-AVG', action: 'buy', side: 'no', price: 7000, contracts: 1000 }), { kalshi: c2 }, { dryRun: false });
    assert.equal(r2.status, 'unfilled'); // nobody bids YES here
    venue.addMarket({ ticker: 'KX-AVG2', eventTicker: 'KX', yesBids: [[3000, 1000]] });
    const r3 = await executeLeg(leg({ kalshiTicker: 'KX-AVG2', action: 'buy', side: 'no', price: 7000, contracts: 1000 }), { kalshi: c2 }, { dryRun: false });
    assert.equal(r3.status, 'filled');
    assert.equal(r3.costMicros, 7_000_000, 'NO cost from the YES average 0.30');
    assert.ok(venue.requests.length > before);
  } finally {
    venue.failOrderGets = false;
  }
});

test('legacy endpoint behind an option: side/action body and a full Order answer', async () => {
  venue.addMarket({ ticker: 'KX-LEG', eventTicker: 'KX', yesBids: [[800, 100]] });
  const c = client({ orderEndpoint: 'legacy' });
  await c.warm();
  const req = leg({ kalshiTicker: 'KX-LEG', action: 'sell', side: 'yes', price: 100, contracts: 100 });
  const r = await executeLeg(req, { kalshi: c }, { dryRun: false });
  const post = venue.seen('/trade-api/v2/portfolio/orders', 'POST').at(-1)!;
  assert.equal(post.authOk, true);
  assert.deepEqual(post.body, {
    ticker: 'KX-LEG',
    client_order_id: kalshiClientOrderId(req.legId),
    action: 'sell',
    side: 'yes',
    count: 1,
    yes_price_dollars: '0.0100',
    time_in_force: 'immediate_or_cancel',
    self_trade_prevention_type: 'taker_at_cross',
  });
  // The fixture case: sold 1 YES at the 8c bid; venue cost 0.92 in NO terms; proceeds 0.08.
  assert.equal(r.status, 'filled');
  assert.equal(r.costMicros, 80_000);
  assert.equal(r.feesMicros, 10_000);
  assert.equal(c.presignStats()!.misses, 0);
});

test('venue errors map to VenueError kinds with the venue code and message kept', async () => {
  venue.addMarket({ ticker: 'KX-ERR', eventTicker: 'KX', yesAsks: [[5000, 100]] });
  venue.addMarket({ ticker: 'KX-CLOSED', eventTicker: 'KX', status: 'closed' });
  const c = client();
  const e1 = await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-NOPE-25' })), 'market_not_found', /market not found/);
  assert.equal(e1.venueCode, 'market_not_found');
  assert.equal(e1.httpStatus, 404);
  await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-CLOSED' })), 'market_closed', /market_closed/);
  const saved = venue.balanceMicros;
  venue.balanceMicros = 1000;
  try {
    const e = await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-ERR', contracts: 100 })), 'insufficient_balance', /insufficient balance/);
    assert.equal(e.venueCode, 'insufficient_balance');
  } finally {
    venue.balanceMicros = saved;
  }
  // Through executeLeg a rejection is 'rejected' with the kind.
  const r = await executeLeg(leg({ kalshiTicker: 'KX-CLOSED' }), { kalshi: c }, { dryRun: false });
  assert.equal(r.status, 'rejected');
  assert.equal(r.errorKind, 'market_closed');

  // Scripted answers for the rest.
  const once = (status: number, body: unknown, headers?: Record<string, string>, raw?: string): void => {
    let used = false;
    venue.override = () => {
      if (used) return undefined;
      used = true;
      return { status, body, headers, raw };
    };
  };
  try {
    once(429, { error: 'too many requests' }, { 'retry-after': '7' });
    const rl = await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-ERR' })), 'rate_limited', /too many requests/);
    assert.equal(rl.retryAfterSecs, 7);
    assert.equal(rl.httpStatus, 429);
    once(429, { error: 'too many requests' });
    const rl2 = await rejects(c.getBalance(), 'rate_limited');
    assert.equal(rl2.retryAfterSecs, null);
    once(403, { error: { code: 'Your_location_attestation_for_API_trading_is_missing_or_expired', message: 'forbidden', service: 'api' } });
    const au = await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-ERR' })), 'auth', /location_attestation/);
    assert.equal(au.httpStatus, 403);
    once(400, { error: { code: 'invalid_price', message: 'price out of range', service: 'exchange' } });
    await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-ERR' })), 'invalid_price', /price out of range/);
    once(400, { code: 'invalid_order', message: 'flat envelope', details: 'documented shape' });
    const fl = await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-ERR' })), 'venue', /flat envelope \(documented shape\)/);
    assert.equal(fl.venueCode, 'invalid_order');
    once(500, undefined, undefined, '<html>bad gateway</html>');
    await rejects(c.getBalance(), 'venue', /HTTP 500.*bad gateway/);
  } finally {
    venue.override = undefined;
  }
  // A wrong key: the venue's signature check fails -> auth.
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const bad = client({ credentials: { keyId: KEY_ID, privateKey: other } });
  await rejects(bad.getBalance(), 'auth', /authentication failed/);
  await rejects(bad.submitLeg(leg({ kalshiTicker: 'KX-ERR' })), 'auth');
  // No credentials at all: portfolio calls refuse before sending.
  const anon = client({ credentials: null });
  await rejects(anon.getBalance(), 'auth', /KALSHI_API_KEY_ID/);
});

test('duplicate client order id: 409 maps to duplicate_order; submitLeg resolves it to the existing order', async () => {
  venue.addMarket({ ticker: 'KX-DUP', eventTicker: 'KX', yesAsks: [[5000, 10_000]] });
  const c = client();
  const req = leg({ kalshiTicker: 'KX-DUP', contracts: 100 });
  const first = await c.submitLeg(req);
  assert.equal(first.status, 'filled');
  const e = await rejects(
    c.createOrder({ ticker: 'KX-DUP', action: 'buy', side: 'yes', price: 5000, count: 100, clientOrderId: c.clientOrderIdFor(req) }),
    'duplicate_order',
  );
  assert.equal(e.httpStatus, 409);
  // Re-submitting the same leg (e.g. after a restart) does not double-fill: it reports the first order.
  const fresh = client();
  const again = await fresh.submitLeg(req);
  assert.deepEqual(again, first);
  assert.equal(venue.orders.filter((o) => o.client_order_id === c.clientOrderIdFor(req)).length, 1);
});

for (const warm of [false, true]) {
test(`an order POST that times out is not retried: VenueError(timeout), then lookupLeg finds it (${warm ? 'order channel' : 'pool'})`, async () => {
  venue.addMarket({ ticker: 'KX-SLOW', eventTicker: 'KX', yesAsks: [[5000, 10_000]] });
  const c = client({ orderTimeoutMs: 300 });
  if (warm) await c.warm(); // the order goes out on the order channel's own connection
  const req = leg({ kalshiTicker: 'KX-SLOW', contracts: 300, createdAtMs: Date.now() });
  venue.hangOrderAnswers = true;
  let r;
  try {
    r = await executeLeg(req, { kalshi: c }, { dryRun: false });
  } finally {
    venue.hangOrderAnswers = false;
  }
  assert.equal(r.status, 'unknown');
  assert.equal(r.errorKind, 'timeout');
  assert.match(r.error!, /look it up by its client order id/);
  assert.equal(venue.seen('/portfolio/events/orders', 'POST').filter((x) => (x.body as { client_order_id: string }).client_order_id === c.clientOrderIdFor(req)).length, 1, 'exactly one POST');
  const resolved = await resolveLeg(req, { kalshi: c });
  assert.equal(resolved.status, 'filled');
  assert.equal(resolved.filledContracts, 300);
  assert.equal(resolved.costMicros, 1_500_000);
  const listCalls = venue.seen('/portfolio/orders', 'GET');
  assert.ok(listCalls.length >= 1);
  assert.equal(listCalls.at(-1)!.query.get('ticker'), 'KX-SLOW');
  assert.ok(listCalls.at(-1)!.authOk);
  // An order that never reached the venue: lookup says none.
  assert.equal(await c.lookupLeg(leg({ kalshiTicker: 'KX-SLOW' })), null);
});
}

test('connection refused is a network error (the request was not sent)', async () => {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const c = client({ apiBase: `http://127.0.0.1:${port}/trade-api/v2`, presign: false });
  await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-ANY' })), 'network', /request was not sent/);
});

test('price grid: off-grid prices are refused before sending; sub-cent prices fetch the grid once', async () => {
  venue.addMarket({
    ticker: 'KX-GRID',
    eventTicker: 'KX',
    priceRanges: [
      { start: '0.0000', end: '0.1000', step: '0.0010' },
      { start: '0.1000', end: '0.9000', step: '0.0100' },
      { start: '0.9000', end: '1.0000', step: '0.0010' },
    ],
    yesAsks: [[50, 10_000], [9950, 10_000]],
  });
  const c = client();
  const posts = (): number => venue.seen('/portfolio/events/orders', 'POST').length;
  const n0 = posts();
  // 0.005 is on the 0.1c tail: the client fetches the market, then sends.
  const r = await c.submitLeg(leg({ kalshiTicker: 'KX-GRID', price: 50, contracts: 100 }));
  assert.equal(r.status, 'filled');
  assert.equal(venue.seen('/markets/KX-GRID', 'GET').length, 1);
  // 0.555 is not on the 1c middle: refused locally, nothing sent, no extra market fetch.
  const e = await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-GRID', price: 5550 })), 'invalid_price', /not on KX-GRID's price grid.*nearest valid: 0\.5500 or 0\.5600/);
  assert.equal(e.platform, 'kalshi');
  // buy NO @ 0.0050 is an ask at YES 0.9950: on the upper 0.1c tail, accepted.
  venue.addMarket({ ...venue.markets.get('KX-GRID')!, yesBids: [[9950, 100]] });
  const no = await c.submitLeg(leg({ kalshiTicker: 'KX-GRID', action: 'buy', side: 'no', price: 50, contracts: 100 }));
  assert.equal(no.status, 'filled');
  assert.equal(posts() - n0, 2);
  assert.equal(venue.seen('/markets/KX-GRID', 'GET').length, 1, 'grid cached per ticker');
  // Prices outside (0, 1) never leave the process.
  await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-GRID', price: 10_000 })), 'invalid_price', /outside \(0, 1\)/);
  await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-GRID', contracts: 0 })), 'invalid_size');
  await rejects(c.submitLeg(leg({ kalshiTicker: '' })), 'validation', /Missing kalshi_ticker/);
  assert.equal(posts() - n0, 2);
});

test('fractional contracts: allowed where the market says so, refused locally elsewhere', async () => {
  venue.addMarket({ ticker: 'KX-FRAC', eventTicker: 'KX', yesAsks: [[5000, 1000]] });
  venue.addMarket({ ticker: 'KX-WHOLE', eventTicker: 'KX', yesAsks: [[5000, 1000]], fractional: false });
  const c = client();
  const n0 = venue.seen('/portfolio/events/orders', 'POST').length;
  const r = await c.submitLeg(leg({ kalshiTicker: 'KX-FRAC', contracts: 150 }));
  assert.equal(r.status, 'filled');
  assert.equal(r.filledContracts, 150);
  assert.equal((venue.seen('/portfolio/events/orders', 'POST').at(-1)!.body as { count: string }).count, '1.50');
  await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-WHOLE', contracts: 150 })), 'invalid_size', /does not allow fractional contracts \(got 1\.50\)/);
  assert.equal(venue.seen('/portfolio/events/orders', 'POST').length - n0, 1);
  // whole contracts on the same market go through (rules cached: no second market fetch)
  assert.equal((await c.submitLeg(leg({ kalshiTicker: 'KX-WHOLE', contracts: 100 }))).status, 'filled');
  assert.equal(venue.seen('/markets/KX-WHOLE', 'GET').length, 1);
});

test('pagination makes exactly one request per page, lazily', async () => {
  for (let i = 0; i < 5; i++) venue.addMarket({ ticker: `KX-PAGE-${i}`, eventTicker: 'KXPAGE' });
  const total = venue.markets.size;
  const c = client();
  const before = venue.seen('/trade-api/v2/markets', 'GET').length;
  const seen: string[] = [];
  let pages = 0;
  for await (const page of c.listMarkets({ limit: 2, status: 'open' })) {
    pages++;
    for (const m of page.items) seen.push(m.ticker);
  }
  const reqs = venue.seen('/trade-api/v2/markets', 'GET').slice(before);
  assert.equal(pages, Math.ceil(total / 2));
  assert.equal(reqs.length, pages, 'one request per page');
  assert.equal(new Set(seen).size, total);
  assert.equal(reqs[0]!.query.get('cursor'), null);
  assert.equal(reqs[0]!.query.get('status'), 'open');
  assert.equal(reqs[1]!.query.get('cursor'), '2');
  assert.equal(reqs[0]!.authOk, null, 'public market data is not signed');
  // Stopping early stops fetching.
  const b2 = venue.seen('/trade-api/v2/markets', 'GET').length;
  for await (const page of c.listMarkets({ limit: 2 })) {
    assert.equal(page.items.length, 2);
    break;
  }
  assert.equal(venue.seen('/trade-api/v2/markets', 'GET').length - b2, 1);

  venue.events = [1, 2, 3].map((i) => ({ event_ticker: `KXE-${i}`, series_ticker: 'KXE', title: `E${i}`, mutually_exclusive: true, fee_type_override: null }));
  venue.series = [{ ticker: 'KXE', title: 'Series', fee_type: 'quadratic_with_maker_fees', fee_multiplier: 1 }];
  const evPages: number[] = [];
  for await (const p of c.listEvents({ limit: 2, withNestedMarkets: false })) evPages.push(p.items.length);
  assert.deepEqual(evPages, [2, 1]);
  assert.equal(venue.seen('/trade-api/v2/events').at(-1)!.query.get('with_nested_markets'), 'false');
  const sp: string[] = [];
  for await (const p of c.listSeries()) for (const s of p.items) sp.push(`${s.ticker}:${s.feeType}`);
  assert.deepEqual(sp, ['KXE:quadratic_with_maker_fees']);
});

test('portfolio reads: balance, positions, fills, orders, get and cancel', async () => {
  venue.addMarket({ ticker: 'KX-PF', eventTicker: 'KX', yesAsks: [[2500, 300]] });
  const c = client();
  const req = leg({ kalshiTicker: 'KX-PF', price: 2500, contracts: 300 });
  const rep = await c.submitLeg(req);
  const bal = await c.getBalance();
  assert.equal(bal.balance, venue.balanceMicros);
  venue.positions = [
    { ticker: 'KX-PF', exchange_index: 0, position_fp: '-3.00', market_exposure_dollars: '2.7600', total_traded_dollars: '3.2100', realized_pnl_dollars: '0.0000', fees_paid_dollars: '0.0300', last_updated_ts: '2026-01-20T18:12:35Z' },
  ];
  const pos = await c.getPositions({ countFilter: ['position', 'total_traded'] });
  assert.equal(pos.marketPositions[0]!.position, -300);
  assert.equal(pos.marketPositions[0]!.marketExposure, 2_760_000);
  assert.equal(venue.seen('/portfolio/positions').at(-1)!.query.get('count_filter'), 'position,total_traded');
  const fills = await c.getFills({ orderId: rep.venueOrderId! });
  assert.ok(fills.items.length >= 1);
  assert.equal(venue.seen('/portfolio/fills').at(-1)!.query.get('order_id'), rep.venueOrderId);
  const o = await c.getOrder(rep.venueOrderId!);
  assert.equal(o!.fillCount, 300);
  assert.equal(await c.getOrder('ord-does-not-exist'), null);
  const page = await c.getOrders({ ticker: 'KX-PF', limit: 5 });
  assert.equal(page.items.length, 1);
  // a resting GTC order can be cancelled on the V2 endpoint
  const gtc = await c.createOrder({ ticker: 'KX-PF', action: 'buy', side: 'yes', price: 2000, count: 500, timeInForce: 'gtc', clientOrderId: 'gtc-1' });
  assert.equal(gtc.v2!.remainingCount, 500);
  const cancel = await c.cancelOrder(gtc.orderId, { marketTicker: 'KX-PF' });
  assert.equal(cancel.reducedBy, 500);
  const del = venue.seen(`/portfolio/events/orders/${gtc.orderId}`, 'DELETE').at(-1)!;
  assert.equal(del.authOk, true, 'DELETE signed without its query string');
  assert.equal(del.query.get('market_ticker'), 'KX-PF');
  const st = await c.getExchangeStatus();
  assert.equal(st.tradingActive, true);
});

test('reads retry 429 with back-off; order POSTs never do', async () => {
  venue.addMarket({ ticker: 'KX-RETRY', eventTicker: 'KX', yesAsks: [[5000, 100]] });
  const c = client({ maxReadRetries: 2, readRetryBaseMs: 1 });
  let n = 0;
  venue.override = (r) => (r.path.endsWith('/portfolio/balance') && n++ === 0 ? { status: 429, body: { error: 'too many requests' } } : undefined);
  try {
    const b0 = venue.seen('/portfolio/balance').length;
    await c.getBalance();
    assert.equal(venue.seen('/portfolio/balance').length - b0, 2);
    let m = 0;
    venue.override = (r) => (r.method === 'POST' && m++ === 0 ? { status: 429, body: { error: 'too many requests' } } : undefined);
    const p0 = venue.seen('/portfolio/events/orders', 'POST').length;
    await rejects(c.submitLeg(leg({ kalshiTicker: 'KX-RETRY', contracts: 100 })), 'rate_limited');
    assert.equal(venue.seen('/portfolio/events/orders', 'POST').length - p0, 1);
  } finally {
    venue.override = undefined;
  }
});

test('WS auth headers sign GET /trade-api/ws/v2', async () => {
  const { verifyKalshiRequest } = await import('../src/kalshi/auth.ts');
  const c = client({ wsUrl: 'ws://127.0.0.1:1/trade-api/ws/v2' });
  const h = c.wsAuthHeaders();
  assert.ok(verifyKalshiRequest(publicKey, 'GET', '/trade-api/ws/v2', h).ok);
  const asRecord: Record<string, string> = await c.wsAuthHeadersAsync();
  assert.ok(verifyKalshiRequest(publicKey, 'GET', '/trade-api/ws/v2?x=1', asRecord).ok);
});
