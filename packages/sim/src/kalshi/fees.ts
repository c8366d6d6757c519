// Kalshi fee model for the simulator (spec kalshi.md §7), written independently of the trading
// client's formula so the two cannot share a bug (tests compare both against §7.4).
//
//   fee = ceil_to_cent( multiplier × coef × C × P × (1 − P) ), coef taker 0.07, maker 0.0175
//   (quadratic_with_maker_fees, flat) / 0.035 (combo) / 0 (quadratic).
// Rounding applies to the ORDER's aggregate (per-order accumulator, §7.3): each fill is charged
// ceil_to_cent(raw total so far) − already charged.

import type { Micros, Px, Qty } from '@parity/trading';
import type { FeeModel, FeeRole, KalshiSeriesMeta } from '../markets.ts';
import type { SimOrder } from '../orders.ts';

type FeeType = KalshiSeriesMeta['feeType'];

/** Coefficients in 1/400ths: 0.07 = 28/400, 0.0175 = 7/400, 0.035 = 14/400. */
const TAKER_400 = 28n;
function maker400(t: FeeType): bigint {
  return t === 'quadratic' ? 0n : t === 'quadratic_with_combo_maker_fees' ? 14n : 7n;
}

const CENT: bigint = 10_000n; // micros per cent
const PPM = 1_000_000n;

/** ceil(raw) to the cent, in micros; raw = n / d micros. */
function ceilCents(n: bigint, d: bigint): bigint {
  const cents = (n + d * CENT - 1n) / (d * CENT);
  return cents * CENT;
}

export class KalshiFeeModel implements FeeModel {
  private readonly multPpm: bigint;
  private readonly maker: bigint;

  constructor(readonly feeType: FeeType = 'quadratic', readonly multiplier = 1) {
    if (!(multiplier >= 0)) throw new RangeError(`fee multiplier must be >= 0, got ${multiplier}`);
    this.multPpm = BigInt(Math.round(multiplier * 1_000_000));
    this.maker = maker400(feeType);
  }

  /** Fee of one order executing `qty` at `px` in one go (what tests and reservations use). */
  orderFee(role: FeeRole, px: Px, qty: Qty): Micros {
    const c = role === 'taker' ? TAKER_400 : this.maker;
    const n = c * BigInt(qty) * BigInt(px) * BigInt(10_000 - px) * this.multPpm;
    if (n === 0n) return 0;
    return Number(ceilCents(n, 400n * 10_000n * PPM));
  }

  reserve(px: Px, qty: Qty): Micros {
    // Worst case is taker on every contract at the price closest to 0.50 the order can trade at.
    return this.orderFee('taker', Math.min(px, 5000), qty);
  }

  charge(order: SimOrder, role: FeeRole, yesPx: Px, qty: Qty): Micros {
    const c = role === 'taker' ? TAKER_400 : this.maker;
    // Accumulate the exact numerator as a decimal string in feeState-free scratch (bigint kept aside).
    const acc = accumulators.get(order) ?? 0n;
    const next = acc + c * BigInt(qty) * BigInt(yesPx) * BigInt(10_000 - yesPx);
    accumulators.set(order, next);
    if (next === 0n) return 0;
    const total = Number(ceilCents(next * this.multPpm, 400n * 10_000n * PPM));
    const paid = order.takerFees + order.makerFees;
    return Math.max(0, total - paid);
  }
}

/** Exact per-order fee numerators (bigint does not fit the number-typed feeState). */
const accumulators = new WeakMap<SimOrder, bigint>();
