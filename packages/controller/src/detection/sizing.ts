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
  private readonly trial = new SizedArb();
  private readonly yesCursor = new LegCursor();
  private readonly noCursor = new LegCursor();

  constructor(readonly limits: SizingLimits) {
    this.bp = new Float64Array(2 * limits.maxLevels + 2);
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
    // Boundaries grow, so each leg's walk continues where the previous boundary left it: every
    // fully taken level is priced once, only the partly taken one again per boundary.
    const t = this.trial;
    const yc = this.yesCursor;
    const nc = this.noCursor;
    const levels = L.maxLevels + 1;
    yc.reset(yes, yesFee, levels);
    nc.reset(no, noFee, levels);
    let found = false;
    let lastN = -1;
    for (let k = 0; k < nb; k++) {
      const n = Math.floor(bp[k]! / L.contractStep) * L.contractStep;
      if (n === lastN || n <= 0 || n < L.minContracts) continue;
      lastN = n;
      if (n < yesMin.minQty || n < noMin.minQty) continue;
      yc.to(n);
      t.yesCost = yc.cost;
      t.yesPx = yc.worst;
      t.yesFee = yc.fee;
      nc.to(n);
      t.noCost = nc.cost;
      t.noPx = nc.worst;
      t.noFee = nc.fee;
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
}

/**
 * One leg's asks taken from the best for growing sizes n: the cost of the taken levels, the
 * worst price reached and the fee the venue charges for that one order (fills priced per level).
 */
class LegCursor {
  /** Results of the last to(n). */
  cost = 0;
  worst = 0;
  fee = 0;
  private leg: AskLeg | null = null;
  private model: LegFeeModel | null = null;
  private levels = 0;
  /** Levels fully taken so far, and their size, cost and summed fill fees. */
  private i = 0;
  private usedQty = 0;
  private usedCost = 0;
  private usedFees = 0;
  private lastPx = 0;

  reset(leg: AskLeg, model: LegFeeModel, maxLevels: number): void {
    this.leg = leg;
    this.model = model;
    this.levels = Math.min(leg.ladder.n, maxLevels);
    this.i = 0;
    this.usedQty = 0;
    this.usedCost = 0;
    this.usedFees = 0;
    this.lastPx = 0;
  }

  /** Take `n` Qty (n never below the previous call's). */
  to(n: Qty): void {
    const leg = this.leg!;
    const model = this.model!;
    while (this.i < this.levels) {
      const q = askQty(leg, this.i);
      if (this.usedQty + q > n) break;
      const p = askPx(leg, this.i);
      this.usedQty += q;
      this.usedCost += p * q;
      this.usedFees += model.fillFee(p, q);
      this.lastPx = p;
      this.i++;
    }
    const part = n - this.usedQty;
    if (part > 0 && this.i < this.levels) {
      const p = askPx(leg, this.i);
      this.cost = this.usedCost + p * part;
      this.worst = p;
      this.fee = model.orderTotal(this.usedFees + model.fillFee(p, part));
    } else {
      this.cost = this.usedCost;
      this.worst = this.lastPx;
      this.fee = model.orderTotal(this.usedFees);
    }
  }
}
