// SettlementWatcher: notices that a pair's market resolved and settles the ledger's positions.
//
// Every SETTLEMENT_POLL_MS, for each pair holding positions (and with no attempt or leg still in
// flight, whose late fill could change them), it asks both venues (public reads) and decides
// (verdict.ts): settle once with the agreed winner, wait, or alert the operator. Settling calls
// ledger.settlePair (realises P&L, closes the positions in one transaction), then brings the
// breaker's exposure for the pair back from the ledger and records the realised P&L with it, as
// the executor does after a fill. A settled pair holds nothing, so a second pass or a restart
// finds nothing to settle; the winner is also kept in the ledger's meta table, and a later
// position on the same pair (a late fill) is only settled with the same winner.

import { EventEmitter } from 'node:events';
import { formatQty, formatUsd, logger as rootLogger, type Logger, type Micros, type OutcomeSide, type Platform, type Qty } from '@parity/trading';
import type { SettlementConfig } from '../config/settlement.ts';
import type { Ledger, PositionRow } from '../ledger/ledger.ts';
import type { Pair } from '../model.ts';
import type { CircuitBreaker } from '../risk/circuit-breaker.ts';
import { HttpResolutionReader, type PolyTokens, type ResolutionReader } from './venue-reads.ts';
import { decide, describeVerdicts } from './verdict.ts';

export interface SettledEvent {
  pairId: string;
  winner: OutcomeSide;
  /** Payout minus cost basis (fees included) of every position that closed. */
  realizedMicros: Micros;
  /** Contracts held on each side before settling. */
  yesContracts: Qty;
  noContracts: Qty;
  atMs: number;
  /** What the venues said, for the record. */
  detail: string;
}

export interface SettlementAlert {
  pairId: string;
  reason: 'venues_disagree' | 'resolution_mismatch' | 'changed_after_settlement';
  detail: string;
  atMs: number;
}

export interface SettlementRecord {
  winner: OutcomeSide;
  atMs: number;
  realizedMicros: Micros;
  detail: string;
}

export interface PassSummary {
  checked: number;
  settled: number;
  alerts: number;
  /** Pairs skipped because an attempt or leg is still in flight. */
  busy: number;
}

export interface SettlementWatcherOptions {
  config: Pick<SettlementConfig, 'pollMs' | 'mismatchAlertMs'> & Partial<SettlementConfig>;
  ledger: Ledger;
  breaker: CircuitBreaker;
  /** The registry's pair (fills in the venue the pair holds nothing on, for the cross-check). */
  pairOf?: ((pairId: string) => Pair | undefined) | undefined;
  /** Default: public HTTP reads at the configured venue URLs. */
  reader?: ResolutionReader | undefined;
  now?: (() => number) | undefined;
  log?: Logger | undefined;
}

export const SETTLEMENT_META_PREFIX = 'settlement:';

interface PairWatch {
  pendingSinceMs: number | null;
  /** Key of the alert already raised for the current condition (raised once). */
  alerted: string | null;
}

export class SettlementWatcher extends EventEmitter<{ settled: [SettledEvent]; alert: [SettlementAlert]; cleared: [string] }> {
  private readonly cfg: SettlementWatcherOptions['config'];
  private readonly ledger: Ledger;
  private readonly breaker: CircuitBreaker;
  private readonly pairOf: (pairId: string) => Pair | undefined;
  private readonly reader: ResolutionReader;
  private readonly ownReader: boolean;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly watch = new Map<string, PairWatch>();
  private readonly openAlerts = new Map<string, SettlementAlert>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PassSummary> | null = null;
  private stopped = false;

