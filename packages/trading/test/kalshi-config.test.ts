import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKalshiClient, kalshiConfigFromEnv, kalshiEndpointsFromEnv } from '../src/kalshi/config.ts';
import { verifyKalshiRequest } from '../src/kalshi/auth.ts';
import { ConfigError } from '../src/env.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function configError(env: NodeJS.ProcessEnv, re: RegExp): void {
  assert.throws(() => kalshiConfigFromEnv(env), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(e.message, re);
    return true;
  });
}

test('no Kalshi credentials at all -> null (Kalshi not traded here)', () => {
  assert.equal(kalshiConfigFromEnv({}), null);
  assert.equal(kalshiConfigFromEnv({ KALSHI_API_BASE: 'http://127.0.0.1:1/trade-api/v2', KALSHI_API_KEY_ID: '  ' }), null);
});

test('defaults and a full configuration from a key file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kalshi-cfg-'));
  try {
    const file = join(dir, 'k.pem');
    writeFileSync(file, pkcs1);
    const cfg = kalshiConfigFromEnv({ KALSHI_API_KEY_ID: 'kid', KALSHI_PRIVATE_KEY_PATH: file })!;
    assert.equal(cfg.apiBase, 'https://api.elections.kalshi.com/trade-api/v2');
    assert.equal(cfg.wsUrl, 'wss://api.elections.kalshi.com/trade-api/ws/v2');
    assert.equal(cfg.orderEndpoint, 'v2');
    assert.equal(cfg.presignMaxAgeMs, 500);
    assert.equal(cfg.orderTimeoutMs, 5000);
    assert.equal(cfg.credentials.keyId, 'kid');
    const client = createKalshiClient(cfg);
    try {
      assert.equal(client.orderEndpoint, 'v2');
      assert.equal(client.apiBase, cfg.apiBase);
      const h = client.wsAuthHeaders();
      assert.ok(verifyKalshiRequest(publicKey, 'GET', '/trade-api/ws/v2', h).ok, 'the loaded key signs');
    } finally {
      await client.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('inline PEM with \\n escapes, legacy endpoint, URL overrides', () => {
  const cfg = kalshiConfigFromEnv({
    KALSHI_API_KEY_ID: 'kid',
    KALSHI_PRIVATE_KEY: pkcs8.replace(/\n/g, '\\n'),
    KALSHI_ORDER_ENDPOINT: 'Legacy',
    KALSHI_API_BASE: 'http://127.0.0.1:9999/trade-api/v2/',
    KALSHI_WS_URL: 'ws://127.0.0.1:9999/trade-api/ws/v2',
    KALSHI_PRESIGN_MAX_AGE_MS: '250',
    KALSHI_ORDER_TIMEOUT_MS: '3000',
  })!;
  assert.equal(cfg.orderEndpoint, 'legacy');
  assert.equal(cfg.apiBase, 'http://127.0.0.1:9999/trade-api/v2');
  assert.equal(cfg.wsUrl, 'ws://127.0.0.1:9999/trade-api/ws/v2');
  assert.equal(cfg.presignMaxAgeMs, 250);
  assert.equal(cfg.orderTimeoutMs, 3000);
  assert.deepEqual(kalshiEndpointsFromEnv({ KALSHI_WS_URL: 'wss://demo-api.kalshi.co/trade-api/ws/v2' }).wsUrl, 'wss://demo-api.kalshi.co/trade-api/ws/v2');
});

test('half or bad configurations are ConfigErrors that say what to set', () => {
  configError({ KALSHI_API_KEY_ID: 'kid' }, /KALSHI_API_KEY_ID is set but no private key is: set KALSHI_PRIVATE_KEY_PATH/);
  configError({ KALSHI_PRIVATE_KEY: pkcs1 }, /KALSHI_PRIVATE_KEY is set but KALSHI_API_KEY_ID is not/);
  configError({ KALSHI_PRIVATE_KEY_PATH: '/x.pem' }, /KALSHI_PRIVATE_KEY_PATH is set but KALSHI_API_KEY_ID is not/);
  configError({ KALSHI_API_KEY_ID: 'k', KALSHI_PRIVATE_KEY: pkcs1, KALSHI_PRIVATE_KEY_PATH: '/x.pem' }, /keep only one/);
  configError({ KALSHI_API_KEY_ID: 'k', KALSHI_PRIVATE_KEY_PATH: '/definitely/missing.pem' }, /KALSHI_PRIVATE_KEY_PATH=\/definitely\/missing\.pem: cannot read/);
  configError({ KALSHI_API_KEY_ID: 'k', KALSHI_PRIVATE_KEY: 'garbage' }, /KALSHI_PRIVATE_KEY does not contain a PEM private key/);
  configError({ KALSHI_API_KEY_ID: 'k', KALSHI_PRIVATE_KEY: pkcs1, KALSHI_ORDER_ENDPOINT: 'v3' }, /KALSHI_ORDER_ENDPOINT="v3" is not valid: use v2 .* or legacy/);
  configError({ KALSHI_API_KEY_ID: 'k', KALSHI_PRIVATE_KEY: pkcs1, KALSHI_API_BASE: 'ftp://x' }, /KALSHI_API_BASE=ftp:\/\/x must start with https:\/\/ or http:\/\//);
  configError({ KALSHI_API_KEY_ID: 'k', KALSHI_PRIVATE_KEY: pkcs1, KALSHI_API_BASE: 'not a url' }, /KALSHI_API_BASE="not a url" is not a URL/);
  configError({ KALSHI_API_KEY_ID: 'k', KALSHI_PRIVATE_KEY: pkcs1, KALSHI_WS_URL: 'https://x/trade-api/ws/v2' }, /KALSHI_WS_URL=.* must start with wss:\/\/ or ws:\/\//);
  configError({ KALSHI_API_KEY_ID: 'k', KALSHI_PRIVATE_KEY: pkcs1, KALSHI_PRESIGN_MAX_AGE_MS: 'soon' }, /KALSHI_PRESIGN_MAX_AGE_MS="soon" is not a number/);
  configError({ KALSHI_API_KEY_ID: 'k', KALSHI_PRIVATE_KEY: pkcs1, KALSHI_ORDER_TIMEOUT_MS: '5' }, /KALSHI_ORDER_TIMEOUT_MS=5 is below the minimum/);
});
