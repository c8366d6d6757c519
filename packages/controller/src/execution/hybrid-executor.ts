// HybridExecutor: turns an opportunity into orders, with the seed's routing semantics and the
// fixes the reference lacked (spec §3, §8 W6-W9, W14-W16, W24, W27-W29).
//
//   submit(opp)   synchronous checks -> phase 1 (every leg has a path, else drop: NO leg is sent)
//                 -> phase 2 (route each leg: remote trader if connected, else local) -> ledger
//                 intents -> both legs sent concurrently -> returns the attempt id
//   in background each leg is driven to a final result (deadline, then look-ups by client order
//                 id with back-off; never assumed filled or unfilled), fills go to the ledger and
//                 the breaker, a mismatch is unwound, and only then is the pair released.
//   start()       reconciles every unfinished attempt in the ledger with the venues first.

import { EventEmitter } from 'node:events';
import {
  formatPx,
  formatQty,
  formatUsd,
  logger as rootLogger,
  validateLeg,
  type ExecutionClients,
  type LegRequest,
  type LegResult,
  type Logger,
  type Micros,
  type OutcomeSide,
  type Platform,
  type Px,
  type Qty,
} from '@parity/trading';
import { isPolyTradeReader, type PolyTradeReader } from '@parity/trading/polymarket/trades.ts';
import type { Opportunity } from '../model.ts';
import type { ExecutionConfig } from '../config/execution.ts';
import type { RemoteLegRouter } from '../traders/router.ts';
import { isFinalStatus, legRequestOf, type AttemptRow, type AttemptStatus, type Ledger, type LegRole, type LegRow, type Route } from '../ledger/ledger.ts';
import type { CircuitBreaker } from '../risk/circuit-breaker.ts';
import { arbLegId, newAttemptId } from './ids.ts';
import { followPolySettlement, type PolySettlementEvent } from './poly-settlement.ts';
import { LegRouting, isNotFound, type SentLeg } from './routing.ts';
import { unwindExcess } from './unwind.ts';

export type DropReason =
  | 'closed'
  | 'reconciling' // start-up reconciliation not finished
  | 'in_flight' // the pair already has an attempt in flight
  | 'halted' // breaker tripped or kill switch
  | 'blacklisted'
  | 'exposure' // exposure limit leaves less than CB_MIN_CONTRACTS
  | 'too_small' // after capping, a Polymarket leg is under its $1 minimum
  | 'invalid' // a leg could not be sent (bad price, missing ticker/token)
  | 'no_path' // a leg has neither a connected trader nor local authorization
  | 'ledger'; // the intent could not be written: nothing is sent without it

export interface DropEvent {
  opportunityId: string;
  pairId: string;
  reason: DropReason;
  detail: string;
}

export interface AttemptLegInfo {
  legId: string;
  platform: Platform;
  side: OutcomeSide;
  route: Route;
  price: Px;
  contracts: Qty;
}

export interface AttemptEvent {
  attemptId: string;
  opportunityId: string;
  pairId: string;
  contracts: Qty;
  legs: AttemptLegInfo[];
  dryRun: boolean;
}

export interface LegEvent {
  attemptId: string;
  pairId: string;
  role: LegRole;
  route: Route;
  result: LegResult;
}

export interface ResolvedEvent {
  attemptId: string;
  pairId: string;
  status: Exclude<AttemptStatus, 'open'>;
  /** Contracts held on both sides (locked in). */
  matched: Qty;
  unwoundContracts: Qty;
  /** Excess left open after unwinding down to the floor. */
  remainingContracts: Qty;
  realizedMicros: Micros;
  note: string | null;
}

export interface ExecutorEvents {
  dropped: [DropEvent];
  attempt: [AttemptEvent];
  leg: [LegEvent];
  resolved: [ResolvedEvent];
  /** A Polymarket leg's trades reached CONFIRMED or FAILED, or were given up on. */
  settlement: [PolySettlementEvent];
  ready: [];
}

export interface ExecutorStats {
  ready: boolean;
  submitted: number;
  attempts: number;
  dropped: Record<DropReason, number>;
  resolved: Record<Exclude<AttemptStatus, 'open'>, number>;
  inFlightPairs: string[];
  /** Polymarket legs whose trades were followed to the end (spec polymarket.md §8.2). */
  polySettlement: Record<PolySettlementEvent['outcome'], number>;
}

