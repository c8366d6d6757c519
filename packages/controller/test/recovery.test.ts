// Start-up reconciliation: every leg intent without a final result is looked up at its venue
// before new trading begins; nothing is lost and nothing is sent twice. (The SIGKILL test
// against the simulator lives in recovery-crash.test.ts.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeRouter, FakeVenue, makeOpp, rig, until } from './executor-fakes.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import { arbLegId } from '../src/execution/ids.ts';

const LOCAL_BOTH = { CONTROLLER_PLATFORMS: 'kalshi,polymarket' };

function tempDbPath(): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'parity-recovery-'));
  return { path: join(dir, 'parity.db'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a leg whose answer was lost is reconciled at the next start; it is never sent again', async () => {
  const db = tempDbPath();
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  try {
    k.next.push({ kind: 'timeout_after_exec' });
    k.lookupDown = true;
    const r1 = await rig({ env: LOCAL_BOTH, kalshi: k, polymarket: p, dbPath: db.path });
    const id = r1.exec.submit(makeOpp('P1', 'kalshi_yes_poly_no', 4000, 5000))!;
    await until(() => r1.ledger.getLeg(`${id}-y`)!.status === 'unknown', 'the Kalshi leg to become unknown');
    await r1.done(); // shutdown mid-attempt: it stays open in the ledger
    const l = Ledger.open(db.path);
    assert.equal(l.getAttempt(id)!.status, 'open');
    assert.deepEqual(l.unfinishedLegs().map((x) => x.legId), [`${id}-y`]);
    l.close();

    k.lookupDown = false;
    const r2 = await rig({ env: LOCAL_BOTH, kalshi: k, polymarket: p, dbPath: db.path, waitReady: false });
    try {
      const starting = r2.ready;
      assert.equal(r2.exec.submit(makeOpp('P2', 'poly_only', 4000, 5000)), null, 'no new trading while reconciling');
      await starting;
      assert.equal(r2.exec.ready, true);
      assert.equal(r2.ledger.getAttempt(id)!.status, 'filled');
      assert.equal(r2.ledger.getLeg(`${id}-y`)!.filledContracts, 1000);
      assert.deepEqual(k.log(), ['buy yes 1000 @ 4000'], 'looked up, not re-sent');
      assert.equal(r2.breaker.state().exposureMicros, r2.ledger.pairExposure('P1'));
      assert.ok(r2.breaker.state().exposureMicros > 0);
    } finally {
      await r2.done();
    }
  } finally {
    db.done();
  }
});

test('an intent recorded but never sent (crash before the send) resolves as unfilled after the grace', async () => {
  const db = tempDbPath();
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  try {
    const l = Ledger.open(db.path);
    const now = Date.now();
    const a = 'xtestnever';
    l.recordAttempt(
      { id: a, opportunityId: 'o', pairId: 'P1', arbType: 'poly_yes_kalshi_no', contracts: 1000, expectedCostMicros: 9_000_000, expectedFeesMicros: 0, expectedProfitMicros: 1_000_000, detectedAtMs: now, createdAtMs: now, dryRun: false },
      [
        { attemptId: a, pairId: 'P1', role: 'arb', route: 'local', req: { legId: arbLegId(a, 'yes'), platform: 'polymarket', action: 'buy', side: 'yes', price: 4000, contracts: 1000, polyToken: 'tok-yes-P1', createdAtMs: now } },
        { attemptId: a, pairId: 'P1', role: 'arb', route: 'local', req: { legId: arbLegId(a, 'no'), platform: 'kalshi', action: 'buy', side: 'no', price: 5000, contracts: 1000, kalshiTicker: 'KX-P1', createdAtMs: now } },
      ],
    );
    l.close();
    const t0 = Date.now();
    const r = await rig({ env: { ...LOCAL_BOTH, LEG_NOT_FOUND_GRACE_MS: '300' }, kalshi: k, polymarket: p, dbPath: db.path });
    try {
      assert.ok(Date.now() - t0 >= 250, 'waited for the grace before calling it unfilled');
      assert.equal(r.ledger.getAttempt(a)!.status, 'nothing');
      assert.deepEqual(r.ledger.legsOf(a).map((x) => x.status), ['unfilled', 'unfilled']);
      assert.deepEqual([k.orders.length, p.orders.length], [0, 0]);
      assert.ok(k.lookups.length > 0 && p.lookups.length > 0);
    } finally {
      await r.done();
    }
  } finally {
    db.done();
  }
});

