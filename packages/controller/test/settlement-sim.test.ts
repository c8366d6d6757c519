// Settlement over real sockets: arbitrages executed by the real executor against the simulator
// (both legs local, real clients, a real SQLite ledger), markets resolved in the simulator, and
// the SettlementWatcher reading both venues' public market objects.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Micros } from '@parity/trading';
import { oppFromWindow, simRig, until, type SimRig } from './hybrid-sim-rig.ts';
import type { ExecutionHandle } from '../src/execution/attach.ts';
import type { Pair } from '../src/model.ts';
import { toPair } from '../src/pairs/pairs-file.ts';
import { OpsHub } from '../src/ops/hub.ts';
import { createMetrics } from '../src/ops/metrics.ts';
import { parseSettlementConfig } from '../src/config/settlement.ts';
import { SettlementWatcher, type SettledEvent, type SettlementAlert } from '../src/settlement/watcher.ts';
import { wireSettlementOps } from '../src/settlement/attach.ts';

let r: SimRig;
let h: ExecutionHandle;
/** Indices of pairs on distinct markets (a game's two team pairs share one Polymarket market). */
let idx: number[];

before(async () => {
  r = await simRig({ pairs: 8 });
  h = await r.attach({ CONTROLLER_PLATFORMS: 'kalshi,polymarket' });
  const seen = new Set<string>();
  idx = [];
  r.sim.ctx.pairs.forEach((p, i) => {
    if (seen.has(p.polyMarketId)) return;
    seen.add(p.polyMarketId);
    idx.push(i);
  });
  assert.ok(idx.length >= 4, `need 4 independent pairs, the scenario has ${idx.length}`);
});
after(async () => {
  await r?.done();
});

const pairOf = (id: string): Pair | undefined => {
  const e = r.sim.pairs.find((p) => p.id === id);
  return e ? toPair({ id: e.id, description: e.description, kalshi_ticker: e.kalshi_ticker, poly_yes_token: e.poly_yes_token, poly_no_token: e.poly_no_token, kalshi_yes_pays_with: e.kalshi_yes_pays_with }) : undefined;
};

function watcher(o: { now?: () => number; mismatchAlertMs?: number } = {}): SettlementWatcher {
  const config = parseSettlementConfig({ ...r.sim.env, SETTLEMENT_POLL_MS: '20', SETTLEMENT_HTTP_TIMEOUT_MS: '5000', SETTLEMENT_MISMATCH_ALERT_MS: String(o.mismatchAlertMs ?? 3_600_000) });
  return new SettlementWatcher({ config, ledger: h.ledger, breaker: h.breaker, pairOf, now: o.now });
}

/** Execute a filled arbitrage of `qty` on the pair; returns its attempt id. */
async function arb(pairIndex: number, qty = 1000): Promise<string> {
  const w = r.sim.injectArb({ pairIndex, type: pairIndex % 2 === 0 ? 'poly_yes_kalshi_no' : 'kalshi_yes_poly_no', durationMs: 120_000 });
  const id = h.executor.submit(oppFromWindow(r.sim, w, qty));
  assert.ok(id, 'the arbitrage was submitted');
  await h.executor.waitFor(id);
  assert.equal(h.ledger.getAttempt(id)!.status, 'filled', JSON.stringify(h.ledger.recentExecutions(1)));
  return id;
}

const pairPositions = (pairId: string) => h.ledger.positions().filter((p) => p.pairId === pairId);

test('a resolved market settles once: positions close, realised P&L = $1 x matched - cost - fees, breaker exposure back to 0; later passes and a restarted watcher settle nothing', async () => {
  const pair = r.sim.pairs[idx[0]!]!;
  const attemptId = await arb(idx[0]!);
  const matched = h.ledger.getAttempt(attemptId)!.matchedContracts!;
  assert.equal(matched, 1000);
  const fills = h.ledger.fillsOf(attemptId);
  const spent = fills.reduce((s, f) => s + f.costMicros + f.feesMicros, 0);
  // The venues' own record of what the test accounts paid agrees with the ledger (a Kalshi NO buy
  // goes out as a YES sell: it opens NO at 1 - the YES price).
  const venueSpent = ['kalshi-test', 'polymarket-test']
    .flatMap((a) => r.sim.ctx.accountFills(a))
    .reduce((s, f) => s + (f.action === 'buy' ? f.px : 10_000 - f.px) * f.qty + f.fee, 0);
  assert.equal(spent, venueSpent);
  const expected: Micros = matched * 10_000 - spent;
  assert.ok(h.breaker.state().exposureByPair[pair.id]! > 0);
  const realizedBefore = h.ledger.pnlTotals().realizedMicros;
  const dailyBefore = h.breaker.state().dailyPnlMicros;

  const hub = new OpsHub();
  const metrics = createMetrics({ defaultMetrics: false });
  const w = watcher();
  const unwire = wireSettlementOps(w, hub, metrics.registry);
  const settled: SettledEvent[] = [];
  w.on('settled', (e) => settled.push(e));
  try {
    // Unresolved: a pass reads both venues and changes nothing.
    const first = await w.checkNow();
    assert.equal(first.settled, 0);
    assert.ok(first.checked >= 1);
    assert.equal(pairPositions(pair.id).length, 2);

    r.sim.settleMarket(pair.id, 'yes');
    w.start();
    await until(() => pairPositions(pair.id).length === 0, 'the watcher to settle the pair', 20_000);
    assert.equal(settled.length, 1);
    assert.deepEqual([settled[0]!.pairId, settled[0]!.winner, settled[0]!.realizedMicros], [pair.id, 'yes', expected]);
    assert.equal(h.ledger.pnlTotals().realizedMicros - realizedBefore, expected);
    assert.equal(h.breaker.state().exposureByPair[pair.id], undefined);
    assert.equal(h.breaker.state().dailyPnlMicros - dailyBefore, expected);
    assert.equal(h.ledger.pairExposure(pair.id), 0);
    assert.deepEqual(w.settlementOf(pair.id) && [w.settlementOf(pair.id)!.winner, w.settlementOf(pair.id)!.realizedMicros], ['yes', expected]);
    // The dashboard and /metrics saw it.
    const row = hub.executions.find((e) => e.attemptId === `settlement:${pair.id}`);
    assert.equal(row?.status, 'settled');
    assert.equal(row?.realizedUsd, (expected / 1e6).toFixed(2));
    assert.match(await metrics.registry.metrics(), /parity_settlements_total\{winner="yes"\} 1/);

    // Idempotent: more passes, and a fresh watcher on the same ledger (a restart), settle nothing.
    const again = await w.checkNow();
    assert.equal(again.settled, 0);
    await w.stop();
    const w2 = watcher();
    try {
      assert.equal((await w2.checkNow()).settled, 0);
    } finally {
      await w2.stop();
    }
    assert.equal(settled.length, 1);
    assert.equal(h.ledger.pnlTotals().realizedMicros - realizedBefore, expected);
  } finally {
    unwire();
    await w.stop();
  }
});

