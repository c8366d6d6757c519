// Following a `matched` Polymarket fill to on-chain settlement (spec polymarket.md §8.2), over real
// sockets: the simulator's CLOB holds a trade unsettled (fault order_unsettled) and then fails it
// or settles it late; the controller reads the order's trades, corrects the ledger on FAILED and
// unwinds the other leg's excess through the normal unwind path.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oppFromWindow, simRig, until } from './hybrid-sim-rig.ts';
import type { PolySettlementEvent } from '../src/execution/poly-settlement.ts';

const LOCAL_BOTH = { CONTROLLER_PLATFORMS: 'kalshi,polymarket' };
/** Simulated time at 5x: trades confirm 2 simulated seconds after the match (0.4 s here). */
const FAST = { speed: 5 };

test('trades CONFIRMED: the attempt is filled and nothing is corrected', async () => {
  const r = await simRig(FAST);
  try {
    const h = await r.attach(LOCAL_BOTH);
    const events: PolySettlementEvent[] = [];
    h.executor.on('settlement', (e) => events.push(e));
    const w = r.sim.injectArb({ pairIndex: 0, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
    const id = h.executor.submit(oppFromWindow(r.sim, w, 1000))!;
    await h.executor.waitFor(id);
    assert.equal(h.ledger.getAttempt(id)!.status, 'filled');
    assert.deepEqual(events.map((e) => [e.outcome, e.failedContracts]), [['confirmed', 0]]);
    assert.ok(events[0]!.trades.length >= 1 && events[0]!.trades.every((t) => t.status === 'CONFIRMED'));
    assert.deepEqual(h.ledger.legsOf(id).map((l) => [l.platform, l.status, l.filledContracts]), [['kalshi', 'filled', 1000], ['polymarket', 'filled', 1000]]);
    assert.equal(r.sim.orderLog().length, 2, 'no unwind order');
    assert.deepEqual(h.executor.stats().polySettlement, { confirmed: 1, failed: 0, gave_up: 0 });
  } finally {
    await r.done();
  }
});

test('the Polymarket trade FAILS on chain: the fill is reversed in the ledger and the Kalshi excess is sold back', async () => {
  const r = await simRig(FAST);
  try {
    const h = await r.attach(LOCAL_BOTH);
    const events: PolySettlementEvent[] = [];
    h.executor.on('settlement', (e) => events.push(e));
    r.sim.faults.add({ venue: 'polymarket', kind: 'order_unsettled', count: 1, params: { failAfterMs: 300 } });
    const w = r.sim.injectArb({ pairIndex: 0, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
    const id = h.executor.submit(oppFromWindow(r.sim, w, 1000))!;
    await h.executor.waitFor(id);
    const legs = h.ledger.legsOf(id);
    const poly = legs.find((l) => l.platform === 'polymarket')!;
    assert.deepEqual([poly.status, poly.filledContracts, poly.costMicros], ['unfilled', 0, 0]);
    assert.match(poly.error ?? '', /FAILED on chain/);
    assert.deepEqual(h.ledger.legEvents(poly.legId).map((e) => e.status).slice(-1), ['failed:unfilled']);
    assert.deepEqual(h.ledger.fillsOf(id).filter((f) => f.platform === 'polymarket'), []);
    assert.deepEqual(events.map((e) => [e.outcome, e.failedContracts]), [['failed', 1000]]);
    // The Kalshi YES bought alone is sold back (the simulator saw the sells).
    assert.equal(h.ledger.getAttempt(id)!.status, 'unwound', JSON.stringify(legs));
    const unwinds = legs.filter((l) => l.role === 'unwind');
    assert.ok(unwinds.length >= 1 && unwinds.every((l) => l.platform === 'kalshi' && l.action === 'sell' && l.side === 'yes'));
    const kSells = r.sim.orderLog({ venue: 'kalshi' }).filter((e) => e.action === 'sell');
    assert.deepEqual(kSells.map((e) => e.clientOrderId), unwinds.map((l) => l.clientOrderId));
    assert.equal(kSells.reduce((s, e) => s + (e.filledQty ?? 0), 0), 1000);
    // Nothing held on either side, no exposure left.
    assert.deepEqual(h.ledger.positions(), []);
    assert.equal(h.ledger.pairExposure(w.pairId), 0);
    assert.equal(h.breaker.state().exposureMicros, 0);
    assert.deepEqual(h.executor.stats().polySettlement, { confirmed: 0, failed: 1, gave_up: 0 });
    // The correction is by total: applying the same failure again changes nothing.
    assert.equal(h.ledger.correctFailedFill(poly.legId, 1000, 'again'), 0);
    assert.deepEqual(h.ledger.positions(), []);
  } finally {
    await r.done();
  }
});

test('the Polymarket trade settles late: no correction, the attempt is filled', async () => {
  const r = await simRig(FAST);
  try {
    const h = await r.attach(LOCAL_BOTH);
    r.sim.faults.add({ venue: 'polymarket', kind: 'order_unsettled', count: 1, params: { settleAfterMs: 400 } });
    const w = r.sim.injectArb({ pairIndex: 0, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
    const id = h.executor.submit(oppFromWindow(r.sim, w, 1000))!;
    await h.executor.waitFor(id);
    assert.equal(h.ledger.getAttempt(id)!.status, 'filled');
    const poly = h.ledger.legsOf(id).find((l) => l.platform === 'polymarket')!;
    assert.deepEqual([poly.status, poly.filledContracts], ['filled', 1000]);
    assert.equal(h.ledger.failedContractsOf(poly.legId), 0);
    assert.equal(r.sim.orderLog().length, 2, 'no unwind order');
    assert.deepEqual(h.executor.stats().polySettlement, { confirmed: 1, failed: 0, gave_up: 0 });
  } finally {
    await r.done();
  }
});

test('stopped while the trade is still MATCHED: the next start follows it, and the FAILED fill is corrected and unwound then', async () => {
  const r = await simRig(FAST);
  try {
    const h = await r.attach(LOCAL_BOTH);
    r.sim.faults.add({ venue: 'polymarket', kind: 'order_unsettled', count: 1, params: { failAfterMs: 10000 } });
    const w = r.sim.injectArb({ pairIndex: 0, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
    const id = h.executor.submit(oppFromWindow(r.sim, w, 1000))!;
    await until(() => h.ledger.legsOf(id).length === 2 && h.ledger.legsOf(id).every((l) => l.final), 'both legs final');
    assert.equal(h.ledger.getAttempt(id)!.status, 'open', 'held open while the trade is unsettled');
    await h.close();
    const h2 = await r.attach(LOCAL_BOTH);
    assert.equal(h2.ledger.getAttempt(id)!.status, 'unwound');
    const poly = h2.ledger.legsOf(id).find((l) => l.platform === 'polymarket')!;
    assert.deepEqual([poly.status, poly.filledContracts], ['unfilled', 0]);
    assert.deepEqual(h2.ledger.positions(), []);
    assert.equal(r.sim.orderLog({ venue: 'kalshi' }).filter((e) => e.action === 'sell').reduce((s, e) => s + (e.filledQty ?? 0), 0), 1000);
  } finally {
    await r.done();
  }
});

test('a trade that never settles: following stops at POLY_TRADE_FOLLOW_MAX_MS with an alert; the attempt stays open and its pair blocked', async () => {
  const r = await simRig(FAST);
  try {
    const h = await r.attach({ ...LOCAL_BOTH, POLY_TRADE_FOLLOW_MAX_MS: '400' });
    const events: PolySettlementEvent[] = [];
    h.executor.on('settlement', (e) => events.push(e));
    r.sim.faults.add({ venue: 'polymarket', kind: 'order_unsettled', count: 1 });
    const w = r.sim.injectArb({ pairIndex: 0, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
    const id = h.executor.submit(oppFromWindow(r.sim, w, 1000))!;
    await h.executor.waitFor(id);
    assert.deepEqual(events.map((e) => e.outcome), ['gave_up']);
    assert.deepEqual(events[0]!.trades.map((t) => t.status), ['MATCHED']);
    assert.equal(h.ledger.getAttempt(id)!.status, 'open', 'never assumed settled');
    assert.deepEqual(h.executor.inFlightPairs(), [w.pairId]);
    assert.ok(h.breaker.state().consecutiveErrors >= 1);
    assert.equal(r.sim.orderLog().length, 2, 'nothing unwound on a guess');
  } finally {
    await r.done();
  }
});
