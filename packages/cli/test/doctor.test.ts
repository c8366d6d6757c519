// `parity doctor` against the simulator: its env file passes every check (exit 0); a broken
// environment (malformed key, unknown CONTROLLER_PLATFORMS, unreachable URL, wrong credentials,
// silent server, unsafe dashboard bind) gets one clear FAIL line per problem with what to do, and
// exit 1. Every URL points at 127.0.0.1: doctor never reaches beyond loopback here.

import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSim, type SimHandle } from '@parity/sim';
import { runDoctor, type Check } from '../src/commands/doctor.ts';

const REPO_ROOT = resolve(new URL('../../..', import.meta.url).pathname);
const SECRET = 'doctor-test-secret-0123456789';

let sim: SimHandle;
let dir: string;
let envFile: string;

before(async () => {
  sim = await startSim({ scenario: 'static', seed: 3, pairs: 2 });
  dir = mkdtempSync(join(tmpdir(), 'parity-doctor-'));
  envFile = (await sim.writeEnvFile(join(dir, 'sim.env'))).envPath;
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface Run {
  code: number | null;
  out: string;
  err: string;
  checks: { status: string; name: string; text: string }[];
}

/** `parity doctor ARGS` as a child process with exactly `env` (plus PATH/HOME), from `dir`. */
async function doctor(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/parity.mjs'), 'doctor', ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const checks = out
    .split('\n')
    .map((l) => /^(ok|WARN|FAIL) +(\S+) +(.*)$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ status: m[1]!, name: m[2]!, text: m[3]! }));
  return { code, out, err, checks };
}

function line(r: Run, name: string): { status: string; text: string } {
  const c = r.checks.find((x) => x.name === name);
  assert.ok(c, `doctor printed a ${name} line:\n${r.out}\n${r.err}`);
  return c;
}

test('the simulator env file: every check ok, exit 0, nothing written', { timeout: 120_000 }, async () => {
  const db = join(dir, 'ok-data', 'parity.db');
  const r = await doctor(['--env-file', envFile], { CONTROLLER_PLATFORMS: 'kalshi,polymarket', TRADER_SECRET: SECRET, PARITY_DB: db, HTTP_PORT: '0', DRY_RUN: '0' });
  assert.equal(r.code, 0, `${r.out}\n${r.err}`);
  const names = r.checks.map((c) => c.name);
  for (const n of [
    'config/execution', 'config/market-data', 'config/pairs', 'config/traders', 'config/dashboard', 'config/ledger',
    'key/kalshi', 'key/polymarket', 'route/kalshi', 'route/polymarket',
    'venue/kalshi', 'account/kalshi', 'venue/polymarket', 'account/polymarket', 'venue/gamma',
  ]) assert.ok(names.includes(n), `${n} is checked:\n${r.out}`);
  for (const c of r.checks) assert.equal(c.status, 'ok', `${c.name}: ${c.text}`);
  assert.match(line(r, 'config/execution').text, /local execution for kalshi, polymarket.*\[LIVE\]/);
  assert.match(line(r, 'config/pairs').text, /^2 pair\(s\) from /);
  assert.match(line(r, 'key/kalshi').text, new RegExp(`RSA-2048 private key loads; key id ${sim.accounts.kalshi.keyId}`));
  const addr = sim.accounts.polymarket.address.toLowerCase();
  assert.ok(line(r, 'key/polymarket').text.toLowerCase().includes(`signer ${addr}`), 'the Polymarket address is shown');
  assert.match(line(r, 'account/kalshi').text, /signed GET \/portfolio\/balance accepted: \$\d+\.\d\d available/);
  assert.ok(line(r, 'account/polymarket').text.toLowerCase().includes(addr));
  assert.ok(line(r, 'venue/kalshi').text.startsWith(sim.urls.kalshiApiBase));
  assert.match(r.out, /\n15 ok, 0 warning\(s\), 0 failed\n$/);
  assert.equal(existsSync(join(dir, 'ok-data')), false, 'doctor creates nothing (the ledger directory does not exist yet)');
  assert.ok(!r.out.includes(sim.accounts.polymarket.privateKey.slice(2)) && !r.out.includes(sim.accounts.polymarket.apiSecret), 'no secret is printed');
});

