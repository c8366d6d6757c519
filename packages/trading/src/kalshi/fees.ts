// Kalshi trading fees (spec kalshi.md §7), in integer units.
//
//   taker fee = round_up( multiplier × 0.07   × C × P × (1 − P) )
//   maker fee = round_up( multiplier × 0.0175 × C × P × (1 − P) )   (quadratic_with_maker_fees)
//               round_up( multiplier × 0.035  × C × P × (1 − P) )   (quadratic_with_combo_maker_fees)
//
// The rounding applies to the ORDER's aggregate (Kalshi's per-order fee accumulator refunds the
// per-fill rounding overpayment, §7.3), so pass the order's total filled quantity, not one
// contract at a time: per-contract rounding overstates fees (100 @ $0.09: $1.00 instead of $0.58).
//
// With P = px / 10^4 and C = qty / 10^2 the raw fee is coef × qty × px × (10^4 − px) / 10^10
// dollars, i.e. coef × qty × px × (10^4 − px) / 10^4 micro-dollars. Everything below is that
// expression in integers; the only non-integer input, the series fee multiplier, is taken in
// parts per million.

import type { Micros, Px, Qty } from '../units.ts';
import { PX_ONE } from '../units.ts';

/** Series `fee_type` values (events may override with `fee_type_override`). */
export type KalshiFeeType =
  | 'quadratic'
  | 'quadratic_with_maker_fees'
  | 'quadratic_with_combo_maker_fees'
  | 'flat';

export const KALSHI_FEE_TYPES: readonly KalshiFeeType[] = [
  'quadratic',
  'quadratic_with_maker_fees',
  'quadratic_with_combo_maker_fees',
  'flat',
];

/**
 * How the fee is rounded up:
 * - 'cent': to $0.01 — the order total charged to a normal member (default).
 * - 'centicent': to $0.0001 — one fill's model fee, and the order total for direct members.
 * - 'micro': no rounding beyond the 1e-6 base unit (ceil) — the raw model value, for edge maths.
 */
export type KalshiFeeRounding = 'cent' | 'centicent' | 'micro';

export interface KalshiFeeOptions {
  /** Series `fee_type` (or the event's override). Default 'quadratic'. */
  feeType?: KalshiFeeType | undefined;
  /** Series `fee_multiplier` (or the event's override). Default 1. Semantics unconfirmed (§7.2). */
  feeMultiplier?: number | undefined;
  /** Default 'cent'. */
  rounding?: KalshiFeeRounding | undefined;
}

/** A fee coefficient as an exact fraction. */
interface Coef {
  num: number;
  den: number;
}

const TAKER: Coef = { num: 7, den: 100 }; // 0.07
const MAKER: Coef = { num: 7, den: 400 }; // 0.0175 = 0.25 × taker
const COMBO_MAKER: Coef = { num: 7, den: 200 }; // 0.035 = 0.5 × taker
const ZERO: Coef = { num: 0, den: 1 };

/** Parts-per-million scale for the multiplier (multipliers like 0.5 or 1.25 are exact). */
const PPM = 1_000_000;

const ROUNDING_UNIT: Record<KalshiFeeRounding, number> = { cent: 10_000, centicent: 100, micro: 1 };

/**
 * The `flat` type uses a "Specific Trading Fees Table" whose values are unconfirmed (§7.2).
 * We price it like `quadratic_with_maker_fees` — the general table for takers and makers — so
 * edge calculations on such series are not silently fee-free. Read the series before trading it.
 */
function takerCoef(_t: KalshiFeeType): Coef {
  return TAKER;
}

function makerCoef(t: KalshiFeeType): Coef {
  switch (t) {
    case 'quadratic':
      return ZERO;
    case 'quadratic_with_maker_fees':
    case 'flat':
      return MAKER;
    case 'quadratic_with_combo_maker_fees':
      return COMBO_MAKER;
    default:
      throw new RangeError(`unknown Kalshi fee_type ${JSON.stringify(t)} (expected one of ${KALSHI_FEE_TYPES.join(', ')})`);
  }
}

/** Parse a venue `fee_type` string; unknown values are an error (never guess a fee). */
export function parseKalshiFeeType(s: string): KalshiFeeType {
  if ((KALSHI_FEE_TYPES as readonly string[]).includes(s)) return s as KalshiFeeType;
  throw new RangeError(`unknown Kalshi fee_type ${JSON.stringify(s)} (expected one of ${KALSHI_FEE_TYPES.join(', ')})`);
}

