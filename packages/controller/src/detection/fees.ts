// Venue fees as detection needs them, built on the venue formulas in @parity/trading (never a
// copy of them, never a hard-coded zero):
//
//   Kalshi      taker fee of one ORDER = round up to the cent of the fills' fees (per-order
//               accumulator, kalshi.md §7.3); fee type and multiplier per series/event.
//   Polymarket  taker fee per fill (each walked level is a fill against resting orders), rounded
//               up to 5 decimals; rate and exponent per token from the venue (polymarket.md §15).
//
// Two questions detection asks:
//   perContract(px)  conservative fee of one contract at px (screening, marginal depth walk);
//                    cached per price in a table, so the hot path does no BigInt maths.
//   orderFee(...)    the fee the venue charges for one order that filled the walked levels.

import type { Logger, Micros, Platform, Px, Qty } from '@parity/trading';
import { logger as rootLogger, PX_ONE } from '@parity/trading';
import { kalshiTakerFeeMicros, type KalshiFeeParams } from '@parity/trading/kalshi/fees.ts';
import { polyTakerFeeMicros, type PolyFeeParams } from '@parity/trading/polymarket/fees.ts';
import { bumpFeeEpoch } from '@parity/mdcore';

const ONE_CONTRACT: Qty = 100;
const CENT_MICROS = 10_000;

export interface LegFeeModel {
  readonly platform: Platform;
  /** Fee parameters came from the venue (false: a conservative fallback is in use). */
  readonly known: boolean;
  /** Conservative (rounded up) fee of one contract at `px`, micros. */
  perContract(px: Px): Micros;
  /** Fee of one order that filled `qty[i]` at `px[i]` for i < n, micros (= orderTotal(Σ fillFee)). */
  orderFee(px: ArrayLike<number>, qty: ArrayLike<number>, n: number): Micros;
  /** The fee of one fill (one walked level) as it enters the order's total, micros. */
  fillFee(px: Px, qty: Qty): Micros;
  /** An order's fee from the sum of its fills' fillFee, micros. */
  orderTotal(fillFees: Micros): Micros;
}

/** Per-contract fee tables shared by every market with the same parameters (few distinct sets). */
const tables = new Map<string, Int32Array>();

function table(key: string, fill: (px: Px) => Micros): Int32Array {
  let t = tables.get(key);
  if (!t) {
    t = new Int32Array(PX_ONE + 1);
    for (let p = 1; p < PX_ONE; p++) t[p] = fill(p);
    tables.set(key, t);
  }
  return t;
}

export class KalshiLegFee implements LegFeeModel {
  readonly platform = 'kalshi' as const;
  private perPx: Int32Array;
  private readonly fillOpts: { feeType: KalshiFeeParams['feeType']; feeMultiplier: number; rounding: 'centicent' };
  constructor(
    readonly params: KalshiFeeParams,
    readonly known: boolean,
  ) {
    this.fillOpts = { feeType: params.feeType, feeMultiplier: params.feeMultiplier, rounding: 'centicent' };
    // Rounded up like one fill (to $0.0001), so the marginal estimate never undercuts orderFee's increments.
    const opts = this.fillOpts;
    this.perPx = table(`k:${params.feeType}:${params.feeMultiplier}`, (p) => kalshiTakerFeeMicros(p, ONE_CONTRACT, opts));
  }

  perContract(px: Px): Micros {
    return this.perPx[px]!;
  }

  orderFee(px: ArrayLike<number>, qty: ArrayLike<number>, n: number): Micros {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.fillFee(px[i]!, qty[i]!);
    return this.orderTotal(sum);
  }

  /** Each level's fills are rounded up to $0.0001 (§7.3)… */
  fillFee(px: Px, qty: Qty): Micros {
    return kalshiTakerFeeMicros(px, qty, this.fillOpts);
  }

