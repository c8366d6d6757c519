// Mismatched fills: the excess is sold back one tick at a time down to the floor, through the
// same routing as any leg; the ledger shows the closed exposure and its cost; the breaker never
// blocks it; repeated mismatches blacklist the pair.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRouter, FakeVenue, makeOpp, rig } from './executor-fakes.ts';
import type { ResolvedEvent } from '../src/execution/hybrid-executor.ts';
import { snapDown } from '../src/execution/unwind.ts';

const LOCAL_BOTH = { CONTROLLER_PLATFORMS: 'kalshi,polymarket' };

test('one leg rejected: the other is sold back stepping down a tick at a time; ledger shows the closed exposure and its cost', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  k.next.push({ kind: 'reject', errorKind: 'market_closed', message: 'market closed' });
  // The best bid for the Polymarket YES shares is 0.37: sells above it do not fill.
  p.fill = (req) => (req.action === 'sell' ? (req.price <= 3700 ? req.contracts : 0) : req.contracts);
  const r = await rig({ env: LOCAL_BOTH, kalshi: k, polymarket: p });
  try {
    const resolved: ResolvedEvent[] = [];
    r.exec.on('resolved', (e) => resolved.push(e));
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000, 1000))!;
    await r.exec.waitFor(id);
    assert.deepEqual(p.log(), ['buy yes 1000 @ 4000', 'sell yes 1000 @ 4000', 'sell yes 1000 @ 3900', 'sell yes 1000 @ 3800', 'sell yes 1000 @ 3700']);
    assert.deepEqual(k.log(), [], 'the rejected leg placed nothing');
    const a = r.ledger.getAttempt(id)!;
    assert.equal(a.status, 'unwound');
    assert.match(a.note!, /YES filled 10.00, NO filled 0.00/);
    const legs = r.ledger.legsOf(id);
    assert.deepEqual(legs.map((l) => [l.role, l.action, l.price, l.status]), [
      ['arb', 'buy', 4000, 'filled'], ['arb', 'buy', 5000, 'rejected'],
      ['unwind', 'sell', 4000, 'unfilled'], ['unwind', 'sell', 3900, 'unfilled'], ['unwind', 'sell', 3800, 'unfilled'], ['unwind', 'sell', 3700, 'filled'],
    ]);
    assert.equal(legs[1]!.error, 'market closed');
    // Exposure closed: nothing held, and the cost of closing it is realised: 10 x (0.37 - 0.40).
    assert.deepEqual(r.ledger.positions(), []);
    assert.deepEqual(r.ledger.pnlOfAttempt(id).map((x) => x.amountMicros), [-300_000]);
    assert.equal(r.ledger.pnlTotals().realizedMicros, -300_000);
    assert.equal(r.breaker.state().exposureMicros, 0);
    assert.equal(r.breaker.state().dailyPnlMicros, -300_000);
    assert.equal(resolved[0]!.status, 'unwound');
    assert.equal(resolved[0]!.unwoundContracts, 1000);
    assert.equal(resolved[0]!.realizedMicros, -300_000);
    assert.ok(r.breaker.state().consecutiveErrors >= 1, 'a mismatch counts as an error');
  } finally {
    await r.done();
  }
});

test('partial fills: only the excess is unwound, the matched part stays as hedged exposure', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  k.fill = (req) => (req.action === 'buy' ? 600 : req.contracts);
  const r = await rig({ env: LOCAL_BOTH, kalshi: k, polymarket: p });
  try {
    const id = r.exec.submit(makeOpp('P1', 'kalshi_yes_poly_no', 4500, 5000, 1000))!;
    await r.exec.waitFor(id);
    assert.deepEqual(p.log(), ['buy no 1000 @ 5000', 'sell no 400 @ 5000']);
    const a = r.ledger.getAttempt(id)!;
    assert.deepEqual([a.status, a.matchedContracts], ['unwound', 600]);
    const pos = r.ledger.positions().map((x) => [x.platform, x.side, x.contracts]);
    assert.deepEqual(pos, [['kalshi', 'yes', 600], ['polymarket', 'no', 600]]);
    assert.equal(r.ledger.pnlTotals().unmatchedContracts, 0);
    assert.equal(r.breaker.state().exposureMicros, r.ledger.pairExposure('P1'));
  } finally {
    await r.done();
  }
});

test('nothing bids above the floor: the rest is left open, reported, and counted against the breaker', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  p.next.push({ kind: 'reject', errorKind: 'insufficient_balance', message: 'not enough balance' });
  k.fill = (req) => (req.action === 'sell' ? (req.price >= 4800 ? 300 : 0) : req.contracts);
  const r = await rig({ env: { ...LOCAL_BOTH, UNWIND_FLOOR_PRICE: '0.45', UNWIND_TICK: '0.02' }, kalshi: k, polymarket: p });
  try {
    const resolved: ResolvedEvent[] = [];
    r.exec.on('resolved', (e) => resolved.push(e));
    const errorsBefore = r.breaker.state().consecutiveErrors;
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000, 1000))!;
    await r.exec.waitFor(id);
    // 0.50 (300 filled), 0.48 (300 filled), 0.46, then 0.44 is under the floor.
    assert.deepEqual(k.log(), ['buy no 1000 @ 5000', 'sell no 1000 @ 5000', 'sell no 700 @ 4800', 'sell no 400 @ 4600']);
    assert.equal(r.ledger.getAttempt(id)!.status, 'exposed');
    assert.equal(resolved[0]!.remainingContracts, 400);
    assert.deepEqual(r.ledger.positions().map((x) => [x.platform, x.side, x.contracts]), [['kalshi', 'no', 400]]);
    assert.ok(r.breaker.state().exposureMicros > 0);
    assert.equal(r.breaker.state().consecutiveErrors, errorsBefore + 2, 'the mismatch and the exposure left open');
  } finally {
    await r.done();
  }
});

