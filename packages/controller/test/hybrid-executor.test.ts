// HybridExecutor unit tests against in-memory venues and a fake trader router (the integration
// tests run the same scenarios against the simulator and the real trader server).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRouter, FakeVenue, makeOpp, rig, until } from './executor-fakes.ts';
import type { DropEvent, LegEvent, ResolvedEvent } from '../src/execution/hybrid-executor.ts';

test('seed 1: CONTROLLER_PLATFORMS=kalshi, no Polymarket trader -> cross-venue arb dropped, no order anywhere', async () => {
  const kalshi = new FakeVenue('kalshi');
  const router = new FakeRouter();
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi' }, router, kalshi });
  try {
    const drops: DropEvent[] = [];
    r.exec.on('dropped', (d) => drops.push(d));
    assert.equal(r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000)), null);
    assert.equal(r.exec.submit(makeOpp('P2', 'kalshi_yes_poly_no', 4000, 5000)), null);
    assert.deepEqual(drops.map((d) => d.reason), ['no_path', 'no_path']);
    assert.match(drops[0]!.detail, /no polymarket trader connected and polymarket is not in CONTROLLER_PLATFORMS/);
    assert.deepEqual(kalshi.orders, []);
    assert.deepEqual(router.sent, []);
    assert.deepEqual(r.ledger.recentExecutions(), []);
    assert.deepEqual(r.exec.inFlightPairs(), [], 'a dropped arb does not hold its pair');
    // A Kalshi-only arb has a path for both legs.
    assert.notEqual(r.exec.submit(makeOpp('P3', 'kalshi_only', 4000, 5000)), null);
    await r.exec.idle();
    assert.equal(kalshi.orders.length, 2);
  } finally {
    await r.done();
  }
});

test('seed 2: Polymarket trader connected -> Kalshi leg local, Polymarket leg remote, both fills in the ledger', async () => {
  const kalshi = new FakeVenue('kalshi');
  const polyAtTrader = new FakeVenue('polymarket');
  const router = new FakeRouter();
  router.connect('polymarket', polyAtTrader);
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi' }, router, kalshi });
  try {
    const legs: LegEvent[] = [];
    r.exec.on('leg', (e) => legs.push(e));
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000, 1000))!;
    assert.ok(id);
    await r.exec.waitFor(id);
    assert.deepEqual(kalshi.log(), ['buy no 1000 @ 5000']);
    assert.deepEqual(polyAtTrader.log(), ['buy yes 1000 @ 4000']);
    assert.deepEqual(router.sent.map((l) => l.platform), ['polymarket']);
    const [ex] = r.ledger.recentExecutions(1);
    assert.equal(ex!.status, 'filled');
    assert.equal(ex!.matchedContracts, 1000);
    assert.deepEqual(ex!.legs.map((l) => [l.platform, l.side, l.route, l.status, l.filledContracts]).sort(), [
      ['kalshi', 'no', 'local', 'filled', 1000],
      ['polymarket', 'yes', 'remote', 'filled', 1000],
    ]);
    assert.deepEqual(r.ledger.fillsOf(id).map((f) => f.platform).sort(), ['kalshi', 'polymarket']);
    // Exposure is what actually filled (cost + fees), not what was requested.
    assert.equal(r.breaker.state().exposureMicros, 1000 * 4000 + 1000 * 5000 + 1000 * 10);
    assert.equal(r.breaker.state().reservedMicros, 0);
    assert.equal(legs.length, 2);
    assert.deepEqual(r.exec.inFlightPairs(), []);
  } finally {
    await r.done();
  }
});

test('pure router (CONTROLLER_PLATFORMS empty): both legs remote; with one trader missing, dropped', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  const router = new FakeRouter();
  router.connect('kalshi', k);
  const r = await rig({ router });
  try {
    assert.equal(r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000)), null);
    assert.deepEqual([k.orders.length, p.orders.length, router.sent.length], [0, 0, 0]);
    router.connect('polymarket', p);
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000))!;
    await r.exec.waitFor(id);
    assert.deepEqual(r.ledger.legsOf(id).map((l) => l.route), ['remote', 'remote']);
    assert.deepEqual([k.orders.length, p.orders.length], [1, 1]);
  } finally {
    await r.done();
  }
});

test('both local: CONTROLLER_PLATFORMS=kalshi,poly with no traders; a connected trader still wins', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  const kAtTrader = new FakeVenue('kalshi');
  const router = new FakeRouter();
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'Kalshi, poly' }, router, kalshi: k, polymarket: p });
  try {
    const id = r.exec.submit(makeOpp('P1', 'kalshi_yes_poly_no', 4000, 5000))!;
    await r.exec.waitFor(id);
    assert.deepEqual(r.ledger.legsOf(id).map((l) => [l.platform, l.route]), [['kalshi', 'local'], ['polymarket', 'local']]);
    router.connect('kalshi', kAtTrader);
    const id2 = r.exec.submit(makeOpp('P1', 'kalshi_yes_poly_no', 4000, 5000))!;
    await r.exec.waitFor(id2);
    assert.deepEqual(r.ledger.legsOf(id2).map((l) => [l.platform, l.route]), [['kalshi', 'remote'], ['polymarket', 'local']]);
    assert.deepEqual([k.orders.length, kAtTrader.orders.length, p.orders.length], [1, 1, 2]);
  } finally {
    await r.done();
  }
});

