// Polymarket taker fees (spec polymarket.md §15, §6.6), in integer units.
//
//   fee = C × rate × (p × (1 − p))^exponent      pUSD, takers only, rounded to 5 decimals
//
// C = shares traded, p = trade price; rate/exponent are per-market parameters (`/clob-markets`
// `fd: {r, e, to}`, Gamma `feeSchedule`), never hard-coded. With C = qty / 10^2, p = px / 10^4 and
// the rate in parts per million, the fee in micro-dollars is
//
//   qty × ratePpm × (px × (10^4 − px))^e / (10^2 × 10^(8e))
//
// computed with BigInt (the numerator overflows 2^53 for ordinary sizes), then rounded to
// 0.00001 pUSD (10 micros). The docs say "anything smaller than 0.00001 is 0", which is a floor;
// the direction is unconfirmed (§15), so it is a parameter: use 'ceil' when budgeting.

import type { Micros, Px, Qty } from '../units.ts';
import { PX_ONE, parseScaled } from '../units.ts';

/** Per-market fee curve. */
export interface PolyFeeParams {
  /** Fee rate in parts per million: 0.07 -> 70_000. 0 on fee-free markets. */
  ratePpm: number;
  /** Exponent of p(1 − p); 1 on every documented category. */
  exponent: number;
  /** `to` (taker-only) flag as sent; makers are never charged either way (§15). */
  takerOnly: boolean;
}

export const POLY_NO_FEES: PolyFeeParams = Object.freeze({ ratePpm: 0, exponent: 1, takerOnly: true });

/** Rounding of the fee to 5 decimals (10 micros). Default 'floor' (docs: smaller than 0.00001 is 0). */
export type PolyFeeRounding = 'floor' | 'ceil' | 'half-up';

/** 5 decimals of pUSD = 10 micro-dollars. */
const FEE_QUANTUM_MICROS = 10n;

/** A JSON number rate such as 0.07 (or a decimal string) -> parts per million, exactly. */
export function polyRateToPpm(rate: number | string): number {
  if (typeof rate === 'number') {
    if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`invalid fee rate ${rate}`);
    // toFixed avoids exponent notation (1e-7) and float noise beyond 1e-12.
    return parseScaled(rate.toFixed(12), 6, 'fee rate', 'half-up');
  }
  const ppm = parseScaled(rate.trim(), 6, 'fee rate', 'half-up');
  if (ppm < 0) throw new RangeError(`invalid fee rate ${rate}`);
  return ppm;
}

/**
 * Fee parameters from the `/clob-markets/{condition_id}` `fd` object ({r, e, to}); absent on
 * fee-free markets, where the rate is 0 (what the official client does).
 */
export function polyFeeParamsFromWire(fd: { r?: unknown; e?: unknown; to?: unknown } | null | undefined): PolyFeeParams {
  if (fd === null || fd === undefined) return POLY_NO_FEES;
  const r = fd.r;
  const e = fd.e;
  const ratePpm = typeof r === 'number' || typeof r === 'string' ? polyRateToPpm(r) : 0;
  const exponent = typeof e === 'number' ? e : typeof e === 'string' && e.trim() !== '' ? Number(e) : 1;
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > 8)
    throw new RangeError(`unsupported fee exponent ${JSON.stringify(e)} (expected a small whole number)`);
  return { ratePpm, exponent, takerOnly: fd.to === undefined ? true : fd.to === true };
}

function roundDiv(num: bigint, den: bigint, rounding: PolyFeeRounding): bigint {
  const q = num / den;
  const r = num % den;
  if (r === 0n) return q;
  if (rounding === 'floor') return q;
  if (rounding === 'ceil') return q + 1n;
  return r * 2n >= den ? q + 1n : q;
}

function checkPrice(price: Px): void {
  if (!Number.isSafeInteger(price) || price <= 0 || price >= PX_ONE)
    throw new RangeError(`fee price ${price} is outside (0, 1) in 1/10,000 dollar`);
}

/** The exact fee as a fraction of micro-dollars: { num, den }. */
function feeFraction(price: Px, contracts: Qty, params: PolyFeeParams): { num: bigint; den: bigint } {
  checkPrice(price);
  if (!Number.isSafeInteger(contracts) || contracts < 0) throw new RangeError(`fee size ${contracts} must be a non-negative Qty`);
  const e = BigInt(params.exponent);
  const x = BigInt(price) * BigInt(PX_ONE - price); // p(1−p) × 10^8
  const num = BigInt(contracts) * BigInt(params.ratePpm) * x ** e;
  const den = 100n * 10n ** (8n * e);
  return { num, den };
}

/**
 * Taker fee in micro-dollars for `contracts` (Qty) traded at `price` (Px), rounded to 5 decimals.
 * Spec examples: 100 shares at 0.5, rate 0.07 -> 1_750_000; exponent 2, rate 0.25 -> 1_562_500.
 */
