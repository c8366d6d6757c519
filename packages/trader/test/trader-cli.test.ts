// `parity trader` as a real process: ONE_SHOT, and start-up errors that say what is wrong.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { TraderServer } from '@parity/controller/traders/server.ts';
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
    // Started together: each process start costs seconds on a loaded machine.
    const p = spawnTrader(env, ['--one-shot']);
    const badVenue = spawnTrader({ ...env, TRADER_PLATFORM: 'kalshi,betfair' });
    const noSecret = spawnTrader({ ...env, TRADER_SECRET: '' });
    await waitFor(() => server.isConnected('polymarket'), 'the one-shot trader to register', 90_000);
    const r = await server.sendLeg({ legId: 'one-1', platform: 'polymarket', action: 'buy', side: 'no', price: 3100, contracts: 500, polyToken: '42' }, { deadlineMs: 10_000 });
    assert.equal(r.status, 'dry_run');
    assert.equal(await p.exit, 0);

    assert.equal(await badVenue.exit, 2);
    assert.match(badVenue.stderr(), /TRADER_PLATFORM=.*"betfair" is not a venue/);
    assert.equal(await noSecret.exit, 2);
    assert.match(noSecret.stderr(), /TRADER_SECRET is not set/);
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await server.close();
    tmp.cleanup();
  }
});