test('a broken environment: one FAIL line per problem, saying what to fix; exit 1', { timeout: 120_000 }, async () => {
  const port = await closedPort();
  const badBase = `http://127.0.0.1:${port}/trade-api/v2`;
  const r = await doctor(['--timeout', '3'], {
    ...sim.env,
    POLY_PRIVATE_KEY: '0x1234',
    CONTROLLER_PLATFORMS: 'kalshi,binance',
    KALSHI_API_BASE: badBase,
    PARITY_DB: join(dir, 'bad-data', 'parity.db'),
  });
  assert.equal(r.code, 1, `${r.out}\n${r.err}`);
  const exec = line(r, 'config/execution');
  assert.equal(exec.status, 'FAIL');
  assert.match(exec.text, /CONTROLLER_PLATFORMS contains unknown venue "binance": use kalshi, polymarket/);
  const key = line(r, 'key/polymarket');
  assert.equal(key.status, 'FAIL');
  assert.match(key.text, /POLY_PRIVATE_KEY is not a private key: expected 64 hex digits/);
  const venue = line(r, 'venue/kalshi');
  assert.equal(venue.status, 'FAIL');
  assert.ok(venue.text.includes(`${badBase}/exchange/status is unreachable: connection refused`), venue.text);
  assert.match(venue.text, /→ check KALSHI_API_BASE/);
  // The rest is still checked, and what works says so.
  assert.equal(line(r, 'venue/polymarket').status, 'ok');
  assert.equal(line(r, 'venue/gamma').status, 'ok');
  assert.equal(line(r, 'key/kalshi').status, 'ok');
  assert.equal(line(r, 'config/pairs').status, 'ok');
  assert.equal(r.checks.filter((c) => c.status === 'FAIL').length, 3, r.out);
  assert.match(r.out, /3 failed: fix the FAIL lines above/);
});

test('--role and --timeout are validated', { timeout: 60_000 }, async () => {
  const r = await doctor(['--role', 'router'], { ...sim.env });
  assert.equal(r.code, 2);
  assert.match(r.err, /--role "router": use controller or trader/);
  const t = await doctor(['--timeout', 'soon'], { ...sim.env });
  assert.equal(t.code, 2);
  assert.match(t.err, /--timeout "soon" must be a number of seconds/);
});

// ---- more failures, in-process (same code path as the CLI, without a process start each) ----

const byName = (cs: Check[], name: string): Check => {
  const c = cs.find((x) => x.name === name);
  assert.ok(c, `${name} checked: ${JSON.stringify(cs.map((x) => x.name))}`);
  return c;
};
const base = (): Record<string, string> => ({ ...sim.env, TRADER_SECRET: SECRET, CONTROLLER_PLATFORMS: 'kalshi,polymarket', PARITY_DB: join(dir, 'x', 'parity.db') });

