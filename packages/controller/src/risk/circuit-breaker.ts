// Circuit breaker: decides whether a NEW opportunity may be traded and how large it may be.
// Exposure comes from actual fills (the ledger's positions) plus a reservation for legs in
// flight; it falls when positions are unwound or settle. It trips (halts new trading) on
// consecutive errors (for a cooldown), on the daily loss limit (until the daily reset) and on
// the manual kill switch (until resumed). Unwinds never ask the breaker: closing exposure is
// always allowed.

import { EventEmitter } from 'node:events';
import { formatUsd, type Micros } from '@parity/trading';
import type { BreakerConfig } from '../config/execution.ts';

export type TripReason = 'consecutive_errors' | 'daily_loss' | 'kill_switch';

export interface BreakerState {
  enabled: boolean;
  /** True when new opportunities are refused (tripped or killed). */
  halted: boolean;
  tripReason: TripReason | null;
  tripDetail: string | null;
  trippedAtMs: number | null;
  /** When an error trip ends by itself (null for kill switch / daily loss / not tripped). */
  resumesAtMs: number | null;
  killed: boolean;
  consecutiveErrors: number;
  dailyPnlMicros: Micros;
  dailyWindowStartMs: number;
  exposureMicros: Micros;
  reservedMicros: Micros;
  exposureByPair: Record<string, Micros>;
  blacklisted: Array<{ pairId: string; untilMs: number }>;
  limits: {
    maxPositionPerPairMicros: Micros;
    maxTotalPositionMicros: Micros;
    maxDailyLossMicros: Micros;
    maxConsecutiveErrors: number;
    cooldownMs: number;
  };
}

/** What survives a restart (stored in the ledger's meta table). */
export interface PersistedBreaker {
  killed: boolean;
  killReason: string | null;
  trip: { reason: TripReason; detail: string; atMs: number } | null;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

const DAY_MS = 86_400_000;

/** Start of the daily window containing `nowMs`, for a reset at `minuteUtc` past midnight UTC. */
export function dailyWindowStart(nowMs: number, minuteUtc: number): number {
  const midnight = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const reset = midnight + minuteUtc * 60_000;
  return nowMs >= reset ? reset : reset - DAY_MS;
}

interface PairRisk {
  mismatches: number;
  blacklistedUntil: number | null;
}

export class CircuitBreaker extends EventEmitter<{ trip: [BreakerState]; reset: [BreakerState]; change: [PersistedBreaker] }> {
  private readonly cfg: BreakerConfig;
  private readonly now: () => number;
  private readonly exposure = new Map<string, Micros>();
  private exposureTotal = 0;
  /** Reservations for legs in flight, by leg id. */
  private readonly reserved = new Map<string, { pairId: string; micros: Micros }>();
  private readonly reservedByPair = new Map<string, Micros>();
  private reservedTotal = 0;
  private readonly pairs = new Map<string, PairRisk>();
  private consecutiveErrors = 0;
  private trip: { reason: TripReason; detail: string; atMs: number } | null = null;
  private killed = false;
  private killReason: string | null = null;
  private dailyPnl = 0;
  private windowStart: number;

  constructor(
    cfg: BreakerConfig,
    opts: {
      now?: () => number;
      exposures?: Map<string, Micros>;
      /** Realised P&L since the current daily window started (from the ledger). */
      dailyPnlMicros?: Micros;
      persisted?: PersistedBreaker;
    } = {},
  ) {
    super();
    this.cfg = cfg;
    this.now = opts.now ?? Date.now;
    this.windowStart = dailyWindowStart(this.now(), cfg.dailyResetMinuteUtc);
    for (const [k, v] of opts.exposures ?? []) this.setPairExposure(k, v);
    this.dailyPnl = opts.dailyPnlMicros ?? 0;
    const p = opts.persisted;
    if (p) {
      this.killed = p.killed;
      this.killReason = p.killReason;
      this.trip = p.trip;
    }
    this.checkDailyLoss();
  }

  get enabled(): boolean {
    return this.cfg.enabled;
  }

  // ---- decisions (new opportunities only) -------------------------------------------------