export function polyTakerFeeMicros(
  price: Px,
  contracts: Qty,
  params: PolyFeeParams,
  rounding: PolyFeeRounding = 'floor',
): Micros {
  if (params.ratePpm === 0 || contracts === 0) {
    checkPrice(price);
    return 0;
  }
  if (params.exponent === 1) {
    // Exact in doubles when it fits (detection prices every level of every candidate size):
    // quanta = contracts × rate × p(1 − p) / 10^11, the fraction reduced by gcd(rate, 10^11).
    checkPrice(price);
    const g = gcd(params.ratePpm, 1e11);
    const n = contracts * (params.ratePpm / g) * (price * (PX_ONE - price));
    if (Number.isSafeInteger(n) && Number.isSafeInteger(contracts) && contracts >= 0) {
      const d = 1e11 / g;
      const r = n % d;
      const q = (n - r) / d;
      const up = r === 0 || rounding === 'floor' ? 0 : rounding === 'ceil' ? 1 : 2 * r >= d ? 1 : 0;
      return (q + up) * Number(FEE_QUANTUM_MICROS);
    }
  }
  const { num, den } = feeFraction(price, contracts, params);
  return Number(roundDiv(num, den * FEE_QUANTUM_MICROS, rounding) * FEE_QUANTUM_MICROS);
}

/** Greatest common divisor of a non-negative integer and a positive one (1 when a is not an integer). */
function gcd(a: number, b: number): number {
  if (!Number.isSafeInteger(a) || a <= 0) return 1;
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Builder taker fee: flat bps of notional (price × size), in micros, rounded up (a budget figure). */
export function polyBuilderFeeMicros(price: Px, contracts: Qty, builderTakerFeeBps: number): Micros {
  checkPrice(price);
  if (!Number.isSafeInteger(builderTakerFeeBps) || builderTakerFeeBps < 0) throw new RangeError(`invalid builder fee ${builderTakerFeeBps} bps`);
  return Number(roundDiv(BigInt(price) * BigInt(contracts) * BigInt(builderTakerFeeBps), 10_000n, 'ceil'));
}

export interface PolyBuyBudgetInput {
  /** pUSD notional the market BUY wants to spend (pre-fee), micros. */
  amount: Micros;
  /** Price used for the fee estimate (the order's price cap), Px. */
  price: Px;
  /** pUSD available, micros. */
  balance: Micros;
  params: PolyFeeParams;
  /** Builder taker fee rate in parts per million (bps × 100); 0 without a builder code. */
  builderTakerRatePpm?: number;
  /** Extra fee margin in percent: 0 or 1..100, as the official client's feeSlippage. */
  feeSlippagePercent?: number;
}

/**
 * Shrinks a market BUY's notional so that notional + taker fees fit the balance (spec §6.6),
 * exactly as the official client's adjustBuyAmountForFees but in integers: with
 * base = min(amount, balance), platform fee = base / p × rate × (p(1−p))^e × (1 + slippage/100) and
 * builder fee = base × builderRate; when balance ≤ amount + fees the amount becomes
 * max(balance − fees, 0). Fees are rounded up to the micro so the result never overspends.
 * The result is in micros; market-order rounding later floors it to cents.
 */
export function polyAdjustBuyAmountForFees(input: PolyBuyBudgetInput): Micros {
  const { amount, price, balance, params } = input;
  const builderPpm = input.builderTakerRatePpm ?? 0;
  const slip = input.feeSlippagePercent ?? 0;
  checkPrice(price);
  if (!(slip === 0 || (slip >= 1 && slip <= 100)) || !Number.isInteger(slip))
    throw new RangeError('feeSlippage must be 0 or a whole percentage between 1 and 100');
  for (const [n, v] of [['amount', amount], ['balance', balance], ['builder rate', builderPpm]] as const)
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${n} must be a non-negative integer, got ${v}`);
  const base = BigInt(Math.min(amount, balance));
  const e = BigInt(params.exponent);
  // base/p × rate × X^e × (100+slip)/100, with p = px/1e4, rate = ppm/1e6, X = x/1e8.
  const x = BigInt(price) * BigInt(PX_ONE - price);
  const pNum = base * 10_000n * BigInt(params.ratePpm) * x ** e * BigInt(100 + slip);
  const pDen = BigInt(price) * 1_000_000n * 10n ** (8n * e) * 100n;
  const platformFee = roundDiv(pNum, pDen, 'ceil');
  const builderFee = roundDiv(base * BigInt(builderPpm), 1_000_000n, 'ceil');
  const fees = platformFee + builderFee;
  if (BigInt(balance) <= BigInt(amount) + fees) {
    const left = BigInt(balance) - fees;
    return left > 0n ? Number(left) : 0;
  }
  return amount;
}
