import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { KalshiSigner, verifyKalshiRequest } from '../src/kalshi/auth.ts';
import { PresignedHeaderPool } from '../src/kalshi/presign.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signer = new KalshiSigner('key-id-1', privateKey);
const V2 = '/trade-api/v2/portfolio/events/orders';
const LEGACY = '/trade-api/v2/portfolio/orders';

test('pre-signed headers verify for both order endpoints and each is handed out once', async () => {
  const pool = new PresignedHeaderPool(signer, [{ method: 'POST', path: V2 }, { method: 'POST', path: LEGACY }], { depth: 3, maxAgeMs: 60_000 }).start(); // long max age: a loaded machine must not expire them mid-test
  try {
    await pool.ready();
    assert.ok(pool.has('POST', V2) && pool.has('POST', LEGACY));
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      for (const path of [V2, LEGACY]) {
        const h = pool.take('POST', path);
        const v = verifyKalshiRequest(publicKey, 'POST', path, h, { maxSkewMs: 10_000 });
        assert.ok(v.ok, `${path}: ${JSON.stringify(v)}`);
        assert.equal(seen.has(h['KALSHI-ACCESS-SIGNATURE']), false, 'a header set was handed out twice');
        seen.add(h['KALSHI-ACCESS-SIGNATURE']);
      }
    }
    // The first `depth` takes per endpoint came from the pool: no RSA work on the caller's path.
    assert.equal(pool.stats().misses, 0);
    assert.equal(pool.stats().hits, 6);
    // A V2 header does not verify as a legacy one.
    const h = pool.take('POST', V2);
    assert.equal(verifyKalshiRequest(publicKey, 'POST', LEGACY, h).ok, false);
  } finally {
    pool.close();
  }
});

test('the pool refills in the background and keeps serving single-use headers', async () => {
  const pool = new PresignedHeaderPool(signer, [{ method: 'POST', path: V2 }], { depth: 2, maxAgeMs: 60_000 }).start();
  try {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const deadline = Date.now() + 10_000;
      while (!pool.has('POST', V2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      const h = pool.take('POST', V2);
      assert.ok(verifyKalshiRequest(publicKey, 'POST', V2, h).ok);
      assert.ok(!seen.has(h['KALSHI-ACCESS-SIGNATURE']));
      seen.add(h['KALSHI-ACCESS-SIGNATURE']);
    }
    const s = pool.stats();
    assert.equal(s.misses, 0);
    assert.ok(s.signed >= 20, `signed ${s.signed}`);
  } finally {
    pool.close();
  }
});

test('headers older than maxAgeMs are discarded, not used; empty pool signs synchronously', async () => {
  let now = 1_767_225_600_000;
  const aged = new PresignedHeaderPool(signer, [{ method: 'POST', path: V2 }], { depth: 2, maxAgeMs: 500, refreshMs: 400, now: () => now }).start();
  try {
    await aged.ready();
    assert.ok(aged.has('POST', V2));
    now += 600; // every pre-signed header is now too old
    assert.equal(aged.has('POST', V2), false);
    const h = aged.take('POST', V2);
    assert.equal(h['KALSHI-ACCESS-TIMESTAMP'], String(now), 'a fresh synchronous signature, not an aged one');
    assert.ok(verifyKalshiRequest(publicKey, 'POST', V2, h, { nowMs: now, maxSkewMs: 0 }).ok);
    const s = aged.stats();
    assert.equal(s.misses, 1);
    assert.ok(s.expired >= 2, `expired ${s.expired}`);
  } finally {
    aged.close();
  }
  // Endpoints outside the pool are signed on demand.
  const h = aged.take('GET', '/trade-api/v2/portfolio/balance');
  assert.ok(verifyKalshiRequest(publicKey, 'GET', '/trade-api/v2/portfolio/balance', h).ok);
});

test('bad options are rejected', () => {
  assert.throws(() => new PresignedHeaderPool(signer, [], { depth: 0 }), /depth/);
  assert.throws(() => new PresignedHeaderPool(signer, [], { maxAgeMs: 0 }), /maxAgeMs/);
  assert.throws(() => new PresignedHeaderPool(signer, [], { maxAgeMs: 100, refreshMs: 100 }), /refreshMs/);
});

test('a started pool never keeps the process alive', async () => {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const src = resolve(here, '../src/kalshi');
  const script = `
    import { generateKeyPairSync } from 'node:crypto';
    import { KalshiSigner } from ${JSON.stringify(resolve(src, 'auth.ts'))};
    import { PresignedHeaderPool } from ${JSON.stringify(resolve(src, 'presign.ts'))};
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pool = new PresignedHeaderPool(new KalshiSigner('k', privateKey), [{ method: 'POST', path: '/x' }], { maxAgeMs: 200 }).start();
    await pool.ready();
    pool.take('POST', '/x');
    console.log('started');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | string>((resolveExit) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      resolveExit('still running after 30 s');
    }, 30_000);
    child.on('exit', (c) => {
      clearTimeout(guard);
      resolveExit(c ?? 'signal');
    });
  });
  assert.equal(code, 0);
  assert.match(out, /started/);
});

test('a bound taker serves ready header objects (extra headers merged) without scheduling; refillSoon tops up', async () => {
  const pool = new PresignedHeaderPool(signer, [{ method: 'POST', path: V2 }], {
    depth: 2,
    maxAgeMs: 60_000,
    extraHeaders: { 'content-type': 'application/json' },
  }).start();
  try {
    const take = pool.taker('POST', V2);
    await pool.ready();
    const a = take();
    const b = take();
    assert.equal(a['content-type'], 'application/json');
    assert.ok(verifyKalshiRequest(publicKey, 'POST', V2, a).ok);
    assert.ok(verifyKalshiRequest(publicKey, 'POST', V2, b).ok);
    assert.notEqual(a['KALSHI-ACCESS-SIGNATURE'], b['KALSHI-ACCESS-SIGNATURE']);
    assert.equal(pool.has('POST', V2), false, 'the taker did not refill by itself');
    pool.refillSoon();
    const deadline = Date.now() + 10_000;
    while (!pool.has('POST', V2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    const c = take();
    assert.ok(verifyKalshiRequest(publicKey, 'POST', V2, c).ok);
    assert.equal(c['content-type'], 'application/json');
    assert.deepEqual(pool.stats().misses, 0);
    // empty again: the taker signs synchronously and still adds the extra headers
    while (pool.has('POST', V2)) take();
    const d = take();
    assert.equal(d['content-type'], 'application/json');
    assert.ok(verifyKalshiRequest(publicKey, 'POST', V2, d).ok);
    assert.ok(pool.stats().misses >= 1);
  } finally {
    pool.close();
  }
});