  /** Why no new opportunity may be traded right now (any pair), or null. Expires timed trips. */
  haltReason(): string | null {
    if (this.killed) return `kill switch engaged${this.killReason ? `: ${this.killReason}` : ''}`;
    if (!this.cfg.enabled) return null;
    this.rollWindow();
    const t = this.trip;
    if (!t) return null;
    if (t.reason === 'consecutive_errors' && this.now() - t.atMs >= this.cfg.cooldownMs) {
      this.clearTrip();
      return null;
    }
    if (t.reason === 'daily_loss' && t.atMs < this.windowStart) {
      this.clearTrip();
      return null;
    }
    return `circuit breaker tripped (${t.reason}): ${t.detail}`;
  }

  isBlacklisted(pairId: string): boolean {
    const p = this.pairs.get(pairId);
    if (!p || p.blacklistedUntil === null) return false;
    if (this.now() < p.blacklistedUntil) return true;
    p.blacklistedUntil = null;
    p.mismatches = 0;
    return false;
  }

  /** Micro-dollars this pair may still add before a per-pair or total limit. */
  capacityMicros(pairId: string): Micros {
    if (!this.cfg.enabled) return Number.MAX_SAFE_INTEGER;
    const perPair = this.cfg.maxPositionPerPairMicros - (this.exposure.get(pairId) ?? 0) - (this.reservedByPair.get(pairId) ?? 0);
    const total = this.cfg.maxTotalPositionMicros - this.exposureTotal - this.reservedTotal;
    return Math.max(0, Math.min(perPair, total));
  }

  /** May a new attempt costing `costMicros` open on this pair? Refusals do not trip the breaker. */
  canOpen(pairId: string, costMicros: Micros): Verdict {
    const halt = this.haltReason();
    if (halt) return { ok: false, reason: halt };
    if (!this.cfg.enabled) return { ok: true };
    if (this.isBlacklisted(pairId)) return { ok: false, reason: `pair ${pairId} is blacklisted after repeated mismatched fills` };
    const cap = this.capacityMicros(pairId);
    if (costMicros > cap) return { ok: false, reason: `exposure limit: ${formatUsd(costMicros)} exceeds the ${formatUsd(cap)} left` };
    return { ok: true };
  }

  // ---- exposure ----------------------------------------------------------------------------

  /** Hold capacity for a leg in flight (its full notional) until its result is known. */
  reserve(legId: string, pairId: string, micros: Micros): void {
    this.release(legId);
    this.reserved.set(legId, { pairId, micros });
    this.reservedByPair.set(pairId, (this.reservedByPair.get(pairId) ?? 0) + micros);
    this.reservedTotal += micros;
  }

  release(legId: string): void {
    const r = this.reserved.get(legId);
    if (!r) return;
    this.reserved.delete(legId);
    const left = (this.reservedByPair.get(r.pairId) ?? 0) - r.micros;
    if (left > 0) this.reservedByPair.set(r.pairId, left);
    else this.reservedByPair.delete(r.pairId);
    this.reservedTotal -= r.micros;
  }

  /** The pair's open cost basis from the ledger, after any fill, unwind or settlement. */
  setPairExposure(pairId: string, micros: Micros): void {
    const old = this.exposure.get(pairId) ?? 0;
    if (micros > 0) this.exposure.set(pairId, micros);
    else this.exposure.delete(pairId);
    this.exposureTotal += Math.max(micros, 0) - old;
  }

  // ---- outcomes ----------------------------------------------------------------------------

  /** A fully hedged execution: errors in a row and the pair's mismatch count start over. */
  recordSuccess(pairId: string): void {
    this.consecutiveErrors = 0;
    const p = this.pairs.get(pairId);
    if (p && p.blacklistedUntil === null) p.mismatches = 0;
  }

  /** A rejected order, an unresolved leg, a failed unwind... Trips after too many in a row. */
  recordError(detail: string): void {
    this.consecutiveErrors++;
    if (this.cfg.enabled && this.consecutiveErrors >= this.cfg.maxConsecutiveErrors && !this.trip) {
      this.tripNow('consecutive_errors', `${this.consecutiveErrors} errors in a row, last: ${detail}`);
    }
  }

