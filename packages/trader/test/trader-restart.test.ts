// Real trader processes (`parity trader`) against the controller's trader server and the venue
// simulator: kill -9 mid-leg and restart, SIGTERM with a leg in flight.
// The simulator's order log is the witness of what reached the venue, and how often.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startSim } from '@parity/sim';
import { kalshiClientOrderId } from '@parity/trading/kalshi/index.ts';
import type { LegRequest, LegResult } from '@parity/trading';
import { TraderServer } from '@parity/controller/traders/server.ts';
import { SECRET, tempDir, waitFor } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const PARITY = join(ROOT, 'bin/parity.mjs');

interface Proc {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

function spawnTrader(env: NodeJS.ProcessEnv, args: string[] = []): Proc {
  const child = spawn(process.execPath, [PARITY, 'trader', ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, exit, stderr: () => err };
}

/** The trader's own debug line, written once a leg is recorded as started and about to be sent. */
function started(p: Proc, legId: string): boolean {
  return p.stderr().split('\n').some((l) => l.includes('"leg recorded as started; sending it"') && l.includes(`"legId":"${legId}"`));
}

test('kill -9 mid-leg and restart: no result lost, no leg executed twice (simulator order log as witness)', async () => {
  const tmp = tempDir();
  const sim = await startSim({ scenario: 'static', seed: 11 });
  const files = await sim.writeEnvFile(join(tmp.dir, 'sim.env'));
  const server = await TraderServer.start({ host: '127.0.0.1', port: 0, secret: SECRET, dryRun: false, heartbeatMs: 200, livenessTimeoutMs: 2000 });
  const dbPath = join(tmp.dir, 'trader.db');
  const env: NodeJS.ProcessEnv = {
    ...process.env, ...sim.env,
    KALSHI_PRIVATE_KEY_PATH: files.pemPath,
    WEBSOCKET_URL: server.url, TRADER_SECRET: SECRET, TRADER_DB: dbPath, TRADER_ID: 'proc-trader',
    TRADER_PLATFORM: 'kalshi', DRY_RUN: '0', TRADER_RECONNECT_MAX_MS: '500', TRADER_RECOVERY_GRACE_MS: '3000',
    LOG_LEVEL: 'debug', PARITY_LOG_JSON: '1',
  };
  const late: { result: LegResult; replay: boolean }[] = [];
  server.on('leg_result', (e) => e.late && late.push({ result: e.result, replay: e.replay }));
  const ticker = sim.pairs[0]!.kalshi_ticker;
  const leg = (n: number): LegRequest => ({
    legId: `proc-${n}`, platform: 'kalshi', action: 'buy', side: 'yes', price: 9900, contracts: 100, kalshiTicker: ticker, createdAtMs: Date.now(),
  });
  const legs = [1, 2, 3, 4, 5, 6].map(leg);
  const ordersFor = (l: LegRequest) => sim.orderLog({ venue: 'kalshi', clientOrderId: kalshiClientOrderId(l.legId) });
  let proc = spawnTrader(env);
  try {
    await waitFor(() => server.isConnected('kalshi'), 'the trader to register', 90_000);
    const first: LegResult[] = [];
    for (const l of legs.slice(0, 3)) first.push(await server.sendLeg(l, { deadlineMs: 10_000 }));
    for (const r of first) assert.equal(r.status, 'filled', JSON.stringify(r));

    // Leg 4 is cut off: the venue answers slowly and the trader dies with the order in flight.
    sim.faults.latency('kalshi', 1500);
    const cut = server.sendLeg(legs[3]!, { deadlineMs: 30_000 });
    await waitFor(() => started(proc, 'proc-4'), 'leg 4 to be recorded as started');
    await new Promise((r) => setTimeout(r, 150));
    proc.child.kill('SIGKILL');
    await proc.exit;
    const unknown = await cut;
    assert.equal(unknown.status, 'unknown'); // never guessed
    sim.faults.clear('kalshi');

    proc = spawnTrader(env);
    await waitFor(() => server.isConnected('kalshi'), 'the restarted trader to register', 90_000);
    await waitFor(() => late.some((e) => e.result.legId === 'proc-4'), 'the result of the cut-off leg to be delivered', 15_000);
    const recovered = late.find((e) => e.result.legId === 'proc-4')!;
    assert.equal(recovered.replay, true);

    // The controller retries everything, and sends two new legs.
    const second: LegResult[] = [];
    for (const l of legs) second.push(await server.sendLeg(l, { deadlineMs: 10_000 }));
    for (let i = 0; i < 3; i++) assert.deepEqual(second[i], first[i], `leg ${i + 1}: the stored result`);
    assert.deepEqual(second[3], recovered.result);
    assert.equal(second[4]!.status, 'filled');
    assert.equal(second[5]!.status, 'filled');

    // The witness: every leg reached the venue at most once, and the results match it.
    for (const l of legs) {
      const orders = ordersFor(l);
      assert.ok(orders.length <= 1, `${l.legId} reached the venue ${orders.length} times`);
      if (l.legId !== 'proc-4') assert.equal(orders.length, 1, `${l.legId} reached the venue`);
    }
    const cutOrders = ordersFor(legs[3]!);
    const filledAtVenue = cutOrders.length === 1 && cutOrders[0]!.result === 'accepted' && (cutOrders[0]!.filledQty ?? 0) > 0;
    assert.equal(recovered.result.status, filledAtVenue ? 'filled' : 'unfilled');
    assert.equal(recovered.result.filledContracts, filledAtVenue ? cutOrders[0]!.filledQty : 0);

    // SIGTERM with a leg in flight: the leg finishes and its result is handed over before exit.
    sim.faults.latency('kalshi', 800);
    const inFlight = server.sendLeg(leg(7), { deadlineMs: 30_000 });
    await waitFor(() => started(proc, 'proc-7'), 'leg 7 to be started');
    proc.child.kill('SIGTERM');
    const r7 = await inFlight;
    assert.equal(r7.status, 'filled', JSON.stringify(r7));
    assert.equal((await proc.exit).code, 0);
    assert.equal(ordersFor(leg(7)).length, 1);
  } finally {
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exit;
    }
    await server.close();
    await sim.close();
    tmp.cleanup();
  }
});
