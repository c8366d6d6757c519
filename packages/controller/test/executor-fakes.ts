// Test doubles for the executor's unit tests: in-memory venues (with an order log, the witness of
// what reached a venue, and look-up by client order id) and a fake trader router. The
// integration tests use the simulator and the real trader server instead.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  VenueError,
  failedResult,
  resolveLeg,
  executeLeg,
  type ErrorKind,
  type LegRequest,
  type LegResult,
  type LegVenueClient,
  type Platform,
  type Qty,
  type VenueOrderReport,
} from '@parity/trading';
import type { RemoteLegRouter } from '../src/traders/router.ts';
import type { Opportunity, ArbType } from '../src/model.ts';
import { parseExecutionConfig, type ExecutionConfig } from '../src/config/execution.ts';
import type { Ledger } from '../src/ledger/ledger.ts';
import type { CircuitBreaker } from '../src/risk/circuit-breaker.ts';
import type { HybridExecutor } from '../src/execution/hybrid-executor.ts';
import { attachExecution } from '../src/execution/attach.ts';
import type { RemoteLegRouter as Router } from '../src/traders/router.ts';

export type Behaviour =
  | { kind: 'reject'; errorKind?: ErrorKind; message?: string }
  /** The request never reaches the venue, and the caller cannot tell (times out). */
  | { kind: 'lost' }
  /** The venue executes the order but the answer is lost (times out). */
  | { kind: 'timeout_after_exec' }
  /** The venue executes the order and answers only after `ms`. */
  | { kind: 'slow'; ms: number }
  /** Polymarket `delayed`: accepted, final only after `lookups` look-ups. */
  | { kind: 'pending'; lookups: number };

export interface OrderLogEntry {
  clientOrderId: string;
  req: LegRequest;
  report: VenueOrderReport;
}

/** An in-memory venue. By default every order fills completely at its limit price. */
export class FakeVenue implements LegVenueClient {
  readonly platform: Platform;
  readonly orders: OrderLogEntry[] = [];
  readonly lookups: string[] = [];
  /** Behaviours applied to the next submits, in order. */
  readonly next: Behaviour[] = [];
  /** How much of an order fills (default: all of it). */
  fill: (req: LegRequest) => Qty = (req) => req.contracts;
  /** When true, look-ups fail as if the venue were unreachable. */
  lookupDown = false;
  private readonly pendingLookups = new Map<string, number>();

  constructor(platform: Platform) {
    this.platform = platform;
  }

  clientOrderIdFor(req: LegRequest): string {
    return `c-${req.legId}`;
  }

  async submitLeg(req: LegRequest): Promise<VenueOrderReport> {
    const b = this.next.shift();
    if (b?.kind === 'reject') throw new VenueError(b.errorKind ?? 'venue', b.message ?? 'rejected by the fake venue', { platform: this.platform });
    if (b?.kind === 'lost') return new Promise(() => {});
    const filled = Math.min(this.fill(req), req.contracts);
    const report: VenueOrderReport = {
      status: filled === req.contracts ? 'filled' : filled > 0 ? 'partial' : 'unfilled',
      filledContracts: filled,
      costMicros: filled * req.price,
      feesMicros: this.platform === 'kalshi' ? filled * 10 : 0,
      venueOrderId: `v-${req.legId}`,
      clientOrderId: this.clientOrderIdFor(req),
    };
    this.orders.push({ clientOrderId: report.clientOrderId, req, report });
    if (b?.kind === 'timeout_after_exec') return new Promise(() => {});
    if (b?.kind === 'slow') await new Promise((r) => setTimeout(r, b.ms));
    if (b?.kind === 'pending') {
      this.pendingLookups.set(report.clientOrderId, b.lookups);
      return { ...report, status: 'pending', filledContracts: 0, costMicros: 0, feesMicros: 0 };
    }
    return report;
  }

  async lookupLeg(req: LegRequest): Promise<VenueOrderReport | null> {
    const id = this.clientOrderIdFor(req);
    if (this.lookupDown) throw new VenueError('network', 'venue unreachable (fake)', { platform: this.platform });
    this.lookups.push(id);
    const o = this.orders.find((x) => x.clientOrderId === id);
    if (!o) return null;
    const left = this.pendingLookups.get(id) ?? 0;
    if (left > 0) {
      this.pendingLookups.set(id, left - 1);
      return { ...o.report, status: 'pending', filledContracts: 0, costMicros: 0, feesMicros: 0 };
    }
    return o.report;
  }

  /** Orders that reached the venue, as "buy yes 10.00 @ 0.4000" strings. */
  log(): string[] {
    return this.orders.map((o) => `${o.req.action} ${o.req.side} ${o.req.contracts} @ ${o.req.price}`);
  }
}

type TraderMode = 'ok' | 'vanish_before_exec' | 'vanish_after_exec';

/** Remote traders, one per venue, each trading on a FakeVenue with executeLeg like a real trader. */
export class FakeRouter implements RemoteLegRouter {
  readonly sent: LegRequest[] = [];
  private readonly traders = new Map<Platform, { venue: FakeVenue; connected: boolean; mode: TraderMode }>();
  /** Override isConnected answers (e.g. flip between phase 1 and phase 2). */
  connectedHook: ((p: Platform, n: number) => boolean) | null = null;
  private calls = 0;

