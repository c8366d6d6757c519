// The settlement watcher inside the whole controller (startController) live against the
// simulator: an arbitrage detected and executed end to end, its market resolved in the simulator,
// and the controller settles it by itself: ledger, breaker, dashboard and /metrics.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { opsRig, untilAsync, untilTradeable } from './ops-rig.ts';

test('startController settles a resolved market by itself: positions close, exposure falls to 0, the dashboard and /metrics show it', { timeout: 240_000 }, async () => {
  const rig = await opsRig({ env: { SETTLEMENT_POLL_MS: '50' } });
  try {
    await untilTradeable(rig);
    await rig.startTrader();
    const w = rig.sim.injectArb({ pairIndex: 0, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
    await untilAsync(async () => rig.ctl.hub.executions.some((e) => e.pairId === w.pairId && e.status === 'filled'), 'the arbitrage to fill on both venues');
    const { ledger, breaker } = rig.ctl.execution;
    assert.ok(ledger.positions().some((p) => p.pairId === w.pairId));
    assert.ok(breaker.state().exposureByPair[w.pairId]! > 0);

    rig.sim.settleMarket(w.pairId, 'yes');
    await untilAsync(async () => ledger.positions().every((p) => p.pairId !== w.pairId) && ledger.openAttempts().length === 0, 'the controller to settle the pair');
    assert.equal(breaker.state().exposureByPair[w.pairId], undefined);
    const row = rig.ctl.hub.executions.find((e) => e.attemptId === `settlement:${w.pairId}`);
    assert.equal(row?.status, 'settled');
    assert.ok(Number(row.realizedUsd) > 0, `an arbitrage settles at a profit: ${row.realizedUsd}`);
    assert.equal(ledger.getMeta<{ winner: string }>(`settlement:${w.pairId}`)?.winner, 'yes');
    const text = await (await fetch(`${rig.base}metrics`)).text();
    assert.match(text, /parity_settlements_total\{winner="yes"\} [1-9]/);
    assert.match(text, /parity_settlement_alerts 0/);
  } finally {
    await rig.done();
  }
});
