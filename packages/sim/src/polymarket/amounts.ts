// Base-unit (6-decimal) amounts and prices as the CLOB writes them: human decimal strings with
// trailing zeros trimmed ("2.65", "5", "4.999999"), ticks as strings ("0.01").

import type { Px } from '@parity/trading';

export const BASE_UNITS = 1_000_000n;

/** 2650000n -> "2.65"; 5000000n -> "5"; 0n -> "0". */
export function formatBase(v: bigint): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const int = a / BASE_UNITS;
  const frac = (a % BASE_UNITS).toString().padStart(6, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Qty (1/100 share) -> "12.5", "100", "0.01" (the hot WS path: no BigInt). */
export function formatQtyTrim(q: number): string {
  const int = Math.floor(q / 100);
  const frac = q - int * 100;
  if (frac === 0) return String(int);
  return frac % 10 === 0 ? `${int}.${frac / 10}` : `${int}.${frac < 10 ? '0' : ''}${frac}`;
}

/** Px (1/10,000 $) -> "0.56", "0.0025", "1". */
export function formatPxTrim(p: Px): string {
  const int = Math.floor(p / 10_000);
  const frac = String(p % 10_000).padStart(4, '0').replace(/0+$/, '');
  return `${int}${frac ? `.${frac}` : ''}`;
}

/** Decimal places actually used by a base-unit amount (0-6). */
export function decimalsOf(v: bigint): number {
  if (v === 0n) return 0;
  let d = 6;
  let x = v;
  while (d > 0 && x % 10n === 0n) {
    x /= 10n;
    d--;
  }
  return d;
}

/** Px of a tick string: "0.01" -> 100, "0.0025" -> 25. Throws on anything finer than 0.0001. */
export function tickPx(tick: string): Px {
  const m = /^0\.(\d{1,4})$/.exec(tick);
  if (!m) throw new Error(`unsupported tick size "${tick}"`);
  const px = Number(m[1]!.padEnd(4, '0'));
  if (px <= 0) throw new Error(`unsupported tick size "${tick}"`);
  return px;
}

/** Price decimals P of a tick (§6.2): 0.1 -> 1, 0.01 -> 2, 0.005 -> 3, 0.0025 -> 4 ... */
export function priceDecimals(tick: string): number {
  return tick.replace(/^0\./, '').replace(/0+$/, '').length;
}

/** A rational price a/b as a short decimal string for error messages (up to 6 decimals). */
export function formatRatio(num: bigint, den: bigint): string {
  const scaled = (num * BASE_UNITS + den / 2n) / den;
  return formatBase(scaled);
}
