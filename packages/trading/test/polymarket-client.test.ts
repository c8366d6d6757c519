import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { executeLeg, resolveLeg } from '../src/execution/leg.ts';
import type { LegRequest } from '../src/execution/types.ts';
import { VenueError } from '../src/errors.ts';
import { PolymarketClient, polyRandomSalt, polySaltForLeg } from '../src/polymarket/client.ts';
import { PolyOrderSigner } from '../src/polymarket/order-signer.ts';
import * as polymarket from '../src/polymarket/index.ts';
import { FakeClob, fullFill, type MarketDef, type OrderBody, type ServerOptions } from './polymarket-test-server.ts';
import { TEST_ADDRESS, TEST_PRIVATE_KEY, loadVectors } from './polymarket-helpers.ts';

const v2file = loadVectors('polymarket-v2.json');
const CREDS = { key: v2file.api_creds.key as string, secret: v2file.api_creds.secret as string, passphrase: v2file.api_creds.passphrase as string };
const YES = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const NO = '52114319501245915516055106046884209969926127482827954674443846427813813222426';
const FINE = '26310511444966676152901239545213464869875480698266972830365142324057733576025';
const MARKETS: MarketDef[] = [
  { conditionId: '0xc1', tokens: [YES, NO], tick: 0.01, negRisk: false, fee: { r: 0.07, e: 1, to: true }, minSize: 5 },
  { conditionId: '0xc2', tokens: [FINE], tick: 0.001, negRisk: true },
];

const open: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
after(async () => {
  for (const x of open) await ('stop' in x ? x.stop() : x.close());
});

async function setup(opts: Partial<ServerOptions> = {}, clientOpts: { orderTimeoutMs?: number; creds?: boolean } = {}) {
  const server = await new FakeClob({ creds: CREDS, address: TEST_ADDRESS, markets: MARKETS, ...opts }).start();
  open.push(server);
  const client = new PolymarketClient({
    clobUrl: server.url, signer: new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY }), creds: clientOpts.creds === false ? null : CREDS,
    orderTimeoutMs: clientOpts.orderTimeoutMs, lookupNullDelayMs: 10,
  });
  open.push(client);
  return { server, client };
}

let legSeq = 0;
function leg(over: Partial<LegRequest> = {}): LegRequest {
  return {
    legId: `leg-${process.pid}-${++legSeq}`, platform: 'polymarket', action: 'buy', side: 'yes', price: 5300, contracts: 1000,
    polyToken: YES, createdAtMs: 1_767_225_601_000, timeInForce: 'ioc', ...over,
  };
}

const ans = (status: number, json: unknown) => () => ({ status, json });

test('executeLeg with DRY_RUN off posts a signed FAK order and reports the fill', async () => {
  const { server, client } = await setup();
  const req = leg();
  const r = await executeLeg(req, { polymarket: client }, { dryRun: false });
  assert.equal(r.status, 'filled', JSON.stringify(r));
  assert.equal(r.success, true);
  assert.equal(r.filledContracts, 1000);
  assert.equal(r.costMicros, 5_300_000);
  assert.equal(r.avgPrice, 5300);
  // 10 × 0.07 × 0.53 × 0.47 = 0.17437
  assert.equal(r.feesMicros, 174_370);
  assert.equal(r.clientOrderId, await client.clientOrderIdFor(req));
  assert.equal(r.venueOrderId, r.clientOrderId, 'the CLOB orderID is the order hash');
  assert.equal(server.count('POST', '/order'), 1);
  const post = server.requests.find((x) => x.path === '/order')!;
  const body = JSON.parse(post.body) as OrderBody;
  assert.equal(body.orderType, 'FAK');
  assert.equal(body.order.makerAmount, '5300000');
  assert.equal(body.order.takerAmount, '10000000');
  assert.equal(body.order.salt, polySaltForLeg(req.legId));
  assert.equal(body.order.timestamp, '1767225601000');
  assert.equal(body.owner, CREDS.key);
  // metadata was fetched once and cached
  await executeLeg(leg(), { polymarket: client }, { dryRun: false });
  assert.equal(server.count('GET', '/clob-markets/0xc1'), 1);
});

