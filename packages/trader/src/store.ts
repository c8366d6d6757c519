// The trader's memory of every leg it was sent, in SQLite (WAL), so a leg id is never executed
// twice, across reconnects and restarts. A leg is written as "started" (in a committed
// transaction) before anything is sent to a venue; a started leg found at start-up was cut off
// mid-flight and is resolved at the venue before the trader connects.
//
// Durability: WAL with synchronous=NORMAL survives a crash of this process (SIGKILL included),
// and commits do not fsync; the trader runs the WAL checkpoints (which do) between legs;
// an OS crash or power loss may lose the last commits, in which case the venue's own duplicate
// check on the client order id (derived from the leg id) is the second line of defence.

import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError, type LegRequest, type LegResult, type Micros } from '@parity/trading';

export type LegState = 'started' | 'done';
/** How the leg reached this trader: an execute_leg, or a lookup for a leg it had never seen. */
export type LegOrigin = 'execute' | 'lookup';

export interface StoredLeg {
  legId: string;
  req: LegRequest;
  state: LegState;
  origin: LegOrigin;
  dryRun: boolean;
  notionalMicros: Micros;
  day: string;
  result: LegResult | null;
  delivered: boolean;
  startedAtMs: number;
}

interface Row {
  leg_id: string;
  request: string;
  state: LegState;
  origin: LegOrigin;
  dry_run: number;
  notional_micros: number;
  day: string;
  result: string | null;
  delivered: number;
  started_at_ms: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS legs (
  leg_id          TEXT PRIMARY KEY,
  platform        TEXT NOT NULL,
  request         TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('started', 'done')),
  origin          TEXT NOT NULL CHECK (origin IN ('execute', 'lookup')),
  dry_run         INTEGER NOT NULL,
  notional_micros INTEGER NOT NULL,
  day             TEXT NOT NULL,
  result          TEXT,
  delivered       INTEGER NOT NULL DEFAULT 0,
  started_at_ms   INTEGER NOT NULL,
  finished_at_ms  INTEGER
) WITHOUT ROWID;
-- Only results still owed to the controller are indexed (a small, short-lived set).
CREATE INDEX IF NOT EXISTS legs_undelivered ON legs (started_at_ms) WHERE delivered = 0;
-- Running total per UTC day and mode, kept in the same transactions as the legs it sums.
CREATE TABLE IF NOT EXISTS daily_notional (
  day     TEXT NOT NULL,
  dry_run INTEGER NOT NULL,
  micros  INTEGER NOT NULL,
  PRIMARY KEY (day, dry_run)
) WITHOUT ROWID;
`;

export interface BeginOptions {
  dryRun: boolean;
  notional: Micros;
  day: string;
  nowMs: number;
  /** Given today's notional so far, a refusal result, or null to go ahead. */
  checkBudget: (usedMicros: Micros) => LegResult | null;
}

export type BeginOutcome = { outcome: 'started' } | { outcome: 'refused'; result: LegResult } | { outcome: 'exists'; leg: StoredLeg };

function toStored(r: Row): StoredLeg {
  return {
    legId: r.leg_id,
    req: JSON.parse(r.request) as LegRequest,
    state: r.state,
    origin: r.origin,
    dryRun: r.dry_run === 1,
    notionalMicros: r.notional_micros,
    day: r.day,
    result: r.result === null ? null : (JSON.parse(r.result) as LegResult),
    delivered: r.delivered === 1,
    startedAtMs: r.started_at_ms,
  };
}

export class LegStore {
  private readonly db: Database.Database;
  private readonly sGet: Database.Statement<[string], Row>;
  private readonly sInsert: Database.Statement<unknown[]>;
  private readonly sFinish: Database.Statement<unknown[]>;
  private readonly sReplace: Database.Statement<unknown[]>;
  private readonly sDelivered: Database.Statement<[string]>;
  private readonly sDaily: Database.Statement<[string, number], { micros: number }>;
  private readonly sAddDaily: Database.Statement<[string, number, number]>;
  private readonly sLegCount: Database.Statement<[string], { notional_micros: number; day: string; dry_run: number }>;
  private readonly sUnfinished: Database.Statement<[], Row>;
  private readonly sUndelivered: Database.Statement<[number], Row>;
  private readonly tBegin: Database.Transaction<(req: LegRequest, o: BeginOptions) => BeginOutcome>;
  private readonly tFinish: Database.Transaction<(legId: string, result: LegResult, notionalMicros: Micros, nowMs: number) => void>;
  private readonly tDelivered: Database.Transaction<(ids: readonly string[]) => void>;

  constructor(private readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    try {
      this.db.pragma('busy_timeout = 2000');
      // One trader process owns its database: a second one on the same file fails to start instead
      // of sharing the idempotency record (and no lock round trips are paid per transaction).
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // Checkpoints (which fsync) are run by checkpoint() between legs, not inside a leg's commit.
      this.db.pragma('wal_autocheckpoint = 0');
      this.db.exec(SCHEMA);
      this.db.exec('BEGIN IMMEDIATE; COMMIT'); // take the exclusive lock now, not at the first leg
    } catch (err) {
      this.db.close();
      const busy = err instanceof Error && /locked|busy/i.test(err.message);
      throw busy ? new ConfigError(`TRADER_DB ${path} is in use by another trader process: give each trader its own TRADER_DB`) : err;
    }
    this.sGet = this.db.prepare('SELECT * FROM legs WHERE leg_id = ?');
    this.sInsert = this.db.prepare(
      `INSERT INTO legs (leg_id, platform, request, state, origin, dry_run, notional_micros, day, result, delivered, started_at_ms, finished_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.sFinish = this.db.prepare(
      "UPDATE legs SET state = 'done', result = ?, notional_micros = ?, delivered = 0, finished_at_ms = ? WHERE leg_id = ?",
    );
    this.sReplace = this.db.prepare('UPDATE legs SET result = ?, finished_at_ms = ? WHERE leg_id = ?');
    this.sDelivered = this.db.prepare('UPDATE legs SET delivered = 1 WHERE leg_id = ?');
    this.sDaily = this.db.prepare('SELECT micros FROM daily_notional WHERE day = ? AND dry_run = ?');
    this.sAddDaily = this.db.prepare(
      'INSERT INTO daily_notional (day, dry_run, micros) VALUES (?, ?, ?) ON CONFLICT (day, dry_run) DO UPDATE SET micros = micros + excluded.micros',
    );
    this.sLegCount = this.db.prepare('SELECT notional_micros, day, dry_run FROM legs WHERE leg_id = ?');
    this.sUnfinished = this.db.prepare("SELECT * FROM legs WHERE state = 'started' ORDER BY started_at_ms");
    this.sUndelivered = this.db.prepare("SELECT * FROM legs WHERE delivered = 0 AND state = 'done' ORDER BY started_at_ms LIMIT ?");
    this.tBegin = this.db.transaction((req: LegRequest, o: BeginOptions) => this.beginTx(req, o));
    this.tFinish = this.db.transaction((legId: string, result: LegResult, notionalMicros: Micros, nowMs: number) => this.finishTx(legId, result, notionalMicros, nowMs));
    this.tDelivered = this.db.transaction((ids: readonly string[]) => {
      for (const id of ids) this.sDelivered.run(id);
    });
  }

  get(legId: string): StoredLeg | null {
    const r = this.sGet.get(legId);
    return r ? toStored(r) : null;
  }

  /** Notional counted today (UTC day key) in this mode; dry-run and live legs have separate budgets. */
  dailyNotional(day: string, dryRun: boolean): Micros {
    return this.sDaily.get(day, dryRun ? 1 : 0)?.micros ?? 0;
  }

  /**
   * Atomically: unless the leg id is known, check the daily budget and record the leg as started
   * (reserving its notional), or record the refusal the check returns.
   */
  begin(req: LegRequest, o: BeginOptions): BeginOutcome {
    return this.tBegin.immediate(req, o);
  }

  private beginTx(req: LegRequest, o: BeginOptions): BeginOutcome {
    const existing = this.get(req.legId);
    if (existing) return { outcome: 'exists', leg: existing };
    const refused = o.checkBudget(this.dailyNotional(o.day, o.dryRun));
    if (refused) {
      this.insertDone(req, refused, { origin: 'execute', dryRun: o.dryRun, day: o.day, nowMs: o.nowMs, delivered: false });
      return { outcome: 'refused', result: refused };
    }
    this.sInsert.run(req.legId, req.platform, JSON.stringify(req), 'started', 'execute', o.dryRun ? 1 : 0, o.notional, o.day, null, 0, o.nowMs, null);
    this.sAddDaily.run(o.day, o.dryRun ? 1 : 0, o.notional);
    return { outcome: 'started' };
  }

  /** Record a leg that is final without execution (refused, or first heard of through a lookup). */
  insertDone(
    req: LegRequest,
    result: LegResult,
    o: { origin: LegOrigin; dryRun: boolean; day: string; nowMs: number; delivered: boolean },
  ): void {
    this.sInsert.run(req.legId, req.platform, JSON.stringify(req), 'done', o.origin, o.dryRun ? 1 : 0, 0, o.day, JSON.stringify(result), o.delivered ? 1 : 0, o.nowMs, o.nowMs);
  }

  /** The leg's final result; notional becomes what it actually counts against the daily budget. */
  finish(legId: string, result: LegResult, notionalMicros: Micros, nowMs = Date.now()): void {
    this.tFinish(legId, result, notionalMicros, nowMs);
  }

  private finishTx(legId: string, result: LegResult, notionalMicros: Micros, nowMs: number): void {
    const before = this.sLegCount.get(legId);
    if (!before) return;
    this.sFinish.run(JSON.stringify(result), notionalMicros, nowMs, legId);
    if (notionalMicros !== before.notional_micros) this.sAddDaily.run(before.day, before.dry_run, notionalMicros - before.notional_micros);
  }

  /** A better answer for a done leg (an 'unknown' resolved by a later lookup). */
  replaceResult(legId: string, result: LegResult, nowMs = Date.now()): void {
    this.sReplace.run(JSON.stringify(result), nowMs, legId);
  }

  markDelivered(legIds: readonly string[]): void {
    this.tDelivered(legIds);
  }

  unfinished(): StoredLeg[] {
    return this.sUnfinished.all().map(toStored);
  }

  undelivered(limit = 1000): StoredLeg[] {
    return this.sUndelivered.all(limit).map(toStored);
  }

  /**
   * Copy the WAL back into the database file and start it over (TRUNCATE: this process holds the
   * only connection, so nothing waits).
   */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Size of the write-ahead log, bytes (0 when absent or in memory). */
  walBytes(): number {
    try {
      return statSync(`${this.path}-wal`).size;
    } catch {
      return 0;
    }
  }

  close(): void {
    if (!this.db.open) return;
    this.checkpoint();
    this.db.close();
  }
}
