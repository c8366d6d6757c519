// Item 1 of the Polymarket venue: L1/L2 auth, EIP-712 order signatures and the §6.5 precision
// rules, checked against the golden vectors produced by the official client.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Address } from 'viem';
import { verifyL2, l2Signature, type ApiCreds } from '../src/polymarket/l2-auth.ts';
import { verifyL1 } from '../src/polymarket/l1-auth.ts';
import { PolyApiKeys, deriveApiCreds } from '../src/polymarket/api-keys.ts';
import { SimContext } from '../src/context.ts';
import { parsePostOrderBody } from '../src/polymarket/order-wire.ts';
import {
  checkOrderSignature,
  domainSeparator,
  exchangeDomain,
  orderHash,
  orderHashReference,
} from '../src/polymarket/order-signature.ts';
import { checkOrderRules } from '../src/polymarket/order-rules.ts';
import { ClobError } from '../src/polymarket/errors.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const shared = path.resolve(repoRoot, '../shared');
/* eslint-disable @typescript-eslint/no-explicit-any */
const v2: any = JSON.parse(readFileSync(path.join(shared, 'vectors/polymarket-v2.json'), 'utf8'));
const v1file: any = JSON.parse(readFileSync(path.join(shared, 'vectors/polymarket.json'), 'utf8'));