  constructor(o: SettlementWatcherOptions) {
    super();
    this.cfg = o.config;
    this.ledger = o.ledger;
    this.breaker = o.breaker;
    this.pairOf = o.pairOf ?? (() => undefined);
    this.now = o.now ?? Date.now;
    this.log = o.log ?? rootLogger.child({ mod: 'settlement' });
    if (o.reader) {
      this.reader = o.reader;
      this.ownReader = false;
    } else {
      const c = o.config;
      if (!c.kalshiApiBase || !c.polyClobUrl || !c.polyGammaUrl || !c.httpTimeoutMs) throw new Error('SettlementWatcher needs venue URLs (parseSettlementConfig) or a reader');
      this.reader = new HttpResolutionReader({ kalshiApiBase: c.kalshiApiBase, polyClobUrl: c.polyClobUrl, polyGammaUrl: c.polyGammaUrl, timeoutMs: c.httpTimeoutMs });
      this.ownReader = true;
    }
  }

  /** Check now, then every pollMs (a pass never overlaps the previous one). */
  start(): void {
    if (this.stopped || this.timer) return;
    const loop = (): void => {
      this.timer = setTimeout(() => {
        void this.checkNow().finally(() => {
          if (!this.stopped) loop();
        });
      }, this.cfg.pollMs);
      this.timer.unref();
    };
    void this.checkNow().finally(() => {
      if (!this.stopped) loop();
    });
  }

  /** Stop polling, wait for a pass in progress, close the reader. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
    if (this.ownReader) await this.reader.close();
  }

  /** Alerts not yet cleared (the condition still holds), oldest first. */
  alerts(): SettlementAlert[] {
    return [...this.openAlerts.values()];
  }

  /** The recorded settlement of a pair, if any. */
  settlementOf(pairId: string): SettlementRecord | undefined {
    return this.ledger.getMeta<SettlementRecord>(SETTLEMENT_META_PREFIX + pairId);
  }

  /** One pass over every pair with open positions; concurrent callers share the pass in progress. */
  checkNow(): Promise<PassSummary> {
    if (this.running) return this.running;
    const p = this.pass().finally(() => {
      this.running = null;
    });
    this.running = p;
    return p;
  }

  private async pass(): Promise<PassSummary> {
    const sum: PassSummary = { checked: 0, settled: 0, alerts: 0, busy: 0 };
    const byPair = new Map<string, PositionRow[]>();
    for (const p of this.ledger.positions()) {
      const list = byPair.get(p.pairId);
      if (list) list.push(p);
      else byPair.set(p.pairId, [p]);
    }
    // A leg in flight may still fill: settle only what can no longer change.
    const busy = new Set<string>([...this.ledger.openAttempts().map((a) => a.pairId), ...this.ledger.unfinishedLegs().map((l) => l.pairId)]);
    for (const id of [...this.watch.keys()]) if (!byPair.has(id)) this.forget(id);
    for (const [pairId, positions] of byPair) {
      if (this.stopped) break;
      if (busy.has(pairId)) {
        sum.busy++;
        continue;
      }
      sum.checked++;
      try {
        const r = await this.checkPair(pairId, positions);
        if (r === 'settled') sum.settled++;
        if (r === 'alert') sum.alerts++;
      } catch (err) {
        this.log.error({ err, pairId }, 'settlement check failed; retried at the next poll');
      }
    }
    return sum;
  }

