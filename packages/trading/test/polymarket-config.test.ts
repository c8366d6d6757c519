import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../src/env.ts';
import { createPolymarketClient, polymarketConfigFromEnv } from '../src/polymarket/config.ts';
import { executeLeg } from '../src/execution/leg.ts';
import { FakeClob } from './polymarket-test-server.ts';
import { TEST_ADDRESS, TEST_PRIVATE_KEY, loadVectors } from './polymarket-helpers.ts';

const v2file = loadVectors('polymarket-v2.json');
const CREDS = { key: v2file.api_creds.key as string, secret: v2file.api_creds.secret as string, passphrase: v2file.api_creds.passphrase as string };
const FUNDER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

const stops: Array<() => Promise<void>> = [];
after(async () => {
  for (const s of stops) await s();
});

function cfgErr(env: NodeJS.ProcessEnv, re: RegExp): void {
  assert.throws(() => polymarketConfigFromEnv(env), (e: unknown) => e instanceof ConfigError && re.test(e.message), JSON.stringify(env));
}

test('no private key: no Polymarket config (not an error)', () => {
  assert.equal(polymarketConfigFromEnv({}), null);
  assert.equal(polymarketConfigFromEnv({ POLY_PRIVATE_KEY: '  ' }), null);
});

test('defaults', () => {
  const c = polymarketConfigFromEnv({ POLY_PRIVATE_KEY: TEST_PRIVATE_KEY })!;
  assert.equal(c.clobUrl, 'https://clob.polymarket.com');
  assert.equal(c.wsUrl, 'wss://ws-subscriptions-clob.polymarket.com/ws/market');
  assert.equal(c.gammaUrl, 'https://gamma-api.polymarket.com');
  assert.equal(c.signatureType, 0);
  assert.equal(c.funder, null);
  assert.equal(c.creds, null);
  assert.equal(c.chainId, 137);
});

test('everything set', () => {
  const c = polymarketConfigFromEnv({
    POLY_PRIVATE_KEY: TEST_PRIVATE_KEY.slice(2), POLY_CLOB_URL: 'http://127.0.0.1:9/', POLY_WS_URL: 'ws://127.0.0.1:9/ws/market',
    POLY_GAMMA_URL: 'http://127.0.0.1:9', POLY_FUNDER: FUNDER, POLY_SIGNATURE_TYPE: '2', POLY_API_KEY: CREDS.key,
    POLY_API_SECRET: CREDS.secret, POLY_API_PASSPHRASE: CREDS.passphrase, POLY_CHAIN_ID: '80002',
  })!;
  assert.equal(c.clobUrl, 'http://127.0.0.1:9');
  assert.equal(c.signatureType, 2);
  assert.equal(c.funder, FUNDER);
  assert.deepEqual(c.creds, CREDS);
  assert.equal(c.chainId, 80002);
});

test('malformed values are ConfigErrors naming the variable', () => {
  const k = { POLY_PRIVATE_KEY: TEST_PRIVATE_KEY };
  cfgErr({ POLY_PRIVATE_KEY: '0x1234' }, /POLY_PRIVATE_KEY is not a private key: expected 64 hex digits/);
  cfgErr({ POLY_PRIVATE_KEY: 'zz' + TEST_PRIVATE_KEY.slice(4) }, /POLY_PRIVATE_KEY is not a private key/);
  cfgErr({ POLY_PRIVATE_KEY: '0x' + 'f'.repeat(64) }, /not a valid secp256k1 private key/);
  cfgErr({ ...k, POLY_SIGNATURE_TYPE: '4' }, /POLY_SIGNATURE_TYPE="4" must be 0 \(EOA\)/);
  cfgErr({ ...k, POLY_SIGNATURE_TYPE: 'safe' }, /POLY_SIGNATURE_TYPE/);
  cfgErr({ ...k, POLY_SIGNATURE_TYPE: '3' }, /needs POLY_FUNDER/);
  cfgErr({ ...k, POLY_FUNDER: '0x123' }, /POLY_FUNDER="0x123" is not an address/);
  cfgErr({ ...k, POLY_API_KEY: 'k' }, /go together/);
  cfgErr({ ...k, POLY_API_KEY: 'k', POLY_API_SECRET: '***', POLY_API_PASSPHRASE: 'p' }, /POLY_API_SECRET is not base64/);
  cfgErr({ ...k, POLY_CLOB_URL: 'clob.polymarket.com' }, /POLY_CLOB_URL="clob.polymarket.com" is not a URL/);
  cfgErr({ ...k, POLY_WS_URL: 'https://x' }, /POLY_WS_URL.*must use ws or wss/);
  cfgErr({ ...k, POLY_CHAIN_ID: '1' }, /POLY_CHAIN_ID="1" is not supported/);
  // the secret never appears in the message
  try {
    polymarketConfigFromEnv({ POLY_PRIVATE_KEY: TEST_PRIVATE_KEY.slice(0, 60) });
  } catch (e) {
    assert.ok(!(e as Error).message.includes(TEST_PRIVATE_KEY.slice(2, 60)));
  }
});

test('createPolymarketClient derives credentials through L1 when absent and reads /version', async () => {
  const server = await new FakeClob({
    creds: CREDS, address: TEST_ADDRESS, createdCreds: null,
    markets: [{ conditionId: '0xc', tokens: ['42'], tick: 0.01, negRisk: false }],
  }).start();
  stops.push(() => server.stop());
  const cfg = polymarketConfigFromEnv({ POLY_PRIVATE_KEY: TEST_PRIVATE_KEY, POLY_CLOB_URL: server.url })!;
  const client = await createPolymarketClient(cfg);
  stops.push(() => client.close());
  assert.equal(client.hasCreds, true);
  assert.equal(server.count('POST', '/auth/api-key'), 1);
  assert.equal(server.count('GET', '/auth/derive-api-key'), 1);
  assert.equal(server.count('GET', '/version'), 1);
  const r = await executeLeg(
    { legId: 'cfg-1', platform: 'polymarket', action: 'buy', side: 'no', price: 4400, contracts: 500, polyToken: '42', createdAtMs: 1 },
    { polymarket: client }, { dryRun: false },
  );
  assert.equal(r.status, 'filled', JSON.stringify(r));
});

test('createPolymarketClient fails clearly when the key cannot authenticate', async () => {
  const server = await new FakeClob({ creds: CREDS, address: '0x0000000000000000000000000000000000000001', chainId: 1 }).start();
  stops.push(() => server.stop());
  const cfg = polymarketConfigFromEnv({ POLY_PRIVATE_KEY: TEST_PRIVATE_KEY, POLY_CLOB_URL: server.url })!;
  await assert.rejects(createPolymarketClient(cfg), /Invalid L1 Request headers/);
});