test('a partial FAK match is partial, never filled; a SELL reports proceeds', async () => {
  const { client } = await setup({
    onOrder: (b) => (b.order.side === 'BUY'
      ? ans(200, { errorMsg: '', takingAmount: '5', makingAmount: '2.65', status: 'matched', success: true })()
      : ans(200, { errorMsg: '', takingAmount: '3.3', makingAmount: '6', status: 'matched', success: true })()),
  });
  const r = await executeLeg(leg(), { polymarket: client }, { dryRun: false });
  assert.equal(r.status, 'partial');
  assert.equal(r.success, false);
  assert.equal(r.filledContracts, 500);
  assert.equal(r.costMicros, 2_650_000);
  const s = await executeLeg(leg({ action: 'sell', price: 5500, contracts: 600 }), { polymarket: client }, { dryRun: false });
  assert.equal(s.status, 'filled');
  assert.equal(s.costMicros, 3_300_000);
  assert.equal(s.filledContracts, 600);
});

test('FAK with nothing to match and an unfillable FOK are clean no-fills', async () => {
  const { client } = await setup({
    onOrder: (b) => (b.orderType === 'FAK'
      ? ans(400, { error: 'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.' })()
      : ans(400, { error: "order couldn't be fully filled. FOK orders are fully filled or killed." })()),
  });
  for (const tif of ['ioc', 'fok'] as const) {
    const r = await executeLeg(leg({ timeInForce: tif }), { polymarket: client }, { dryRun: false });
    assert.equal(r.status, 'unfilled', tif);
    assert.equal(r.error, null);
    assert.equal(r.filledContracts, 0);
  }
});

test('delayed and matched-without-amounts answers are pending', async () => {
  let n = 0;
  const { client } = await setup({
    onOrder: () => (n++ === 0
      ? ans(200, { errorMsg: '', takingAmount: '', makingAmount: '', status: 'delayed', success: true })()
      : ans(200, { errorMsg: '', status: 'matched', success: true })()),
  });
  for (let i = 0; i < 2; i++) {
    const r = await executeLeg(leg(), { polymarket: client }, { dryRun: false });
    assert.equal(r.status, 'pending');
    assert.equal(r.success, false);
  }
});

test('CLOB errors become typed VenueErrors keeping the venue message', async () => {
  const cases: Array<[number, unknown, string]> = [
    [400, { error: 'not enough balance / allowance: the balance is not enough -> balance: 4893500, order amount: 5300000' }, 'insufficient_balance'],
    [400, { error: 'order 0xabc is invalid. Price (0.53) breaks minimum tick size rule: 0.1' }, 'invalid_price'],
    [400, { error: 'order 0xabc is invalid. Size (10) lower than the minimum: 15' }, 'invalid_size'],
    [400, { error: 'invalid amounts, the market buy orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals' }, 'invalid_size'],
    [400, { error: 'order 0xabc is invalid. Duplicated.' }, 'duplicate_order'],
    [429, { error: 'Too Many Requests' }, 'rate_limited'],
    [401, { error: 'Unauthorized/Invalid api key' }, 'auth'],
    [400, { error: 'the order signer address has to be the address of the API KEY' }, 'auth'],
    [503, { error: 'Trading is currently disabled. Check polymarket.com for updates' }, 'market_closed'],
    [503, { error: 'post-only mode: only post-only orders and cancels are allowed', code: 'post_only_mode', retry_after_seconds: 120 }, 'market_closed'],
    [200, { errorMsg: 'the market is not yet ready to process new orders', success: false }, 'market_closed'],
    [400, { error: 'something new and strange' }, 'venue'],
    [502, '<html>bad gateway</html>', 'unknown'],
  ];
  let i = 0;
  const { client } = await setup({ onOrder: () => ({ status: cases[i]![0], json: cases[i]![1] }) });
  for (; i < cases.length; i++) {
    const [, json, kind] = cases[i]!;
    const r = await executeLeg(leg(), { polymarket: client }, { dryRun: false });
    assert.equal(r.errorKind, kind, JSON.stringify(json));
    assert.equal(r.success, false);
    const msg = typeof json === 'string' ? 'bad gateway' : ((json as { error?: string; errorMsg?: string }).error ?? (json as { errorMsg: string }).errorMsg);
    assert.ok(r.error!.includes(msg), r.error!);
    assert.equal(r.status, kind === 'unknown' ? 'unknown' : 'rejected');
  }
  // the rate-limit answer carries Retry-After
  i = 5;
  await assert.rejects(client.submitLeg(leg()), (e: unknown) => e instanceof VenueError && e.kind === 'rate_limited' && e.retryAfterSecs === 3);
});