function multiplierPpm(m: number | undefined): number {
  if (m === undefined) return PPM;
  if (!Number.isFinite(m) || m < 0) throw new RangeError(`invalid Kalshi fee_multiplier ${m}: must be a finite number >= 0`);
  return Math.round(m * PPM);
}

function checkInputs(px: Px, qty: Qty): void {
  if (!Number.isSafeInteger(px) || px < 0 || px > PX_ONE) throw new RangeError(`fee price ${px} is outside [0, 10000] Px`);
  if (!Number.isSafeInteger(qty) || qty < 0) throw new RangeError(`fee quantity ${qty} must be a non-negative integer Qty`);
}

/** ceil(a / b) for non-negative a, positive b. */
function ceilDivBig(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

function feeMicros(coef: Coef, px: Px, qty: Qty, opts: KalshiFeeOptions | undefined): Micros {
  checkInputs(px, qty);
  if (coef.num === 0 || qty === 0 || px === 0 || px === PX_ONE) return 0;
  const mult = multiplierPpm(opts?.feeMultiplier);
  if (mult === 0) return 0;
  const unit = ROUNDING_UNIT[opts?.rounding ?? 'cent'];
  // raw micros = num × qty × px × (1e4 − px) × mult / (den × 1e4 × 1e6); result in `unit` micros.
  const pq = px * (PX_ONE - px); // <= 2.5e7
  if (mult === PPM) {
    // Fast path (the common multiplier 1): stays within 2^53 up to ~5e8 Qty × coefficient 7.
    const n = coef.num * qty * pq;
    const d = coef.den * PX_ONE * unit;
    if (Number.isSafeInteger(n)) {
      // Exact ceil division: `%` and the division of a multiple are exact on safe integers.
      const r = n % d;
      return ((n - r) / d + (r > 0 ? 1 : 0)) * unit;
    }
  }
  const n = BigInt(coef.num) * BigInt(qty) * BigInt(pq) * BigInt(mult);
  const d = BigInt(coef.den) * BigInt(PX_ONE) * BigInt(PPM) * BigInt(unit);
  return Number(ceilDivBig(n, d)) * unit;
}

/**
 * Taker fee for an order that executed `contracts` at `price` (either leg: the formula is
 * symmetric in P and 1 − P), in micro-dollars, rounded up per order (default to the cent).
 */
export function kalshiTakerFeeMicros(price: Px, contracts: Qty, opts?: KalshiFeeOptions): Micros {
  return feeMicros(takerCoef(opts?.feeType ?? 'quadratic'), price, contracts, opts);
}

/** Maker fee (0 for fee_type 'quadratic'), in micro-dollars, rounded up per order. */
export function kalshiMakerFeeMicros(price: Px, contracts: Qty, opts?: KalshiFeeOptions): Micros {
  return feeMicros(makerCoef(opts?.feeType ?? 'quadratic'), price, contracts, opts);
}

/** Taker or maker fee by role. */
export function kalshiFeeMicros(role: 'taker' | 'maker', price: Px, contracts: Qty, opts?: KalshiFeeOptions): Micros {
  return role === 'taker' ? kalshiTakerFeeMicros(price, contracts, opts) : kalshiMakerFeeMicros(price, contracts, opts);
}

/** Fee parameters of a series, with an event's overrides applied (`null` override = none). */
export interface KalshiFeeParams {
  feeType: KalshiFeeType;
  feeMultiplier: number;
}

/** Event overrides win over series values; a null/undefined override means "use the series". */
export function effectiveKalshiFeeParams(
  series: { fee_type?: string | null; fee_multiplier?: number | string | null },
  event?: { fee_type_override?: string | null; fee_multiplier_override?: number | string | null } | null,
): KalshiFeeParams {
  const type = event?.fee_type_override ?? series.fee_type ?? 'quadratic';
  const multRaw = event?.fee_multiplier_override ?? series.fee_multiplier ?? 1;
  const mult = typeof multRaw === 'string' ? Number(multRaw) : multRaw;
  if (!Number.isFinite(mult) || mult < 0) throw new RangeError(`invalid Kalshi fee_multiplier ${JSON.stringify(multRaw)}`);
  return { feeType: parseKalshiFeeType(type), feeMultiplier: mult };
}
