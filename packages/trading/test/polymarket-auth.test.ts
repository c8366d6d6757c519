import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashTypedData, type Hex } from 'viem';
import { PolyHmac, clobAuthDigest, decodePolySecret, polyL1Headers, polyL2Headers, validatePolyCreds } from '../src/polymarket/auth.ts';
import { createSecp256k1Signer, toHex } from '../src/polymarket/crypto.ts';
import { ConfigError } from '../src/env.ts';
import { TEST_PRIVATE_KEY, loadVectors, type Json } from './polymarket-helpers.ts';

const v1file = loadVectors('polymarket.json');
const v2file = loadVectors('polymarket-v2.json');
const key = createSecp256k1Signer(TEST_PRIVATE_KEY);

test('every l1_clob_auth case (both files): digest, signature and the four headers', () => {
  const cases: Json[] = [...v1file.l1_clob_auth, ...v2file.l1_clob_auth];
  assert.equal(cases.length, 8);
  for (const c of cases) {
    const label = `${c.chain_id}/${c.timestamp}/${c.nonce}`;
    assert.equal(c.address, key.address);
    assert.equal('0x' + toHex(clobAuthDigest(c.address, c.timestamp, c.nonce, c.chain_id)), c.eip712_digest, label);
    const h = polyL1Headers(key, c.chain_id, c.timestamp, c.nonce);
    assert.equal(h.POLY_SIGNATURE, c.signature, label);
    assert.deepEqual({ ...h }, c.headers, label);
    // independent check of the typed-data encoding
    const domain = c.domain ?? c.eip712_domain;
    assert.equal(
      hashTypedData({ domain, types: c.types, primaryType: 'ClobAuth', message: { ...c.message, nonce: BigInt(c.message.nonce) } } as never),
      c.eip712_digest as Hex,
    );
  }
});

test('every l2_hmac case (both files): signed message, signature and the five headers', () => {
  for (const [file, cases] of [[v1file, v1file.l2_hmac], [v2file, v2file.l2_hmac]] as const) {
    for (const c of cases as Json[]) {
      const label = `${c.method} ${c.request_path} ${c.note ?? ''}`;
      assert.equal(PolyHmac.message(c.timestamp, c.method, c.request_path, c.body), c.signed_message, label);
      const hmac = new PolyHmac(c.secret);
      assert.equal(hmac.sign(c.timestamp, c.method, c.request_path, c.body), c.signature, label);
      const creds = { ...file.api_creds, secret: c.secret };
      const h = polyL2Headers(key.address, creds, hmac, { method: c.method, requestPath: c.request_path, body: c.body }, c.timestamp);
      assert.deepEqual({ ...h }, c.headers, label);
    }
  }
});

test('POST /order L2 headers of every order vector', () => {
  let n = 0;
  for (const o of v2file.orders as Json[]) {
    const r = o.outputs.post_order_request;
    const h = polyL2Headers(key.address, v2file.api_creds, new PolyHmac(v2file.api_creds.secret), { method: 'POST', requestPath: '/order', body: r.body_json }, v2file.l2_timestamp);
    assert.equal(PolyHmac.message(v2file.l2_timestamp, 'POST', '/order', r.body_json), r.l2_hmac_message);
    for (const [k, v] of Object.entries(h)) assert.equal(r.headers[k], v, `${o.id} ${k}`);
    n++;
  }
  for (const o of v1file.orders_v2 as Json[]) {
    const h = polyL2Headers(key.address, v1file.api_creds, new PolyHmac(v1file.api_creds.secret), { method: 'POST', requestPath: '/order', body: o.expected.post_body_json }, v1file.l2_timestamp);
    assert.deepEqual({ ...h }, o.expected.post_l2_headers, o.id);
    n++;
  }
  const b = v2file.batch_post_orders;
  const h = polyL2Headers(key.address, v2file.api_creds, new PolyHmac(v2file.api_creds.secret), { method: 'POST', requestPath: '/orders', body: b.body_json }, v2file.l2_timestamp);
  assert.equal(h.POLY_SIGNATURE, b.headers.POLY_SIGNATURE);
  assert.equal(n, 28);
});

test('secrets: both alphabets, padded or not, decode to the same key; garbage is a ConfigError', () => {
  const a = decodePolySecret('lW_4c9nfRY8dGtT_d33Biiayzyt8trPa681F-ulvvUg=');
  assert.deepEqual(decodePolySecret('lW/4c9nfRY8dGtT/d33Biiayzyt8trPa681F+ulvvUg='), a);
  assert.deepEqual(decodePolySecret('lW_4c9nfRY8dGtT_d33Biiayzyt8trPa681F-ulvvUg'), a);
  assert.equal(a.length, 32);
  assert.throws(() => decodePolySecret('not base64!'), (e: unknown) => e instanceof ConfigError && /POLY_API_SECRET is not base64/.test(e.message));
  assert.throws(() => decodePolySecret(''), /empty/);
  assert.throws(() => validatePolyCreds({ key: '', secret: 'AAAA', passphrase: 'p' }), /POLY_API_KEY is empty/);
  assert.throws(() => validatePolyCreds({ key: 'k', secret: 'AAAA', passphrase: ' ' }), /POLY_API_PASSPHRASE is empty/);
});

test('PolyHmac equals createHmac for keys of every length class and any message', async () => {
  const { createHmac, randomBytes } = await import('node:crypto');
  for (const n of [1, 31, 32, 63, 64, 65, 200]) {
    const key = randomBytes(n);
    const h = new PolyHmac(key.toString('base64url'));
    for (const body of ['', '{"order":"é"}', 'x'.repeat(1500)]) {
      const want = createHmac('sha256', key).update(`1700000000POST/order${body}`, 'utf8').digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
      assert.equal(h.sign(1700000000, 'POST', '/order', body), want, `key ${n} bytes, body ${body.length}`);
    }
  }
});