export interface ExecutorOptions {
  config: ExecutionConfig;
  router: RemoteLegRouter | null;
  /** Venue clients for the platforms in CONTROLLER_PLATFORMS (others are never used locally). */
  clients: ExecutionClients;
  ledger: Ledger;
  breaker: CircuitBreaker;
  /** The venue's price step for an instrument (unwind step-down); default UNWIND_TICK. */
  tickFor?: ((platform: Platform, instrument: string) => Px | undefined) | undefined;
  now?: (() => number) | undefined;
  log?: Logger | undefined;
}

/** Polymarket's minimum order value for a marketable order ($1). */
const POLY_MIN_NOTIONAL_MICROS = 1_000_000;
const NO_PATH_WARN_EVERY_MS = 10_000;
const FIRST_LOOKUP_DELAY_MS = 50;
/** After the orders are written, how long the rest of an attempt's set-up waits (out of the window in
 *  which the venues take the orders; answers wait in their promises meanwhile). */
const FOLLOW_DELAY_MS = 5;

const DROP_REASONS: readonly DropReason[] = ['closed', 'reconciling', 'in_flight', 'halted', 'blacklisted', 'exposure', 'too_small', 'invalid', 'no_path', 'ledger'];

export class HybridExecutor extends EventEmitter<ExecutorEvents> {
  readonly routing: LegRouting;
  private readonly cfg: ExecutionConfig;
  private readonly ledger: Ledger;
  private readonly breaker: CircuitBreaker;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly tickFor: ExecutorOptions['tickFor'];
  private readonly abort = new AbortController();
  /** pair id -> attempt id: at most one attempt in flight per pair, released when resolved. */
  private readonly inFlight = new Map<string, string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly lastNoPathWarn = new Map<string, number>();
  private readyFlag = false;
  private closed = false;
  private readonly counters = {
    submitted: 0,
    attempts: 0,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    resolved: { filled: 0, nothing: 0, unwound: 0, exposed: 0, dry_run: 0 } as Record<Exclude<AttemptStatus, 'open'>, number>,
    polySettlement: { confirmed: 0, failed: 0, gave_up: 0 } as Record<PolySettlementEvent['outcome'], number>,
  };
  /** Reads a local Polymarket order's trades; null when the local client cannot (or there is none). */
  private readonly polyTrades: PolyTradeReader | null;

  constructor(o: ExecutorOptions) {
    super();
    this.cfg = o.config;
    this.ledger = o.ledger;
    this.breaker = o.breaker;
    this.now = o.now ?? Date.now;
    this.log = o.log ?? rootLogger.child({ mod: 'executor' });
    this.tickFor = o.tickFor;
    this.polyTrades = isPolyTradeReader(o.clients.polymarket) ? o.clients.polymarket : null;
    this.routing = new LegRouting({
      router: o.router,
      localPlatforms: o.config.localPlatforms,
      clients: o.clients,
      dryRun: o.config.dryRun,
      legTimeoutMs: o.config.legTimeoutMs,
    });
  }

  get ready(): boolean {
    return this.readyFlag;
  }

  /**
   * Reconcile every attempt the ledger left unfinished (a crash, a shutdown mid-leg) with the
   * venues, unwinding what needs it, then accept new opportunities. Resolves when ready.
   */
  async start(): Promise<void> {
    const open = this.ledger.openAttempts();
    if (open.length > 0) {
      const legs = this.ledger.unfinishedLegs().length;
      this.log.warn(`reconciling ${open.length} unfinished attempt(s) (${legs} leg(s) without a final result) with the venues before trading`);
      await Promise.all(open.map((a) => this.track(a.id, this.resume(a))));
      if (this.closed) return;
      this.log.info('reconciliation done');
    }
    this.readyFlag = true;
    this.emit('ready');
  }