test('unwind orders use the same routing: a connected trader gets them', async () => {
  const kLocal = new FakeVenue('kalshi');
  const pTrader = new FakeVenue('polymarket');
  const router = new FakeRouter();
  router.connect('polymarket', pTrader);
  kLocal.next.push({ kind: 'reject', message: 'nope' });
  const r = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi' }, router, kalshi: kLocal });
  try {
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000, 1000))!;
    await r.exec.waitFor(id);
    assert.deepEqual(pTrader.log(), ['buy yes 1000 @ 4000', 'sell yes 1000 @ 4000']);
    assert.deepEqual(r.ledger.legsOf(id).filter((l) => l.role === 'unwind').map((l) => l.route), ['remote']);
    assert.equal(r.ledger.getAttempt(id)!.status, 'unwound');
  } finally {
    await r.done();
  }
});

test('Polymarket sells refused for balance (unsettled shares) are retried at the same price', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  k.next.push({ kind: 'reject' });
  const r = await rig({ env: LOCAL_BOTH, kalshi: k, polymarket: p });
  try {
    p.fill = (req) => req.contracts;
    // Buy fills; the first two sells are refused for balance; the third fills at the same price.
    const origSubmit = p.submitLeg.bind(p);
    let sells = 0;
    p.submitLeg = async (req) => {
      if (req.action === 'sell' && ++sells <= 2) p.next.unshift({ kind: 'reject', errorKind: 'insufficient_balance', message: 'not enough balance / allowance' });
      return origSubmit(req);
    };
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000, 1000))!;
    await r.exec.waitFor(id);
    const unwinds = r.ledger.legsOf(id).filter((l) => l.role === 'unwind');
    assert.deepEqual(unwinds.map((l) => [l.price, l.status]), [[4000, 'rejected'], [4000, 'rejected'], [4000, 'filled']]);
    assert.equal(r.ledger.getAttempt(id)!.status, 'unwound');
  } finally {
    await r.done();
  }
});

test('a tripped breaker (kill switch) never blocks an unwind', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  k.next.push({ kind: 'slow', ms: 50 });
  k.fill = (req) => (req.action === 'buy' ? 0 : req.contracts);
  const r = await rig({ env: LOCAL_BOTH, kalshi: k, polymarket: p });
  try {
    const id = r.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000, 1000))!;
    r.breaker.kill('operator stop while legs are out');
    await r.exec.waitFor(id);
    assert.equal(r.ledger.getAttempt(id)!.status, 'unwound');
    assert.deepEqual(p.log(), ['buy yes 1000 @ 4000', 'sell yes 1000 @ 4000']);
    assert.equal(r.breaker.state().halted, true);
    assert.equal(r.exec.submit(makeOpp('P2', 'poly_yes_kalshi_no', 4000, 5000)), null, 'while new opportunities stay blocked');
  } finally {
    await r.done();
  }
});

test('repeated mismatches on a pair blacklist it; other pairs keep trading', async () => {
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  k.fill = (req) => (req.action === 'buy' && req.kalshiTicker === 'KX-BAD' ? 0 : req.contracts);
  const r = await rig({ env: { ...LOCAL_BOTH, CB_MARKET_BLACKLIST_THRESHOLD: '2', CB_MAX_CONSECUTIVE_ERRORS: '50' }, kalshi: k, polymarket: p });
  try {
    for (let i = 0; i < 2; i++) {
      const id = r.exec.submit(makeOpp('BAD', 'poly_yes_kalshi_no', 4000, 5000))!;
      assert.ok(id);
      await r.exec.waitFor(id);
      assert.equal(r.ledger.getAttempt(id)!.status, 'unwound');
    }
    const drops: string[] = [];
    r.exec.on('dropped', (d) => drops.push(d.reason));
    assert.equal(r.exec.submit(makeOpp('BAD', 'poly_yes_kalshi_no', 4000, 5000)), null);
    assert.deepEqual(drops, ['blacklisted']);
    assert.deepEqual(r.breaker.state().blacklisted.map((b) => b.pairId), ['BAD']);
    assert.notEqual(r.exec.submit(makeOpp('GOOD', 'poly_yes_kalshi_no', 4000, 5000)), null);
  } finally {
    await r.done();
  }
});

test('snapDown keeps prices on the tick grid', () => {
  assert.equal(snapDown(4037, 100), 4000);
  assert.equal(snapDown(4000, 100), 4000);
  assert.equal(snapDown(4037, 25), 4025);
});
