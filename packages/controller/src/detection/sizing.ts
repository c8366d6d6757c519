// Sizing one arbitrage candidate: buy N contracts of YES on one book and N of NO on another, for
// a guaranteed $1 per contract at settlement. Walks depth on both legs together:
//
//   1. screen: the best levels' edge per contract ($1 − yes ask − no ask − both per-contract fees)
//      must reach the minimum edge; almost every update stops here (no allocation, no BigInt);
//   2. walk: merge both ask ladders into segments of equal size (cheapest first) and keep taking
//      segments while the segment's own edge per contract still reaches the minimum edge, within
//      the per-arb caps (contracts, cost, levels);
//   3. choose: at every segment boundary (whole contracts) compute the exact result — each leg's
//      cost of the walked levels and the fee the venue charges for that order — and keep the
//      boundary with the highest profit that satisfies the minimum profit, the minimum average
//      edge and both legs' minimum order sizes (Polymarket: min shares and min notional).
//
// Units: Px × Qty = micro-dollars; N Qty pay N × PX_ONE micros at settlement.

import type { Micros, Px, Qty } from '@parity/trading';
import { PX_ONE } from '@parity/trading';
import { askPx, askQty, type AskLeg } from '../books/pair-state.ts';
import type { LegFeeModel } from './fees.ts';

/** Payout of one contract, micros. */
const CONTRACT_MICROS = 1_000_000;

export interface SizingLimits {
  /** Minimum edge per contract, micros (e.g. 10,000 = 1 cent = 100 bps of the $1 payout). */
  minEdgeMicros: number;
  /** Minimum expected profit of the whole arb, micros. */
  minProfitMicros: Micros;
  /** Minimum contracts per arb, Qty. */
  minContracts: Qty;
  /** Per-arb contract cap, Qty. */
  maxContracts: Qty;
  /** Per-arb cap on both legs' cost (before fees), micros; 0 = no cap. */
  maxCostMicros: Micros;
  /** Levels walked per leg at most. */
  maxLevels: number;
  /** Contract granularity, Qty (100 = whole contracts). */
  contractStep: Qty;
}

/** Venue minimums for one leg's order. */
export interface LegMinimums {
  /** Minimum size, Qty. */
  minQty: Qty;
  /** Minimum notional (size × limit price), micros. */
  minNotionalMicros: Micros;
}

export const NO_MINIMUMS: LegMinimums = Object.freeze({ minQty: 0, minNotionalMicros: 0 });

/** The chosen size and its exact economics. Reused (mutable) to keep the hot path allocation-free. */
export class SizedArb {
  contracts: Qty = 0;
  /** Worst (limit) price reached on each leg. */
  yesPx: Px = 0;
  noPx: Px = 0;
  yesCost: Micros = 0;
  noCost: Micros = 0;
  yesFee: Micros = 0;
  noFee: Micros = 0;
  profit: Micros = 0;

  copyFrom(o: SizedArb): void {
    this.contracts = o.contracts;
    this.yesPx = o.yesPx;
    this.noPx = o.noPx;
    this.yesCost = o.yesCost;
    this.noCost = o.noCost;
    this.yesFee = o.yesFee;
    this.noFee = o.noFee;
    this.profit = o.profit;
  }
}

export class ArbSizer {
  private readonly bp: Float64Array;
  private readonly fillPx: Int32Array;
  private readonly fillQty: Float64Array;
  private readonly trial = new SizedArb();
  /** Leg fill results (scratch). */
  private legCost = 0;
  private legWorst = 0;
  private legFee = 0;

  constructor(readonly limits: SizingLimits) {
    this.bp = new Float64Array(2 * limits.maxLevels + 2);
    this.fillPx = new Int32Array(limits.maxLevels + 1);
    this.fillQty = new Float64Array(limits.maxLevels + 1);
  }

  /** Edge per contract of the best levels, micros (or -Infinity when a side is empty). */
  topEdge(yes: AskLeg, no: AskLeg, yesFee: LegFeeModel, noFee: LegFeeModel): number {
    if (yes.ladder.n === 0 || no.ladder.n === 0) return -Infinity;
    const a = askPx(yes, 0);
    const b = askPx(no, 0);
    return CONTRACT_MICROS - (a + b) * 100 - yesFee.perContract(a) - noFee.perContract(b);
  }

