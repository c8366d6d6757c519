// The trader's memory of every leg it was sent, in SQLite (WAL), so a leg id is never executed
// twice, across reconnects and restarts. A leg is written as "started" (in a committed
// transaction) before anything is sent to a venue; a started leg found at start-up was cut off
// mid-flight and is resolved at the venue before the trader connects.
//
// The commit before the venue call is on every leg's critical path, so it writes as little as
// possible: one row. Results still owed to the controller live in a small `outbox` table written
// after the answer is sent; the daily notional is summed from the rows once at open and kept in
// memory (the exclusive lock makes this process the only writer).
//
// Durability: WAL with synchronous=NORMAL survives a crash of this process (SIGKILL included),
// and commits do not fsync; the trader runs the WAL checkpoints (which do) between legs. An OS
// crash or power loss may lose the last commits, in which case the venue's own duplicate check on
// the client order id (derived from the leg id) is the second line of defence.

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
  /** What the leg counts against its day's budget. */
  notionalMicros: Micros;
  day: string;
  result: LegResult | null;
  /** Final, and acknowledged by the controller (not in the outbox). */
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
  started_at_ms: number;
  owed: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS legs (
  leg_id          TEXT PRIMARY KEY,
  request         TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('started', 'done')),
  origin          TEXT NOT NULL CHECK (origin IN ('execute', 'lookup')),
  dry_run         INTEGER NOT NULL,
  notional_micros INTEGER NOT NULL,
  day             TEXT NOT NULL,
  result          TEXT,
  started_at_ms   INTEGER NOT NULL,
  finished_at_ms  INTEGER
) WITHOUT ROWID;
-- Final results the controller has not acknowledged yet: re-delivered after a reconnect.
CREATE TABLE IF NOT EXISTS outbox (
  leg_id TEXT PRIMARY KEY,
  at_ms  INTEGER NOT NULL
) WITHOUT ROWID;
`;

const ROW = `SELECT l.*, EXISTS (SELECT 1 FROM outbox o WHERE o.leg_id = l.leg_id) AS owed FROM legs l`;

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
    delivered: r.state === 'done' && r.owed === 0,
    startedAtMs: r.started_at_ms,
  };
}

export interface BeginOptions {
  dryRun: boolean;
  notional: Micros;
  day: string;
  nowMs: number;
  /** Given today's notional so far, a refusal result, or null to go ahead. */
  checkBudget: (usedMicros: Micros) => LegResult | null;
}

export type BeginOutcome = { outcome: 'started' } | { outcome: 'refused'; result: LegResult } | { outcome: 'exists'; leg: StoredLeg };

const dailyKey = (day: string, dryRun: boolean): string => `${day}/${dryRun ? 1 : 0}`;

export class LegStore {
  private readonly db: Database.Database;
  /** Notional per UTC day and mode, as summed from the rows (dry-run and live budgets are separate). */
  private readonly daily = new Map<string, Micros>();
  private readonly sGet: Database.Statement<[string], Row>;
  private readonly sExists: Database.Statement<[string], { n: number }>;
  private readonly sInsert: Database.Statement<unknown[]>;
  private readonly sFinish: Database.Statement<unknown[]>;
  private readonly sReplace: Database.Statement<unknown[]>;
  private readonly sOwe: Database.Statement<[string, number]>;
  private readonly sPaid: Database.Statement<[string]>;
  private readonly sLeg: Database.Statement<[string], { notional_micros: number; day: string; dry_run: number }>;
  private readonly sUnfinished: Database.Statement<[], Row>;
  private readonly sUndelivered: Database.Statement<[number], Row>;
  private readonly tFinish: Database.Transaction<(legId: string, result: LegResult, notionalMicros: Micros, nowMs: number) => void>;
  private readonly tInsertDone: Database.Transaction<(req: LegRequest, result: LegResult, o: InsertDoneOptions) => void>;
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
    const sums = this.db.prepare('SELECT day, dry_run, SUM(notional_micros) AS n FROM legs GROUP BY day, dry_run').all() as { day: string; dry_run: number; n: number }[];
    for (const s of sums) this.daily.set(dailyKey(s.day, s.dry_run === 1), s.n);

    this.sGet = this.db.prepare(`${ROW} WHERE l.leg_id = ?`);
    this.sExists = this.db.prepare('SELECT COUNT(*) AS n FROM legs WHERE leg_id = ?');
    this.sInsert = this.db.prepare(
      `INSERT INTO legs (leg_id, request, state, origin, dry_run, notional_micros, day, result, started_at_ms, finished_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.sFinish = this.db.prepare("UPDATE legs SET state = 'done', result = ?, notional_micros = ?, finished_at_ms = ? WHERE leg_id = ?");
    this.sReplace = this.db.prepare('UPDATE legs SET result = ?, finished_at_ms = ? WHERE leg_id = ?');
    this.sOwe = this.db.prepare('INSERT OR REPLACE INTO outbox (leg_id, at_ms) VALUES (?, ?)');
    this.sPaid = this.db.prepare('DELETE FROM outbox WHERE leg_id = ?');
    this.sLeg = this.db.prepare('SELECT notional_micros, day, dry_run FROM legs WHERE leg_id = ?');
    this.sUnfinished = this.db.prepare(`${ROW} WHERE l.state = 'started' ORDER BY l.started_at_ms`);
    this.sUndelivered = this.db.prepare(
      "SELECT l.*, 1 AS owed FROM outbox o JOIN legs l ON l.leg_id = o.leg_id WHERE l.state = 'done' ORDER BY o.at_ms LIMIT ?",
    );
    this.tFinish = this.db.transaction((legId: string, result: LegResult, notionalMicros: Micros, nowMs: number) => {
      const before = this.sLeg.get(legId);
      if (!before) return;
      this.sFinish.run(JSON.stringify(result), notionalMicros, nowMs, legId);
      this.sOwe.run(legId, nowMs);
      this.addDaily(before.day, before.dry_run === 1, notionalMicros - before.notional_micros);
    });
    this.tInsertDone = this.db.transaction((req: LegRequest, result: LegResult, o: InsertDoneOptions) => {
      this.sInsert.run(req.legId, JSON.stringify(req), 'done', o.origin, o.dryRun ? 1 : 0, 0, o.day, JSON.stringify(result), o.nowMs, o.nowMs);
      if (!o.delivered) this.sOwe.run(req.legId, o.nowMs);
    });
    this.tDelivered = this.db.transaction((ids: readonly string[]) => {
      for (const id of ids) this.sPaid.run(id);
    });
  }

  private addDaily(day: string, dryRun: boolean, delta: Micros): void {
    if (delta === 0) return;
    const k = dailyKey(day, dryRun);
    this.daily.set(k, (this.daily.get(k) ?? 0) + delta);
  }

  get(legId: string): StoredLeg | null {
    const r = this.sGet.get(legId);
    return r ? toStored(r) : null;
  }

  /** Notional counted for a UTC day in this mode. */
  dailyNotional(day: string, dryRun: boolean): Micros {
    return this.daily.get(dailyKey(day, dryRun)) ?? 0;
  }

  /**
   * Unless the leg id is known: check the daily budget, then record the leg as started (one
   * committed row, reserving its notional), or record the refusal the check returns.
   */
  begin(req: LegRequest, o: BeginOptions): BeginOutcome {
    if (this.sExists.get(req.legId)!.n > 0) return { outcome: 'exists', leg: this.get(req.legId)! };
    const refused = o.checkBudget(this.dailyNotional(o.day, o.dryRun));
    if (refused) {
      this.insertDone(req, refused, { origin: 'execute', dryRun: o.dryRun, day: o.day, nowMs: o.nowMs, delivered: false });
      return { outcome: 'refused', result: refused };
    }
    // A single statement commits by itself: the cheapest durable write there is.
    this.sInsert.run(req.legId, JSON.stringify(req), 'started', 'execute', o.dryRun ? 1 : 0, o.notional, o.day, null, o.nowMs, null);
    this.addDaily(o.day, o.dryRun, o.notional);
    return { outcome: 'started' };
  }

  /** Record a leg that is final without execution (refused, or first heard of through a lookup). */
  insertDone(req: LegRequest, result: LegResult, o: InsertDoneOptions): void {
    this.tInsertDone(req, result, o);
  }

  /**
   * The leg's final result, owed to the controller until acknowledged; its notional becomes what it
   * actually counts against the daily budget.
   */
  finish(legId: string, result: LegResult, notionalMicros: Micros, nowMs = Date.now()): void {
    this.tFinish(legId, result, notionalMicros, nowMs);
  }

  /** A better answer for a done leg (an 'unknown' resolved by a later lookup). */
  replaceResult(legId: string, result: LegResult, nowMs = Date.now()): void {
    this.sReplace.run(JSON.stringify(result), nowMs, legId);
  }

  /** The controller acknowledged these results. */
  markDelivered(legIds: readonly string[]): void {
    this.tDelivered(legIds);
  }

  unfinished(): StoredLeg[] {
    return this.sUnfinished.all().map(toStored);
  }

  /** Final results not acknowledged yet, oldest first. */
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

export interface InsertDoneOptions {
  origin: LegOrigin;
  dryRun: boolean;
  day: string;
  nowMs: number;
  /** False: the result is owed to the controller (goes to the outbox). */
  delivered: boolean;
}
