// Kalshi price grids (spec kalshi.md §3): each market lists `price_ranges` [{start, end, step}];
// only on-grid prices are accepted. Whole-cent prices are valid in every known structure, so a
// market whose grid we have not seen yet can still take a whole-cent order without a lookup.

import { PX_ONE, formatPx, type Px } from '../units.ts';
import type { KalshiPriceRange } from './wire.ts';

/** One cent in Px. */
export const PX_CENT: Px = 100;

export function isWholeCent(px: Px): boolean {
  return px % PX_CENT === 0;
}

/** True when `px` is strictly inside (0, 1) and on one of the ranges' steps (range ends included). */
export function isOnKalshiGrid(px: Px, ranges: readonly KalshiPriceRange[]): boolean {
  if (!Number.isSafeInteger(px) || px <= 0 || px >= PX_ONE) return false;
  if (ranges.length === 0) return isWholeCent(px);
  for (const r of ranges) {
    if (px >= r.start && px <= r.end && (px - r.start) % r.step === 0) return true;
  }
  return false;
}

/** Human description of a grid, for error messages: "0.0010 steps in [0.0000, 0.1000]; 0.0100 steps in [0.1000, 0.9000]; ..." */
export function describeKalshiGrid(ranges: readonly KalshiPriceRange[]): string {
  if (ranges.length === 0) return 'whole cents';
  return ranges.map((r) => `${formatPx(r.step)} steps in [${formatPx(r.start)}, ${formatPx(r.end)}]`).join('; ');
}

/** The nearest on-grid prices below and above `px` (null when none), to suggest in errors. */
export function nearestOnGrid(px: Px, ranges: readonly KalshiPriceRange[]): { below: Px | null; above: Px | null } {
  let below: Px | null = null;
  let above: Px | null = null;
  const rs = ranges.length > 0 ? ranges : [{ start: 0, end: PX_ONE, step: PX_CENT }];
  for (const r of rs) {
    const lo = Math.max(r.start, Math.min(r.end, px));
    const k = Math.floor((lo - r.start) / r.step);
    const down = r.start + k * r.step;
    const up = down === lo ? down : down + r.step;
    if (down > 0 && down < PX_ONE && down <= px && (below === null || down > below)) below = down;
    if (up <= r.end && up > 0 && up < PX_ONE && up >= px && (above === null || up < above)) above = up;
  }
  return { below, above };
}
