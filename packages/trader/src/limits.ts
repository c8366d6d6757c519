// The trader's own limits, checked before any order: a leg outside them reaches no venue.

import { formatMicros, formatPx, formatQty, notional, platformLabel, validateLeg, type LegRequest, type Micros, type Platform } from '@parity/trading';
import type { TraderLimits } from './config.ts';

export interface Refusal {
  kind: 'validation' | 'refused';
  reason: string;
}

const usd = (m: Micros): string => `$${formatMicros(m).replace(/0{1,4}$/, '')}`;

/** Why this leg may not be executed here (before the daily budget, which needs the store), or null. */
export function checkLeg(req: LegRequest, limits: TraderLimits, served: readonly Platform[]): Refusal | null {
  if (!served.includes(req.platform)) {
    return { kind: 'refused', reason: `this trader does not serve ${platformLabel(req.platform)} (serves: ${served.map(platformLabel).join(', ') || 'nothing'})` };
  }
  if (!Number.isSafeInteger(req.price) || req.price < limits.minPrice || req.price > limits.maxPrice) {
    return {
      kind: 'refused',
      reason: `price ${Number.isSafeInteger(req.price) ? formatPx(req.price) : String(req.price)} is outside this trader's range ${formatPx(limits.minPrice)}-${formatPx(limits.maxPrice)} (TRADER_MIN_PRICE/TRADER_MAX_PRICE)`,
    };
  }
  const invalid = validateLeg(req);
  if (invalid) return { kind: 'validation', reason: invalid };
  if (req.contracts > limits.maxContracts) {
    return { kind: 'refused', reason: `${formatQty(req.contracts)} contracts exceed this trader's limit of ${formatQty(limits.maxContracts)} per leg (TRADER_MAX_CONTRACTS)` };
  }
  const n = notional(req.price, req.contracts);
  if (n > limits.maxNotionalMicros) {
    return { kind: 'refused', reason: `notional ${usd(n)} exceeds this trader's limit of ${usd(limits.maxNotionalMicros)} per leg (TRADER_MAX_NOTIONAL_USD)` };
  }
  return null;
}

/** Why the leg would break the daily budget, or null. */
export function checkDaily(req: LegRequest, usedMicros: Micros, limits: TraderLimits): Refusal | null {
  const n = notional(req.price, req.contracts);
  if (usedMicros + n > limits.maxDailyNotionalMicros) {
    return {
      kind: 'refused',
      reason: `notional ${usd(n)} would bring today's total to ${usd(usedMicros + n)}, above this trader's daily limit of ${usd(limits.maxDailyNotionalMicros)} (TRADER_MAX_DAILY_NOTIONAL_USD)`,
    };
  }
  return null;
}

/** UTC calendar day of a timestamp, the daily budget's key. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