test('a crash in the middle of an unwind: the unwind order is looked up and the unwind continues with fresh ids', async () => {
  const db = tempDbPath();
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  try {
    k.next.push({ kind: 'reject', message: 'market closed' });
    // First unwind sell: only 300 of 1000 fill, and its answer is lost; look-ups are down.
    p.fill = (req) => (req.action === 'sell' ? 300 : req.contracts);
    const orig = p.submitLeg.bind(p);
    p.submitLeg = async (req) => {
      if (req.action === 'sell' && p.orders.filter((o) => o.req.action === 'sell').length === 0) {
        p.next.unshift({ kind: 'timeout_after_exec' });
        p.lookupDown = true;
      }
      return orig(req);
    };
    const r1 = await rig({ env: LOCAL_BOTH, kalshi: k, polymarket: p, dbPath: db.path });
    const id = r1.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000, 1000))!;
    await until(() => r1.ledger.getLeg(`${id}-u1`)?.status === 'unknown', 'the first unwind order to be unknown');
    await r1.done();

    p.lookupDown = false;
    p.submitLeg = orig;
    p.fill = (req) => req.contracts;
    const r2 = await rig({ env: LOCAL_BOTH, kalshi: k, polymarket: p, dbPath: db.path });
    try {
      assert.equal(r2.ledger.getAttempt(id)!.status, 'unwound');
      const unwinds = r2.ledger.legsOf(id).filter((x) => x.role === 'unwind');
      assert.deepEqual(unwinds.map((x) => [x.legId, x.contracts, x.filledContracts]), [[`${id}-u1`, 1000, 300], [`${id}-u2`, 700, 700]]);
      assert.deepEqual(p.log(), ['buy yes 1000 @ 4000', 'sell yes 1000 @ 4000', 'sell yes 700 @ 4000']);
      assert.deepEqual(r2.ledger.positions(), []);
    } finally {
      await r2.done();
    }
  } finally {
    db.done();
  }
});

test('a remote leg left unknown is reconciled through a trader once one connects', async () => {
  const db = tempDbPath();
  const kLocal = new FakeVenue('kalshi');
  const pTrader = new FakeVenue('polymarket');
  const router = new FakeRouter();
  try {
    router.connect('polymarket', pTrader, 'vanish_after_exec');
    const r1 = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi' }, router, kalshi: kLocal, dbPath: db.path });
    const id = r1.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000))!;
    await until(() => r1.ledger.getLeg(`${id}-y`)!.status === 'unknown', 'the remote leg to be unknown');
    await r1.done();

    const router2 = new FakeRouter();
    const r2 = await rig({ env: { CONTROLLER_PLATFORMS: 'kalshi' }, router: router2, kalshi: kLocal, dbPath: db.path, waitReady: false });
    try {
      const starting = r2.ready;
      await new Promise((res) => setTimeout(res, 100));
      assert.equal(r2.exec.ready, false, 'waits for a way to reach Polymarket');
      router2.connect('polymarket', pTrader);
      await starting;
      assert.equal(r2.ledger.getAttempt(id)!.status, 'filled');
      assert.equal(pTrader.orders.length, 1);
    } finally {
      await r2.done();
    }
  } finally {
    db.done();
  }
});

test('the kill switch, trips and realised losses survive a restart (breaker state from the ledger)', async () => {
  const db = tempDbPath();
  const k = new FakeVenue('kalshi');
  const p = new FakeVenue('polymarket');
  try {
    k.next.push({ kind: 'reject' });
    p.fill = (req) => (req.action === 'sell' ? (req.price <= 3500 ? req.contracts : 0) : req.contracts);
    const env = { ...LOCAL_BOTH, CB_MAX_DAILY_LOSS: '100' };
    const r1 = await rig({ env, kalshi: k, polymarket: p, dbPath: db.path });
    const id = r1.exec.submit(makeOpp('P1', 'poly_yes_kalshi_no', 4000, 5000))!;
    await r1.exec.waitFor(id);
    assert.equal(r1.ledger.realizedSince(0), -500_000);
    r1.breaker.kill('end of day');
    await r1.done();

    const r2 = await rig({ env, kalshi: k, polymarket: p, dbPath: db.path });
    try {
      assert.equal(r2.breaker.state().dailyPnlMicros, -500_000);
      assert.equal(r2.breaker.state().killed, true);
      assert.equal(r2.exec.submit(makeOpp('P2', 'poly_yes_kalshi_no', 4000, 5000)), null);
      r2.breaker.resume();
      assert.notEqual(r2.exec.submit(makeOpp('P2', 'poly_yes_kalshi_no', 4000, 5000)), null);
      await r2.exec.idle();
    } finally {
      await r2.done();
    }
  } finally {
    db.done();
  }
});
