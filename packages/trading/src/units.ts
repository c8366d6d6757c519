// Integer money units shared by every package (DESIGN.md "Conventions").
//
//   Px     price in 1/10,000 dollar        "0.5600"  -> 5600
//   Qty    size in 1/100 contract          "114.00"  -> 11400
//   Micros money in 1/1,000,000 dollar     Px * Qty  == Micros exactly
//
// Venue strings are converted here, at the edge, without ever passing through a float.

export type Px = number;
export type Qty = number;
export type Micros = number;

export const PX_PER_DOLLAR = 10_000;
export const QTY_PER_CONTRACT = 100;
export const MICROS_PER_DOLLAR = 1_000_000;
/** $1.00 as a price: a YES and a NO of the same contract always sum to this. */
export const PX_ONE: Px = PX_PER_DOLLAR;

export class UnitParseError extends Error {
  constructor(what: string, value: unknown, why: string) {
    super(`invalid ${what} ${JSON.stringify(value)}: ${why}`);
    this.name = 'UnitParseError';
  }
}

const CH_0 = 48;
const CH_9 = 57;
const CH_DOT = 46;
const CH_MINUS = 45;
const CH_PLUS = 43;

/**
 * Parse a decimal string into an integer scaled by 10^scale, exactly.
 * Digits beyond `scale` must be zero unless `round` is given ('floor' | 'ceil' | 'half-up'),
 * in which case the result is rounded in that direction (toward -inf / +inf / nearest).
 * Use parseOptional for legacy fields where "" or a missing value means zero.
 */
export function parseScaled(
  s: string,
  scale: number,
  what = 'number',
  round?: 'floor' | 'ceil' | 'half-up',
): number {
  const n = s.length;
  if (n === 0) throw new UnitParseError(what, s, 'empty');
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === CH_MINUS || c0 === CH_PLUS) {
    neg = c0 === CH_MINUS;
    i = 1;
  }
  let intPart = 0;
  let frac = 0;
  let fracDigits = 0;
  let extraNonZero = false;
  let firstExtra = -1;
  let sawDigit = false;
  let sawDot = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === CH_DOT) {
      if (sawDot) throw new UnitParseError(what, s, 'two decimal points');
      sawDot = true;
      continue;
    }
    if (c < CH_0 || c > CH_9) throw new UnitParseError(what, s, 'not a decimal number');
    sawDigit = true;
    const d = c - CH_0;
    if (!sawDot) {
      intPart = intPart * 10 + d;
    } else if (fracDigits < scale) {
      frac = frac * 10 + d;
      fracDigits++;
    } else {
      if (firstExtra < 0) firstExtra = d;
      if (d !== 0) extraNonZero = true;
    }
  }
  if (!sawDigit) throw new UnitParseError(what, s, 'no digits');
  while (fracDigits < scale) {
    frac *= 10;
    fracDigits++;
  }
  let v = intPart * 10 ** scale + frac;
  if (!Number.isSafeInteger(v)) throw new UnitParseError(what, s, 'out of range');
  if (extraNonZero) {
    if (!round) throw new UnitParseError(what, s, `more than ${scale} decimals`);
    // Magnitude rounding first, then the sign decides the direction.
    const up =
      round === 'half-up' ? firstExtra >= 5 : round === 'ceil' ? !neg : neg;
    if (up) v += 1;
  }
  return neg && v !== 0 ? -v : v;
}

/** "0.5600" -> 5600. Throws on more than 4 decimals. */
export function parsePx(s: string): Px {
  return parseScaled(s, 4, 'price');
}
/** "114.00" -> 11400. Throws on more than 2 decimals. */
export function parseQty(s: string): Qty {
  return parseScaled(s, 2, 'contract count');
}
/** "10.2600" -> 10260000. Throws on more than 6 decimals unless a rounding is given. */
export function parseMicros(s: string, round?: 'floor' | 'ceil' | 'half-up'): Micros {
  return parseScaled(s, 6, 'dollar amount', round);
}

/** Legacy fields: "" / null / undefined mean zero (Kalshi omitted zero costs before Mar 2026). */
export function parseOptional<T extends number>(s: string | null | undefined, parse: (x: string) => T): T {
  if (s === undefined || s === null || s === '') return 0 as T;
  return parse(s);
}

/** Format an integer scaled by 10^scale as a fixed decimal string. */
export function formatScaled(v: number, scale: number): string {
  if (!Number.isSafeInteger(v)) throw new RangeError(`not an integer amount: ${v}`);
  const neg = v < 0;
  const a = neg ? -v : v;
  const unit = 10 ** scale;
  const int = Math.floor(a / unit);
  const frac = a - int * unit;
  const body = scale === 0 ? String(int) : `${int}.${String(frac).padStart(scale, '0')}`;
  return neg ? `-${body}` : body;
}

/** 5600 -> "0.5600" */
export const formatPx = (p: Px): string => formatScaled(p, 4);
/** 11400 -> "114.00" */
export const formatQty = (q: Qty): string => formatScaled(q, 2);
/** 10260000 -> "10.260000" */
export const formatMicros = (m: Micros): string => formatScaled(m, 6);
/** 10260000 -> "$10.26" (display only; rounds half away from zero to the cent). */
export function formatUsd(m: Micros): string {
  const neg = m < 0;
  const cents = Math.round(Math.abs(m) / 10_000);
  return `${neg ? '-' : ''}$${formatScaled(cents, 2)}`;
}

/** Notional of `qty` contracts at price `px`, exactly, in micro-dollars. */
export function notional(px: Px, qty: Qty): Micros {
  return px * qty;
}

/** Whole cents (legacy Kalshi integer fields) -> Px. */
export const centsToPx = (cents: number): Px => cents * 100;
/** Whole contracts -> Qty. */
export const contractsToQty = (n: number): Qty => n * QTY_PER_CONTRACT;
/** Micros -> whole cents, rounded up (fees are rounded up to the cent). */
export const microsToCentsCeil = (m: Micros): number => Math.ceil(m / 10_000);
