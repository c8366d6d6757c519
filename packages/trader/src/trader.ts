// The remote trader: executes the controller's legs through the same executeLeg the controller
// uses, but on its own terms.
//
// - Idempotent: a leg id is executed at most once, ever (LegStore); a repeat gets the stored result.
//   A leg first heard of through a lookup is recorded too, so a late execute_leg never runs it.
// - Self-limiting: venues served, contracts and notional per leg, notional per day and the price
//   range are checked before anything reaches a venue; a refusal comes back as a leg_result.
// - Dry run when its own DRY_RUN or the controller's init says so.
// - Legs run concurrently; the heartbeat never waits for a leg (the link runs it).
// - Results that finished while the link was down are delivered after re-registering, until the
//   controller acknowledges them.

import { EventEmitter } from 'node:events';
import {
  emptyResult,
  executeLeg,
  failedResult,
  logger,
  notional,
  resolveLeg,
  type ExecutionClients,
  type LegRequest,
  type LegResult,
  type Micros,
  type Platform,
} from '@parity/trading';
import { legFromWire, resultToWire, type Init, type Register } from '@parity/protocol';
import type { TraderConfig } from './config.ts';
import { checkDaily, checkLeg, utcDay, type Refusal } from './limits.ts';
import { ControllerLink, type LegMessage } from './link.ts';
import type { LegStore, StoredLeg } from './store.ts';
import type { UnusableVenue } from './venues.ts';

const log = logger.child({ mod: 'trader' });

const CHECKPOINT_EVERY_MS = 1000;
/** Checkpoint once no leg has run for this long... */
const CHECKPOINT_IDLE_MS = 250;
/** ...or anyway when this old or the WAL this big (a busy trader is never idle). */
const CHECKPOINT_OVERDUE_MS = 60_000;
const CHECKPOINT_WAL_BYTES = 256 * 1024 * 1024;

export interface TraderDeps {
  config: TraderConfig;
  clients: ExecutionClients;
  /** Venues this trader serves (after the credential check). */
  served: Platform[];
  unusable?: UnusableVenue[];
  store: LegStore;
}

export interface TraderEvents {
  registered: [Platform[]];
  /** A leg answered (repeat: the stored result of a leg seen before). */
  leg: [{ result: LegResult; repeat: boolean }];
  down: [string];
  stopped: [];
}

/** What a finished leg counts against the daily budget. */
function countedNotional(r: LegResult, requested: Micros): Micros {
  switch (r.status) {
    case 'filled':
    case 'partial':
      return Math.abs(r.costMicros);
    case 'unknown':
    case 'pending':
    case 'dry_run':
      return requested;
    default:
      return 0;
  }
}

export class Trader extends EventEmitter<TraderEvents> {
  private readonly link: ControllerLink;
  private readonly inflight = new Map<string, Promise<LegResult>>();
  /** execute_leg messages being handled, up to their result being sent (stop waits for them). */
  private readonly handling = new Set<Promise<void>>();
  private readonly awaitingAck = new Set<string>();
  /** Acknowledged leg ids not yet marked in the store (written in batches, off the leg path). */
  private ackedUnwritten: string[] = [];
  private ackFlush: NodeJS.Timeout | null = null;
  /** Legs whose result could not be written: never delivered from memory, resolved at next start. */
  private readonly unpersisted = new Set<string>();
  private controllerDryRun = true;
  private stopping = false;
  private stopPromise: Promise<void> | null = null;
  private oneShotLeg: string | null = null;
  private oneShotResult: LegResult | null = null;
  private exitCode = 0;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private lastCheckpointMs = Date.now();
  private lastLegAtMs = 0;
  private resolveDone!: (code: number) => void;
  /** Resolves with the process exit code once the trader has stopped. */
  readonly done: Promise<number> = new Promise((r) => (this.resolveDone = r));

  constructor(private readonly d: TraderDeps) {
    super();
    this.link = new ControllerLink({
      url: d.config.url,
      secret: d.config.secret,
      traderId: d.config.traderId,
      reconnectBaseMs: d.config.reconnectBaseMs,
      reconnectMaxMs: d.config.reconnectMaxMs,
      hooks: {
        onInit: (init) => this.onInit(init),
        onReady: (venues) => this.onReady(venues),
        onMessage: (msg) => this.onMessage(msg),
        onDown: (reason) => this.emit('down', reason),
      },
    });
  }