  /**
   * Size the arb of buying `yes` and `no`. Returns true and fills `out` when a size satisfies every
   * limit; the chosen size maximises exact profit over the walked segment boundaries.
   */
  size(
    yes: AskLeg,
    no: AskLeg,
    yesFee: LegFeeModel,
    noFee: LegFeeModel,
    yesMin: LegMinimums,
    noMin: LegMinimums,
    out: SizedArb,
  ): boolean {
    const L = this.limits;
    if (this.topEdge(yes, no, yesFee, noFee) < L.minEdgeMicros) return false;

    // Walk both ladders in equal-size segments while each segment keeps the minimum edge.
    const ny = Math.min(yes.ladder.n, L.maxLevels);
    const nn = Math.min(no.ladder.n, L.maxLevels);
    const bp = this.bp;
    let nb = 0;
    let i = 0;
    let j = 0;
    let remY = askQty(yes, 0);
    let remN = askQty(no, 0);
    let cum = 0;
    let cumCost = 0;
    while (true) {
      const a = askPx(yes, i);
      const b = askPx(no, j);
      if (CONTRACT_MICROS - (a + b) * 100 - yesFee.perContract(a) - noFee.perContract(b) < L.minEdgeMicros) break;
      let q = remY < remN ? remY : remN;
      let capped = false;
      if (cum + q >= L.maxContracts) {
        q = L.maxContracts - cum;
        capped = true;
      }
      if (L.maxCostMicros > 0 && cumCost + q * (a + b) > L.maxCostMicros) {
        q = Math.floor((L.maxCostMicros - cumCost) / (a + b));
        capped = true;
      }
      if (q <= 0) break;
      cum += q;
      cumCost += q * (a + b);
      bp[nb++] = cum;
      if (capped) break;
      remY -= q;
      remN -= q;
      if (remY <= 0) {
        if (++i >= ny) break;
        remY = askQty(yes, i);
      }
      if (remN <= 0) {
        if (++j >= nn) break;
        remN = askQty(no, j);
      }
    }
    if (nb === 0) return false;

    // Exact economics at each boundary (whole contracts); keep the most profitable valid one.
    const t = this.trial;
    let found = false;
    let lastN = -1;
    for (let k = 0; k < nb; k++) {
      const n = Math.floor(bp[k]! / L.contractStep) * L.contractStep;
      if (n === lastN || n <= 0 || n < L.minContracts) continue;
      lastN = n;
      if (n < yesMin.minQty || n < noMin.minQty) continue;
      this.fill(yes, n, yesFee);
      t.yesCost = this.legCost;
      t.yesPx = this.legWorst;
      t.yesFee = this.legFee;
      this.fill(no, n, noFee);
      t.noCost = this.legCost;
      t.noPx = this.legWorst;
      t.noFee = this.legFee;
      if (t.yesPx * n < yesMin.minNotionalMicros || t.noPx * n < noMin.minNotionalMicros) continue;
      t.contracts = n;
      t.profit = n * PX_ONE - t.yesCost - t.noCost - t.yesFee - t.noFee;
      if (t.profit < L.minProfitMicros) continue;
      // Average edge per contract after exact fees: profit / (n / 100) >= minEdge.
      if (t.profit * 100 < L.minEdgeMicros * n) continue;
      if (!found || t.profit > out.profit) {
        out.copyFrom(t);
        found = true;
      }
    }
    return found;
  }

  /** Consume `n` Qty of a leg's asks from the best: cost, worst price and the order's fee. */
  private fill(leg: AskLeg, n: Qty, fee: LegFeeModel): void {
    let left = n;
    let cost = 0;
    let worst = 0;
    let k = 0;
    const levels = Math.min(leg.ladder.n, this.fillPx.length);
    for (let i = 0; i < levels && left > 0; i++) {
      const p = askPx(leg, i);
      const avail = askQty(leg, i);
      const q = avail < left ? avail : left;
      this.fillPx[k] = p;
      this.fillQty[k] = q;
      k++;
      cost += p * q;
      worst = p;
      left -= q;
    }
    this.legCost = cost;
    this.legWorst = worst;
    this.legFee = fee.orderFee(this.fillPx, this.fillQty, k);
  }
}
