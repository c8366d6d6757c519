// Crash recovery for real: a controller process is SIGKILLed after sending its legs and before
// recording their results (the Polymarket order is still `delayed` and fills only after the
// crash). A new controller on the same ledger reconciles every unfinished leg with the venues
// before it trades; nothing is lost and nothing is executed twice (the simulator's order log is
// the witness).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { REPO_ROOT, oppFromWindow, simRig, until } from './hybrid-sim-rig.ts';

test('SIGKILL after sending a leg, before recording its result: the restart reconciles it and nothing runs twice', async () => {
  const r = await simRig();
  const dbPath = join(r.dir, 'parity.db');
  const env = { CONTROLLER_PLATFORMS: 'kalshi,polymarket', DRY_RUN: 'off', PARITY_DB: dbPath, LEG_TIMEOUT_MS: '5000', LEG_NOT_FOUND_GRACE_MS: '15000' };
  const w = r.sim.injectArb({ pairIndex: 0, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
  const opp = oppFromWindow(r.sim, w, 1000);
  // Polymarket answers `delayed` and the order reaches the book 2.5 s later.
  r.sim.faults.add({ venue: 'polymarket', kind: 'order_delayed', count: 1, params: { ms: 2500 } });

  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'packages/controller/test/recovery-crash-child.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...r.sim.env, ...env, TEST_OPPORTUNITY: JSON.stringify(opp), LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, sig) => res(sig)));
  try {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => /SUBMITTED x\w+/.test(out), 'the child controller to submit', 60_000);
    const attemptId = /SUBMITTED (x\w+)/.exec(out)![1]!;

    // Kill it once the Polymarket leg is known to be pending and the Kalshi order has reached the
    // venue: both orders are out, and at least the Polymarket result is not final anywhere yet.
    const reader = new Database(dbPath, { readonly: true, fileMustExist: true });
    const legStatus = (legId: string): string | undefined =>
      (reader.prepare('SELECT status FROM legs WHERE leg_id = ?').get(legId) as { status: string } | undefined)?.status;
    await until(
      () => legStatus(`${attemptId}-n`) === 'pending' && r.sim.orderLog({ venue: 'kalshi' }).length === 1,
      'the Polymarket leg to be pending in the child ledger and the Kalshi order at the venue',
    );
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.equal(legStatus(`${attemptId}-n`), 'pending', 'the Polymarket result was not final when the controller died');
    reader.close();
    assert.deepEqual(r.sim.orderLog({ venue: 'polymarket', result: 'accepted' }), [], 'the delayed order had not filled yet');

    // Restart on the same ledger: reconciliation first, then trading.
    const h = await r.attach(env);
    const a = h.ledger.getAttempt(attemptId)!;
    assert.equal(a.status, 'filled', JSON.stringify(h.ledger.legsOf(attemptId)));
    const legs = h.ledger.legsOf(attemptId);
    assert.deepEqual(legs.map((l) => [l.platform, l.status, l.filledContracts]), [['kalshi', 'filled', 1000], ['polymarket', 'filled', 1000]]);
    assert.deepEqual(h.ledger.legEvents(`${attemptId}-n`).map((e) => [e.source, e.status]), [['send', 'pending'], ['lookup', 'filled']], 'the Polymarket fill came from a look-up after the restart');

    // Nothing lost, nothing twice: one order per leg at each venue, matching the ledger.
    const k = r.sim.orderLog({ venue: 'kalshi' });
    const p = r.sim.orderLog({ venue: 'polymarket', result: 'accepted' });
    assert.deepEqual(k.map((e) => e.clientOrderId), [legs[0]!.clientOrderId]);
    assert.equal(p.length, 1);
    assert.deepEqual([k[0]!.filledQty, p[0]!.filledQty], [1000, 1000]);
    assert.deepEqual(h.ledger.positions().map((x) => [x.platform, x.side, x.contracts]).sort(), [['kalshi', 'yes', 1000], ['polymarket', 'no', 1000]]);
    assert.equal(h.breaker.state().exposureMicros, h.ledger.pairExposure(opp.pairId));

    // And it trades again afterwards.
    const w2 = r.sim.injectArb({ pairIndex: 1, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
    const id2 = h.executor.submit(oppFromWindow(r.sim, w2, 500));
    assert.ok(id2);
    await h.executor.waitFor(id2);
    assert.equal(h.ledger.getAttempt(id2)!.status, 'filled');
  } finally {
    child.kill('SIGKILL');
    await r.done();
  }
});
