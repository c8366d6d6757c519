import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { LegRequest, LegResult } from '@parity/trading';
import { Ledger, legRequestOf } from '../src/ledger/ledger.ts';

function tempDb(): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'parity-ledger-'));
  return { path: join(dir, 'sub', 'parity.db'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

const yesLeg: LegRequest = { legId: 'a1-y', platform: 'polymarket', action: 'buy', side: 'yes', price: 4000, contracts: 1000, polyToken: '111', createdAtMs: 1_700_000_000_000, timeInForce: 'ioc' };
const noLeg: LegRequest = { legId: 'a1-n', platform: 'kalshi', action: 'buy', side: 'no', price: 5000, contracts: 1000, kalshiTicker: 'KX-1', createdAtMs: 1_700_000_000_000 };

function result(req: LegRequest, status: LegResult['status'], filled: number, costMicros = filled * req.price, feesMicros = 0): LegResult {
  return {
    legId: req.legId, platform: req.platform, success: status === 'filled', status, filledContracts: filled,
    avgPrice: filled > 0 ? Math.round(costMicros / filled) : null, costMicros, feesMicros, venueOrderId: filled > 0 ? `v-${req.legId}` : null,
    clientOrderId: `c-${req.legId}`, latencyUs: 123, error: null, errorKind: null,
  };
}

function openAttempt(l: Ledger): void {
  l.recordAttempt(
    { id: 'a1', opportunityId: 'o1', pairId: 'P', arbType: 'poly_yes_kalshi_no', contracts: 1000, expectedCostMicros: 9_000_000, expectedFeesMicros: 175_000, expectedProfitMicros: 825_000, detectedAtMs: 1, createdAtMs: 2, dryRun: false },
    [
      { attemptId: 'a1', pairId: 'P', role: 'arb', route: 'remote', req: yesLeg },
      { attemptId: 'a1', pairId: 'P', role: 'arb', route: 'local', req: noLeg },
    ],
  );
}

test('schema is created at open (WAL), intents survive a reopen and rebuild the same request', () => {
  const t = tempDb();
  try {
    const l = Ledger.open(t.path);
    assert.equal(l.schemaVersion, 2);
    openAttempt(l);
    l.close();
    const raw = new Database(t.path, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
    const l2 = Ledger.open(t.path);
    const open = l2.unfinishedLegs();
    assert.deepEqual(open.map((r) => [r.legId, r.route, r.status]), [['a1-y', 'remote', 'intent'], ['a1-n', 'local', 'intent']]);
    assert.deepEqual(legRequestOf(open[0]!), yesLeg);
    assert.deepEqual(legRequestOf(open[1]!), noLeg);
    assert.deepEqual(l2.openAttempts().map((a) => a.id), ['a1']);
    l2.close();
  } finally {
    t.done();
  }
});

test('journal rows left by a crash before they were moved are recovered at open', () => {
  const t = tempDb();
  try {
    const l = Ledger.open(t.path);
    l.close();
    // What journalAttempt() leaves behind when the process dies before the next tick.
    const raw = new Database(t.path);
    const legs = [
      { attemptId: 'a1', pairId: 'P', role: 'arb', route: 'remote', req: yesLeg },
      { attemptId: 'a1', pairId: 'P', role: 'arb', route: 'local', req: noLeg },
    ];
    const attempt = { id: 'a1', opportunityId: 'o1', pairId: 'P', arbType: 'poly_yes_kalshi_no', contracts: 1000, expectedCostMicros: 1, expectedFeesMicros: 0, expectedProfitMicros: 1, detectedAtMs: 1, createdAtMs: 2, dryRun: false };
    raw.prepare('INSERT INTO intents (attempt_id, payload) VALUES (?, ?)').run('a1', JSON.stringify({ attempt, legs }));
    raw.close();
    const l2 = Ledger.open(t.path);
    assert.deepEqual(l2.openAttempts().map((a) => a.id), ['a1']);
    assert.deepEqual(l2.unfinishedLegs().map((x) => x.legId), ['a1-y', 'a1-n']);
    // journalAttempt on the hot path is visible to the next ledger call, even before its tick.
    l2.journalAttempt({ ...attempt, id: 'a2' }, [{ attemptId: 'a2', pairId: 'P', role: 'arb', route: 'local', req: { ...noLeg, legId: 'a2-n' } }]);
    assert.equal(l2.getLeg('a2-n')!.status, 'intent');
    l2.close();
    const l3 = Ledger.open(t.path);
    assert.equal(l3.openAttempts().length, 2, 'nothing duplicated');
    l3.close();
  } finally {
    t.done();
  }
});

test('a newer schema than the build knows is refused with advice', () => {
  const t = tempDb();
  try {
    Ledger.open(t.path).close();
    const raw = new Database(t.path);
    raw.pragma('user_version = 99');
    raw.close();
    assert.throws(() => Ledger.open(t.path), /newer than this build.*PARITY_DB/);
  } finally {
    t.done();
  }
});

test('final results record fills, fees and positions once; late duplicates change nothing', () => {
  const t = tempDb();
  const l = Ledger.open(t.path);
  try {
    openAttempt(l);
    // A pending answer is not final: no fill, position untouched.
    let eff = l.recordLegResult('a1-y', result(yesLeg, 'pending', 0), 'send', 'remote', 10);
    assert.deepEqual([eff.applied, eff.final], [true, false]);
    assert.equal(l.getLeg('a1-y')!.status, 'pending');
    assert.equal(l.positions().length, 0);

    eff = l.recordLegResult('a1-y', result(yesLeg, 'filled', 1000), 'lookup', 'remote', 11);
    assert.deepEqual([eff.applied, eff.final, eff.conflict], [true, true, false]);
    eff = l.recordLegResult('a1-n', result(noLeg, 'partial', 600, 600 * 5000, 120_000), 'send', 'local', 12);
    assert.equal(eff.final, true);

    // The same answer again (e.g. a late leg_result after a look-up) is ignored; a different one is flagged.
    assert.deepEqual(l.recordLegResult('a1-y', result(yesLeg, 'filled', 1000), 'send', 'remote', 13), { applied: false, final: true, realizedMicros: 0, conflict: false });
    assert.equal(l.recordLegResult('a1-y', result(yesLeg, 'partial', 400), 'send', 'remote', 14).conflict, true);
    assert.equal(l.getLeg('a1-y')!.filledContracts, 1000);

    const pos = l.positions();
    assert.deepEqual(
      pos.map((p) => [p.platform, p.instrument, p.side, p.contracts, p.costBasisMicros]),
      [['kalshi', 'KX-1', 'no', 600, 3_120_000], ['polymarket', '111', 'yes', 1000, 4_000_000]],
    );
    assert.equal(l.pairExposure('P'), 7_120_000);
    assert.deepEqual([...l.exposures()], [['P', 7_120_000]]);
    assert.deepEqual(l.fillsOf('a1').map((f) => [f.legId, f.contracts, f.feesMicros]), [['a1-y', 1000, 0], ['a1-n', 600, 120_000]]);
    assert.deepEqual(l.legEvents('a1-y').map((e) => e.status), ['pending', 'filled', 'conflict:partial']);
    assert.equal(l.unfinishedLegs().length, 0);

    const tot = l.pnlTotals();
    assert.equal(tot.feesMicros, 120_000);
    assert.equal(tot.openCostMicros, 7_120_000);
    assert.equal(tot.unmatchedContracts, 400);
    assert.equal(tot.lockedProfitMicros, 600 * 10_000 - 7_120_000);
  } finally {
    l.close();
    t.done();
  }
});

test('a sell closes cost basis at average cost and realises proceeds - fees - basis', () => {
  const t = tempDb();
  const l = Ledger.open(t.path);
  try {
    openAttempt(l);
    l.recordLegResult('a1-y', result(yesLeg, 'filled', 1000, 4_000_000, 30_000), 'send', 'remote', 10); // basis 4.03
    l.recordLegResult('a1-n', result(noLeg, 'unfilled', 0), 'send', 'local', 10);
    const sell: LegRequest = { legId: 'a1-u1', platform: 'polymarket', action: 'sell', side: 'yes', price: 3900, contracts: 1000, polyToken: '111', createdAtMs: 20 };
    l.recordLegIntent({ attemptId: 'a1', pairId: 'P', role: 'unwind', route: 'local', req: sell });
    // Sells 400 at 0.39 = 1.56 proceeds, 0.01 fee; basis sold = 4.03 * 0.4 = 1.612.
    const eff = l.recordLegResult('a1-u1', result(sell, 'partial', 400, 1_560_000, 10_000), 'send', 'local', 21);
    assert.equal(eff.realizedMicros, 1_560_000 - 10_000 - 1_612_000);
    const p = l.positions()[0]!;
    assert.deepEqual([p.contracts, p.costBasisMicros], [600, 4_030_000 - 1_612_000]);
    assert.deepEqual(l.pnlOfAttempt('a1').map((x) => [x.kind, x.legId, x.amountMicros]), [['unwind', 'a1-u1', -62_000]]);
    assert.equal(l.realizedSince(0), -62_000);
    assert.equal(l.realizedSince(22), 0);

    l.finishAttempt('a1', 'exposed', 0, '600 YES left', 30);
    const ex = l.recentExecutions(10);
    assert.equal(ex.length, 1);
    assert.equal(ex[0]!.status, 'exposed');
    assert.deepEqual(ex[0]!.legs.map((g) => [g.legId, g.role, g.route, g.status, g.filledContracts]), [
      ['a1-y', 'arb', 'remote', 'filled', 1000], ['a1-n', 'arb', 'local', 'unfilled', 0], ['a1-u1', 'unwind', 'local', 'partial', 400],
    ]);
    assert.equal(l.openAttempts().length, 0);

    // Settlement: YES wins -> 600 contracts pay $6.00 against the remaining basis.
    const realized = l.settlePair('P', 'yes', 40);
    assert.equal(realized, 6_000_000 - 2_418_000);
    assert.equal(l.positions().length, 0);
    assert.equal(l.pairExposure('P'), 0);
    assert.equal(l.pnlTotals().realizedMicros, -62_000 + 3_582_000);
  } finally {
    l.close();
    t.done();
  }
});

test('a result for a leg without an intent is refused (nothing is recorded out of thin air)', () => {
  const l = Ledger.open(':memory:');
  try {
    assert.throws(() => l.recordLegResult('ghost', result(yesLeg, 'filled', 1), 'send', 'local'), /unknown leg ghost/);
    l.setMeta('breaker', { killed: true });
    assert.deepEqual(l.getMeta('breaker'), { killed: true });
    assert.equal(l.getMeta('nothing'), undefined);
  } finally {
    l.close();
  }
});

test('WAL checkpoints happen off the main connection (the database file grows while the ledger is open)', async () => {
  const t = tempDb();
  const l = Ledger.open(t.path, { checkpointEveryMs: 20 });
  try {
    const before = statSync(t.path).size;
    for (let i = 0; i < 200; i++) {
      const id = `c${i}`;
      l.journalAttempt(
        { id, opportunityId: 'o', pairId: 'P', arbType: 'poly_only', contracts: 100, expectedCostMicros: 1, expectedFeesMicros: 0, expectedProfitMicros: 1, detectedAtMs: 1, createdAtMs: 2, dryRun: false },
        [{ attemptId: id, pairId: 'P', role: 'arb', route: 'local', req: { ...yesLeg, legId: `${id}-y` } }],
      );
    }
    l.flush();
    const end = Date.now() + 10_000;
    while (statSync(t.path).size <= before) {
      assert.ok(Date.now() < end, 'no checkpoint copied the WAL into the database file');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(l.openAttempts().length, 200);
  } finally {
    l.close();
    t.done();
  }
});