  /** The dry-run flag legs run with now: the trader's own DRY_RUN or the controller's. */
  get dryRun(): boolean {
    return this.d.config.dryRun || this.controllerDryRun;
  }

  get connected(): boolean {
    return this.link.ready;
  }

  /** Resolve legs cut off by a previous crash, then connect. */
  async start(): Promise<void> {
    await this.recover();
    this.checkpointTimer = setInterval(() => this.maybeCheckpoint(), CHECKPOINT_EVERY_MS);
    this.checkpointTimer.unref();
    this.link.start();
  }

  /** WAL checkpoint (it fsyncs, blocking) while no leg is running, so no leg waits on it. */
  private maybeCheckpoint(): void {
    const now = Date.now();
    const idle = this.inflight.size === 0 && now - this.lastLegAtMs >= CHECKPOINT_IDLE_MS;
    const overdue = now - this.lastCheckpointMs >= CHECKPOINT_OVERDUE_MS || this.d.store.walBytes() >= CHECKPOINT_WAL_BYTES;
    if (!idle && !overdue) return;
    if (idle && this.d.store.walBytes() === 0) return;
    this.lastCheckpointMs = now;
    try {
      this.d.store.checkpoint();
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'WAL checkpoint failed (retried later)');
    }
  }


  /** Finish in-flight legs, hand their results over if connected, then close. Idempotent. */
  stop(reason = 'stop requested'): Promise<void> {
    if (this.stopPromise) return this.stopPromise;
    this.stopping = true;
    this.stopPromise = (async () => {
      log.info({ reason, inFlight: this.inflight.size }, 'trader stopping: finishing in-flight legs first');
      await Promise.allSettled([...this.inflight.values(), ...this.handling]);
      const until = Date.now() + 2000;
      while (this.awaitingAck.size > 0 && this.link.ready && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await this.link.stop();
      if (this.checkpointTimer) clearInterval(this.checkpointTimer);
      this.flushAcks();
      this.d.store.close();
      log.info('trader stopped');
      this.emit('stopped');
      this.resolveDone(this.exitCode);
    })();
    return this.stopPromise;
  }

  // ---- link hooks ------------------------------------------------------------------------------

  private onInit(init: Init): Omit<Register, 'type' | 'seq'> {
    this.controllerDryRun = init.dry_run;
    const venues = this.d.served.filter((v) => init.config.venues.includes(v));
    log.info({ controllerDryRun: init.dry_run, ownDryRun: this.d.config.dryRun, dryRun: this.dryRun, venues }, 'init from the controller');
    return { venues, dry_run: this.dryRun, unusable: this.d.unusable ?? [] };
  }

  private onReady(venues: Platform[]): void {
    this.emit('registered', venues);
    // Results that finished while disconnected (or were never acknowledged) go out now.
    for (const leg of this.d.store.undelivered()) {
      if (leg.origin !== 'execute' || !leg.result || this.inflight.has(leg.legId)) continue;
      this.deliver(leg.result, true);
    }
  }

  private onMessage(msg: LegMessage): void {
    switch (msg.type) {
      case 'execute_leg': {
        const req = legFromWire(msg.leg);
        const deadlineAtMs = Date.now() + msg.deadline_in_ms;
        if (this.d.config.oneShot && this.oneShotLeg === null) this.oneShotLeg = req.legId;
        const handled = this.execute(req, deadlineAtMs).then(({ result, repeat }) => {
          if (req.legId === this.oneShotLeg) this.oneShotResult = result;
          this.emit('leg', { result, repeat });
          this.deliver(result, false);
        });
        this.handling.add(handled);
        void handled.finally(() => this.handling.delete(handled));
        return;
      }
      case 'lookup_leg': {
        const req = legFromWire(msg.leg);
        void this.lookup(req).then((result) => {
          this.link.send({ type: 'lookup_result', req_id: msg.req_id, result: resultToWire(result) });
        });
        return;
      }
      case 'leg_ack':
        // A lost mark only means one harmless re-delivery after the next reconnect.
        this.ackedUnwritten.push(...msg.leg_ids);
        this.ackFlush ??= setTimeout(() => this.flushAcks(), 50);
        for (const id of msg.leg_ids) this.awaitingAck.delete(id);
        if (this.oneShotLeg !== null && this.oneShotResult !== null && msg.leg_ids.includes(this.oneShotLeg)) {
          this.exitCode = this.oneShotResult.success ? 0 : 1;
          void this.stop('ONE_SHOT: first leg done and acknowledged');
        }
        return;
    }
  }

  private flushAcks(): void {
    if (this.ackFlush) clearTimeout(this.ackFlush);
    this.ackFlush = null;
    const ids = this.ackedUnwritten;
    this.ackedUnwritten = [];
    if (ids.length > 0) this.d.store.markDelivered(ids);
  }

  private deliver(result: LegResult, replay: boolean): void {
    if (this.unpersisted.has(result.legId)) {
      // Not in the store, so never re-delivered: send it once if we can (the controller can look it up).
      if (!replay) this.link.send({ type: 'leg_result', result: resultToWire(result) });
      return;
    }
    if (this.link.send({ type: 'leg_result', result: resultToWire(result), ...(replay ? { replay: true } : {}) })) {
      this.awaitingAck.add(result.legId);
    }
    // Not connected: the result stays undelivered in the store and goes out after re-registering.
  }

  // ---- legs ------------------------------------------------------------------------------------

  /** Execute a leg at most once; any repeat gets the first answer. Never throws. */
  async execute(req: LegRequest, deadlineAtMs: number): Promise<{ result: LegResult; repeat: boolean }> {
    try {
      return await this.executeOnce(req, deadlineAtMs);
    } catch (err) {
      // Only the store throws, and only before the leg is sent: nothing reached a venue.
      const msg = err instanceof Error ? err.message : String(err);
      log.error({ legId: req.legId, err: msg }, 'cannot record the leg: refusing it');
      this.unpersisted.add(req.legId);
      return { result: failedResult(req, `the trader cannot record the leg (${msg}); not executed`, 'refused', 0), repeat: false };
    }
  }

  private async executeOnce(req: LegRequest, deadlineAtMs: number): Promise<{ result: LegResult; repeat: boolean }> {
    const known = this.d.store.get(req.legId);
    if (known) return { result: await this.answerFor(known), repeat: true };

    const nowMs = Date.now();
    const day = utcDay(nowMs);
    const dryRun = this.dryRun;
    const refuse = (r: Refusal): LegResult => failedResult(req, r.reason, r.kind, 0);
    let refusal: Refusal | null = this.stopping ? { kind: 'refused', reason: 'the trader is shutting down' } : checkLeg(req, this.d.config.limits, this.d.served);
    if (!refusal && nowMs > deadlineAtMs) refusal = { kind: 'refused', reason: 'the leg arrived after its deadline; not executed' };
    if (refusal) {
      const result = refuse(refusal);
      this.d.store.insertDone(req, result, { origin: 'execute', dryRun, day, nowMs, delivered: false });
      log.warn({ legId: req.legId, reason: refusal.reason }, 'leg refused');
      return { result, repeat: false };
    }

    const requested = notional(req.price, req.contracts);
    const begun = this.d.store.begin(req, {
      dryRun,
      notional: requested,
      day,
      nowMs,
      checkBudget: (used) => {
        const r = checkDaily(req, used, this.d.config.limits);
        return r ? refuse(r) : null;
      },
    });
    if (begun.outcome === 'exists') return { result: await this.answerFor(begun.leg), repeat: true };
    if (begun.outcome === 'refused') {
      log.warn({ legId: req.legId, reason: begun.result.error }, 'leg refused');
      return { result: begun.result, repeat: false };
    }

    log.debug({ legId: req.legId, platform: req.platform, dryRun }, 'leg recorded as started; sending it');
    this.lastLegAtMs = Date.now();
    const run = executeLeg(req, this.d.clients, { dryRun });
    // The result goes to the controller first and is recorded right after, off the round trip: a
    // crash in between leaves the leg "started", which the next start resolves at the venue.
    const recorded = run.then(
      (result) =>
        new Promise<LegResult>((resolve) =>
          setImmediate(() => {
            this.persist(req.legId, result, countedNotional(result, requested));
            this.lastLegAtMs = Date.now();
            this.inflight.delete(req.legId);
            log.info(
              { legId: req.legId, platform: req.platform, status: result.status, filled: result.filledContracts, latencyUs: result.latencyUs, error: result.error },
              'leg executed',
            );
            resolve(result);
          }),
        ),
    );
    this.inflight.set(req.legId, recorded);
    return { result: await run, repeat: false };
  }


  /** What happened to a leg, for the controller's lookup. Never executes anything; never throws. */
  async lookup(req: LegRequest): Promise<LegResult> {
    try {
      return await this.lookupOnce(req);
    } catch (err) {
      return failedResult(req, `the trader could not look the leg up: ${err instanceof Error ? err.message : String(err)}`, 'unknown', 0);
    }
  }

  private async lookupOnce(req: LegRequest): Promise<LegResult> {
    const known = this.d.store.get(req.legId);
    if (!known) {
      // First heard of through a lookup: record it before anything else so that an execute_leg
      // arriving later is answered with this, never executed.
      const nowMs = Date.now();
      const dryRun = this.dryRun;
      const placeholder = failedResult(req, 'being looked up', 'unknown', 0);
      this.d.store.insertDone(req, placeholder, { origin: 'lookup', dryRun, day: utcDay(nowMs), nowMs, delivered: true });
      const result = dryRun ? this.neverHere(req) : await this.venueLookup(req);
      this.d.store.replaceResult(req.legId, result);
      return result;
    }
    if (known.state === 'started' || !known.result) return this.answerFor(known);
    const stored = known.result;
    if ((stored.status === 'unknown' || stored.status === 'pending') && !known.dryRun) {
      const fresh = await this.venueLookup(req);
      if (fresh.status !== 'unknown') this.d.store.replaceResult(req.legId, fresh);
      return fresh;
    }
    return stored;
  }

  /** The answer for a leg already in the store: its result, its in-flight run, or a venue lookup. */
  private async answerFor(known: StoredLeg): Promise<LegResult> {
    if (known.state === 'done' && known.result) return known.result;
    const running = this.inflight.get(known.legId);
    if (running) return running;
    return this.resolveStarted(known);
  }

  /** A leg recorded as started whose run is gone (the process died mid-leg): ask the venue. */
  private async resolveStarted(known: StoredLeg): Promise<LegResult> {
    const existing = this.inflight.get(known.legId);
    if (existing) return existing;
    const run = (async () => {
      let result = known.dryRun ? emptyResult(known.req, 'dry_run', 0) : await this.venueLookup(known.req);
      const waitMs = known.startedAtMs + this.d.config.recoveryGraceMs - Date.now();
      if (!known.dryRun && result.status === 'unfilled' && result.venueOrderId === null && waitMs > 0) {
        // Not at the venue (yet): the request of the cut-off run may still be on its way.
        log.warn({ legId: known.legId, waitMs }, 'cut-off leg not found at the venue yet; looking again once its request cannot be in flight any more');
        await new Promise((r) => setTimeout(r, waitMs));
        result = await this.venueLookup(known.req);
      }
      this.persist(known.legId, result, countedNotional(result, known.notionalMicros));
      return result;
    })();
    this.inflight.set(known.legId, run);
    try {
      return await run;
    } finally {
      this.inflight.delete(known.legId);
    }
  }

  private async recover(): Promise<void> {
    const cut = this.d.store.unfinished();
    if (cut.length === 0) return;
    log.warn({ legs: cut.map((l) => l.legId) }, `resolving ${cut.length} leg(s) cut off by the last shutdown before connecting`);
    for (const leg of cut) {
      const r = await this.resolveStarted(leg);
      log.warn({ legId: leg.legId, status: r.status, filled: r.filledContracts, error: r.error }, 'recovered leg');
    }
  }

  private async venueLookup(req: LegRequest): Promise<LegResult> {
    const r = await resolveLeg(req, this.d.clients);
    // Without a client this trader cannot tell: that is unknown, not rejected.
    return r.errorKind === 'no_client' ? { ...r, status: 'unknown' } : r;
  }

  private neverHere(req: LegRequest): LegResult {
    return { ...emptyResult(req, 'unfilled', 0), error: 'this trader never received the leg (dry run): it was not executed here' };
  }

  private persist(legId: string, result: LegResult, counted: Micros): void {
    try {
      this.d.store.finish(legId, result, counted);
    } catch (err) {
      this.unpersisted.add(legId);
      // The leg stays "started" and is resolved at the venue on the next start.
      log.error({ legId, err: err instanceof Error ? err.message : String(err) }, 'could not record a leg result');
    }
  }
}