const lowerHeaders = (h: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

function clobError(fn: () => unknown, status: number, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ClobError, `expected ClobError, got ${String(e)}`);
    assert.equal(e.status, status);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test('L2 HMAC: every vector signature is reproduced', () => {
  for (const file of [v2, v1file]) {
    for (const c of file.l2_hmac) {
      const sig = l2Signature(c.secret, String(c.timestamp), c.method, c.request_path, c.body ?? '');
      assert.equal(sig, c.signature, c.note ?? c.request_path);
    }
  }
});

test('L2 HMAC: captured client requests verify; tampered ones are 401 Unauthorized/Invalid api key', () => {
  const creds: ApiCreds = {
    apiKey: v2.api_creds.key,
    secret: v2.api_creds.secret,
    passphrase: v2.api_creds.passphrase,
    address: v2.test_wallet.address,
  };
  const lookup = (k: string) => (k === creds.apiKey ? creds : undefined);
  const opts = { nowSecs: v2.l2_timestamp, maxSkewSecs: 30 };
  const requests = [...v2.l2_wire_requests, ...v2.orders.map((o: any) => o.outputs.post_order_request), v2.batch_post_orders];
  assert.ok(requests.length > 20);
  for (const r of requests) {
    const req = {
      method: r.method ?? 'POST',
      path: new URL(r.url).pathname,
      body: r.body_json ?? (r.body == null ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body)),
      headers: lowerHeaders(r.headers),
    };
    assert.equal(verifyL2(req, lookup, opts).apiKey, creds.apiKey, req.path);
    // One changed body byte, a wrong path, a wrong passphrase, a stale clock: each rejected.
    const tampered = [
      { ...req, body: `${req.body} ` },
      { ...req, path: `${req.path}x` },
      { ...req, headers: { ...req.headers, poly_passphrase: 'nope' } },
      { ...req, headers: { ...req.headers, poly_address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' } },
      { ...req, headers: { ...req.headers, poly_api_key: '00000000-0000-4000-8000-000000000000' } },
    ];
    for (const [i, t] of tampered.entries()) {
      assert.throws(() => verifyL2(t, lookup, opts), (e: unknown) => e instanceof ClobError && e.status === 401, `${req.path} #${i}`);
    }
    clobError(() => verifyL2(req, lookup, { nowSecs: v2.l2_timestamp + 31, maxSkewSecs: 30 }), 401, 'Unauthorized/Invalid api key');
  }
});

test('L1 ClobAuth: vectors verify to the wallet; forged or altered headers are 401 Invalid L1 Request headers', async () => {
  const cases = [...v2.l1_clob_auth, ...v1file.l1_clob_auth];
  assert.ok(cases.length >= 8);
  for (const c of cases) {
    const headers = lowerHeaders(c.headers);
    const id = await verifyL1(headers, { chainId: c.chain_id, nowSecs: c.timestamp, maxSkewSecs: 30 });
    assert.equal(id.address, c.address);
    assert.equal(id.nonce, BigInt(c.nonce));
    const bad = [
      { ...headers, poly_nonce: String(Number(c.nonce) + 1) },
      { ...headers, poly_timestamp: String(c.timestamp + 1) },
      { ...headers, poly_address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
      { ...headers, poly_signature: headers.poly_signature!.replace(/^0x../, '0x00') },
    ];
    for (const h of bad) {
      await assert.rejects(verifyL1(h, { chainId: c.chain_id, nowSecs: c.timestamp, maxSkewSecs: 30 }), (e: any) => {
        return e instanceof ClobError && e.status === 401 && e.message === 'Invalid L1 Request headers';
      });
    }
    // Signed for another chain.
    const other = c.chain_id === 137 ? 80002 : 137;
    await assert.rejects(verifyL1(headers, { chainId: other, nowSecs: c.timestamp, maxSkewSecs: 30 }), ClobError);
    // Stale.
    await assert.rejects(verifyL1(headers, { chainId: c.chain_id, nowSecs: c.timestamp + 600, maxSkewSecs: 30 }), ClobError);
  }
  // The captured create/derive requests the client sends.
  for (const r of v2.l1_wire_requests) {
    const id = await verifyL1(lowerHeaders(r.headers), { chainId: 137, nowSecs: v2.l2_timestamp, maxSkewSecs: 30 });
    assert.equal(id.address, v2.test_wallet.address);
  }
});

test('API keys: derive is deterministic per wallet + nonce and seed; create twice is 400; derive before create is 400', () => {
  const ctx = new SimContext({ seed: 7 });
  const a = new PolyApiKeys(ctx);
  const w = v2.test_wallet.address as string;
  const c1 = a.create(w, 0n);
  // Same seed, fresh context: the same key; another seed: another key.
  assert.deepEqual(new PolyApiKeys(new SimContext({ seed: 7 })).derive(w, 0n), c1);
  assert.notEqual(new PolyApiKeys(new SimContext({ seed: 8 })).derive(w, 0n).apiKey, c1.apiKey);
  assert.deepEqual(a.deriveExisting(w.toLowerCase(), 0n), c1);
  assert.match(c1.apiKey, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(c1.secret.length, 44);
  assert.notEqual(a.derive(w, 1n).apiKey, c1.apiKey);
  assert.equal(deriveApiCreds('x', w, 0n).apiKey, deriveApiCreds('x', w.toLowerCase(), 0n).apiKey);
  clobError(() => a.create(w, 0n), 400, 'Could not create api key');
  clobError(() => a.deriveExisting(w, 7n), 400, 'Could not derive api key!');
  // The key authenticates its (auto-created, empty) account.
  const hit = a.lookup(c1.apiKey);
  assert.ok(hit);
  assert.deepEqual(hit.creds, c1);
  assert.equal(hit.account.cash, 0);
  // Revoked keys stop working; creating again gives the same deterministic key back.
  a.revoke(c1.apiKey);
  assert.equal(a.lookup(c1.apiKey), undefined);
  clobError(() => a.deriveExisting(w, 0n), 400, 'Could not derive api key!');
  assert.deepEqual(a.create(w, 0n), c1);
});

interface OrderCase {
  id: string;
  body: unknown;
  negRisk: boolean;
  version: 2 | 3;
  digest: string;
}
const orderCases: OrderCase[] = [
  ...v2.orders.map((o: any) => ({
    id: o.id,
    body: JSON.parse(o.outputs.post_order_request.body_json),
    negRisk: o.inputs.neg_risk,
    version: 2 as const,
    digest: o.outputs.eip712_digest,
  })),
  ...v1file.orders_v2.map((o: any) => ({
    id: `polymarket.json:${o.id}`,
    body: JSON.parse(o.expected.post_body_json),
    negRisk: o.input.neg_risk,
    version: o.order_version,
    digest: o.expected.order_hash,
  })),
];

const owner = v2.test_wallet.address as Address;
const funder = v2.funder_for_wallet_cases.address as Address;
const walletOwner = (w: Address): Address | undefined => (w.toLowerCase() === funder.toLowerCase() ? owner : undefined);

test('EIP-712 order signatures: every vector order recovers and its orderID is the vector digest', async () => {
  assert.equal(orderCases.length, 28);
  assert.equal(domainSeparator(exchangeDomain(137, { orderVersion: 2, negRisk: false })), v2.contracts.domain_separator_exchange_v2);
  assert.equal(domainSeparator(exchangeDomain(137, { orderVersion: 2, negRisk: true })), v2.contracts.domain_separator_neg_risk_exchange_v2);
  for (const c of orderCases) {
    const { order } = parsePostOrderBody(c.body);
    const d = exchangeDomain(137, { orderVersion: c.version, negRisk: c.negRisk });
    assert.equal(orderHash(order, d), c.digest, c.id);
    assert.equal(orderHashReference(order, d), c.digest, c.id);
    const r = await checkOrderSignature(order, d, walletOwner);
    assert.ok(r.ok, `${c.id}: ${r.ok ? '' : r.reason}`);
    assert.equal(r.orderId, c.digest);
    if (r.ok) assert.equal(r.signedBy.toLowerCase(), owner.toLowerCase());
  }
});

test('EIP-712 order signatures: the wrong exchange, a changed field or a forged signature are rejected', async () => {
  for (const c of orderCases) {
    const { order } = parsePostOrderBody(c.body);
    // The other V2 exchange (neg-risk <-> ordinary), and V2 <-> V3.
    const wrong = [
      exchangeDomain(137, { orderVersion: 2, negRisk: !c.negRisk }),
      exchangeDomain(137, { orderVersion: c.version === 2 ? 3 : 2, negRisk: c.negRisk }),
      exchangeDomain(80002, { orderVersion: c.version, negRisk: c.negRisk }),
    ];
    for (const d of wrong) {
      const r = await checkOrderSignature(order, d, walletOwner);
      assert.equal(r.ok, false, `${c.id} accepted under ${d.verifyingContract} v${d.version} chain ${d.chainId}`);
    }
    const right = exchangeDomain(137, { orderVersion: c.version, negRisk: c.negRisk });
    const changed = [
      { ...order, makerAmount: order.makerAmount + 1n },
      { ...order, takerAmount: order.takerAmount - 1n },
      { ...order, tokenId: order.tokenId + 1n },
      { ...order, side: order.side === 'BUY' ? ('SELL' as const) : ('BUY' as const) },
      { ...order, timestamp: order.timestamp + 1n },
      { ...order, salt: order.salt + 1n },
    ];
    for (const o of changed) assert.equal((await checkOrderSignature(o, right, walletOwner)).ok, false, c.id);
    if (order.signatureType !== 3) {
      // Signed by a different key: Hardhat #1 signing the same order.
      const { privateKeyToAccount } = await import('viem/accounts');
      const other = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
      const { ORDER_TYPES } = await import('../src/polymarket/constants.ts');
      const { orderMessage } = await import('../src/polymarket/order-wire.ts');
      const forged = await other.signTypedData({ domain: right, types: ORDER_TYPES, primaryType: 'Order', message: orderMessage(order) });
      const r = await checkOrderSignature({ ...order, signature: forged }, right, walletOwner);
      assert.equal(r.ok, false);
    } else {
      // The deposit wallet must belong to the key that signed the wrapper.
      const r = await checkOrderSignature(order, right, () => '0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
      assert.equal(r.ok, false);
    }
  }
});

test('order payload: V1 bodies are order_version_mismatch; malformed ones Invalid order payload', () => {
  const v1Body = JSON.parse(v1file.orders_v1[0].expected.post_body_json);
  clobError(() => parsePostOrderBody(v1Body), 400, 'order_version_mismatch');
  const good = orderCases[0]!.body as any;
  const variants = [
    { ...good, order: { ...good.order, side: 'buy' } },
    { ...good, order: { ...good.order, makerAmount: 11782400 } },
    { ...good, order: { ...good.order, salt: 2 ** 60 } },
    { ...good, order: { ...good.order, signatureType: 4 } },
    { ...good, order: { ...good.order, maker: '0x123' } },
    { ...good, order: { ...good.order, metadata: '0x00' } },
    { ...good, orderType: 'IOC' },
    { ...good, owner: 7 },
    [good],
  ];
  for (const b of variants) clobError(() => parsePostOrderBody(b), 400, 'Invalid order payload');
});

test('§6.5 precision rules: every client output the CLOB accepts passes; the documented rejects fail with its message', () => {
  const all = [...v2.amount_rounding, ...v1file.amount_rounding];
  // Market BUYs whose taker carries more than 4 decimals are client output the CLOB rejects (§6.5).
  const fineTaker = (r: any) => r.kind === 'market' && r.side === 'BUY' && BigInt(r.taker_amount) % 100n !== 0n;
  const ok = all.filter((r: any) => !(r.note ?? '').match(/NOT a multiple/) && !fineTaker(r));
  assert.ok(ok.length >= 45);
  const rejected = all.filter(fineTaker);
  assert.equal(rejected.length, 3);
  for (const r of rejected) {
    assert.throws(
      () => checkOrderRules({ orderId: '0xabc', side: 'BUY', orderType: 'FOK', makerAmount: BigInt(r.maker_amount), takerAmount: BigInt(r.taker_amount), tick: r.tick_size, minSizeBase: 0n }),
      /market buy orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals/,
    );
  }
  for (const r of ok) {
    const checked = checkOrderRules({
      orderId: '0xabc',
      side: r.side,
      orderType: r.kind === 'market' ? 'FAK' : 'GTC',
      makerAmount: BigInt(r.maker_amount),
      takerAmount: BigInt(r.taker_amount),
      tick: r.tick_size,
      minSizeBase: 0n,
    });
    // The price the order is worth is the tick-rounded price it was built from.
    // (limit: half-up to the tick's decimals; market: floored, §6.3-§6.4)
    const P = r.tick_size.length - 2;
    const scaled = (r.price + Number.EPSILON) * 10 ** P;
    const rounded = r.kind === 'market' ? Math.floor(scaled + 1e-9) : Math.round(scaled);
    assert.equal(checked.pricePx, rounded * 10 ** (4 - P), JSON.stringify(r));
  }
  // Off the 0.005 grid (vector: the client signs 0.007 anyway).
  clobError(
    () => checkOrderRules({ orderId: '0xabc', side: 'BUY', orderType: 'GTC', makerAmount: 70000n, takerAmount: 10000000n, tick: '0.005', minSizeBase: 0n }),
    400,
    'order 0xabc is invalid. Price (0.007) breaks minimum tick size rule: 0.005',
  );
  // Market BUY taker with 5 decimals (vector v2-market-buy-t0.001-std-eoa-fak-5dp-taker).
  clobError(
    () => checkOrderRules({ orderId: '0xabc', side: 'BUY', orderType: 'FAK', makerAmount: 9980000n, takerAmount: 10131970n, tick: '0.001', minSizeBase: 0n }),
    400,
    'invalid amounts, the market buy orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals',
  );
  // Limit-path FAK BUY 10.33 @ 0.57 (maker 5.8881) is a market order with a 4-decimal maker.
  clobError(
    () => checkOrderRules({ orderId: '0xabc', side: 'BUY', orderType: 'FAK', makerAmount: 5888100n, takerAmount: 10330000n, tick: '0.01', minSizeBase: 0n }),
    400,
    /market buy orders maker amount supports a max accuracy of 2 decimals/,
  );
  // Limit BUY whose taker has 3 decimals.
  clobError(
    () => checkOrderRules({ orderId: '0xabc', side: 'BUY', orderType: 'GTC', makerAmount: 5773650n, takerAmount: 10129000n, tick: '0.01', minSizeBase: 0n }),
    400,
    'invalid amounts, the buy orders maker amount supports a max accuracy of 4 decimals, taker amount a max of 2 decimals',
  );
  // Price at the edge: 0.995 on a 0.01 tick is off-grid; 1 - tick is fine; 1.00 is out of range.
  clobError(
    () => checkOrderRules({ orderId: '0xabc', side: 'BUY', orderType: 'GTC', makerAmount: 10000000n, takerAmount: 10000000n, tick: '0.01', minSizeBase: 0n }),
    400,
    'order 0xabc is invalid. Price (1) breaks minimum tick size rule: 0.01',
  );
  assert.equal(
    checkOrderRules({ orderId: '0xabc', side: 'BUY', orderType: 'GTC', makerAmount: 9900000n, takerAmount: 10000000n, tick: '0.01', minSizeBase: 0n }).pricePx,
    9900,
  );
  // A market BUY whose amounts sit far from any grid price.
  clobError(
    () => checkOrderRules({ orderId: '0xabc', side: 'BUY', orderType: 'FOK', makerAmount: 10000000n, takerAmount: 17000000n, tick: '0.01', minSizeBase: 0n }),
    400,
    /Price \(0\.588235\) breaks minimum tick size rule: 0\.01/,
  );
  // Minimum size.
  clobError(
    () => checkOrderRules({ orderId: '0xabc', side: 'SELL', orderType: 'GTC', makerAmount: 4990000n, takerAmount: 2495000n, tick: '0.01', minSizeBase: 5_000_000n }),
    400,
    'order 0xabc is invalid. Size (4.99) lower than the minimum: 5',
  );
});

test('fast path = viem reference: digests and recovered signers agree on every vector and on random orders', async () => {
  const { recoverSigner, fastDigest, fastOrderStructHash, nativeRecoveryLoaded } = await import('../src/polymarket/fast-verify.ts');
  const { ORDER_TYPES } = await import('../src/polymarket/constants.ts');
  const { orderMessage } = await import('../src/polymarket/order-wire.ts');
  const { privateKeyToAccount } = await import('viem/accounts');
  const fc = (await import('fast-check')).default;
  assert.equal(nativeRecoveryLoaded(), true);
  for (const c of orderCases) {
    const { order } = parsePostOrderBody(c.body);
    const d = exchangeDomain(137, { orderVersion: c.version, negRisk: c.negRisk });
    const ref = await checkOrderSignature(order, d, walletOwner, { reference: true });
    const fast = await checkOrderSignature(order, d, walletOwner);
    assert.equal(fast.ok, ref.ok, c.id);
    assert.equal(fast.orderId, ref.orderId, c.id);
    if (fast.ok && ref.ok) assert.equal(fast.signedBy.toLowerCase(), ref.signedBy.toLowerCase());
    if (order.signatureType !== 3) {
      const digest = fastDigest(domainSeparator(d), fastOrderStructHash(order));
      assert.equal(recoverSigner(digest, order.signature, 'native'), owner.toLowerCase());
      assert.equal(recoverSigner(digest, order.signature, 'noble'), owner.toLowerCase());
      // v as 0/1 is the same signature; the malleable high-s twin is refused.
      const v = parseInt(order.signature.slice(-2), 16);
      assert.equal(recoverSigner(digest, `${order.signature.slice(0, -2)}0${v - 27}` as `0x${string}`), owner.toLowerCase());
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const s = BigInt(`0x${order.signature.slice(66, 130)}`);
      const highS = `${order.signature.slice(0, 66)}${(n - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}` as `0x${string}`;
      assert.equal(recoverSigner(digest, highS), null);
    }
  }
  const signerAcct = privateKeyToAccount(v2.test_wallet.private_key);
  const u256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
  const b32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${Buffer.from(b).toString('hex')}` as `0x${string}`);
  await fc.assert(
    fc.asyncProperty(
      fc.record({ salt: fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), tokenId: u256, makerAmount: u256, takerAmount: u256, timestamp: u256, metadata: b32, builder: b32 }),
      fc.boolean(),
      fc.constantFrom(0, 1, 2),
      fc.constantFrom(2 as const, 3 as const),
      fc.boolean(),
      async (f, buy, signatureType, orderVersion, negRisk) => {
        const order = {
          ...f,
          maker: signerAcct.address,
          signer: signerAcct.address,
          tokenIdStr: f.tokenId.toString(),
          side: buy ? ('BUY' as const) : ('SELL' as const),
          signatureType,
          expiration: 0n,
          signature: '0x' as `0x${string}`,
        };
        const d = exchangeDomain(137, { orderVersion, negRisk });
        order.signature = await signerAcct.signTypedData({ domain: d, types: ORDER_TYPES, primaryType: 'Order', message: orderMessage(order) });
        const fast = await checkOrderSignature(order, d, () => undefined);
        assert.ok(fast.ok);
        assert.equal(fast.orderId, orderHashReference(order, d));
      },
    ),
    { numRuns: 40, seed: 1 },
  );
});

test('amount formatting: human strings as the CLOB writes them', async () => {
  const { formatQtyTrim, formatBase, formatPxTrim } = await import('../src/polymarket/amounts.ts');
  for (let q = 0; q < 100_000; q += 7) assert.equal(formatQtyTrim(q), String(q / 100), `qty ${q}`);
  assert.equal(formatQtyTrim(123_456_789), '1234567.89');
  assert.deepEqual([formatBase(2_650_000n), formatBase(5_000_000n), formatBase(4_999_999n), formatBase(0n)], ['2.65', '5', '4.999999', '0']);
  assert.deepEqual([formatPxTrim(5600), formatPxTrim(25), formatPxTrim(10_000), formatPxTrim(5000)], ['0.56', '0.0025', '1', '0.5']);
});