test('trader disconnecting between phase 1 and phase 2: dropped before any leg is sent (never run locally unauthorized)', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  const router = new FakeRouter();
  router.connect('polymarket', p);
  // Phase 1 asks first (connected); by phase 2 the Polymarket trader is gone.
  router.connectedHook = (platform, n) => !(platform === 'polymarket' && n >= 1);
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi' }, router, kalshi: k });
  try {
    const drops: DropEvent[] = [];
    r.exec.on('dropped', (d) => drops.push(d));
    assert.equal(r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000)), null);
    assert.equal(drops[0]!.reason, 'no_path');
    assert.match(drops[0]!.detail, /disconnected before the legs were sent/);
    assert.deepEqual([k.orders.length, p.orders.length, router.sent.length], [0, 0, 0]);
    assert.deepEqual(r.ledger.recentExecutions(), []);
  } finally {
    await r.done();
  }
});

test('trader disconnecting between phase 1 and phase 2 when the venue is also local: the leg runs locally', async () => {
  const k = new FakeVenue('kalshi');
  const pLocal = new FakeVenue('polymarket');
  const pTrader = new FakeVenue('polymarket');
  const router = new FakeRouter();
  router.connect('polymarket', pTrader);
  router.connectedHook = (platform, n) => !(platform === 'polymarket' && n >= 1);
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi,polymarket' }, router, kalshi: k, polymarket: pLocal });
  try {
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000))!;
    await r.exec.waitFor(id);
    assert.deepEqual([pLocal.orders.length, pTrader.orders.length], [1, 0]);
    assert.equal(r.ledger.getAttempt(id)!.status, 'filled');
  } finally {
    await r.done();
  }
});

test('a trader that vanishes after executing: the leg is looked up (never assumed), the pair stays held until then', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  const router = new FakeRouter();
  router.connect('polymarket', p, 'vanish_after_exec');
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi' }, router, kalshi: k });
  try {
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000))!;
    await until(() => r.ledger.getLeg(`${id}-y`)!.status === 'unknown', 'the Polymarket leg to be unknown');
    assert.equal(r.ledger.getAttempt(id)!.status, 'open');
    // Nobody can look it up (no local Polymarket client, no trader): the pair stays held.
    assert.equal(r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000)), null);
    assert.deepEqual(r.exec.inFlightPairs(), ['P1']);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(r.ledger.getAttempt(id)!.status, 'open');
    // The trader comes back: the look-up finds the fill, the attempt resolves as hedged.
    router.connect('polymarket', p, 'ok');
    await r.exec.waitFor(id);
    assert.equal(r.ledger.getAttempt(id)!.status, 'filled');
    assert.equal(r.ledger.getLeg(`${id}-y`)!.filledContracts, 1000);
    assert.deepEqual(r.ledger.legEvents(`${id}-y`).map((e) => [e.source, e.status]), [['send', 'unknown'], ['lookup', 'filled']]);
    assert.equal(p.orders.length, 1, 'never re-sent');
    assert.deepEqual(r.exec.inFlightPairs(), []);
  } finally {
    await r.done();
  }
});

test('a local leg past its deadline is resolved by look-up, and its late answer is not counted twice', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  k.next.push({ kind: 'timeout_after_exec' });
  p.next.push({ kind: 'slow', ms: 400 });
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi,polymarket', LEG_TIMEOUT_MS: '50' }, kalshi: k, polymarket: p });
  try {
    const id = r.exec.submit(makeOpp('P1', 'kalshi_yes_poly_no', 4000, 5000))!;
    await r.exec.waitFor(id);
    assert.equal(r.ledger.getAttempt(id)!.status, 'filled');
    assert.deepEqual(r.ledger.fillsOf(id).length, 2);
    assert.ok(k.lookups.includes(`c-${id}-y`), 'the Kalshi leg was looked up by client order id');
    await new Promise((res) => setTimeout(res, 450)); // the slow answer arrives after resolution
    assert.equal(r.ledger.fillsOf(id).length, 2);
    assert.equal(r.ledger.positions().reduce((s, x) => s + x.contracts, 0), 2000);
  } finally {
    await r.done();
  }
});

