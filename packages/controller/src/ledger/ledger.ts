// The durable ledger: SQLite (better-sqlite3, WAL) holding every attempt, every leg intent
// (written before the order is sent), every order result, fill, fee and position, and realised
// P&L. Writes are synchronous transactions, so once a method returns the row survives a crash.
//
// Hot path: journalAttempt() writes ONE row (the attempt and its leg intents as JSON) and returns;
// the rows are moved into attempts/legs a moment later (or by the next ledger call, whichever
// comes first, and at open after a crash). WAL checkpoints run on a worker thread so no send waits for an fsync.

import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type {
  ErrorKind,
  LegRequest,
  LegResult,
  LegStatus,
  Micros,
  OrderAction,
  OutcomeSide,
  Platform,
  Px,
  Qty,
  TimeInForce,
} from '@parity/trading';
import { MIGRATIONS } from './schema.ts';

export type Route = 'local' | 'remote';
export type LegRole = 'arb' | 'unwind';
export type AttemptStatus = 'open' | 'filled' | 'nothing' | 'unwound' | 'exposed' | 'dry_run';
export const FINAL_ATTEMPT_STATUSES: readonly AttemptStatus[] = ['filled', 'nothing', 'unwound', 'exposed', 'dry_run'];

/** Statuses after which a leg's outcome can no longer change. */
export function isFinalStatus(s: LegStatus): boolean {
  return s === 'filled' || s === 'partial' || s === 'unfilled' || s === 'rejected' || s === 'dry_run';
}

export interface AttemptInsert {
  id: string;
  opportunityId: string;
  pairId: string;
  arbType: string;
  contracts: Qty;
  expectedCostMicros: Micros;
  expectedFeesMicros: Micros;
  expectedProfitMicros: Micros;
  detectedAtMs: number;
  createdAtMs: number;
  dryRun: boolean;
}

export interface LegIntent {
  attemptId: string;
  pairId: string;
  role: LegRole;
  route: Route;
  req: LegRequest;
}

export interface AttemptRow {
  id: string;
  opportunityId: string;
  pairId: string;
  arbType: string;
  contracts: Qty;
  expectedCostMicros: Micros;
  expectedFeesMicros: Micros;
  expectedProfitMicros: Micros;
  detectedAtMs: number;
  createdAtMs: number;
  dryRun: boolean;
  status: AttemptStatus;
  matchedContracts: Qty | null;
  resolvedAtMs: number | null;
  note: string | null;
}

export interface LegRow {
  legId: string;
  attemptId: string;
  pairId: string;
  role: LegRole;
  platform: Platform;
  action: OrderAction;
  side: OutcomeSide;
  price: Px;
  contracts: Qty;
  kalshiTicker: string | null;
  polyToken: string | null;
  timeInForce: TimeInForce | null;
  createdAtMs: number;
  route: Route;
  status: LegStatus | 'intent';
  final: boolean;
  filledContracts: Qty;
  costMicros: Micros;
  feesMicros: Micros;
  avgPrice: Px | null;
  venueOrderId: string | null;
  clientOrderId: string | null;
  error: string | null;
  errorKind: ErrorKind | null;
  latencyUs: number | null;
  updatedAtMs: number;
}

export interface PositionRow {
  pairId: string;
  platform: Platform;
  instrument: string;
  side: OutcomeSide;
  contracts: Qty;
  costBasisMicros: Micros;
  updatedAtMs: number;
}

export interface ExecutionView extends AttemptRow {
  legs: LegRow[];
}

export interface PnlTotals {
  /** All realised P&L (unwinds and settlements). */
  realizedMicros: Micros;
  /** Realised since `sinceMs` (the breaker's daily window), when asked. */
  realizedSinceMicros: Micros;
  /** Fees paid on every fill. */
  feesMicros: Micros;
  /** Cost basis of everything still held. */
  openCostMicros: Micros;
  /** Per pair: min(YES held, NO held) x $1 minus the pair's cost basis, summed (settles to this). */
  lockedProfitMicros: Micros;
  /** Contracts held on one side without the other, summed over pairs. */
  unmatchedContracts: Qty;
}