  private async checkPair(pairId: string, positions: PositionRow[]): Promise<'settled' | 'alert' | 'wait'> {
    const pair = this.pairOf(pairId);
    const required = new Set<Platform>(positions.map((p) => p.platform));
    let kalshiTicker = positions.find((p) => p.platform === 'kalshi')?.instrument ?? pair?.kalshiTicker;
    if (kalshiTicker === '') kalshiTicker = undefined;
    const tokens: PolyTokens = {
      yes: positions.find((p) => p.platform === 'polymarket' && p.side === 'yes')?.instrument ?? pair?.polyYesToken,
      no: positions.find((p) => p.platform === 'polymarket' && p.side === 'no')?.instrument ?? pair?.polyNoToken,
    };
    const hasPoly = tokens.yes !== undefined || tokens.no !== undefined;
    const [kalshi, polymarket] = await Promise.all([
      kalshiTicker !== undefined ? this.reader.kalshi(kalshiTicker) : Promise.resolve(null),
      hasPoly ? this.reader.polymarket(tokens) : Promise.resolve(null),
    ]);
    if (this.stopped) return 'wait';
    const w = this.watch.get(pairId) ?? { pendingSinceMs: null, alerted: null };
    this.watch.set(pairId, w);
    const now = this.now();
    const d = decide({ kalshi, polymarket, required, pendingSinceMs: w.pendingSinceMs, nowMs: now, mismatchAlertMs: this.cfg.mismatchAlertMs });
    if (d.action === 'wait') {
      if (d.reason === 'unresolved') {
        w.pendingSinceMs = null;
        this.clear(pairId);
      } else w.pendingSinceMs ??= now;
      return 'wait';
    }
    if (d.action === 'alert') {
      w.pendingSinceMs ??= now;
      this.raise(pairId, w, d.reason, d.detail, now);
      return 'alert';
    }
    const previous = this.settlementOf(pairId);
    if (previous && previous.winner !== d.winner) {
      this.raise(pairId, w, 'changed_after_settlement', `pair settled ${previous.winner.toUpperCase()} before, the venues now say ${d.winner.toUpperCase()}: ${describeVerdicts(kalshi, polymarket)}`, now);
      return 'alert';
    }
    const done = this.settle(pairId, d.winner, describeVerdicts(kalshi, polymarket), now);
    this.forget(pairId);
    return done ? 'settled' : 'wait';
  }

  /** Settle what the pair holds now (re-read: another pass or a fill may have run during the reads). */
  private settle(pairId: string, winner: OutcomeSide, detail: string, atMs: number): boolean {
    const positions = this.ledger.positions().filter((p) => p.pairId === pairId);
    if (positions.length === 0) return false;
    if (this.ledger.openAttempts().some((a) => a.pairId === pairId) || this.ledger.unfinishedLegs().some((l) => l.pairId === pairId)) return false;
    let yes = 0;
    let no = 0;
    for (const p of positions) {
      if (p.side === 'yes') yes += p.contracts;
      else no += p.contracts;
    }
    const realizedMicros = this.ledger.settlePair(pairId, winner, atMs);
    const previous = this.settlementOf(pairId);
    const record: SettlementRecord = { winner, atMs, realizedMicros: (previous?.realizedMicros ?? 0) + realizedMicros, detail };
    this.ledger.setMeta(SETTLEMENT_META_PREFIX + pairId, record);
    // The same calls the executor makes after a fill: exposure from the ledger, then the P&L.
    this.breaker.setPairExposure(pairId, this.ledger.pairExposure(pairId));
    this.breaker.recordPnl(realizedMicros);
    this.log.info(
      { pairId, winner, realizedMicros, yesContracts: yes, noContracts: no },
      `settled ${pairId}: market resolved ${winner.toUpperCase()}, ${formatQty(yes)} YES / ${formatQty(no)} NO held, realised ${formatUsd(realizedMicros)}`,
    );
    this.emit('settled', { pairId, winner, realizedMicros, yesContracts: yes, noContracts: no, atMs, detail });
    return true;
  }

  private raise(pairId: string, w: PairWatch, reason: SettlementAlert['reason'], detail: string, atMs: number): void {
    if (w.alerted === reason) return;
    w.alerted = reason;
    const a: SettlementAlert = { pairId, reason, detail, atMs };
    this.openAlerts.set(pairId, a);
    this.log.error({ pairId, reason }, `settlement of ${pairId} needs an operator (${reason}), nothing was settled: ${detail}`);
    this.emit('alert', a);
  }

  private clear(pairId: string): void {
    if (this.openAlerts.delete(pairId)) this.emit('cleared', pairId);
    const w = this.watch.get(pairId);
    if (w) w.alerted = null;
  }

  private forget(pairId: string): void {
    this.clear(pairId);
    this.watch.delete(pairId);
  }
}