test('an order that never reached the venue counts as unfilled only after the not-found grace', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  p.next.push({ kind: 'lost' });
  const r = await rig({
    env: { CONTROLLER_PLATFORMS: 'kalshi,polymarket', LEG_TIMEOUT_MS: '30', LEG_NOT_FOUND_GRACE_MS: '400' },
    kalshi: k, polymarket: p,
  });
  try {
    const t0 = Date.now();
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000))!;
    await r.exec.waitFor(id);
    assert.ok(Date.now() - t0 >= 400, 'not declared unfilled before the grace');
    assert.equal(r.ledger.getLeg(`${id}-y`)!.status, 'unfilled');
    // The Kalshi NO leg filled alone: it was unwound.
    assert.equal(r.ledger.getAttempt(id)!.status, 'unwound');
    assert.deepEqual(k.log(), ['buy no 1000 @ 5000', 'sell no 1000 @ 5000']);
  } finally {
    await r.done();
  }
});

test('Polymarket delayed (pending) legs are looked up until final', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  p.next.push({ kind: 'pending', lookups: 3 });
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi,polymarket' }, kalshi: k, polymarket: p });
  try {
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000))!;
    await r.exec.waitFor(id);
    assert.equal(r.ledger.getAttempt(id)!.status, 'filled');
    assert.equal(p.lookups.length, 4);
    assert.deepEqual(r.ledger.legEvents(`${id}-y`).map((e) => e.status), ['pending', 'filled']);
  } finally {
    await r.done();
  }
});

test('one attempt in flight per pair, released on resolution (not on a timer); other pairs unaffected', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  p.next.push({ kind: 'slow', ms: 100 });
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi,polymarket', LEG_TIMEOUT_MS: '1000' }, kalshi: k, polymarket: p });
  try {
    const drops: string[] = [];
    r.exec.on('dropped', (d) => drops.push(`${d.pairId}:${d.reason}`));
    const a = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000))!;
    assert.equal(r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000)), null);
    assert.notEqual(r.exec.submit(makeOpp('P2', 'poly_yes_kalshi_no', 4000, 5000)), null);
    assert.deepEqual(drops, ['P1:in_flight']);
    await r.exec.waitFor(a);
    assert.notEqual(r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000)), null);
  } finally {
    await r.done();
  }
});

test('dry run: legs are routed and recorded, no order placed, no exposure', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi,polymarket', DRY_RUN: 'on' }, kalshi: k, polymarket: p });
  try {
    const resolved: ResolvedEvent[] = [];
    r.exec.on('resolved', (e) => resolved.push(e));
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000))!;
    await r.exec.waitFor(id);
    assert.deepEqual([k.orders.length, p.orders.length], [0, 0]);
    assert.equal(r.ledger.getAttempt(id)!.dryRun, true);
    assert.deepEqual(r.ledger.legsOf(id).map((l) => l.status), ['dry_run', 'dry_run']);
    assert.equal(resolved[0]!.status, 'dry_run');
    assert.equal(r.breaker.state().exposureMicros, 0);
  } finally {
    await r.done();
  }
});

test('breaker: a halt or kill switch stops new opportunities; exposure caps the size', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi,polymarket', CB_MAX_POSITION_PER_MARKET: '25' }, kalshi: k, polymarket: p });
  try {
    const drops: string[] = [];
    r.exec.on('dropped', (d) => drops.push(d.reason));
    // 50 contracts at 0.90 + fees = $45.05 > $25: capped to 27 whole contracts ($24.33).
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000, 5000))!;
    await r.exec.waitFor(id);
    assert.equal(r.ledger.getAttempt(id)!.contracts, 2700);
    assert.deepEqual(k.log(), ['buy no 2700 @ 5000']);
    // Little capacity left on P1: below CB_MIN_CONTRACTS.
    assert.equal(r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000, 5000)), null);
    r.breaker.kill('test');
    assert.equal(r.exec.submit(makeOpp('P2', 'poly_yes_kalshi_no', 4000, 5000)), null);
    assert.deepEqual(drops, ['exposure', 'halted']);
    assert.equal(k.orders.length, 1);
  } finally {
    await r.done();
  }
});

test('invalid legs are refused before anything is sent', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi,polymarket' }, kalshi: k, polymarket: p });
  try {
    const drops: string[] = [];
    r.exec.on('dropped', (d) => drops.push(d.reason));
    const bad = makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000);
    bad.legs[1].kalshiTicker = undefined;
    assert.equal(r.exec.submit(bad), null);
    const badPrice = makeOpp('P1', 'poly_yes_kalshi_no', 4000, 10_000);
    assert.equal(r.exec.submit(badPrice), null);
    assert.deepEqual(drops, ['invalid', 'invalid']);
    assert.deepEqual([k.orders.length, p.orders.length], [0, 0]);
    assert.deepEqual(r.ledger.recentExecutions(), []);
  } finally {
    await r.done();
  }
});
