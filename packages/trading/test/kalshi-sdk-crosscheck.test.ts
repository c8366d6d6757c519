// Cross-check against Kalshi's official `kalshi-typescript` client (a devDependency, never on the
// hot path): our request bodies use only field names and enum values its models declare, and its
// requests and ours verify identically at a venue that checks signatures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { Configuration, OrdersApi } from 'kalshi-typescript';
import { buildLegacyOrderBody, buildV2OrderBody, type KalshiOrderParams } from '../src/kalshi/orders.ts';
import { KalshiClient } from '../src/kalshi/client.ts';
import { FakeKalshiVenue } from './kalshi-fake-venue.ts';

const require = createRequire(import.meta.url);
const models = join(dirname(require.resolve('kalshi-typescript')), 'models');
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
let venue: FakeKalshiVenue;
before(async () => {
  venue = await FakeKalshiVenue.start(publicKey);
});
after(async () => {
  await venue.close();
});

/** Property names and string enum values declared in one SDK model .d.ts. */
function sdkModel(file: string): { keys: Set<string>; values: Set<string> } {
  const src = readFileSync(join(models, file), 'utf8');
  return {
    keys: new Set([...src.matchAll(/^\s+'([a-z_]+)'\??:/gm)].map((m) => m[1]!)),
    values: new Set([...src.matchAll(/readonly \w+: "([a-z_]+)"/g)].map((m) => m[1]!)),
  };
}

const params: KalshiOrderParams[] = [
  { ticker: 'KX-SDK', action: 'buy', side: 'yes', price: 4500, count: 300, clientOrderId: 'c1' },
  { ticker: 'KX-SDK', action: 'sell', side: 'no', price: 4500, count: 250, clientOrderId: 'c2', timeInForce: 'fok' },
  { ticker: 'KX-SDK', action: 'buy', side: 'no', price: 4500, count: 100, clientOrderId: 'c3', timeInForce: 'gtc', expirationTimeS: 1_900_000_000, postOnly: true, reduceOnly: false, subaccount: 1, exchangeIndex: 0, cancelOrderOnPause: true, orderGroupId: 'g' },
];

test('V2 and legacy bodies use only the SDK models\' field names and enum values', () => {
  const v2 = sdkModel('create-order-v2-request.d.ts');
  const legacy = sdkModel('create-order-request.d.ts');
  const enums = new Set([...sdkModel('book-side.d.ts').values, ...sdkModel('self-trade-prevention-type.d.ts').values, ...v2.values, ...legacy.values]);
  assert.ok(v2.keys.has('self_trade_prevention_type') && v2.keys.has('price'), 'the SDK model was read');
  for (const p of params) {
    for (const [body, model] of [[buildV2OrderBody(p), v2], [buildLegacyOrderBody(p), legacy]] as const) {
      for (const [k, v] of Object.entries(body)) {
        assert.ok(model.keys.has(k), `field ${k} is not in the SDK model`);
        if (['side', 'action', 'time_in_force', 'self_trade_prevention_type'].includes(k)) assert.ok(enums.has(String(v)), `${k}=${String(v)} is not an SDK enum value`);
      }
    }
  }
});

test('the official client and ours sign the same way: both verify at the venue', async () => {
  venue.addMarket({ ticker: 'KX-SDK', eventTicker: 'KX', yesAsks: [[4500, 10_000]] });
  const api = new OrdersApi(new Configuration({ apiKey: 'kid', privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), basePath: venue.url }));
  const ours = new KalshiClient({ apiBase: venue.url, credentials: { keyId: 'kid', privateKey }, presign: { maxAgeMs: 60_000 } });
  try {
    const p = params[0]!;
    const sdkBody = buildV2OrderBody({ ...p, clientOrderId: 'sdk-1' });
    const res = await api.createOrderV2(sdkBody as never);
    assert.equal(res.status, 201);
    assert.equal(res.data.fill_count, '3.00');
    const sdkReq = venue.seen('/portfolio/events/orders', 'POST').at(-1)!;
    assert.equal(sdkReq.authOk, true, 'the SDK request verified');
    const mine = await ours.createOrder({ ...p, clientOrderId: 'ours-1' });
    assert.equal(mine.v2!.fillCount, 300);
    const ourReq = venue.seen('/portfolio/events/orders', 'POST').at(-1)!;
    assert.equal(ourReq.authOk, true);
    // Same path, same header names, same body apart from the client order id.
    assert.equal(ourReq.path, sdkReq.path);
    for (const h of ['kalshi-access-key', 'kalshi-access-signature', 'kalshi-access-timestamp']) {
      assert.ok(sdkReq.headers[h] && ourReq.headers[h], h);
    }
    assert.deepEqual({ ...(ourReq.body as object), client_order_id: 'x' }, { ...(sdkReq.body as object), client_order_id: 'x' });
    // A read through the SDK verifies as well (query string excluded from the signature).
    const list = await api.getOrders('KX-SDK', undefined, undefined, undefined, undefined, 1);
    assert.equal(list.data.orders.length, 1);
    assert.equal(venue.seen('/portfolio/orders', 'GET').at(-1)!.authOk, true);
  } finally {
    await ours.close();
  }
});
