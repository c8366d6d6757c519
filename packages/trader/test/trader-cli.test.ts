// `parity trader` as a real process (ONE_SHOT), and start-up errors that say what is wrong.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { TraderServer } from '@parity/controller/traders/server.ts';
import { runTrader } from '../src/main.ts';
import { SECRET, tempDir, waitFor } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const PARITY = join(ROOT, 'bin/parity.mjs');

const children: ChildProcess[] = [];

function spawnTrader(env: NodeJS.ProcessEnv, args: string[] = []): { exit: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [PARITY, 'trader', ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  return { exit: new Promise((r) => child.on('exit', (code) => r(code))), stderr: () => err };
}

test('ONE_SHOT exits after the first leg; start-up errors say what is wrong', async () => {
  const tmp = tempDir();
  const server = await TraderServer.start({ host: '127.0.0.1', port: 0, secret: SECRET, dryRun: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env, WEBSOCKET_URL: server.url, TRADER_SECRET: SECRET, TRADER_DB: join(tmp.dir, 'one.db'), TRADER_PLATFORM: 'poly',
    DRY_RUN: '1', LOG_LEVEL: 'warn', PARITY_LOG_JSON: '1',
  };
  try {
    const p = spawnTrader(env, ['--one-shot']);
    // Start-up errors, in-process (what the command runs; the CLI maps them to exit code 2).
    await assert.rejects(runTrader({ ...env, TRADER_PLATFORM: 'kalshi,betfair' }, { signals: false }), /TRADER_PLATFORM=.*"betfair" is not a venue/);
    await assert.rejects(runTrader({ ...env, TRADER_SECRET: '' }, { signals: false }), /TRADER_SECRET is not set/);
    await assert.rejects(runTrader({ ...env, DRY_RUN: 'live' }, { signals: false }), /DRY_RUN="live" is not a boolean/);
    // Live, a venue without credentials is unusable, and a trader with nothing usable does not start.
    await assert.rejects(runTrader({ ...env, DRY_RUN: '0', TRADER_PLATFORM: 'kalshi', KALSHI_API_KEY_ID: '', KALSHI_PRIVATE_KEY_PATH: '', KALSHI_PRIVATE_KEY: '' }, { signals: false }), /no venue is usable.*no Kalshi credentials configured/);
    await waitFor(() => server.isConnected('polymarket'), 'the one-shot trader to register', 90_000);
    const r = await server.sendLeg({ legId: 'one-1', platform: 'polymarket', action: 'buy', side: 'no', price: 3100, contracts: 500, polyToken: '42' }, { deadlineMs: 10_000 });
    assert.equal(r.status, 'dry_run');
    assert.equal(await p.exit, 0, p.stderr());
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await server.close();
    tmp.cleanup();
  }
});
