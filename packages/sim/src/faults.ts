// Fault controller: one generic "venue + kind + params" rule list that every venue front-end
// consults. Faults come from the scenario, from SimHandle methods, or from POST /admin/faults.
//
// Rules are either standing (until removed or `durationMs` passes) or counted (`count` uses,
// consumed by take()). A front-end asks `active()` to peek or `take()` to consume one use.
// Action faults (ws_drop) also fire listeners so sockets can be closed right away.

import type { SimClock } from './clock.ts';

export type Venue = 'kalshi' | 'polymarket';
export type FaultVenue = Venue | '*';

/**
 * Known kinds (front-ends may define more, e.g. Polymarket-specific ones, under the same shape):
 * - ws_drop        close every market-data socket of the venue now (action; params none)
 * - ws_freeze      sockets stay open but no data is sent (standing)
 * - seq_gap        Kalshi: skip one `seq` number on the next delta (counted, default 1)
 * - ws_duplicate   send the next data frame twice
 * - ws_reorder     swap the next two data frames
 * - http_429       answer 429 (params.retryAfterSecs: number -> Retry-After header; absent -> none)
 * - http_5xx       answer params.status (default 500)
 * - latency        add params.ms (default 200) before answering HTTP requests
 * - partial_fill   cap the next order's fill at params.ratio (0..1, default 0.5) or params.maxQty (Qty)
 * - reject_order   reject the next order (optionally params.market = market id / ticker / token)
 * - order_delayed, order_unsettled   Polymarket: order left `delayed` / trade matched but not settled
 */
export type FaultKind =
  | 'ws_drop'
  | 'ws_freeze'
  | 'seq_gap'
  | 'ws_duplicate'
  | 'ws_reorder'
  | 'http_429'
  | 'http_5xx'
  | 'latency'
  | 'partial_fill'
  | 'reject_order'
  | 'order_delayed'
  | 'order_unsettled';

export const FAULT_KINDS: readonly FaultKind[] = [
  'ws_drop',
  'ws_freeze',
  'seq_gap',
  'ws_duplicate',
  'ws_reorder',
  'http_429',
  'http_5xx',
  'latency',
  'partial_fill',
  'reject_order',
  'order_delayed',
  'order_unsettled',
];

export interface FaultSpec {
  venue: FaultVenue;
  kind: FaultKind | (string & {});
  /** Restrict to one market: a SimContext market id, Kalshi ticker or Polymarket token id. */
  market?: string;
  /** How many times take() may consume it (absent: unlimited while active). */
  count?: number;
  /** Active for this long (simulated ms) from now (absent: until removed). */
  durationMs?: number;
  params?: Record<string, unknown>;
}

export interface ActiveFault extends FaultSpec {
  id: string;
  /** Uses left, or null for unlimited. */
  remaining: number | null;
  /** Simulated ms when the rule lapses, or null. */
  expiresAt: number | null;
}

export type FaultListener = (event: 'added' | 'removed', fault: ActiveFault) => void;

export class FaultController {
  private rules: ActiveFault[] = [];
  private nextId = 1;
  private readonly listeners = new Set<FaultListener>();

  constructor(private readonly clock: SimClock) {}

  /** Add a rule; validates the shape (admin input goes through here). */
  add(spec: FaultSpec): ActiveFault {
    if (spec.venue !== 'kalshi' && spec.venue !== 'polymarket' && spec.venue !== '*') {
      throw new RangeError(`fault venue must be kalshi, polymarket or *, got ${JSON.stringify(spec.venue)}`);
    }
    if (typeof spec.kind !== 'string' || spec.kind === '') throw new RangeError(`fault kind is required (one of ${FAULT_KINDS.join(', ')})`);
    if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0)) throw new RangeError(`fault count must be a positive integer, got ${spec.count}`);
    if (spec.durationMs !== undefined && !(spec.durationMs > 0)) throw new RangeError(`fault durationMs must be > 0, got ${spec.durationMs}`);
    const f: ActiveFault = {
      ...spec,
      params: spec.params ?? {},
      id: `f${this.nextId++}`,
      remaining: spec.count ?? null,
      expiresAt: spec.durationMs !== undefined ? this.clock.now() + spec.durationMs : null,
    };
    this.rules.push(f);
    for (const l of this.listeners) l('added', f);
    return f;
  }

  remove(id: string): boolean {
    const f = this.rules.find((r) => r.id === id);
    if (!f) return false;
    this.rules = this.rules.filter((r) => r !== f);
    for (const l of this.listeners) l('removed', f);
    return true;
  }

  /** Remove every rule (of one venue, if given). */
  clear(venue?: Venue): void {
    for (const f of [...this.rules]) if (!venue || f.venue === venue || f.venue === '*') this.remove(f.id);
  }

  list(): ActiveFault[] {
    this.expire();
    return this.rules.map((r) => ({ ...r }));
  }

  /** The first matching live rule, without consuming it. `markets` = aliases of the market. */
  active(venue: Venue, kind: string, ...markets: (string | undefined)[]): ActiveFault | undefined {
    if (this.rules.length === 0) return undefined;
    this.expire();
    for (const r of this.rules) {
      if (r.kind !== kind) continue;
      if (r.venue !== '*' && r.venue !== venue) continue;
      if (r.market !== undefined && !markets.includes(r.market)) continue;
      return r;
    }
    return undefined;
  }

  /** Like active(), but consumes one use of a counted rule (removing it at zero). */
  take(venue: Venue, kind: string, ...markets: (string | undefined)[]): ActiveFault | undefined {
    const r = this.active(venue, kind, ...markets);
    if (!r) return undefined;
    if (r.remaining !== null) {
      r.remaining--;
      if (r.remaining <= 0) this.remove(r.id);
    }
    return r;
  }

  /** True when any rule exists (cheap check for hot paths). */
  get any(): boolean {
    return this.rules.length > 0;
  }

  onChange(fn: FaultListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private expire(): void {
    const now = this.clock.now();
    for (const r of [...this.rules]) if (r.expiresAt !== null && r.expiresAt <= now) this.remove(r.id);
  }
}

/** Number param with a default (admin JSON is untyped). */
export function numParam(f: FaultSpec | undefined, name: string, dflt: number): number {
  const v = f?.params?.[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}