test('venues disagree on the winner: nothing is settled, an error alert reaches the metrics and the dashboard (once)', async () => {
  const pair = r.sim.pairs[idx[1]!]!;
  await arb(idx[1]!);
  const exposure = h.breaker.state().exposureByPair[pair.id]!;
  assert.ok(exposure > 0);
  r.sim.settleMarket(pair.id, 'yes', { venue: 'kalshi' });
  r.sim.settleMarket(pair.id, 'no', { venue: 'polymarket' });
  const hub = new OpsHub();
  const pushed: string[] = [];
  hub.on('push', (kind) => pushed.push(kind));
  const metrics = createMetrics({ defaultMetrics: false });
  const w = watcher();
  const unwire = wireSettlementOps(w, hub, metrics.registry);
  const alerts: SettlementAlert[] = [];
  w.on('alert', (a) => alerts.push(a));
  try {
    await w.checkNow();
    await w.checkNow();
    assert.deepEqual(alerts.map((a) => [a.pairId, a.reason]), [[pair.id, 'venues_disagree']]);
    assert.match(alerts[0]!.detail, /kalshi: resolved YES.*polymarket: resolved NO/);
    assert.equal(pairPositions(pair.id).length, 2, 'positions stay open');
    assert.equal(h.breaker.state().exposureByPair[pair.id], exposure);
    assert.equal(w.settlementOf(pair.id), undefined);
    assert.deepEqual(w.alerts().map((a) => a.pairId), [pair.id]);
    assert.equal(hub.executions.find((e) => e.attemptId === `settlement:${pair.id}`)?.status, 'settlement_alert');
    assert.ok(pushed.includes('settlement_alert'));
    const text = await metrics.registry.metrics();
    assert.match(text, /parity_settlement_alerts_total\{reason="venues_disagree"\} 1/);
    assert.match(text, /parity_settlement_alerts 1/);
  } finally {
    unwire();
    await w.stop();
  }
});

test('one venue resolved, the other not: waits; alerts after SETTLEMENT_MISMATCH_ALERT_MS; settles once the other venue confirms', async () => {
  const pair = r.sim.pairs[idx[2]!]!;
  const unresolvedPair = r.sim.pairs[idx[3]!]!;
  await arb(idx[2]!);
  await arb(idx[3]!);
  let t = Date.now();
  const w = watcher({ now: () => t, mismatchAlertMs: 60_000 });
  const alerts: SettlementAlert[] = [];
  const settled: SettledEvent[] = [];
  // The previous test's pair still disagrees; only these two pairs matter here.
  const mine = new Set([pair.id, unresolvedPair.id]);
  w.on('alert', (a) => mine.has(a.pairId) && alerts.push(a));
  w.on('settled', (e) => mine.has(e.pairId) && settled.push(e));
  try {
    r.sim.settleMarket(pair.id, 'no', { venue: 'kalshi' });
    await w.checkNow();
    assert.deepEqual([alerts.length, settled.length], [0, 0], 'within the grace period nothing happens');
    t += 60_000;
    await w.checkNow();
    assert.deepEqual(alerts.map((a) => [a.pairId, a.reason]), [[pair.id, 'resolution_mismatch']]);
    assert.equal(pairPositions(pair.id).length, 2);

    r.sim.settleMarket(pair.id, 'no', { venue: 'polymarket' });
    await w.checkNow();
    assert.deepEqual(settled.map((e) => [e.pairId, e.winner]), [[pair.id, 'no']]);
    assert.equal(pairPositions(pair.id).length, 0);
    assert.deepEqual(w.alerts().filter((a) => mine.has(a.pairId)), [], 'the alert clears once settled');
    // The pair whose market never resolved is untouched.
    assert.equal(pairPositions(unresolvedPair.id).length, 2);
    assert.ok(h.breaker.state().exposureByPair[unresolvedPair.id]! > 0);
  } finally {
    await w.stop();
  }
});