  /** …and the order total is charged to the cent. */
  orderTotal(fillFees: Micros): Micros {
    return Math.ceil(fillFees / CENT_MICROS) * CENT_MICROS;
  }
}

export class PolyLegFee implements LegFeeModel {
  readonly platform = 'polymarket' as const;
  private perPx: Int32Array;
  constructor(
    readonly params: PolyFeeParams,
    readonly known: boolean,
  ) {
    this.perPx = table(`p:${params.ratePpm}:${params.exponent}`, (p) => polyTakerFeeMicros(p, ONE_CONTRACT, params, 'ceil'));
  }

  perContract(px: Px): Micros {
    return this.perPx[px]!;
  }

  orderFee(px: ArrayLike<number>, qty: ArrayLike<number>, n: number): Micros {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.fillFee(px[i]!, qty[i]!);
    return sum;
  }

  /** Charged per fill, rounded up to 5 decimals. */
  fillFee(px: Px, qty: Qty): Micros {
    return polyTakerFeeMicros(px, qty, this.params, 'ceil');
  }

  orderTotal(fillFees: Micros): Micros {
    return fillFees;
  }
}

/** What the venue says about a Polymarket token that detection needs. */
export interface PolyTokenInfo {
  fee: PolyFeeParams;
  /** Minimum order size in Qty (`min_order_size` / `mos`), when the venue states one. */
  minOrderSize?: Qty | undefined;
  /** Tick size in Px, when known. */
  tickSize?: Px | undefined;
}

/** Where fee parameters come from (the venue clients / REST). Either may be absent. */
export interface FeeSource {
  kalshiFeeParams?(ticker: string): Promise<KalshiFeeParams>;
  polyTokenInfo?(tokenId: string): Promise<PolyTokenInfo>;
}

/** Mutable per-market holder: detection keeps the reference, the fetch updates it in place. */
export class FeeSlot<M extends LegFeeModel> {
  fetchedAtMs = 0;
  failures = 0;
  private m: M;
  private min: Qty = 0;
  constructor(model: M) {
    this.m = model;
  }
  /** Replaced (never mutated) when the venue's parameters arrive; a change bumps the fee epoch. */
  get model(): M {
    return this.m;
  }
  set model(m: M) {
    this.m = m;
    bumpFeeEpoch();
  }
  /** Qty. */
  get minOrderSize(): Qty {
    return this.min;
  }
  set minOrderSize(q: Qty) {
    if (q !== this.min) bumpFeeEpoch();
    this.min = q;
  }
}

export interface FeeDirectoryOptions {
  /** Used until a token's parameters are fetched: conservative (the highest documented rate). */
  polyFallback: PolyFeeParams;
  /** Minimum order size assumed until the venue states one, Qty. */
  polyDefaultMinSize: Qty;
  /** Re-fetch period, ms (fee schedules change). Default 1 h. */
  refreshMs?: number;
  log?: Logger;
}

/**
 * Fee parameters per Kalshi ticker and Polymarket token, fetched once per market from the
 * FeeSource and cached (refreshed hourly; failures retried with backoff). Lookups are synchronous.
 * Kalshi starts from the general taker table (fee_type quadratic, multiplier 1); Polymarket from a
 * conservative fallback rate, so nothing is ever priced fee-free by default.
 */
export class FeeDirectory {
  private readonly kalshi = new Map<string, FeeSlot<KalshiLegFee>>();
  private readonly poly = new Map<string, FeeSlot<PolyLegFee>>();
  private readonly log: Logger;
  private readonly refreshMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private warnedNoPolySource = false;

  constructor(
    private readonly source: FeeSource,
    private readonly opts: FeeDirectoryOptions,
  ) {
    this.log = opts.log ?? rootLogger.child({ mod: 'fees' });
    this.refreshMs = opts.refreshMs ?? 3_600_000;
  }

