import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync, chmodSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KalshiSigner,
  kalshiSignMessage,
  kalshiWsAuthHeaders,
  loadKalshiPrivateKey,
  normalizePem,
  parseKalshiPrivateKey,
  signedPath,
  verifyKalshiRequest,
} from '../src/kalshi/auth.ts';
import { ConfigError } from '../src/env.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const KEY_ID = '00000000-1111-2222-3333-444444444444';

function pssVerify(pub: KeyObject, message: string, sigB64: string): boolean {
  return verify('sha256', Buffer.from(message), { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(sigB64, 'base64'));
}

test('the signed string matches spec §2.2 exactly', () => {
  const ts = 1767225600123;
  assert.equal(kalshiSignMessage(ts, 'GET', '/trade-api/v2/portfolio/balance'), '1767225600123GET/trade-api/v2/portfolio/balance');
  assert.equal(kalshiSignMessage(ts, 'GET', '/trade-api/v2/portfolio/orders?limit=5&status=resting'), '1767225600123GET/trade-api/v2/portfolio/orders');
  assert.equal(kalshiSignMessage(ts, 'POST', '/trade-api/v2/portfolio/events/orders'), '1767225600123POST/trade-api/v2/portfolio/events/orders');
  assert.equal(kalshiSignMessage(ts, 'delete', '/trade-api/v2/portfolio/events/orders/abc?market_ticker=X'), '1767225600123DELETE/trade-api/v2/portfolio/events/orders/abc');
  assert.equal(kalshiSignMessage(ts, 'GET', '/trade-api/ws/v2'), '1767225600123GET/trade-api/ws/v2');
  assert.equal(signedPath('/a/b?x=1?y'), '/a/b');
});

test('signatures verify with node:crypto for both order endpoint forms and both key encodings', () => {
  for (const pem of [pkcs1, pkcs8]) {
    const signer = new KalshiSigner(KEY_ID, parseKalshiPrivateKey(pem));
    for (const path of ['/trade-api/v2/portfolio/events/orders', '/trade-api/v2/portfolio/orders']) {
      const ts = Date.now();
      const h = signer.headers('POST', path, ts);
      assert.equal(h['KALSHI-ACCESS-KEY'], KEY_ID);
      assert.equal(h['KALSHI-ACCESS-TIMESTAMP'], String(ts));
      assert.equal(h['KALSHI-ACCESS-SIGNATURE'].length, 344, '2048-bit key -> 344 base64 chars');
      assert.match(h['KALSHI-ACCESS-SIGNATURE'], /^[A-Za-z0-9+/]+=*$/);
      assert.ok(pssVerify(publicKey, `${ts}POST${path}`, h['KALSHI-ACCESS-SIGNATURE']), path);
      // a different method or path must not verify (the signature covers both)
      assert.equal(pssVerify(publicKey, `${ts}GET${path}`, h['KALSHI-ACCESS-SIGNATURE']), false);
      assert.equal(pssVerify(publicKey, `${ts}POST${path.replace('/trade-api/v2', '')}`, h['KALSHI-ACCESS-SIGNATURE']), false);
    }
  }
});

test('query strings are not signed; async signing verifies too', async () => {
  const signer = new KalshiSigner(KEY_ID, parseKalshiPrivateKey(pkcs8));
  const h = await signer.headersAsync('GET', '/trade-api/v2/portfolio/orders?limit=5&status=resting', 1767225600123);
  assert.ok(pssVerify(publicKey, '1767225600123GET/trade-api/v2/portfolio/orders', h['KALSHI-ACCESS-SIGNATURE']));
  const v = verifyKalshiRequest(publicKey, 'GET', '/trade-api/v2/portfolio/orders?cursor=zz', h);
  assert.deepEqual(v, { ok: true, keyId: KEY_ID, timestampMs: 1767225600123 });
  assert.equal(verifyKalshiRequest(publicKey, 'POST', '/trade-api/v2/portfolio/orders', h).ok, false);
  assert.equal(verifyKalshiRequest(publicKey, 'GET', '/trade-api/v2/portfolio/orders', h, { maxSkewMs: 1000, nowMs: 1767225602123 }).ok, false);
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  assert.equal(verifyKalshiRequest(other, 'GET', '/trade-api/v2/portfolio/orders', h).ok, false);
});

test('WebSocket upgrade signs GET /trade-api/ws/v2', () => {
  const signer = new KalshiSigner(KEY_ID, parseKalshiPrivateKey(pkcs1));
  const h = kalshiWsAuthHeaders(signer, 'wss://api.elections.kalshi.com/trade-api/ws/v2', 1767225600123);
  assert.ok(pssVerify(publicKey, '1767225600123GET/trade-api/ws/v2', h['KALSHI-ACCESS-SIGNATURE']));
});

test('keys load from a file or inline text, with literal \\n escapes and squashed lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kalshi-key-'));
  try {
    const file = join(dir, 'key.pem');
    writeFileSync(file, pkcs1);
    const fromFile = loadKalshiPrivateKey({ path: file });
    const msg = 'hello';
    const signer = new KalshiSigner(KEY_ID, fromFile);
    assert.ok(pssVerify(publicKey, msg, signer.signMessage(msg)));
    const variants = [
      pkcs8,
      pkcs8.replace(/\n/g, '\\n'), // env file with escaped newlines
      `"${pkcs1.replace(/\n/g, '\\n')}"`, // quoted too
      pkcs1.replace(/\n/g, ' '), // squashed onto one line
      pkcs8.replace(/\n/g, '\r\n'),
      `  ${pkcs1}  \n`,
    ];
    for (const v of variants) {
      const k = loadKalshiPrivateKey({ pem: v });
      assert.ok(pssVerify(publicKey, msg, new KalshiSigner(KEY_ID, k).signMessage(msg)), JSON.stringify(v.slice(0, 40)));
    }
    assert.match(normalizePem(pkcs1.replace(/\n/g, '\\n')), /^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=]{64}\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unreadable files and malformed keys are ConfigErrors that name the variable and say what to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kalshi-key-'));
  try {
    const missing = join(dir, 'nope.pem');
    assert.throws(() => loadKalshiPrivateKey({ path: missing }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /KALSHI_PRIVATE_KEY_PATH=.*nope\.pem: cannot read the Kalshi private key file \(no such file\)/);
      assert.match(e.message, /Point KALSHI_PRIVATE_KEY_PATH at the PEM file/);
      return true;
    });
    const sub = join(dir, 'adir');
    mkdirSync(sub);
    assert.throws(() => loadKalshiPrivateKey({ path: sub }), /is a directory/);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked.pem');
      writeFileSync(locked, pkcs1);
      chmodSync(locked, 0o000);
      assert.throws(() => loadKalshiPrivateKey({ path: locked }), /permission denied/);
    }
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a key at all');
    assert.throws(() => loadKalshiPrivateKey({ path: garbage }), (e: unknown) => e instanceof ConfigError && /KALSHI_PRIVATE_KEY_PATH=.*garbage\.pem does not contain a PEM private key/.test(e.message));

    const truncated = pkcs1.slice(0, 200) + '\n-----END RSA PRIVATE KEY-----\n';
    assert.throws(() => loadKalshiPrivateKey({ pem: truncated }), (e: unknown) => e instanceof ConfigError && /^KALSHI_PRIVATE_KEY is not a valid private key/.test(e.message));
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => loadKalshiPrivateKey({ pem: pub }), /holds a "PUBLIC KEY" PEM block, not a private key/);
    const enc = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    assert.throws(() => loadKalshiPrivateKey({ pem: enc }), /passphrase-encrypted/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => loadKalshiPrivateKey({ pem: ec }), /is a ec key; Kalshi keys are RSA/);
    assert.throws(() => loadKalshiPrivateKey({}), /No Kalshi private key/);
    assert.throws(() => loadKalshiPrivateKey({ pem: 'x', pemVar: 'MY_VAR' }), /MY_VAR does not contain a PEM private key/);
    assert.throws(() => new KalshiSigner('', parseKalshiPrivateKey(pkcs1)), /KALSHI_API_KEY_ID is empty/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
