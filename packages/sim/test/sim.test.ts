import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { PX_ONE } from '@parity/trading';
import { ManualClock, startSim, type SimHandle } from '../src/index.ts';
import { kalshiCaller, type Json } from './helpers/kalshi.ts';

const ENV_KEYS = [
  'KALSHI_API_BASE',
  'KALSHI_WS_URL',
  'KALSHI_API_KEY_ID',
  'KALSHI_PRIVATE_KEY_PATH',
  'POLY_CLOB_URL',
  'POLY_WS_URL',
  'POLY_GAMMA_URL',
  'POLY_PRIVATE_KEY',
  'POLY_SIGNATURE_TYPE',
  'POLY_API_KEY',
  'POLY_API_SECRET',
  'POLY_API_PASSPHRASE',
  'POLY_CHAIN_ID',
  'PAIRS_FILE',
  'SIM_ADMIN_URL',
];

let sim: SimHandle;
let clock: ManualClock;
let dir: string;

before(async () => {
  clock = new ManualClock();
  sim = await startSim({ seed: 21, scenario: 'demo', pairs: 4, clock, arbs: false });
  dir = await mkdtemp(join(tmpdir(), 'parity-sim-test-'));
});
after(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const admin = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
  const r = await fetch(`${sim.urls.admin}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  return { status: r.status, json: await r.json() };
};

test('env file, PEM and pairs file are written next to each other and describe the running simulator', async () => {
  for (const k of ENV_KEYS) assert.ok(k in sim.env, `env has ${k}`);
  assert.match(sim.env.KALSHI_API_BASE!, /^http:\/\/127\.0\.0\.1:\d+\/trade-api\/v2$/);
  assert.match(sim.env.KALSHI_WS_URL!, /^ws:\/\/127\.0\.0\.1:\d+\/trade-api\/ws\/v2$/);
  assert.equal(sim.env.POLY_CHAIN_ID, '137');
  const { envPath, pemPath, pairsPath } = await sim.writeEnvFile(join(dir, 'sim.env'));
  const lines = (await readFile(envPath, 'utf8')).split('\n').filter((l) => l && !l.startsWith('#'));
  const env = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  for (const k of ENV_KEYS) assert.ok(env[k] !== undefined, `env file has ${k}`);
  assert.equal(env.KALSHI_PRIVATE_KEY_PATH, pemPath);
  assert.equal(env.PAIRS_FILE, pairsPath);
  assert.equal(join(dir, 'sim.kalshi-key.pem'), pemPath);
  // The PEM is the registered key: a request signed with it is accepted.
  const call = kalshiCaller(env.KALSHI_API_BASE!, env.KALSHI_API_KEY_ID!, createPrivateKey(await readFile(pemPath, 'utf8')));
  const bal = await call('GET', '/portfolio/balance');
  assert.equal(bal.status, 200);
  assert.equal(bal.json.balance_dollars, '10000.0000');
  const pairs = YAML.parse(await readFile(pairsPath, 'utf8'));
  assert.equal(pairs.version, 1);
  assert.equal(pairs.pairs.length, 4);
  assert.deepEqual(pairs.pairs, sim.pairs);
  for (const p of pairs.pairs) {
    assert.match(p.kalshi_ticker, /^KX[A-Z]+GAME-\d\d[A-Z]{3}\d\d[A-Z]+-[A-Z]+$/);
    assert.match(p.poly_yes_token, /^\d{77}$/);
    assert.ok(['poly_yes', 'poly_no'].includes(p.kalshi_yes_pays_with));
    const km = await call('GET', `/markets/${p.kalshi_ticker}`);
    assert.equal(km.status, 200);
    assert.ok(sim.ctx.marketByToken(p.poly_yes_token));
  }
});

test('admin endpoint: faults on and off, order log, arbitrage injection, bad input', async () => {
  const call = kalshiCaller(sim.urls.kalshiApiBase, sim.accounts.kalshi.keyId, createPrivateKey(sim.accounts.kalshi.privateKeyPem));
  const f = await admin('POST', '/admin/faults', { venue: 'kalshi', kind: 'http_429', params: { retryAfterSecs: 1 } });
  assert.equal(f.status, 201);
  const id = f.json.faults[0].id;
  assert.equal((await call('GET', '/portfolio/balance')).status, 429);
  assert.equal((await call('GET', '/portfolio/balance')).status, 429, 'standing fault until removed');
  assert.equal((await admin('GET', '/admin/faults')).json.faults.length, 1);
  assert.equal((await admin('DELETE', `/admin/faults/${id}`)).status, 200);
  assert.equal((await call('GET', '/portfolio/balance')).status, 200);
  assert.equal((await admin('POST', '/admin/faults', { venue: 'nasdaq', kind: 'http_429' })).status, 400);

  const t = sim.pairs[0]!.kalshi_ticker;
  const o = await call('POST', '/portfolio/events/orders', { ticker: t, side: 'bid', count: '1', price: '0.0100', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross', client_order_id: 'admin-log' });
  assert.equal(o.status, 201);
  const log = await admin('GET', '/admin/orders?venue=kalshi&client_order_id=admin-log');
  assert.equal(log.json.orders.length, 1);
  assert.equal(log.json.orders[0].result, 'accepted');
  assert.equal(log.json.orders[0].orderId, o.json.order_id);
  assert.equal(log.json.orders[0].endpoint, '/trade-api/v2/portfolio/events/orders');

  const w = await admin('POST', '/admin/inject-arb', { pairIndex: 1, type: 'poly_yes_kalshi_no', edgePx: 150, size: 2000, durationMs: 1000 });
  assert.equal(w.status, 201);
  assert.equal(w.json.window.state, 'open');
  assert.ok(w.json.window.edgePx >= 150);
  assert.equal((await admin('POST', '/admin/inject-arb', { pairIndex: 99 })).status, 400);
  clock.advance(1500);
  assert.equal(sim.ctx.faults.list().length, 0);
  assert.equal((await admin('GET', '/admin/arbs')).json.windows[0].state, 'expired');
});

test('an injected arbitrage is executable on both venues after fees, for exactly its size', async () => {
  const w = sim.injectArb({ pairIndex: 0, type: 'kalshi_yes_poly_no', edgePx: 200, size: 5000, durationMs: 60_000 });
  const pair = sim.ctx.pairs[0]!;
  const k = sim.accounts.kalshi.account;
  const p = sim.accounts.polymarket.account;
  const kCash0 = k.cash;
  const pCash0 = p.cash;
  const call = kalshiCaller(sim.urls.kalshiApiBase, sim.accounts.kalshi.keyId, createPrivateKey(sim.accounts.kalshi.privateKeyPem));
  // Kalshi leg over the wire: buy YES at the window's price, IOC.
  const kPx = w.kalshiLeg.px;
  const r = await call('POST', '/portfolio/events/orders', { ticker: pair.kalshiMarketId, side: 'bid', count: '50', price: (kPx / PX_ONE).toFixed(4), time_in_force: 'immediate_or_cancel', self_trade_prevention_type: 'taker_at_cross', client_order_id: 'arb-k' });
  assert.equal(r.status, 201);
  assert.equal(r.json.fill_count, '50.00');
  // Polymarket leg: buy the token that pays when Kalshi NO pays.
  const hit = sim.ctx.marketByToken(w.polyLeg.token)!;
  const pr = sim.ctx.placeOrder({ venue: 'polymarket', accountId: p.id, marketId: hit.market.id, action: 'buy', outcome: hit.outcome, px: w.polyLeg.px, qty: 5000, tif: 'ioc' });
  assert.ok(pr.ok);
  assert.equal(pr.order.filledQty, 5000);
  assert.ok(r.json.average_fee_paid !== undefined && r.json.average_fee_paid !== '0.0000', 'Kalshi taker fee charged');
  if (sim.urls.polyClob !== '') assert.ok(pr.fills.reduce((s, f) => s + f.fee, 0) > 0, 'Polymarket taker fee charged');
  const spent = kCash0 - k.cash + (pCash0 - p.cash);
  const payout = 50 * 1_000_000;
  assert.equal(payout - spent, w.profitMicros, 'profit after both fees is what the window announced');
  assert.ok(payout - spent >= 200 * 5000, `profit ${payout - spent} below 2c x 50`);
  // Nothing more at a profit: the same Kalshi order again finds no liquidity at that price.
  const again = await call('POST', '/portfolio/events/orders', { ticker: pair.kalshiMarketId, side: 'bid', count: '1', price: (kPx / PX_ONE).toFixed(4), time_in_force: 'immediate_or_cancel', self_trade_prevention_type: 'taker_at_cross', client_order_id: 'arb-k2' });
  assert.equal(again.json.fill_count, '0.00');
  clock.advance(600);
  assert.equal(sim.ctx.market(pair.kalshiMarketId)!.book.bestAsk()! > kPx, true, 'the market maker closed the window after it was consumed');
  assert.equal(w.state, 'consumed');
});

test('the demo scenario opens arbitrage windows within seconds of start', async () => {
  const c = new ManualClock();
  const s = await startSim({ seed: 3, clock: c });
  try {
    c.advance(2000);
    const body = (await (await fetch(`${s.urls.admin}/admin/arbs`)).json()) as Json;
    const windows = body.windows;
    assert.equal(windows.length, 1);
    assert.equal(windows[0].state, 'open');
  } finally {
    await s.close();
  }
});
