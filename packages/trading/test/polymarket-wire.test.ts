import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { PolymarketClient } from '../src/polymarket/client.ts';
import { PolyOrderSigner } from '../src/polymarket/order-signer.ts';
import { polyLimitAmountsFromDecimal, polyMarketAmountsFromDecimal, polyTickSize } from '../src/polymarket/amounts.ts';
import { parsePolyOrderRecord, parsePolyPostOrderResponse, polyReportFromOrder, polyReportFromPost } from '../src/polymarket/wire.ts';
import { VenueError } from '../src/errors.ts';
import { FakeClob, type Captured } from './polymarket-test-server.ts';
import { TEST_ADDRESS, TEST_PRIVATE_KEY, loadPolyFixtures, loadVectors, type Json } from './polymarket-helpers.ts';

const v2file = loadVectors('polymarket-v2.json');
const CREDS = { key: v2file.api_creds.key as string, secret: v2file.api_creds.secret as string, passphrase: v2file.api_creds.passphrase as string };
const T = v2file.l2_timestamp as number;
// Headers we send exactly as the official client; Connection is undici's, and we do not ask for gzip.
const UNSIGNED = ['User-Agent', 'Accept', 'Content-Type'];

let server: FakeClob;
const clients: PolymarketClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
  await server?.stop();
});

async function client(opts: { signatureType?: 0 | 1 | 2 | 3; funder?: string | null; creds?: boolean } = {}): Promise<PolymarketClient> {
  server ??= await new FakeClob({ creds: CREDS, address: TEST_ADDRESS }).start();
  const c = new PolymarketClient({
    clobUrl: server.url,
    signer: new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY, signatureType: opts.signatureType ?? 0, funder: opts.funder }),
    creds: opts.creds === false ? null : CREDS,
    nowMs: () => T * 1000,
  });
  clients.push(c);
  return c;
}