  kalshiSlot(ticker: string): FeeSlot<KalshiLegFee> {
    let s = this.kalshi.get(ticker);
    if (!s) {
      s = new FeeSlot(new KalshiLegFee({ feeType: 'quadratic', feeMultiplier: 1 }, false));
      this.kalshi.set(ticker, s);
      if (this.source.kalshiFeeParams) void this.fetchKalshi(ticker, s);
    }
    return s;
  }

  polySlot(token: string): FeeSlot<PolyLegFee> {
    let s = this.poly.get(token);
    if (!s) {
      s = new FeeSlot(new PolyLegFee(this.opts.polyFallback, false));
      s.minOrderSize = this.opts.polyDefaultMinSize;
      this.poly.set(token, s);
      if (this.source.polyTokenInfo) void this.fetchPoly(token, s);
      else if (!this.warnedNoPolySource) {
        this.warnedNoPolySource = true;
        this.log.warn('no Polymarket fee source: using the conservative fallback fee rate until parameters are set');
      }
    }
    return s;
  }

  /** Set known parameters directly (tests, or a caller that already has them). */
  setKalshi(ticker: string, params: KalshiFeeParams): void {
    const s = this.kalshiSlot(ticker);
    s.model = new KalshiLegFee(params, true);
    s.fetchedAtMs = Date.now();
  }

  setPoly(token: string, info: PolyTokenInfo): void {
    const s = this.polySlot(token);
    s.model = new PolyLegFee(info.fee, true);
    if (info.minOrderSize !== undefined) s.minOrderSize = info.minOrderSize;
    s.fetchedAtMs = Date.now();
  }

  forget(kalshiTickers: readonly string[], polyTokens: readonly string[]): void {
    for (const t of kalshiTickers) this.kalshi.delete(t);
    for (const t of polyTokens) this.poly.delete(t);
  }

  /** Markets whose fee parameters are still the fallback (tests, status). */
  pending(): { kalshi: string[]; poly: string[] } {
    return {
      kalshi: [...this.kalshi].filter(([, s]) => !s.model.known).map(([k]) => k),
      poly: [...this.poly].filter(([, s]) => !s.model.known).map(([k]) => k),
    };
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  private retryDelay(failures: number): number {
    return Math.min(300_000, 1_000 * 2 ** Math.min(failures, 9));
  }

  private async fetchKalshi(ticker: string, slot: FeeSlot<KalshiLegFee>): Promise<void> {
    try {
      const params = await this.source.kalshiFeeParams!(ticker);
      if (this.kalshi.get(ticker) !== slot || this.closed) return;
      slot.model = new KalshiLegFee(params, true);
      slot.fetchedAtMs = Date.now();
      slot.failures = 0;
      this.later(this.refreshMs, () => void this.fetchKalshi(ticker, slot));
    } catch (e) {
      slot.failures++;
      if (slot.failures === 1 || slot.failures % 10 === 0)
        this.log.warn({ ticker, err: (e as Error).message, failures: slot.failures }, 'Kalshi fee parameters unavailable; using the general taker table');
      this.later(this.retryDelay(slot.failures), () => void this.fetchKalshi(ticker, slot));
    }
  }

  private async fetchPoly(token: string, slot: FeeSlot<PolyLegFee>): Promise<void> {
    try {
      const info = await this.source.polyTokenInfo!(token);
      if (this.poly.get(token) !== slot || this.closed) return;
      slot.model = new PolyLegFee(info.fee, true);
      if (info.minOrderSize !== undefined) slot.minOrderSize = info.minOrderSize;
      slot.fetchedAtMs = Date.now();
      slot.failures = 0;
      this.later(this.refreshMs, () => void this.fetchPoly(token, slot));
    } catch (e) {
      slot.failures++;
      if (slot.failures === 1 || slot.failures % 10 === 0)
        this.log.warn({ token, err: (e as Error).message, failures: slot.failures }, 'Polymarket fee parameters unavailable; using the conservative fallback rate');
      this.later(this.retryDelay(slot.failures), () => void this.fetchPoly(token, slot));
    }
  }
}