  connect(p: Platform, venue: FakeVenue, mode: TraderMode = 'ok'): void {
    this.traders.set(p, { venue, connected: true, mode });
  }

  disconnect(p: Platform): void {
    const t = this.traders.get(p);
    if (t) t.connected = false;
  }

  setMode(p: Platform, mode: TraderMode): void {
    this.traders.get(p)!.mode = mode;
  }

  isConnected(p: Platform): boolean {
    const real = this.traders.get(p)?.connected ?? false;
    return this.connectedHook ? this.connectedHook(p, this.calls++) && real : real;
  }

  async sendLeg(req: LegRequest, _o: { deadlineMs: number }): Promise<LegResult> {
    const t = this.traders.get(req.platform);
    if (!t?.connected) return failedResult(req, 'no trader', 'timeout', 0);
    this.sent.push(req);
    if (t.mode === 'vanish_before_exec') {
      t.connected = false;
      return failedResult(req, 'trader disconnected', 'timeout', 0);
    }
    const r = await executeLeg(req, { [req.platform]: t.venue }, { dryRun: false });
    if (t.mode === 'vanish_after_exec') {
      t.connected = false;
      return failedResult(req, 'trader disconnected', 'timeout', 0);
    }
    return r;
  }

  async lookupLeg(req: LegRequest, _o: { deadlineMs: number }): Promise<LegResult> {
    const t = this.traders.get(req.platform);
    if (!t?.connected) return failedResult(req, 'no trader', 'timeout', 0);
    return resolveLeg(req, { [req.platform]: t.venue });
  }

  connectedCount(p: Platform): number {
    return this.traders.get(p)?.connected ? 1 : 0;
  }
}

let oppSeq = 0;

/** An opportunity of `type` on pair `pairId`: YES at yesPx, NO at noPx, `qty` contracts (Qty). */
export function makeOpp(pairId: string, type: ArbType, yesPx: number, noPx: number, qty = 1000): Opportunity {
  const yesPlatform: Platform = type === 'poly_yes_kalshi_no' || type === 'poly_only' ? 'polymarket' : 'kalshi';
  const noPlatform: Platform = type === 'kalshi_yes_poly_no' || type === 'poly_only' ? 'polymarket' : 'kalshi';
  const leg = (platform: Platform, side: 'yes' | 'no', price: number) => ({
    platform, side, price, contracts: qty,
    kalshiTicker: platform === 'kalshi' ? `KX-${pairId}` : undefined,
    polyToken: platform === 'polymarket' ? `tok-${side}-${pairId}` : undefined,
    costMicros: price * qty, feesMicros: platform === 'kalshi' ? qty * 10 : 0,
  });
  const legs: Opportunity['legs'] = [leg(yesPlatform, 'yes', yesPx), leg(noPlatform, 'no', noPx)];
  const cost = legs[0].costMicros + legs[1].costMicros;
  const fees = legs[0].feesMicros + legs[1].feesMicros;
  return {
    id: `opp-${++oppSeq}`, pairId, type, contracts: qty, legs, totalCostMicros: cost + fees, feesMicros: fees,
    expectedProfitMicros: qty * 10_000 - cost - fees, detectedAtMs: Date.now(), bookAgeMs: { kalshi: 0, polymarket: 0 },
  };
}

export interface Rig {
  exec: HybridExecutor;
  ledger: Ledger;
  breaker: CircuitBreaker;
  cfg: ExecutionConfig;
  dbPath: string;
  /** Start-up reconciliation finished. */
  ready: Promise<void>;
  done: () => Promise<void>;
}

/** attachExecution on a real SQLite file in a temp dir (or `dbPath`), fake venues and router. */
export async function rig(opts: {
  env?: Record<string, string>;
  router?: Router | null;
  kalshi?: FakeVenue | null;
  polymarket?: FakeVenue | null;
  dbPath?: string;
  /** Wait for start-up reconciliation before returning (default true). */
  waitReady?: boolean;
}): Promise<Rig> {
  const dir = opts.dbPath ? null : mkdtempSync(join(tmpdir(), 'parity-exec-'));
  const dbPath = opts.dbPath ?? join(dir!, 'parity.db');
  const cfg = parseExecutionConfig({
    DRY_RUN: 'off', LEG_TIMEOUT_MS: '200', LEG_LOOKUP_MAX_BACKOFF_MS: '40', LEG_NOT_FOUND_GRACE_MS: '300',
    UNWIND_STEP_DELAY_MS: '1', PARITY_DB: dbPath, ...opts.env,
  });
  const clients = { kalshi: opts.kalshi ?? null, polymarket: opts.polymarket ?? null };
  const h = attachExecution({ config: cfg, router: opts.router ?? null, clients });
  if (opts.waitReady !== false) await h.ready;
  return {
    exec: h.executor, ledger: h.ledger, breaker: h.breaker, cfg, dbPath, ready: h.ready,
    done: async () => {
      await h.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Poll until `cond` holds (or fail after `ms`). */
export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