test('order_version_mismatch re-reads /version once and never re-posts', async () => {
  const { server, client } = await setup({ version: 3, onOrder: ans(400, { error: 'order_version_mismatch' }) });
  const r = await executeLeg(leg(), { polymarket: client }, { dryRun: false });
  assert.equal(r.errorKind, 'order_version_mismatch');
  assert.match(r.error!, /signs order version 2; GET \/version now reports 3/);
  assert.equal(server.count('POST', '/order'), 1);
  assert.equal(server.count('GET', '/version'), 1);
  assert.equal(client.serverVersion, 3);
});

test('off-tick prices and prices outside (0,1) are refused before any order is sent', async () => {
  const { server, client } = await setup();
  for (const price of [5305, 5301]) {
    const r = await executeLeg(leg({ price }), { polymarket: client }, { dryRun: false });
    assert.equal(r.errorKind, 'invalid_price', String(price));
    assert.match(r.error!, /not on token .* tick grid \(0\.01/);
  }
  for (const price of [0, 10_000, -5]) {
    const r = await executeLeg(leg({ price }), { polymarket: client }, { dryRun: false });
    assert.equal(r.errorKind, 'validation');
    assert.match(r.error!, /outside \(0, 1\)/);
    await assert.rejects(client.submitLeg(leg({ price })), (e: unknown) => e instanceof VenueError && e.kind === 'invalid_price');
  }
  // fine tick: 0.531 is valid on the 0.001 market, 0.5315 is not
  const bad = await executeLeg(leg({ polyToken: FINE, price: 5315 }), { polymarket: client }, { dryRun: false });
  assert.equal(bad.errorKind, 'invalid_price');
  // below the market minimum size (5 shares)
  const small = await executeLeg(leg({ contracts: 400 }), { polymarket: client }, { dryRun: false });
  assert.equal(small.errorKind, 'invalid_size');
  assert.equal(server.count('POST', '/order'), 0);
  const good = await executeLeg(leg({ polyToken: FINE, price: 5310 }), { polymarket: client }, { dryRun: false });
  assert.equal(good.status, 'filled');
  assert.equal(server.count('POST', '/order'), 1);
  // the neg-risk market's order was signed for the neg-risk exchange (the server verified it)
});

test('a timed-out POST is never re-posted: the outcome is unknown until looked up by hash', async () => {
  const { server, client } = await setup({ onOrder: () => ({ status: 200, json: null, hang: true }) }, { orderTimeoutMs: 300 });
  const req = leg();
  const r = await executeLeg(req, { polymarket: client }, { dryRun: false });
  assert.equal(r.errorKind, 'timeout');
  assert.equal(r.status, 'unknown');
  assert.equal(server.count('POST', '/order'), 1);
  // resolve: the order exists (the server recorded it as matched)
  const resolved = await resolveLeg(req, { polymarket: client });
  assert.equal(resolved.status, 'filled', JSON.stringify(resolved));
  assert.equal(resolved.filledContracts, 1000);
  assert.equal(resolved.costMicros, 5_300_000);
  assert.equal(server.count('GET', `/data/order/${r.clientOrderId}`), 1);
  assert.equal(server.count('POST', '/order'), 1);
});

test('lookupLeg is null when the CLOB has no such order; a re-post of the same leg is a duplicate', async () => {
  const { server, client } = await setup();
  const req = leg();
  assert.equal(await client.lookupLeg(req), null);
  const first = await executeLeg(req, { polymarket: client }, { dryRun: false });
  assert.equal(first.status, 'filled');
  const again = await executeLeg(req, { polymarket: client }, { dryRun: false });
  assert.equal(again.errorKind, 'duplicate_order');
  const found = await client.lookupLeg(req);
  assert.equal(found?.status, 'filled');
  assert.equal(server.count('POST', '/order'), 2);
});

test('the same leg always has the same order hash; salts fit a JSON number', async () => {
  const a = await setup();
  const b = await setup();
  const req = leg();
  const h1 = await a.client.clientOrderIdFor(req);
  const h2 = await b.client.clientOrderIdFor({ ...req });
  assert.equal(h1, h2);
  assert.match(h1, /^0x[0-9a-f]{64}$/);
  assert.notEqual(await a.client.clientOrderIdFor({ ...req, legId: req.legId + 'x' }), h1);
  assert.notEqual(await a.client.clientOrderIdFor({ ...req, createdAtMs: req.createdAtMs! + 1 }), h1);
  for (const id of ['a', 'leg-1', 'x'.repeat(500)]) {
    const s = polySaltForLeg(id);
    assert.ok(Number.isSafeInteger(s) && s >= 0 && s <= Number.MAX_SAFE_INTEGER);
  }
});

test('market info: one fetch per market, fallback to /tick-size and /neg-risk, tick changes applied', async () => {
  const { server, client } = await setup();
  const info = await client.marketInfo(YES);
  assert.equal(info.tickSize, '0.01');
  assert.equal(info.negRisk, false);
  assert.equal(info.fees?.ratePpm, 70_000);
  assert.equal(info.minOrderSize, 500);
  assert.equal(client.marketInfoCached(NO)?.tickSize, '0.01', 'both tokens of the market are cached');
  await Promise.all([client.marketInfo(FINE), client.marketInfo(FINE)]);
  assert.equal(server.count('GET', '/clob-markets/0xc2'), 1, 'concurrent lookups share one fetch');
  // a token only the single-purpose endpoints know
  const legacy = '123456789';
  server.opts.markets!.push({ conditionId: '0xlegacy', tokens: [legacy], tick: 0.001, negRisk: true, legacyOnly: true });
  const li = await client.marketInfo(legacy);
  assert.deepEqual(li, { tokenId: legacy, conditionId: null, tickSize: '0.001', negRisk: true, fees: null, minOrderSize: null });
  // and an order on it goes through (no fee curve: fees reported as 0)
  const r = await executeLeg(leg({ polyToken: legacy, price: 4210, contracts: 100 }), { polymarket: client }, { dryRun: false });
  assert.equal(r.status, 'filled', JSON.stringify(r));
  assert.equal(r.feesMicros, 0);
  await assert.rejects(client.marketInfo('999'), (e: unknown) => e instanceof VenueError && e.kind === 'market_not_found');
  await assert.rejects(client.marketInfo('0xabc'), (e: unknown) => e instanceof VenueError && e.kind === 'validation');
  client.setTickSize(YES, '0.001');
  assert.equal(client.marketInfoCached(YES)?.tickSize, '0.001');
});

test('balance, open orders (paginated), cancel', async () => {
  const { client } = await setup();
  const bal = await client.getBalanceAllowance('COLLATERAL');
  assert.equal(bal.balance, 1_500_000_000);
  assert.equal(bal.allowances['0xE111180000d2663C0091e4f400237545B87B996B'], 2n ** 256n - 1n);
  assert.equal(await client.balanceMicros(), 1_500_000_000);
  await client.warm();
  assert.equal(client.serverVersion, 2);
  await executeLeg(leg(), { polymarket: client }, { dryRun: false });
  await executeLeg(leg(), { polymarket: client }, { dryRun: false });
  const orders = await client.getOpenOrders();
  assert.equal(orders.length, 2);
  const c = await client.cancel(orders[0]!.id);
  assert.deepEqual(c.canceled, [orders[0]!.id]);
  const n = await client.cancel('0xnope');
  assert.equal(n.notCanceled['0xnope'], 'order not found');
});

test('wrong credentials are an auth error; missing credentials say what to set', async () => {
  const { client } = await setup();
  client.setCreds({ ...CREDS, secret: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
  await assert.rejects(client.getBalanceAllowance(), (e: unknown) => e instanceof VenueError && e.kind === 'auth' && /Invalid api key/.test(e.message));
  const { client: bare } = await setup({}, { creds: false });
  await assert.rejects(bare.submitLeg(leg()), (e: unknown) => e instanceof VenueError && e.kind === 'auth' && /POLY_API_KEY/.test(e.message));
});

test('create/derive API key through L1 (the server verifies the ClobAuth signature)', async () => {
  const made = { apiKey: 'new-key', secret: CREDS.secret, passphrase: 'pp' };
  const { server, client } = await setup({ createdCreds: made }, { creds: false });
  assert.deepEqual(await client.createOrDeriveApiKey(), { key: 'new-key', secret: CREDS.secret, passphrase: 'pp' });
  const s2 = await setup({ createdCreds: null }, { creds: false });
  assert.deepEqual(await s2.client.createOrDeriveApiKey(), CREDS, 'derives when create is refused');
  assert.equal(s2.server.count('GET', '/auth/derive-api-key'), 1);
  assert.equal(server.count('GET', '/auth/derive-api-key'), 0);
});

test('fullFill helper reflects the order amounts (guards the test server itself)', () => {
  const a = fullFill({ order: { takerAmount: '10000000', makerAmount: '5300000', side: 'BUY' }, owner: '', orderType: 'FAK', deferExec: false, postOnly: false });
  assert.deepEqual((a.json as { takingAmount: string }).takingAmount, '10');
});

test('buildOrder: GTC/GTD limits and FOK market orders that pass the CLOB rules, posted and verified', async () => {
  const { server, client } = await setup({ onOrder: ans(200, { errorMsg: '', status: 'live', takingAmount: '', makingAmount: '', success: true }) });
  await client.ping();
  assert.equal(server.count('GET', '/ok'), 1);
  const gtc = await client.buildOrder({ tokenId: YES, side: 'BUY', price: 5600, size: 2104, orderType: 'GTC' });
  assert.equal(gtc.makerAmount, '11782400');
  assert.equal(gtc.takerAmount, '21040000');
  assert.ok(gtc.salt <= Number.MAX_SAFE_INTEGER);
  const posted = await client.postOrder(gtc, 'GTC', { postOnly: true });
  assert.equal(posted.status, 'live');
  assert.equal(posted.orderID, gtc.hash);
  const gtd = await client.buildOrder({ tokenId: YES, side: 'SELL', price: 4400, size: 1000, orderType: 'GTD', expiration: 1_767_229_260 });
  assert.equal(gtd.expiration, '1767229260');
  await client.postOrder(gtd, 'GTD');
  // market BUY $10 at a 0.33 cap: taker 30.3030 (4 decimals, the CLOB's limit)
  const fok = await client.buildOrder({ tokenId: YES, side: 'BUY', price: 3300, amount: 10_000_000, orderType: 'FOK' });
  assert.equal(fok.makerAmount, '10000000');
  assert.equal(fok.takerAmount, '30303000');
  await assert.rejects(client.postOrder(fok, 'FOK', { postOnly: true }), /postOnly is not supported for FOK\/FAK/);
  await client.postOrder(fok, 'FOK');
  assert.equal(server.count('POST', '/order'), 3);
  const bodies = server.requests.filter((r) => r.path === '/order').map((r) => JSON.parse(r.body) as OrderBody);
  assert.deepEqual(bodies.map((b) => [b.orderType, b.postOnly]), [['GTC', true], ['GTD', false], ['FOK', false]]);
  // refused before signing
  await assert.rejects(client.buildOrder({ tokenId: YES, side: 'BUY', price: 5650, size: 1000, orderType: 'GTC' }), (e: unknown) => e instanceof VenueError && e.kind === 'invalid_price');
  await assert.rejects(client.buildOrder({ tokenId: YES, side: 'BUY', price: 5600, size: 100, orderType: 'GTC' }), (e: unknown) => e instanceof VenueError && e.kind === 'invalid_size');
  await assert.rejects(client.buildOrder({ tokenId: YES, side: 'BUY', price: 5600, orderType: 'FAK' }), /take an amount/);
  const salts = new Set(Array.from({ length: 100 }, () => polyRandomSalt()));
  assert.equal(salts.size, 100);
  for (const x of salts) assert.ok(Number.isSafeInteger(x) && x >= 0);
});

test('a tick rejection from the CLOB drops the cached tick so the next leg re-reads it', async () => {
  const { server, client } = await setup({ onOrder: ans(400, { error: 'order 0x1 is invalid. Price (0.53) breaks minimum tick size rule: 0.1' }) });
  const r = await executeLeg(leg(), { polymarket: client }, { dryRun: false });
  assert.equal(r.errorKind, 'invalid_price');
  assert.equal(client.marketInfoCached(YES), undefined);
  await executeLeg(leg(), { polymarket: client }, { dryRun: false });
  assert.equal(server.count('GET', '/clob-markets/0xc1'), 2);
});

test('the barrel exports the client and the signing pieces', () => {
  assert.equal(polymarket.PolymarketClient, PolymarketClient);
  assert.equal(typeof polymarket.polyTakerFeeMicros, 'function');
  assert.equal(typeof polymarket.createPolymarketClient, 'function');
});