  /**
   * Take an opportunity. Returns the attempt id when legs were sent, null when it was dropped
   * (the 'dropped' event says why). Everything up to the sends happens synchronously.
   */
  submit(opp: Opportunity): string | null {
    this.counters.submitted++;
    if (this.closed) return this.drop(opp, 'closed', 'executor is shut down');
    if (!this.readyFlag) return this.drop(opp, 'reconciling', 'start-up reconciliation has not finished');
    const pairId = opp.pairId;
    if (this.inFlight.has(pairId)) return this.drop(opp, 'in_flight', `attempt ${this.inFlight.get(pairId)} is still in flight`);
    const halt = this.breaker.haltReason();
    if (halt) return this.drop(opp, 'halted', halt);
    if (this.breaker.isBlacklisted(pairId)) return this.drop(opp, 'blacklisted', 'pair blacklisted after repeated mismatched fills');

    // Sizing: the exposure cap may shrink the opportunity (whole contracts), never grow it.
    let qty = opp.contracts;
    let capped = false;
    if (this.breaker.enabled) {
      const cap = this.breaker.capacityMicros(pairId);
      if (opp.totalCostMicros > cap) {
        const perQty = Math.ceil(opp.totalCostMicros / opp.contracts);
        qty = Math.floor(Math.floor(cap / perQty) / 100) * 100;
        capped = true;
      }
      if (qty < this.cfg.breaker.minContracts * 100) {
        return this.drop(opp, 'exposure', `exposure limits leave ${formatQty(Math.max(qty, 0))} contracts, below CB_MIN_CONTRACTS=${this.cfg.breaker.minContracts}`);
      }
    }
    if (capped) {
      for (const l of opp.legs) {
        if (l.platform === 'polymarket' && l.price * qty < POLY_MIN_NOTIONAL_MICROS) {
          return this.drop(opp, 'too_small', `capped to ${formatQty(qty)} contracts, the Polymarket leg is under its $1 minimum`);
        }
      }
    }
    const scale = (m: Micros): Micros => (qty === opp.contracts ? m : Math.floor((m * qty) / opp.contracts));
    const cost = scale(opp.totalCostMicros);
    const verdict = this.breaker.canOpen(pairId, cost);
    if (!verdict.ok) return this.drop(opp, /blacklisted/.test(verdict.reason) ? 'blacklisted' : 'exposure', verdict.reason);

    // Build the legs: fresh unique ids, created now (the Polymarket order hash depends on it).
    const createdAtMs = this.now();
    const attemptId = newAttemptId(createdAtMs);
    const reqs: LegRequest[] = [];
    for (const l of opp.legs) {
      const req: LegRequest = {
        legId: arbLegId(attemptId, l.side),
        platform: l.platform,
        action: 'buy',
        side: l.side,
        price: l.price,
        contracts: qty,
        createdAtMs,
        timeInForce: 'ioc',
      };
      if (l.platform === 'kalshi') req.kalshiTicker = l.kalshiTicker;
      else req.polyToken = l.polyToken;
      const bad = validateLeg(req);
      if (bad) return this.drop(opp, 'invalid', `${l.platform} ${l.side} leg: ${bad}`);
      reqs.push(req);
    }
    if (reqs.length !== 2 || reqs[0]!.side === reqs[1]!.side) return this.drop(opp, 'invalid', 'an opportunity needs one YES leg and one NO leg');

    // Phase 1: every leg needs a path, or the whole opportunity is dropped and nothing is sent.
    for (const r of reqs) {
      if (!this.routing.remoteConnected(r.platform) && !this.routing.isLocal(r.platform)) {
        return this.drop(opp, 'no_path', `no ${r.platform} trader connected and ${r.platform} is not in CONTROLLER_PLATFORMS`);
      }
    }
    // Phase 2: route each leg (remote trader preferred). Every route is settled before anything
    // is sent, so a trader vanishing in between drops the arb instead of sending half of it, and
    // a leg never falls back to local execution the venue is not authorized for (W9).
    const routes: Route[] = [];
    for (const r of reqs) {
      const route = this.routing.routeFor(r.platform);
      if (!route) return this.drop(opp, 'no_path', `the ${r.platform} trader disconnected before the legs were sent`);
      routes.push(route);
    }

    // Intents first, durably (one journal row): a leg the ledger does not know about is never sent.
    try {
      this.ledger.journalAttempt(
        {
          id: attemptId, opportunityId: opp.id, pairId, arbType: opp.type, contracts: qty, expectedCostMicros: cost,
          expectedFeesMicros: scale(opp.feesMicros), expectedProfitMicros: scale(opp.expectedProfitMicros),
          detectedAtMs: opp.detectedAtMs, createdAtMs, dryRun: this.cfg.dryRun,
        },
        reqs.map((req, i) => ({ attemptId, pairId, role: 'arb' as const, route: routes[i]!, req })),
      );
    } catch (err) {
      this.log.error({ err }, 'ledger write failed: opportunity not traded');
      this.breaker.recordError(`ledger write failed: ${(err as Error).message}`);
      return this.drop(opp, 'ledger', (err as Error).message);
    }
    this.inFlight.set(pairId, attemptId);
    // Both legs go out now, concurrently; local orders are written before send() returns. The leg
    // that needs no signing (Kalshi: pre-signed auth) first, so it is on the wire while the
    // Polymarket order is being signed.
    const first = reqs[0]!.platform === 'polymarket' && reqs[1]!.platform !== 'polymarket' ? 1 : 0;
    const sent: SentLeg[] = new Array<SentLeg>(2);
    sent[first] = this.routing.send(reqs[first]!, routes[first]!);
    sent[1 - first] = this.routing.send(reqs[1 - first]!, routes[1 - first]!);
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i]!;
      this.breaker.reserve(r.legId, pairId, r.price * r.contracts + scale(opp.legs[i]!.feesMicros));
    }

    this.counters.attempts++;
    // Everything else waits until the orders have had time to reach the venues: the 'attempt'
    // event (dashboard, metrics), the log line, and following the legs (their answers are
    // caught by `sent` meanwhile). Tracked now, so idle()/waitFor() see the attempt at once.
    const follow = (): Promise<void> => {
      const legsInfo = reqs.map((r, i) => ({ legId: r.legId, platform: r.platform, side: r.side, route: routes[i]!, price: r.price, contracts: r.contracts }));
      if (this.listenerCount('attempt') > 0) {
        this.emit('attempt', { attemptId, opportunityId: opp.id, pairId, contracts: qty, legs: legsInfo, dryRun: this.cfg.dryRun });
      }
      this.log.info(
        { attemptId, pairId, legs: legsInfo.map((l) => `${l.platform}:${l.side}@${formatPx(l.price)}:${l.route}`) },
        `${this.cfg.dryRun ? 'DRY RUN ' : ''}executing ${opp.type} x${formatQty(qty)}, expected profit ${formatUsd(scale(opp.expectedProfitMicros))}`,
      );
      return this.runAttempt(attemptId, pairId, reqs, routes, sent);
    };
    this.track(attemptId, new Promise<void>((resolve) => setTimeout(resolve, FOLLOW_DELAY_MS)).then(follow));
    return attemptId;
  }

  /** Resolves when nothing is in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Resolves when this attempt is resolved (or the executor stops). */
  async waitFor(attemptId: string): Promise<void> {
    await this.running.get(attemptId);
  }

  inFlightPairs(): string[] {
    return [...this.inFlight.keys()];
  }

  stats(): ExecutorStats {
    return {
      ready: this.readyFlag,
      submitted: this.counters.submitted,
      attempts: this.counters.attempts,
      dropped: { ...this.counters.dropped },
      resolved: { ...this.counters.resolved },
      inFlightPairs: this.inFlightPairs(),
      polySettlement: { ...this.counters.polySettlement },
    };
  }

  /**
   * A pair's market resolved: realise P&L, free its exposure in the breaker.
   * (Call from whatever learns of settlements; nothing detects them automatically yet.)
   */
  settlePair(pairId: string, winner: OutcomeSide): Micros {
    const realized = this.ledger.settlePair(pairId, winner, this.now());
    this.breaker.setPairExposure(pairId, this.ledger.pairExposure(pairId));
    this.breaker.recordPnl(realized);
    return realized;
  }

  /**
   * Stop: new opportunities are dropped, back-off waits end, and unfinished attempts are left
   * open in the ledger for the next start to reconcile. Waits for in-flight sends to return.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await this.idle();
  }

  // ---- attempt lifecycle --------------------------------------------------------------------

  private track(attemptId: string, p: Promise<void>): Promise<void> {
    const tracked = p.catch((err: unknown) => {
      // Unexpected (e.g. the ledger failed mid-attempt): keep the pair blocked, count an error;
      // the attempt stays open in the ledger and is reconciled at the next start.
      this.log.error({ err, attemptId }, 'attempt failed unexpectedly; its pair stays blocked until restart');
      this.breaker.recordError(`internal error in attempt ${attemptId}: ${(err as Error)?.message}`);
    }).finally(() => this.running.delete(attemptId));
    this.running.set(attemptId, tracked);
    return tracked;
  }

  private async runAttempt(attemptId: string, pairId: string, reqs: LegRequest[], routes: Route[], sent: SentLeg[]): Promise<void> {
    const results = await Promise.all(reqs.map((r, i) => this.driveLeg(attemptId, pairId, 'arb', r, routes[i]!, sent[i]!, this.cfg.dryRun)));
    if (results.some((r) => r === null)) return this.releaseIfStopped(pairId, attemptId);
    await this.settleAttempt(attemptId, pairId);
  }

  /** An attempt left open by a crash: look its legs up, then settle (and unwind) it. */
  private async resume(a: AttemptRow): Promise<void> {
    this.inFlight.set(a.pairId, a.id);
    const open = this.ledger.legsOf(a.id).filter((l) => !l.final);
    for (const l of open) if (l.action === 'buy') this.breaker.reserve(l.legId, a.pairId, l.price * l.contracts);
    const results = await Promise.all(open.map((l) => this.driveLeg(a.id, a.pairId, l.role, legRequestOf(l), l.route, null, a.dryRun)));
    if (results.some((r) => r === null)) return this.releaseIfStopped(a.pairId, a.id);
    await this.settleAttempt(a.id, a.pairId);
  }

  private releaseIfStopped(pairId: string, attemptId: string): void {
    if (this.inFlight.get(pairId) === attemptId) this.inFlight.delete(pairId);
  }

  /**
   * Drive one leg to a final result: the send's answer if final, else look-ups by client order id
   * with back-off until the venue says what happened. Each answer goes to the ledger; the final
   * one updates the breaker. Returns null only when the executor stops first.
   */
  private async driveLeg(
    attemptId: string,
    pairId: string,
    role: LegRole,
    req: LegRequest,
    route: Route,
    sent: SentLeg | null,
    dryRun: boolean,
  ): Promise<LegResult | null> {
    let res: LegResult | null = null;
    let late: LegResult | null = null;
    if (sent) {
      sent.late?.then((r) => {
        if (isFinalStatus(r.status)) late = r;
      });
      res = await sent.result;
      this.record(req, res, 'send', route);
    }
    let delay = FIRST_LOOKUP_DELAY_MS;
    let alerted = false;
    while (res === null || !isFinalStatus(res.status)) {
      if (dryRun) {
        // A dry-run attempt never placed an order (traders run dry too): nothing to look up.
        res = { ...(res ?? unknownPlaceholder(req)), status: 'dry_run', success: false };
        this.record(req, res, 'lookup', route);
        break;
      }
      if (!(await this.pause(delay))) return null;
      delay = Math.min(delay * 2, this.cfg.lookupMaxBackoffMs);
      if (late) {
        res = late;
        this.record(req, res, 'send', route);
        break;
      }
      const found = await this.routing.lookup(req);
      const age = this.now() - (req.createdAtMs ?? 0);
      if (isNotFound(found) && age < this.cfg.notFoundGraceMs) {
        // Not visible yet; the order may still be on its way. Keep looking until the grace ends.
      } else {
        res = found;
        this.record(req, res, 'lookup', route);
      }
      if (!alerted && !isFinalStatus(res?.status ?? 'unknown') && age > this.cfg.unresolvedAlertMs) {
        alerted = true;
        this.log.error({ attemptId, legId: req.legId, last: res?.error }, `leg ${req.legId} on ${req.platform} still unresolved after ${Math.round(age / 1000)} s; still looking it up`);
        this.breaker.recordError(`leg ${req.legId} unresolved`);
      }
    }
    this.breaker.release(req.legId);
    this.breaker.setPairExposure(pairId, this.ledger.pairExposure(pairId));
    this.emit('leg', { attemptId, pairId, role, route, result: res });
    return res;
  }

  private record(req: LegRequest, res: LegResult, source: 'send' | 'lookup', route: Route): void {
    const eff = this.ledger.recordLegResult(req.legId, res, source, route, this.now());
    if (eff.realizedMicros !== 0) this.breaker.recordPnl(eff.realizedMicros);
    if (eff.conflict) this.log.error({ legId: req.legId, status: res.status, filled: res.filledContracts }, 'a later answer disagrees with the recorded final result; kept the first one, check the venue');
  }

  /**
   * All legs final: compare what each side holds. Equal -> done. Different -> unwind the excess
   * (same routing as any leg). Works from the ledger, so a crash mid-way resumes correctly.
   */
  private async settleAttempt(attemptId: string, pairId: string): Promise<void> {
    // A `matched` Polymarket fill is provisional until its trades are CONFIRMED; FAILED contracts
    // are taken off the ledger first, so the comparison below unwinds what the other leg holds extra.
    const settled = await followPolySettlement(attemptId, pairId, {
      ledger: this.ledger,
      reader: this.polyTrades,
      followMs: this.cfg.polyTradeFollowMs,
      followMaxMs: this.cfg.polyTradeFollowMaxMs,
      now: this.now,
      log: this.log,
      pause: (ms) => this.pause(ms),
      onEvent: (e) => {
        this.counters.polySettlement[e.outcome]++;
        if (e.outcome === 'failed') this.breaker.setPairExposure(pairId, this.ledger.pairExposure(pairId));
        if (e.outcome === 'gave_up') this.breaker.recordError(`Polymarket trades of leg ${e.legId} unsettled after ${Math.round(this.cfg.polyTradeFollowMaxMs / 1000)} s`);
        if (this.listenerCount('settlement') > 0) this.emit('settlement', e);
      },
    });
    // Stopped, or given up on: the attempt stays open (pair blocked) for the next start to follow again.
    if (settled === 'stopped') return this.releaseIfStopped(pairId, attemptId);
    if (settled === 'gave_up') return;
    const legs = this.ledger.legsOf(attemptId);
    const arb = legs.filter((l) => l.role === 'arb');
    const finish = (status: Exclude<AttemptStatus, 'open'>, matched: Qty, note: string | null, unwound = 0, remaining = 0) => {
      this.ledger.finishAttempt(attemptId, status, matched, note, this.now());
      this.counters.resolved[status]++;
      if (this.inFlight.get(pairId) === attemptId) this.inFlight.delete(pairId);
      const realizedMicros = this.ledger.pnlOfAttempt(attemptId).reduce((s, p) => s + p.amountMicros, 0);
      this.emit('resolved', { attemptId, pairId, status, matched, unwoundContracts: unwound, remainingContracts: remaining, realizedMicros, note });
    };
    if (arb.length > 0 && arb.every((l) => l.status === 'dry_run')) return finish('dry_run', 0, null);

    const held = { yes: 0, no: 0 };
    const bought = { yes: 0, no: 0 };
    let unwoundBefore = 0;
    for (const l of legs) {
      if (l.action === 'buy') {
        held[l.side] += l.filledContracts;
        if (l.role === 'arb') bought[l.side] += l.filledContracts;
      } else {
        held[l.side] -= l.filledContracts;
        unwoundBefore += l.filledContracts;
      }
    }
    const matched = Math.min(bought.yes, bought.no);
    const hadUnwind = legs.some((l) => l.role === 'unwind');
    const rejected = arb.filter((l) => l.status === 'rejected');

    if (held.yes === held.no) {
      if (rejected.length > 0) this.breaker.recordError(rejectionText(rejected));
      else if (!hadUnwind && matched > 0) this.breaker.recordSuccess(pairId);
      const status = hadUnwind ? 'unwound' : matched > 0 ? 'filled' : 'nothing';
      const note = rejected.length > 0 ? rejectionText(rejected) : null;
      if (status === 'filled') this.log.info({ attemptId, pairId }, `hedged ${formatQty(matched)} contracts`);
      return finish(status, matched, note, unwoundBefore);
    }

    const side: OutcomeSide = held.yes > held.no ? 'yes' : 'no';
    const excess = Math.abs(held.yes - held.no);
    const over = arb.find((l) => l.side === side && l.action === 'buy' && l.filledContracts > 0) ?? arb.find((l) => l.side === side);
    const detail = `YES filled ${formatQty(bought.yes)}, NO filled ${formatQty(bought.no)}`;
    if (!hadUnwind) {
      this.log.warn({ attemptId, pairId }, `mismatched fills (${detail}): unwinding ${formatQty(excess)} ${side.toUpperCase()}`);
      this.breaker.recordMismatch(pairId, detail);
    }
    if (!over || held[side] <= 0) {
      this.log.error({ attemptId, pairId }, `cannot unwind: no ${side} holding to sell (${detail})`);
      return finish('exposed', matched, `nothing to sell on the ${side} side (${detail})`, unwoundBefore, excess);
    }
    const instrument = over.platform === 'kalshi' ? over.kalshiTicker ?? '' : over.polyToken ?? '';
    const out = await unwindExcess(
      {
        attemptId, pairId, platform: over.platform, side, kalshiTicker: over.kalshiTicker ?? undefined, polyToken: over.polyToken ?? undefined,
        quantity: Math.min(excess, held[side]), startPx: over.avgPrice ?? over.price,
        previousSteps: legs.filter((l) => l.role === 'unwind').length,
      },
      {
        floorPx: this.cfg.unwindFloorPx,
        tickPx: this.tickFor?.(over.platform, instrument) ?? this.cfg.unwindTickPx,
        stepDelayMs: this.cfg.unwindStepDelayMs,
        settlementRetries: this.cfg.unwindSettlementRetries,
        now: this.now,
        log: this.log,
        runLeg: (aid, pid, req) => this.runUnwindLeg(aid, pid, req),
        pause: (ms) => this.pause(ms),
      },
    );
    if (!out.finished) return this.releaseIfStopped(pairId, attemptId);
    const totalUnwound = unwoundBefore + out.sold;
    if (out.remaining > 0) {
      this.breaker.recordError(`exposure remains on ${pairId}`);
      return finish('exposed', matched, `${detail}; ${formatQty(out.remaining)} ${side.toUpperCase()} left open at the floor`, totalUnwound, out.remaining);
    }
    return finish('unwound', matched, detail, totalUnwound);
  }

  /** One unwind order: waits for a path if none (never the breaker), intent, send, resolve. */
  private async runUnwindLeg(attemptId: string, pairId: string, req: LegRequest): Promise<LegResult | null> {
    let route = this.routing.routeFor(req.platform);
    let wait = 100;
    while (!route) {
      this.log.warn({ attemptId }, `unwind waiting for a path to ${req.platform} (no trader connected, not in CONTROLLER_PLATFORMS)`);
      if (!(await this.pause(wait))) return null;
      wait = Math.min(wait * 2, 5000);
      route = this.routing.routeFor(req.platform);
    }
    this.ledger.recordLegIntent({ attemptId, pairId, role: 'unwind', route, req });
    return this.driveLeg(attemptId, pairId, 'unwind', req, route, this.routing.send(req, route), this.cfg.dryRun);
  }

  private pause(ms: number): Promise<boolean> {
    const signal = this.abort.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(t);
        resolve(false);
      };
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private drop(opp: Opportunity, reason: DropReason, detail: string): null {
    this.counters.dropped[reason]++;
    if (reason === 'no_path' || reason === 'ledger' || reason === 'invalid') {
      // Warn, but not on every book update of the same pair.
      const key = `${opp.pairId}|${reason}`;
      const last = this.lastNoPathWarn.get(key) ?? -Infinity;
      const t = this.now();
      if (t - last >= NO_PATH_WARN_EVERY_MS) {
        this.lastNoPathWarn.set(key, t);
        this.log.warn({ pairId: opp.pairId, opportunityId: opp.id }, `dropping ${opp.type} opportunity, no leg sent: ${detail}`);
      }
    } else {
      this.log.debug({ pairId: opp.pairId, reason }, `opportunity skipped: ${detail}`);
    }
    if (this.listenerCount('dropped') > 0) this.emit('dropped', { opportunityId: opp.id, pairId: opp.pairId, reason, detail });
    return null;
  }
}

function rejectionText(legs: LegRow[]): string {
  return legs.map((l) => `${l.platform} ${l.side} rejected: ${l.error ?? l.errorKind ?? 'no reason given'}`).join('; ');
}

function unknownPlaceholder(req: LegRequest): LegResult {
  return {
    legId: req.legId, platform: req.platform, success: false, status: 'unknown', filledContracts: 0, avgPrice: null,
    costMicros: 0, feesMicros: 0, venueOrderId: null, clientOrderId: null, latencyUs: 0, error: null, errorKind: null,
  };
}