  /** One leg filled more than the other: an error, and repeated ones blacklist the pair. */
  recordMismatch(pairId: string, detail: string): void {
    this.recordError(`mismatched fills on ${pairId}: ${detail}`);
    if (!this.cfg.enabled) return;
    const p = this.pairs.get(pairId) ?? { mismatches: 0, blacklistedUntil: null };
    this.pairs.set(pairId, p);
    p.mismatches++;
    if (p.mismatches >= this.cfg.blacklistThreshold && p.blacklistedUntil === null) {
      p.blacklistedUntil = this.now() + this.cfg.blacklistMs;
    }
  }

  /** Realised P&L (unwind losses, settlements); a loss beyond the daily limit halts trading. */
  recordPnl(micros: Micros): void {
    this.rollWindow();
    this.dailyPnl += micros;
    this.checkDailyLoss();
  }

  // ---- manual control ----------------------------------------------------------------------

  /** Manual kill switch: refuse every new opportunity until resume(). Survives restarts. */
  kill(reason = 'manual'): void {
    this.killed = true;
    this.killReason = reason;
    this.emit('trip', this.state());
    this.emitChange();
  }

  /** Release the kill switch and clear any trip (an operator decision). */
  resume(): void {
    this.killed = false;
    this.killReason = null;
    this.clearTrip();
    this.emitChange();
  }

  state(): BreakerState {
    this.haltReason();
    const t = this.trip;
    return {
      enabled: this.cfg.enabled,
      halted: this.killed || (this.cfg.enabled && t !== null),
      tripReason: this.killed ? 'kill_switch' : (t?.reason ?? null),
      tripDetail: this.killed ? this.killReason : (t?.detail ?? null),
      trippedAtMs: t?.atMs ?? null,
      resumesAtMs: t && t.reason === 'consecutive_errors' ? t.atMs + this.cfg.cooldownMs : t && t.reason === 'daily_loss' ? this.windowStart + DAY_MS : null,
      killed: this.killed,
      consecutiveErrors: this.consecutiveErrors,
      dailyPnlMicros: this.dailyPnl,
      dailyWindowStartMs: this.windowStart,
      exposureMicros: this.exposureTotal,
      reservedMicros: this.reservedTotal,
      exposureByPair: Object.fromEntries(this.exposure),
      blacklisted: [...this.pairs.entries()]
        .filter(([, p]) => p.blacklistedUntil !== null && p.blacklistedUntil > this.now())
        .map(([pairId, p]) => ({ pairId, untilMs: p.blacklistedUntil! })),
      limits: {
        maxPositionPerPairMicros: this.cfg.maxPositionPerPairMicros,
        maxTotalPositionMicros: this.cfg.maxTotalPositionMicros,
        maxDailyLossMicros: this.cfg.maxDailyLossMicros,
        maxConsecutiveErrors: this.cfg.maxConsecutiveErrors,
        cooldownMs: this.cfg.cooldownMs,
      },
    };
  }

  persisted(): PersistedBreaker {
    return { killed: this.killed, killReason: this.killReason, trip: this.trip };
  }

  // ---- internals ---------------------------------------------------------------------------

  private rollWindow(): void {
    const start = dailyWindowStart(this.now(), this.cfg.dailyResetMinuteUtc);
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.dailyPnl = 0;
    }
  }

  private checkDailyLoss(): void {
    if (!this.cfg.enabled || this.trip) return;
    if (-this.dailyPnl > this.cfg.maxDailyLossMicros) {
      this.tripNow('daily_loss', `realised loss today ${formatUsd(-this.dailyPnl)} exceeds the ${formatUsd(this.cfg.maxDailyLossMicros)} limit`);
    }
  }

  private tripNow(reason: TripReason, detail: string): void {
    this.trip = { reason, detail, atMs: this.now() };
    this.emit('trip', this.state());
    this.emitChange();
  }

  private clearTrip(): void {
    if (!this.trip) return;
    this.trip = null;
    this.consecutiveErrors = 0;
    this.emit('reset', this.state());
    this.emitChange();
  }

  private emitChange(): void {
    this.emit('change', this.persisted());
  }
}