export interface LegResultEffect {
  /** False when the leg was already final (a late or repeated answer changes nothing). */
  applied: boolean;
  final: boolean;
  /** Realised P&L of a sell, when the result closed part of a position. */
  realizedMicros: Micros;
  /** The leg's final values disagree with an earlier final result (needs an operator's look). */
  conflict: boolean;
}

const CONTRACT_PAYOUT_MICROS_PER_QTY = 10_000;
/** How soon journal rows are moved into attempts/legs when no ledger call does it first. */
// Late enough that moving the rows (a transaction of several writes) does not compete with the venues
// taking the orders just written; the next ledger call (a leg result) flushes first anyway.
const JOURNAL_FLUSH_DELAY_MS = 5;

/** The checkpointer worker (CommonJS, eval'd): PASSIVE checkpoints never block the main connection's writes. */
const CHECKPOINTER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 50');
setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, workerData.everyMs);
`; // $1 per contract = 1e6 micros per 100 Qty

type Row = Record<string, unknown>;

function legRow(r: Row): LegRow {
  return {
    legId: r.leg_id as string,
    attemptId: r.attempt_id as string,
    pairId: r.pair_id as string,
    role: r.role as LegRole,
    platform: r.platform as Platform,
    action: r.action as OrderAction,
    side: r.side as OutcomeSide,
    price: r.price as number,
    contracts: r.contracts as number,
    kalshiTicker: (r.kalshi_ticker as string | null) ?? null,
    polyToken: (r.poly_token as string | null) ?? null,
    timeInForce: (r.time_in_force as TimeInForce | null) ?? null,
    createdAtMs: r.created_at_ms as number,
    route: r.route as Route,
    status: r.status as LegStatus | 'intent',
    final: r.final === 1,
    filledContracts: r.filled_contracts as number,
    costMicros: r.cost_micros as number,
    feesMicros: r.fees_micros as number,
    avgPrice: (r.avg_price as number | null) ?? null,
    venueOrderId: (r.venue_order_id as string | null) ?? null,
    clientOrderId: (r.client_order_id as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    errorKind: (r.error_kind as ErrorKind | null) ?? null,
    latencyUs: (r.latency_us as number | null) ?? null,
    updatedAtMs: r.updated_at_ms as number,
  };
}

function attemptRow(r: Row): AttemptRow {
  return {
    id: r.id as string,
    opportunityId: r.opportunity_id as string,
    pairId: r.pair_id as string,
    arbType: r.arb_type as string,
    contracts: r.contracts as number,
    expectedCostMicros: r.expected_cost_micros as number,
    expectedFeesMicros: r.expected_fees_micros as number,
    expectedProfitMicros: r.expected_profit_micros as number,
    detectedAtMs: r.detected_at_ms as number,
    createdAtMs: r.created_at_ms as number,
    dryRun: r.dry_run === 1,
    status: r.status as AttemptStatus,
    matchedContracts: (r.matched_contracts as number | null) ?? null,
    resolvedAtMs: (r.resolved_at_ms as number | null) ?? null,
    note: (r.note as string | null) ?? null,
  };
}

function positionRow(r: Row): PositionRow {
  return {
    pairId: r.pair_id as string,
    platform: r.platform as Platform,
    instrument: r.instrument as string,
    side: r.side as OutcomeSide,
    contracts: r.contracts as number,
    costBasisMicros: r.cost_basis_micros as number,
    updatedAtMs: r.updated_at_ms as number,
  };
}

/** The LegRequest a leg row was created from: look-ups after a restart rebuild the same order. */
export function legRequestOf(row: LegRow): LegRequest {
  const req: LegRequest = {
    legId: row.legId,
    platform: row.platform,
    action: row.action,
    side: row.side,
    price: row.price,
    contracts: row.contracts,
    createdAtMs: row.createdAtMs,
  };
  if (row.kalshiTicker !== null) req.kalshiTicker = row.kalshiTicker;
  if (row.polyToken !== null) req.polyToken = row.polyToken;
  if (row.timeInForce !== null) req.timeInForce = row.timeInForce;
  return req;
}

/** The venue instrument a leg trades: the Kalshi ticker (with its side) or the Polymarket token. */
export function instrumentOf(req: Pick<LegRequest, 'platform' | 'kalshiTicker' | 'polyToken'>): string {
  return (req.platform === 'kalshi' ? req.kalshiTicker : req.polyToken) ?? '';
}

function prepareStatements(d: Database.Database) {
  return {
    insertLeg: d.prepare(
      `INSERT INTO legs (leg_id, attempt_id, pair_id, role, platform, action, side, price, contracts, kalshi_ticker,
         poly_token, time_in_force, created_at_ms, route, status, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'intent', ?)`,
    ),
    getLeg: d.prepare('SELECT * FROM legs WHERE leg_id = ?'),
    setLegStatus: d.prepare('UPDATE legs SET status = ?, route = ?, updated_at_ms = ?, error = ?, error_kind = ? WHERE leg_id = ?'),
    finishLeg: d.prepare(
      `UPDATE legs SET status = @status, route = @route, final = 1, filled_contracts = @filled, cost_micros = @cost,
         fees_micros = @fees, avg_price = @avgPrice, venue_order_id = @venueOrderId, client_order_id = @clientOrderId,
         error = @error, error_kind = @errorKind, latency_us = @latencyUs, updated_at_ms = @at
       WHERE leg_id = @legId`,
    ),
    insertEvent: d.prepare(
      `INSERT INTO leg_events (leg_id, at_ms, source, status, filled_contracts, cost_micros, fees_micros, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertFill: d.prepare(
      `INSERT INTO fills (leg_id, attempt_id, pair_id, platform, instrument, side, action, contracts, cost_micros, fees_micros, at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    getPosition: d.prepare('SELECT * FROM positions WHERE pair_id = ? AND platform = ? AND instrument = ? AND side = ?'),
    upsertPosition: d.prepare(
      `INSERT INTO positions (pair_id, platform, instrument, side, contracts, cost_basis_micros, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (pair_id, platform, instrument, side)
       DO UPDATE SET contracts = excluded.contracts, cost_basis_micros = excluded.cost_basis_micros, updated_at_ms = excluded.updated_at_ms`,
    ),
    failedOf: d.prepare(`SELECT MAX(filled_contracts) AS n FROM leg_events WHERE leg_id = ? AND source = 'settlement'`),
    correctLeg: d.prepare('UPDATE legs SET status = ?, filled_contracts = ?, cost_micros = ?, fees_micros = ?, avg_price = ?, error = ?, updated_at_ms = ? WHERE leg_id = ?'),
    correctFill: d.prepare('UPDATE fills SET contracts = ?, cost_micros = ?, fees_micros = ? WHERE leg_id = ?'),
    deleteFill: d.prepare('DELETE FROM fills WHERE leg_id = ?'),
    insertPnl: d.prepare('INSERT INTO pnl (pair_id, attempt_id, leg_id, kind, amount_micros, at_ms) VALUES (?, ?, ?, ?, ?, ?)'),
    finishAttempt: d.prepare('UPDATE attempts SET status = ?, matched_contracts = ?, resolved_at_ms = ?, note = ? WHERE id = ?'),
    getAttempt: d.prepare('SELECT * FROM attempts WHERE id = ?'),
    legsOf: d.prepare('SELECT * FROM legs WHERE attempt_id = ? ORDER BY rowid'),
    openAttempts: d.prepare(`SELECT * FROM attempts WHERE status = 'open' ORDER BY created_at_ms`),
    unfinishedLegs: d.prepare('SELECT * FROM legs WHERE final = 0 ORDER BY rowid'),
    recentAttempts: d.prepare('SELECT * FROM attempts ORDER BY created_at_ms DESC, rowid DESC LIMIT ?'),
    positions: d.prepare('SELECT * FROM positions WHERE contracts <> 0 ORDER BY pair_id, platform, side'),
    pairPositions: d.prepare('SELECT * FROM positions WHERE pair_id = ? AND contracts <> 0'),
    exposures: d.prepare('SELECT pair_id, SUM(cost_basis_micros) AS c FROM positions WHERE contracts <> 0 GROUP BY pair_id'),
    realizedSince: d.prepare('SELECT COALESCE(SUM(amount_micros), 0) AS s FROM pnl WHERE at_ms >= ?'),
    realizedAll: d.prepare('SELECT COALESCE(SUM(amount_micros), 0) AS s FROM pnl'),
    feesAll: d.prepare('SELECT COALESCE(SUM(fees_micros), 0) AS s FROM fills'),
    pnlOf: d.prepare('SELECT * FROM pnl WHERE attempt_id = ? ORDER BY id'),
    getMeta: d.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: d.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    fillsOf: d.prepare('SELECT * FROM fills WHERE attempt_id = ? ORDER BY at_ms'),
    eventsOf: d.prepare('SELECT * FROM leg_events WHERE leg_id = ? ORDER BY id'),
    insertJournal: d.prepare('INSERT INTO intents (attempt_id, payload) VALUES (?, ?)'),
    journal: d.prepare('SELECT seq, payload FROM intents ORDER BY seq'),
    deleteJournal: d.prepare('DELETE FROM intents WHERE seq = ?'),
    journalCount: d.prepare('SELECT COUNT(*) AS n FROM intents'),
    insertAttemptIfNew: d.prepare(
      `INSERT OR IGNORE INTO attempts (id, opportunity_id, pair_id, arb_type, contracts, expected_cost_micros, expected_fees_micros,
         expected_profit_micros, detected_at_ms, created_at_ms, dry_run, status)
       VALUES (@id, @opportunityId, @pairId, @arbType, @contracts, @expectedCostMicros, @expectedFeesMicros,
         @expectedProfitMicros, @detectedAtMs, @createdAtMs, @dryRun, 'open')`,
    ),
    insertLegIfNew: d.prepare(
      `INSERT OR IGNORE INTO legs (leg_id, attempt_id, pair_id, role, platform, action, side, price, contracts, kalshi_ticker,
         poly_token, time_in_force, created_at_ms, route, status, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'intent', ?)`,
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class Ledger {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly st: Statements;
  private readonly resultTx: (legId: string, res: LegResult, source: 'send' | 'lookup', route: Route, atMs: number) => LegResultEffect;
  private readonly flushTx: () => void;
  /** Journal rows not yet moved into attempts/legs. */
  private pending = 0;
  private flushScheduled = false;
  private checkpointer: Worker | null = null;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
    this.st = prepareStatements(db);
    this.resultTx = db.transaction((legId: string, res: LegResult, source: 'send' | 'lookup', route: Route, atMs: number) =>
      this.applyResult(legId, res, source, route, atMs),
    );
    this.flushTx = db.transaction(() => {
      for (const row of this.st.journal.all() as Array<{ seq: number; payload: string }>) {
        const j = JSON.parse(row.payload) as { attempt: AttemptInsert; legs: LegIntent[] };
        this.st.insertAttemptIfNew.run({ ...j.attempt, dryRun: j.attempt.dryRun ? 1 : 0 });
        for (const l of j.legs) this.insertIntent(l, true);
        this.st.deleteJournal.run(row.seq);
      }
    });
    this.pending = (this.st.journalCount.get() as { n: number }).n;
    this.flush();
  }

  /** Open (creating file, directory and schema as needed) and migrate. */
  static open(path: string, opts: { sync?: 'normal' | 'full'; checkpointEveryMs?: number } = {}): Ledger {
    const file = path !== ':memory:';
    if (file) mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.sync === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_size_limit = 67108864');
    migrate(db);
    const ledger = new Ledger(path, db);
    if (file) ledger.startCheckpointer(opts.checkpointEveryMs ?? 1000);
    return ledger;
  }

  /** Checkpoint, stop the checkpointer and close. Idempotent. */
  close(): void {
    if (!this.db.open) return;
    this.flush();
    void this.checkpointer?.terminate();
    this.checkpointer = null;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // another connection is reading; the next open checkpoints
    }
    this.db.close();
  }

  /**
   * WAL checkpoints copy pages into the database file and fsync: milliseconds. Run them on a
   * worker thread with its own connection so a commit on the hot path never waits for one. If
   * the worker cannot start, SQLite's own automatic checkpoints stay on.
   */
  private startCheckpointer(everyMs: number): void {
    try {
      const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
      const w = new Worker(CHECKPOINTER_SOURCE, { eval: true, workerData: { modulePath, path: this.path, everyMs } });
      w.unref();
      w.on('error', () => {
        this.checkpointer = null;
        if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      });
      this.db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = w;
    } catch {
      this.checkpointer = null;
    }
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  // ---- writes ---------------------------------------------------------------------------

  private insertIntent(l: LegIntent, ifNew: boolean): void {
    const r = l.req;
    (ifNew ? this.st.insertLegIfNew : this.st.insertLeg).run(
      r.legId, l.attemptId, l.pairId, l.role, r.platform, r.action, r.side, r.price, r.contracts,
      r.kalshiTicker ?? null, r.polyToken ?? null, r.timeInForce ?? null, r.createdAtMs ?? Date.now(), l.route,
      r.createdAtMs ?? Date.now(),
    );
  }

  /**
   * Hot path: the attempt and the intents of its legs, durably, in ONE row, before anything is
   * sent. They appear in attempts/legs on the next tick (or at the next ledger call, or at open).
   */
  journalAttempt(attempt: AttemptInsert, legs: readonly LegIntent[]): void {
    this.st.insertJournal.run(attempt.id, JSON.stringify({ attempt, legs }));
    this.pending++;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // A timer, not setImmediate: the venue clients may write their requests in this loop
      // iteration's check phase, and moving the rows must not go before them.
      setTimeout(() => {
        this.flushScheduled = false;
        if (this.db.open) this.flush();
      }, JOURNAL_FLUSH_DELAY_MS);
    }
  }

  /** The attempt and the intents of its legs, written through to attempts/legs at once. */
  recordAttempt(attempt: AttemptInsert, legs: readonly LegIntent[]): void {
    this.st.insertJournal.run(attempt.id, JSON.stringify({ attempt, legs }));
    this.pending++;
    this.flush();
  }

  /** Move journal rows into attempts/legs (idempotent: a crash mid-way repeats nothing twice). */
  flush(): void {
    if (this.pending === 0) return;
    this.flushTx();
    this.pending = 0;
  }

  /** An extra leg of an existing attempt (an unwind step), before it is sent. */
  recordLegIntent(intent: LegIntent): void {
    this.flush();
    this.insertIntent(intent, false);
  }

  /**
   * Apply a leg's result (from the send or from a look-up). A final result completes the leg,
   * records its fill and updates the position (and realised P&L for a sell) atomically. A leg
   * already final is never changed again: a late duplicate answer is ignored, a disagreeing one
   * is reported as a conflict.
   */
  recordLegResult(legId: string, res: LegResult, source: 'send' | 'lookup', route: Route, atMs = Date.now()): LegResultEffect {
    this.flush();
    return this.resultTx(legId, res, source, route, atMs);
  }

  private applyResult(legId: string, res: LegResult, source: 'send' | 'lookup', route: Route, atMs: number): LegResultEffect {
    const raw = this.st.getLeg.get(legId) as Row | undefined;
    if (!raw) throw new Error(`ledger: result for unknown leg ${legId} (its intent was never recorded)`);
    const leg = legRow(raw);
    const final = isFinalStatus(res.status);
    if (leg.final) {
      const conflict = final && (res.filledContracts !== leg.filledContracts || res.costMicros !== leg.costMicros);
      if (conflict) this.st.insertEvent.run(legId, atMs, source, `conflict:${res.status}`, res.filledContracts, res.costMicros, res.feesMicros, res.error);
      return { applied: false, final: true, realizedMicros: 0, conflict };
    }
    if (!final) {
      if (leg.status !== res.status) {
        this.st.setLegStatus.run(res.status, route, atMs, res.error, res.errorKind, legId);
        this.st.insertEvent.run(legId, atMs, source, res.status, res.filledContracts, res.costMicros, res.feesMicros, res.error);
      }
      return { applied: true, final: false, realizedMicros: 0, conflict: false };
    }
    this.st.finishLeg.run({
      legId, status: res.status, route, filled: res.filledContracts, cost: res.costMicros, fees: res.feesMicros,
      avgPrice: res.avgPrice, venueOrderId: res.venueOrderId, clientOrderId: res.clientOrderId, error: res.error,
      errorKind: res.errorKind, latencyUs: res.latencyUs, at: atMs,
    });
    this.st.insertEvent.run(legId, atMs, source, res.status, res.filledContracts, res.costMicros, res.feesMicros, res.error);
    let realizedMicros = 0;
    if (res.filledContracts > 0) {
      const instrument = instrumentOf({ platform: leg.platform, kalshiTicker: leg.kalshiTicker ?? undefined, polyToken: leg.polyToken ?? undefined });
      this.st.insertFill.run(legId, leg.attemptId, leg.pairId, leg.platform, instrument, leg.side, leg.action, res.filledContracts, res.costMicros, res.feesMicros, atMs);
      const pos = this.st.getPosition.get(leg.pairId, leg.platform, instrument, leg.side) as Row | undefined;
      let contracts = (pos?.contracts as number | undefined) ?? 0;
      let basis = (pos?.cost_basis_micros as number | undefined) ?? 0;
      if (leg.action === 'buy') {
        contracts += res.filledContracts;
        basis += res.costMicros + res.feesMicros;
      } else {
        // Average cost: the sold share of the basis leaves with the contracts.
        const sold = Math.min(res.filledContracts, Math.max(contracts, 0));
        const removed = contracts > 0 ? Number((BigInt(basis) * BigInt(sold)) / BigInt(contracts)) : 0;
        realizedMicros = res.costMicros - res.feesMicros - removed;
        contracts -= res.filledContracts;
        basis -= removed;
        this.st.insertPnl.run(leg.pairId, leg.attemptId, legId, 'unwind', realizedMicros, atMs);
      }
      this.st.upsertPosition.run(leg.pairId, leg.platform, instrument, leg.side, contracts, basis, atMs);
    }
    return { applied: true, final: true, realizedMicros, conflict: false };
  }

  /**
   * A final buy leg's fill partly or wholly never happened (Polymarket trades that ended FAILED on
   * chain, spec polymarket.md §8.2): take `failedContracts` (the total failed so far, so a repeat
   * is a no-op) off the leg, its fill and the position, with the cost and fees in proportion.
   * The leg's status becomes partial/unfilled and `note` says why. Returns the contracts removed now.
   */
  correctFailedFill(legId: string, failedContracts: Qty, note: string, atMs = Date.now()): Qty {
    this.flush();
    return this.db.transaction((): Qty => {
      const raw = this.st.getLeg.get(legId) as Row | undefined;
      if (!raw) throw new Error(`ledger: correction for unknown leg ${legId}`);
      const leg = legRow(raw);
      if (!leg.final || leg.action !== 'buy') throw new Error(`ledger: only a final buy leg can be corrected (${legId} is ${leg.final ? leg.action : 'not final'})`);
      const before = (this.st.failedOf.get(legId) as { n: number | null }).n ?? 0;
      const remove = Math.min(Math.max(failedContracts - before, 0), leg.filledContracts);
      if (remove === 0) return 0;
      const share = (m: number): number => Number((BigInt(m) * BigInt(remove)) / BigInt(leg.filledContracts));
      const cost = share(leg.costMicros);
      const fees = share(leg.feesMicros);
      const filled = leg.filledContracts - remove;
      const status: LegStatus = filled === 0 ? 'unfilled' : 'partial';
      this.st.correctLeg.run(status, filled, leg.costMicros - cost, leg.feesMicros - fees, filled === 0 ? null : leg.avgPrice, note, atMs, legId);
      this.st.insertEvent.run(legId, atMs, 'settlement', `failed:${status}`, before + remove, -cost, -fees, note);
      if (filled === 0) this.st.deleteFill.run(legId);
      else this.st.correctFill.run(filled, leg.costMicros - cost, leg.feesMicros - fees, legId);
      const instrument = instrumentOf({ platform: leg.platform, kalshiTicker: leg.kalshiTicker ?? undefined, polyToken: leg.polyToken ?? undefined });
      const pos = this.st.getPosition.get(leg.pairId, leg.platform, instrument, leg.side) as Row | undefined;
      const contracts = ((pos?.contracts as number | undefined) ?? 0) - remove;
      const basis = ((pos?.cost_basis_micros as number | undefined) ?? 0) - cost - fees;
      this.st.upsertPosition.run(leg.pairId, leg.platform, instrument, leg.side, contracts, contracts === 0 ? 0 : basis, atMs);
      return remove;
    })();
  }

  /** Contracts of a leg already taken off by correctFailedFill. */
  failedContractsOf(legId: string): Qty {
    this.flush();
    return (this.st.failedOf.get(legId) as { n: number | null }).n ?? 0;
  }

  finishAttempt(attemptId: string, status: Exclude<AttemptStatus, 'open'>, matched: Qty, note: string | null, atMs = Date.now()): void {
    this.flush();
    this.st.finishAttempt.run(status, matched, atMs, note, attemptId);
  }

  /**
   * A pair's market resolved: every holding pays $1 per contract on the winning side and nothing
   * on the other; the difference to its cost basis is realised and the positions close.
   */
  settlePair(pairId: string, winner: OutcomeSide, atMs = Date.now()): Micros {
    this.flush();
    return this.db.transaction(() => {
      let total = 0;
      for (const p of (this.st.pairPositions.all(pairId) as Row[]).map(positionRow)) {
        const payout = p.side === winner ? p.contracts * CONTRACT_PAYOUT_MICROS_PER_QTY : 0;
        const realized = payout - p.costBasisMicros;
        total += realized;
        this.st.insertPnl.run(pairId, null, null, 'settlement', realized, atMs);
        this.st.upsertPosition.run(pairId, p.platform, p.instrument, p.side, 0, 0, atMs);
      }
      return total;
    })();
  }

  setMeta(key: string, value: unknown): void {
    this.st.setMeta.run(key, JSON.stringify(value));
  }

  getMeta<T>(key: string): T | undefined {
    const r = this.st.getMeta.get(key) as { value: string } | undefined;
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  // ---- queries ----------------------------------------------------------------------------

  getLeg(legId: string): LegRow | undefined {
    this.flush();
    const r = this.st.getLeg.get(legId) as Row | undefined;
    return r ? legRow(r) : undefined;
  }

  getAttempt(id: string): AttemptRow | undefined {
    this.flush();
    const r = this.st.getAttempt.get(id) as Row | undefined;
    return r ? attemptRow(r) : undefined;
  }

  legsOf(attemptId: string): LegRow[] {
    this.flush();
    return (this.st.legsOf.all(attemptId) as Row[]).map(legRow);
  }

  /** Attempts not yet resolved (legs in flight, unknown, or an unwind not finished). */
  openAttempts(): AttemptRow[] {
    this.flush();
    return (this.st.openAttempts.all() as Row[]).map(attemptRow);
  }

  /** Legs whose final result is not known: intents that may or may not have reached a venue. */
  unfinishedLegs(): LegRow[] {
    this.flush();
    return (this.st.unfinishedLegs.all() as Row[]).map(legRow);
  }

  /** The latest attempts, newest first, each with its legs (route, status, fills, errors). */
  recentExecutions(limit = 50): ExecutionView[] {
    this.flush();
    return (this.st.recentAttempts.all(limit) as Row[]).map((r) => {
      const a = attemptRow(r);
      return { ...a, legs: this.legsOf(a.id) };
    });
  }

  /** Open holdings (non-zero), per pair and instrument. */
  positions(): PositionRow[] {
    this.flush();
    return (this.st.positions.all() as Row[]).map(positionRow);
  }

  /** Cost basis held per pair (the breaker's exposure). */
  exposures(): Map<string, Micros> {
    this.flush();
    const out = new Map<string, Micros>();
    for (const r of this.st.exposures.all() as Array<{ pair_id: string; c: number }>) out.set(r.pair_id, r.c);
    return out;
  }

  pairExposure(pairId: string): Micros {
    this.flush();
    let s = 0;
    for (const r of this.st.pairPositions.all(pairId) as Row[]) s += r.cost_basis_micros as number;
    return s;
  }

  realizedSince(sinceMs: number): Micros {
    this.flush();
    return (this.st.realizedSince.get(sinceMs) as { s: number }).s;
  }

  pnlOfAttempt(attemptId: string): Array<{ kind: string; legId: string | null; amountMicros: Micros; atMs: number }> {
    this.flush();
    return (this.st.pnlOf.all(attemptId) as Row[]).map((r) => ({
      kind: r.kind as string,
      legId: (r.leg_id as string | null) ?? null,
      amountMicros: r.amount_micros as number,
      atMs: r.at_ms as number,
    }));
  }

  fillsOf(attemptId: string): Array<{ legId: string; platform: Platform; side: OutcomeSide; action: OrderAction; contracts: Qty; costMicros: Micros; feesMicros: Micros }> {
    this.flush();
    return (this.st.fillsOf.all(attemptId) as Row[]).map((r) => ({
      legId: r.leg_id as string,
      platform: r.platform as Platform,
      side: r.side as OutcomeSide,
      action: r.action as OrderAction,
      contracts: r.contracts as number,
      costMicros: r.cost_micros as number,
      feesMicros: r.fees_micros as number,
    }));
  }

  legEvents(legId: string): Array<{ atMs: number; source: string; status: string; filledContracts: Qty }> {
    this.flush();
    return (this.st.eventsOf.all(legId) as Row[]).map((r) => ({
      atMs: r.at_ms as number,
      source: r.source as string,
      status: r.status as string,
      filledContracts: r.filled_contracts as number,
    }));
  }

  pnlTotals(sinceMs = 0): PnlTotals {
    this.flush();
    const byPair = new Map<string, { yes: Qty; no: Qty; basis: Micros }>();
    for (const p of this.positions()) {
      const e = byPair.get(p.pairId) ?? { yes: 0, no: 0, basis: 0 };
      if (p.side === 'yes') e.yes += p.contracts;
      else e.no += p.contracts;
      e.basis += p.costBasisMicros;
      byPair.set(p.pairId, e);
    }
    let openCost = 0;
    let locked = 0;
    let unmatched = 0;
    for (const e of byPair.values()) {
      openCost += e.basis;
      locked += Math.min(e.yes, e.no) * CONTRACT_PAYOUT_MICROS_PER_QTY - e.basis;
      unmatched += Math.abs(e.yes - e.no);
    }
    return {
      realizedMicros: (this.st.realizedAll.get() as { s: number }).s,
      realizedSinceMicros: this.realizedSince(sinceMs),
      feesMicros: (this.st.feesAll.get() as { s: number }).s,
      openCostMicros: openCost,
      lockedProfitMicros: locked,
      unmatchedContracts: unmatched,
    };
  }
}

function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Database.Database): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new Error(`ledger schema version ${current} is newer than this build knows (${MIGRATIONS.length}): upgrade Parity or point PARITY_DB at another file`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
