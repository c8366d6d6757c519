// OpsHub: what the operator surfaces (dashboard, heartbeat) show, in one place. ops/wire.ts
// pushes into it from the components' events and installs providers for live state; the HTTP
// server streams every push to browsers (SSE) and serves snapshots.

import { EventEmitter } from 'node:events';

export interface LegView {
  legId: string;
  role: string;
  action: string;
  platform: string;
  side: string;
  route: string;
  price: string;
  contracts: string;
  status: string;
  filled: string;
  avgPrice: string | null;
  fees: string;
  latencyUs: number | null;
  error: string | null;
}

export interface ExecutionView {
  attemptId: string;
  pairId: string;
  at: number;
  status: string;
  contracts: string;
  legs: LegView[];
  realizedUsd: string | null;
  /** Profit locked in by the matched contracts (payout minus what both legs cost with fees). */
  lockedUsd: string | null;
  note: string | null;
  dryRun: boolean;
}

export interface OpportunityView {
  id: string;
  pairId: string;
  type: string;
  at: number;
  contracts: string;
  costUsd: string;
  feesUsd: string;
  profitUsd: string;
  legs: { platform: string; side: string; price: string }[];
  /** What happened to it: executed, dropped (reason), awaiting confirmation, rejected, expired. */
  outcome: string;
}

export interface PairView {
  id: string;
  description: string;
  tradeable: boolean;
  kalshiAgeMs: number | null;
  polyAgeMs: number | null;
}

export interface BookSideView {
  /** [price, size] best first, as display strings. */
  bids: [string, string][];
  asks: [string, string][];
}

export interface PairBooksView {
  pairId: string;
  description: string;
  kalshi: { yes: BookSideView; no: BookSideView; tradeable: boolean; ageMs: number | null };
  polymarket: { yes: BookSideView; no: BookSideView; tradeable: boolean; ageMs: number | null };
}

export interface BreakerView {
  tripped: boolean;
  killSwitch: boolean;
  reason: string | null;
  exposureUsd: string;
  dailyPnlUsd: string;
  consecutiveErrors: number;
}

export interface TradersView {
  connected: Record<string, number>;
  list: { id: string; venues: string[]; since: number; address?: string | undefined }[];
}

export interface PnlPoint {
  t: number;
  /** Realised P&L plus profit locked in by matched positions (settles to this), dollars. */
  pnlUsd: number;
  realizedUsd: number;
  lockedUsd: number;
  /** Cost basis of open positions, dollars. */
  exposureUsd: number;
}

export interface ConfirmView {
  id: string;
  pairId: string;
  description: string;
  type: string;
  profitUsd: string;
  contracts: string;
  queuedAt: number;
  expiresAt: number;
  detections: number;
}

export interface Providers {
  pairs(): PairView[];
  books(pairId: string): PairBooksView | null;
  breaker(): BreakerView;
  traders(): TradersView;
  stats(): Record<string, unknown>;
}

export interface Actions {
  setKillSwitch(on: boolean, by: string): void;
  approve(id: string): Promise<string>;
  reject(id: string): string;
}

export interface HubEvents {
  push: [kind: string, data: unknown];
}

const KEEP = 200;

function pushRing<T>(arr: T[], v: T, max = KEEP): void {
  arr.push(v);
  if (arr.length > max) arr.splice(0, arr.length - max);
}

export class OpsHub extends EventEmitter<HubEvents> {
  readonly startedAt = Date.now();
  readonly opportunities: OpportunityView[] = [];
  readonly executions: ExecutionView[] = [];
  readonly pnl: PnlPoint[] = [];
  confirm: ConfirmView[] = [];
  providers: Providers | null = null;
  actions: Actions | null = null;
  mode: Record<string, unknown> = {};

  constructor() {
    super();
    this.setMaxListeners(1000);
  }

  pushOpportunity(v: OpportunityView): void {
    pushRing(this.opportunities, v);
    this.emit('push', 'opportunity', v);
  }

  /** Update the outcome of an opportunity already shown. */
  markOpportunity(id: string, outcome: string): void {
    for (let i = this.opportunities.length - 1; i >= 0; i--) {
      const o = this.opportunities[i]!;
      if (o.id === id) {
        o.outcome = outcome;
        this.emit('push', 'opportunity', o);
        return;
      }
    }
  }

  /** Insert or replace an execution by attempt id. */
  upsertExecution(v: ExecutionView): void {
    const i = this.executions.findIndex((e) => e.attemptId === v.attemptId);
    if (i >= 0) this.executions[i] = v;
    else pushRing(this.executions, v);
    this.emit('push', 'execution', v);
  }

  pushPnl(p: PnlPoint): void {
    const last = this.pnl[this.pnl.length - 1];
    if (last && last.pnlUsd === p.pnlUsd && last.exposureUsd === p.exposureUsd && p.t - last.t < 5000) return;
    pushRing(this.pnl, p, 2000);
    this.emit('push', 'pnl', p);
  }

  setConfirm(list: ConfirmView[]): void {
    this.confirm = list;
    this.emit('push', 'confirm', list);
  }

  notify(kind: 'breaker' | 'traders' | 'pairs', data: unknown): void {
    this.emit('push', kind, data);
  }

  snapshot(): Record<string, unknown> {
    const p = this.providers;
    return {
      startedAt: this.startedAt,
      now: Date.now(),
      mode: this.mode,
      pairs: p?.pairs() ?? [],
      breaker: p?.breaker() ?? null,
      traders: p?.traders() ?? { connected: {}, list: [] },
      stats: p?.stats() ?? {},
      opportunities: this.opportunities.slice(-100),
      executions: this.executions.slice(-100),
      pnl: this.pnl,
      confirm: this.confirm,
    };
  }
}