function header(c: Captured, name: string): string | undefined {
  const k = Object.keys(c.headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : c.headers[k];
}

function assertWire(c: Captured, v: Json, label: string): void {
  const url = new URL(v.url);
  assert.equal(c.method, v.method, label);
  assert.equal(c.path, url.pathname, label);
  assert.deepEqual(c.query, Object.fromEntries(Object.entries(v.query ?? {}).map(([k, x]) => [k, String(x)])), `${label} query`);
  for (const [k, x] of Object.entries(v.headers as Record<string, string>)) {
    if (k.startsWith('POLY_') || UNSIGNED.includes(k)) assert.equal(header(c, k), x, `${label} header ${k}`);
  }
  assert.equal(c.body, v.body_json ?? v.body ?? '', `${label} body`);
}

async function captureOne(fn: () => Promise<unknown>, pages = 1): Promise<Captured> {
  const before = server?.requests.length ?? 0;
  await fn().catch((e: unknown) => {
    if (!(e instanceof VenueError)) throw e;
  });
  const got = server.requests.slice(before);
  assert.equal(got.length, pages, got.map((g) => g.path).join(','));
  return got[0]!;
}

test('l1_wire_requests: create and derive API key requests match the captured ones', async () => {
  const c = await client({ creds: false });
  const [create, derive] = v2file.l1_wire_requests as Json[];
  assertWire(await captureOne(() => c.createApiKey(0)), create, 'create');
  assertWire(await captureOne(() => c.deriveApiKey(0)), derive, 'derive');
});

test('l2_wire_requests: every captured L2 request is reproduced by the client', async () => {
  const c = await client();
  const byPath = (m: string, p: string): Json => (v2file.l2_wire_requests as Json[]).find((x) => x.method === m && new URL(x.url).pathname === p);
  const reqs = v2file.l2_wire_requests as Json[];
  assert.equal(reqs.length, 8);
  const openOrders = reqs.find((x) => x.url.endsWith('/data/orders'));
  // the test server pages /data/orders in two: the first request is the captured one
  assertWire(await captureOne(() => c.getOpenOrders({ market: openOrders.query.market }), 2), openOrders, 'open orders');
  const trades = reqs.find((x) => x.url.endsWith('/data/trades'));
  assertWire(await captureOne(() => c.getTrades({ id: trades.query.id })), trades, 'trades');
  const [balC, balT] = reqs.filter((x) => x.url.endsWith('/balance-allowance'));
  assertWire(await captureOne(() => c.getBalanceAllowance('COLLATERAL')), balC, 'balance collateral');
  assertWire(await captureOne(() => c.getBalanceAllowance('CONDITIONAL', balT.query.token_id)), balT, 'balance conditional');
  const upd = reqs.find((x) => x.url.endsWith('/balance-allowance/update'));
  assertWire(await captureOne(() => c.updateBalanceAllowance('COLLATERAL')), upd, 'balance update');
  const cancel = byPath('DELETE', '/order');
  assertWire(await captureOne(() => c.cancel(JSON.parse(cancel.body).orderID)), cancel, 'cancel');
  const hb = byPath('POST', '/v1/heartbeats');
  assertWire(await captureOne(() => c.heartbeat('')), hb, 'heartbeat');
  const get = reqs.find((x) => x.url.includes('/data/order/'));
  assertWire(await captureOne(() => c.getOrder(new URL(get.url).pathname.split('/').pop()!)), get, 'get order');
});

test('POST /order requests of all 17 client-posted orders are byte-identical, headers included', async () => {
  for (const o of v2file.orders as Json[]) {
    const inp = o.inputs;
    const c = await client({ signatureType: inp.signature_type, funder: inp.funder });
    const tick = polyTickSize(inp.tick_size);
    const amounts = inp.size !== undefined
      ? polyLimitAmountsFromDecimal(inp.side, inp.price, inp.size, tick)
      : { makerAmount: Number(o.outputs.maker_amount), takerAmount: Number(o.outputs.taker_amount) }; // fee-adjusted case covered in polymarket-orders
    if (inp.size === undefined && inp.user_usdc_balance === undefined) {
      const m = polyMarketAmountsFromDecimal(inp.side, inp.price, inp.amount, tick);
      assert.equal(m.makerAmount, amounts.makerAmount);
    }
    const signed = c.signer.sign({
      tokenId: inp.token_id, side: inp.side, makerAmount: amounts.makerAmount, takerAmount: amounts.takerAmount, salt: Number(inp.salt),
      timestampMs: Number(inp.timestamp_ms), negRisk: inp.neg_risk, expiration: inp.expiration, metadata: inp.metadata, builder: inp.builder_code,
    });
    const cap = await captureOne(() => c.postOrder(signed, inp.order_type, { postOnly: inp.post_only, deferExec: inp.defer_exec }));
    assertWire(cap, o.outputs.post_order_request, o.id);
  }
});

test('every recorded fixture parses into the typed result it describes', () => {
  const fx = loadPolyFixtures();
  assert.deepEqual(fx.map((f) => f.name), ['poly_full_fill_real.json', 'poly_order_status_full_real.json', 'poly_order_status_partial_real.json', 'poly_partial_fill_real.json']);
  const get = (n: string): Json => fx.find((f) => f.name === n)!.data;
  for (const [name, wantStatus, wantQty, wantCost] of [
    ['poly_full_fill_real.json', 'filled', 500, 2_650_000],
    ['poly_partial_fill_real.json', 'partial', 500, 2_350_000],
  ] as const) {
    const f = get(name);
    assert.deepEqual(JSON.parse(f.response.body_raw), f.response.body_parsed);
    const reqOrder = (typeof f.request.body === 'string' ? JSON.parse(f.request.body) : f.request.body).order;
    const res = parsePolyPostOrderResponse(f.response.body_parsed);
    assert.equal(res.success, true);
    assert.equal(res.status, 'matched');
    assert.match(res.orderID, /^0x[0-9a-f]{64}$/);
    assert.equal(res.transactionsHashes.length, 1);
    const requested = Number(reqOrder.side === 'BUY' ? reqOrder.takerAmount : reqOrder.makerAmount) / 10_000;
    const rep = polyReportFromPost(res, { side: reqOrder.side, requestedContracts: requested, clientOrderId: res.orderID, fees: null });
    assert.equal(rep.status, wantStatus, name);
    assert.equal(rep.filledContracts, wantQty, name);
    assert.equal(rep.costMicros, wantCost, name);
    assert.equal(rep.venueOrderId, res.orderID);
  }
  for (const [name, post, wantStatus, wantQty, wantCost] of [
    ['poly_order_status_full_real.json', 'poly_full_fill_real.json', 'filled', 500, 2_650_000],
    ['poly_order_status_partial_real.json', 'poly_partial_fill_real.json', 'partial', 500, 2_350_000],
  ] as const) {
    const f = get(name);
    const rec = parsePolyOrderRecord(f.response.body_parsed)!;
    assert.equal(rec.status, 'MATCHED');
    assert.equal(rec.orderType, 'FAK');
    assert.equal(rec.id, get(post).response.body_parsed.orderID, 'the lookup finds the posted order by its hash');
    assert.equal(rec.associateTrades.length, 1);
    assert.equal(typeof rec.createdAt, 'number');
    const rep = polyReportFromOrder(rec, { side: rec.side, requestedContracts: rec.originalSize / 10_000, clientOrderId: rec.id, fees: null });
    assert.equal(rep.status, wantStatus, name);
    assert.equal(rep.filledContracts, wantQty, name);
    assert.equal(rep.costMicros, wantCost, name);
  }
});

test('POST answers in their other shapes', () => {
  const base = { side: 'BUY' as const, requestedContracts: 500, clientOrderId: '0x1', fees: null };
  const r = (json: unknown) => polyReportFromPost(parsePolyPostOrderResponse(json), base);
  // CLOB division dust: 4.999999 shares for 5 is a full fill
  assert.equal(r({ success: true, status: 'matched', takingAmount: '4.999999', makingAmount: '2.65', orderID: '0x1', tradeIDs: ['t'] }).status, 'filled');
  assert.equal(r({ success: true, status: 'matched', takingAmount: '4.99', makingAmount: '2.64', orderID: '0x1' }).status, 'partial');
  assert.equal(r({ success: true, status: 'delayed', takingAmount: '', makingAmount: '', orderID: '0x1' }).status, 'pending');
  assert.equal(r({ success: true, status: 'unmatched', orderID: '0x1' }).status, 'unfilled');
  assert.throws(() => parsePolyPostOrderResponse('oops'), /unexpected Polymarket POST \/order answer/);
  assert.equal(parsePolyOrderRecord(null), null);
  assert.throws(() => parsePolyOrderRecord({ id: '0x1', side: 'UP' }), /side/);
});