test('wrong credentials: the signed reads fail and say which variables to check', async () => {
  const cs = await runDoctor({ ...base(), KALSHI_API_KEY_ID: '00000000-0000-4000-8000-000000000000', POLY_API_KEY: '11111111-1111-4111-8111-111111111111' }, { role: 'controller', timeoutMs: 5_000 });
  const k = byName(cs, 'account/kalshi');
  assert.equal(k.status, 'fail');
  assert.match(k.detail, /Kalshi refused the signed GET \/portfolio\/balance \(HTTP 401/);
  assert.match(k.fix ?? '', /KALSHI_API_KEY_ID/);
  const p = byName(cs, 'account/polymarket');
  assert.equal(p.status, 'fail');
  assert.match(p.detail, /HTTP 401/);
  assert.match(p.fix ?? '', /unset all three to derive them/);
  assert.equal(byName(cs, 'venue/kalshi').status, 'ok', 'the venue itself answers');
});

test('Polymarket API credentials absent: derived from the key through L1 auth, then the balance read works', async () => {
  const env = base();
  delete env.POLY_API_KEY;
  delete env.POLY_API_SECRET;
  delete env.POLY_API_PASSPHRASE;
  const cs = await runDoctor(env, { role: 'controller', timeoutMs: 5_000 });
  assert.match(byName(cs, 'key/polymarket').detail, /API credentials derived at start/);
  assert.equal(byName(cs, 'account/polymarket').status, 'ok', byName(cs, 'account/polymarket').detail);
});

test('malformed Kalshi PEM, no route for a venue, unsafe dashboard bind', async () => {
  const env: Record<string, string> = { ...base(), CONTROLLER_PLATFORMS: 'kalshi', HTTP_HOST: '0.0.0.0' };
  delete env.KALSHI_PRIVATE_KEY_PATH;
  delete env.TRADER_SECRET;
  env.KALSHI_PRIVATE_KEY = '-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----';
  const cs = await runDoctor(env, { role: 'controller', timeoutMs: 5_000 });
  const key = byName(cs, 'key/kalshi');
  assert.equal(key.status, 'fail');
  assert.match(key.detail, /KALSHI_PRIVATE_KEY/);
  assert.equal(byName(cs, 'config/dashboard').status, 'fail');
  assert.match(byName(cs, 'config/dashboard').fix ?? '', /DASHBOARD_TOKEN/);
  assert.equal(byName(cs, 'config/traders').status, 'warn');
  // With a key broken, routes are not judged (the key line already says what to fix).
  assert.ok(!cs.some((c) => c.name.startsWith('route/')));

  const env2: Record<string, string> = { ...base(), CONTROLLER_PLATFORMS: 'kalshi' };
  delete env2.TRADER_SECRET;
  const cs2 = await runDoctor(env2, { role: 'controller', timeoutMs: 5_000 });
  assert.equal(byName(cs2, 'route/kalshi').status, 'ok');
  const poly = byName(cs2, 'route/polymarket');
  assert.equal(poly.status, 'fail');
  assert.match(poly.detail, /no path for polymarket legs/);
  assert.match(poly.fix ?? '', /CONTROLLER_PLATFORMS|TRADER_SECRET/);
});

test('a server that accepts connections but never answers: FAIL after the timeout, not a hang', async () => {
  const sockets = new Set<Socket>();
  const silent: Server = createServer((s) => void sockets.add(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  try {
    const cs = await runDoctor({ ...base(), POLY_GAMMA_URL: url }, { role: 'controller', timeoutMs: 500 });
    const g = byName(cs, 'venue/gamma');
    assert.equal(g.status, 'fail');
    assert.match(g.detail, /did not answer within 0\.5 s/);
    assert.match(g.fix ?? '', /POLY_GAMMA_URL/);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  }
});

test('trader role: its config, its venue, and whether the controller is reachable', async () => {
  const listening = createServer((s) => s.destroy());
  await new Promise<void>((r) => listening.listen(0, '127.0.0.1', r));
  const up = `ws://127.0.0.1:${(listening.address() as { port: number }).port}`;
  try {
    const env = { ...sim.env, TRADER_SECRET: SECRET, TRADER_PLATFORM: 'polymarket', WEBSOCKET_URL: up, TRADER_DB: join(dir, 'x', 'trader.db') };
    const cs = await runDoctor(env, { role: 'trader', timeoutMs: 5_000 });
    for (const c of cs) assert.equal(c.status, 'ok', `${c.name}: ${c.detail} ${c.fix ?? ''}`);
    assert.match(byName(cs, 'config/trader').detail, /serves polymarket/);
    assert.equal(byName(cs, 'account/polymarket').status, 'ok');
    assert.ok(!cs.some((c) => c.name === 'venue/kalshi'), 'a Polymarket trader does not probe Kalshi');

    const down = `ws://127.0.0.1:${await closedPort()}`;
    const cs2 = await runDoctor({ ...env, WEBSOCKET_URL: down, TRADER_PLATFORM: 'kalshi,polymarket', KALSHI_API_KEY_ID: '', KALSHI_PRIVATE_KEY_PATH: '' }, { role: 'trader', timeoutMs: 5_000 });
    const ctl = byName(cs2, 'controller');
    assert.equal(ctl.status, 'fail');
    assert.match(ctl.detail, /connection refused/);
    assert.match(ctl.fix ?? '', /start the controller first/);
    const k = byName(cs2, 'key/kalshi');
    assert.equal(k.status, 'fail', 'a trader serving Kalshi needs Kalshi keys');
    assert.match(k.fix ?? '', /KALSHI_API_KEY_ID/);

    const cs3 = await runDoctor({ ...env, TRADER_SECRET: '' }, { role: 'trader', timeoutMs: 5_000 });
    assert.equal(byName(cs3, 'config/trader').status, 'fail');
    assert.match(byName(cs3, 'config/trader').detail, /TRADER_SECRET is not set/);
  } finally {
    await new Promise<void>((r) => listening.close(() => r()));
  }
});
