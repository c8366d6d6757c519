// Arbitrage detection (spec discovery-and-arb.md §3, with the fixes of §5 and system.md §8 W19–W21):
// on every update of a pair, and only for that pair, evaluate the four arb types on tradeable,
// fresh books, size each by walking depth on both legs with exact venue fees, and emit the most
// profitable qualifying one (not the first in a fixed order) as an Opportunity.
//
//   poly_yes_kalshi_no   Polymarket YES ask + Kalshi NO ask (1 − best Kalshi YES bid)
//   kalshi_yes_poly_no   Kalshi YES ask (1 − best Kalshi NO bid) + Polymarket NO ask
//   poly_only            Polymarket YES ask + Polymarket NO ask
//   kalshi_only          Kalshi YES ask + Kalshi NO ask — only possible on a crossed Kalshi book,
//                        which the book refuses as inconsistent; kept for completeness.
//
// A book counts only when it is tradeable (in sync, consistent) and was confirmed within
// maxBookAgeMs. Identical repeats of the last emitted opportunity for a pair are suppressed for
// repeatMs so a busy book cannot flood the executor; any change (type, size, prices) re-emits.

import type { Logger, Micros } from '@parity/trading';
import { logger as rootLogger } from '@parity/trading';
import type { AskLeg, PairState } from '../books/pair-state.ts';
import type { ArbType, Opportunity, OpportunityLeg } from '../model.ts';
import type { FeeDirectory, LegFeeModel } from './fees.ts';
import { ArbSizer, SizedArb, type LegMinimums, type SizingLimits } from './sizing.ts';

/** Where opportunities go (the HybridExecutor plugs in here). Must not throw; must return quickly. */
export type OpportunitySink = (opp: Opportunity) => void;

export interface DetectionConfig extends SizingLimits {
  /** A book older than this (since its last confirmation) is ignored, ms. */
  maxBookAgeMs: number;
  /** Polymarket minimum order notional (size × limit price), micros. */
  polyMinNotionalMicros: Micros;
  /** Suppress an identical repeat of a pair's last opportunity for this long, ms (0 = never). */
  repeatMs: number;
}

const KALSHI_MINIMUMS: LegMinimums = Object.freeze({ minQty: 100, minNotionalMicros: 0 });
/** Payout of one contract, micros. */
const CONTRACT_MICROS = 1_000_000;

export interface DetectorStats {
  evaluations: number;
  emitted: number;
  repeatsSuppressed: number;
  sinkErrors: number;
}

export class Detector {
  readonly stats: DetectorStats = { evaluations: 0, emitted: 0, repeatsSuppressed: 0, sinkErrors: 0 };
  private readonly sizer: ArbSizer;
  private readonly cand = new SizedArb();
  private readonly best = new SizedArb();
  private readonly polyYesMin: LegMinimums = { minQty: 0, minNotionalMicros: 0 };
  private readonly polyNoMin: LegMinimums = { minQty: 0, minNotionalMicros: 0 };
  private seq = 0;
  private readonly log: Logger;
  private bestType: ArbType | null = null;
  private bestYes: AskLeg | null = null;
  private bestNo: AskLeg | null = null;
  /** The last evaluate(): arb types that passed the price screen (bit per type). */
  private screenMask = 0;
  /**
   * The last evaluate(): until when (ms, exclusive) its outcome stands on unchanged ladders —
   * all three books tradeable and fresh until then — or -1 when it was not reached that way.
   */
  private outcomeUntil = -1;
  /** Most two asks may cost together (Px) before fees for any type to reach the minimum edge. */
  readonly screenBudgetPx: number;

  constructor(
    readonly config: DetectionConfig,
    private readonly fees: FeeDirectory,
    private readonly sink: OpportunitySink,
    private readonly now: () => number = Date.now,
    log?: Logger,
  ) {
    this.sizer = new ArbSizer(config);
    this.screenBudgetPx = Math.floor((CONTRACT_MICROS - config.minEdgeMicros) / 100);
    this.log = log ?? rootLogger.child({ mod: 'detect' });
  }

  /** Book-store hook: run detection for the pairs a frame touched. */
  readonly onPairsUpdated = (pairs: readonly PairState[]): void => {
    const now = this.now();
    for (let i = 0; i < pairs.length; i++) this.check(pairs[i]!, now);
  };

  /** Prepare a pair (starts its fee lookups). Detection also does this lazily. */
  attach(ps: PairState): void {
    ps.fees ??= {
      kalshi: this.fees.kalshiSlot(ps.pair.kalshiTicker),
      polyYes: this.fees.polySlot(ps.pair.polyYesToken),
      polyNo: this.fees.polySlot(ps.pair.polyNoToken),
    };
  }

  /**
   * Evaluate one pair and emit its opportunity (unless an identical repeat). The outcome is noted
   * on the pair, so the native core can skip re-running it for changes it cannot affect.
   */
  check(ps: PairState, nowMs: number): Opportunity | null {
    const opp = this.evaluate(ps, nowMs);
    const until = this.outcomeUntil;
    if (!opp) {
      ps.noteEvaluation(until < 0 ? -1 : this.screenMask, until);
      return null;
    }
    const key = `${opp.type}|${opp.contracts}|${opp.legs[0].price}|${opp.legs[1].price}`;
    const repeatMs = this.config.repeatMs;
    if (repeatMs > 0 && key === ps.lastEmitKey && nowMs - ps.lastEmitAtMs < repeatMs) {
      this.stats.repeatsSuppressed++;
      // The same opportunity stays held back until the repeat window ends.
      ps.noteEvaluation(until < 0 ? -1 : this.screenMask, Math.min(until, ps.lastEmitAtMs + repeatMs));
      return null;
    }
    ps.lastEmitKey = key;
    ps.lastEmitAtMs = nowMs;
    ps.noteEvaluation(until < 0 || repeatMs <= 0 ? -1 : this.screenMask, Math.min(until, nowMs + repeatMs));
    this.stats.emitted++;
    try {
      this.sink(opp);
    } catch (err) {
      this.stats.sinkErrors++;
      this.log.error({ err: (err as Error).message, pair: ps.pair.id }, 'opportunity sink threw');
    }
    return opp;
  }

  /** The best qualifying opportunity of a pair right now, or null. Pure apart from counters. */
  evaluate(ps: PairState, nowMs: number): Opportunity | null {
    this.stats.evaluations++;
    ps.evaluations++;
    // Screen on prices alone, from the pair's own copy of each leg's best ask (0 = none): fees
    // only add to a cost, so a type whose two asks already exceed $1 - minimum edge cannot
    // qualify. Almost every update stops here without touching a book or a fee table.
    const kyPx = ps.kYesAsk;
    const knPx = ps.kNoAsk;
    const pyPx = ps.pYesAsk;
    const pnPx = ps.pNoAsk;
    const budgetPx = this.screenBudgetPx;
    this.outcomeUntil = -1;
    const mask =
      (pyPx > 0 && knPx > 0 && pyPx + knPx <= budgetPx ? 1 : 0) |
      (kyPx > 0 && pnPx > 0 && kyPx + pnPx <= budgetPx ? 2 : 0) |
      (pyPx > 0 && pnPx > 0 && pyPx + pnPx <= budgetPx ? 4 : 0) |
      (kyPx > 0 && knPx > 0 && kyPx + knPx <= budgetPx ? 8 : 0);
    this.screenMask = mask;
    if (mask === 0) return null;

    this.attach(ps);
    const f = ps.fees!;
    const maxAge = this.config.maxBookAgeMs;
    const k = ps.kalshi;
    const py = ps.polyYesBook;
    const pn = ps.polyNoBook;
    const kOk = k.tradeable && nowMs - k.confirmedAtMs() <= maxAge;
    const pyOk = py.tradeable && nowMs - py.confirmedAtMs() <= maxAge;
    const pnOk = pn.tradeable && nowMs - pn.confirmedAtMs() <= maxAge;
    if (!(kOk || (pyOk && pnOk))) return null;
    if (kOk && pyOk && pnOk) {
      // Fresh means now - confirmed <= maxAge: in whole ms, until (exclusive) the oldest book's confirmation + maxAge + 1.
      const until = Math.min(k.confirmedAtMs(), py.confirmedAtMs(), pn.confirmedAtMs()) + maxAge + 1;
      if (Number.isInteger(nowMs) && Number.isInteger(until)) this.outcomeUntil = until;
    }

    const kFee = f.kalshi.model;
    const pyFee = f.polyYes.model;
    const pnFee = f.polyNo.model;

    // Then with fees, on tradeable, fresh books only: cost of one contract (price + fee, micros),
    // Infinity when the leg is unusable.
    const ky = kOk ? kyPx : 0;
    const kn = kOk ? knPx : 0;
    const pY = pyOk ? pyPx : 0;
    const pN = pnOk ? pnPx : 0;
    const kyCost = ky > 0 ? ky * 100 + kFee.perContract(ky) : Infinity;
    const knCost = kn > 0 ? kn * 100 + kFee.perContract(kn) : Infinity;
    const pyCost = pY > 0 ? pY * 100 + pyFee.perContract(pY) : Infinity;
    const pnCost = pN > 0 ? pN * 100 + pnFee.perContract(pN) : Infinity;
    const budget = CONTRACT_MICROS - this.config.minEdgeMicros;
    const t1 = pyCost + knCost <= budget;
    const t2 = kyCost + pnCost <= budget;
    const t3 = pyCost + pnCost <= budget;
    const t4 = kyCost + knCost <= budget;
    if (!(t1 || t2 || t3 || t4)) return null;

    this.polyYesMin.minQty = f.polyYes.minOrderSize;
    this.polyYesMin.minNotionalMicros = this.config.polyMinNotionalMicros;
    this.polyNoMin.minQty = f.polyNo.minOrderSize;
    this.polyNoMin.minNotionalMicros = this.config.polyMinNotionalMicros;
    this.bestType = null;
    if (t1) this.tryType('poly_yes_kalshi_no', ps.polyYes, ps.kalshiNo, pyFee, kFee, this.polyYesMin, KALSHI_MINIMUMS);
    if (t2) this.tryType('kalshi_yes_poly_no', ps.kalshiYes, ps.polyNo, kFee, pnFee, KALSHI_MINIMUMS, this.polyNoMin);
    if (t3) this.tryType('poly_only', ps.polyYes, ps.polyNo, pyFee, pnFee, this.polyYesMin, this.polyNoMin);
    if (t4) this.tryType('kalshi_only', ps.kalshiYes, ps.kalshiNo, kFee, kFee, KALSHI_MINIMUMS, KALSHI_MINIMUMS);
    const bestType = this.bestType as ArbType | null;
    if (bestType === null) return null;

    const b = this.best;
    const yesLeg = this.bestYes!;
    const noLeg = this.bestNo!;
    const ageOf = this.ageOf;
    const kalshiAge =
      yesLeg.platform === 'kalshi' ? ageOf(ps, yesLeg, nowMs) : noLeg.platform === 'kalshi' ? ageOf(ps, noLeg, nowMs) : nowMs - k.confirmedAtMs();
    const polyAge =
      yesLeg.platform === 'polymarket' && noLeg.platform === 'polymarket'
        ? Math.max(ageOf(ps, yesLeg, nowMs), ageOf(ps, noLeg, nowMs))
        : yesLeg.platform === 'polymarket'
          ? ageOf(ps, yesLeg, nowMs)
          : noLeg.platform === 'polymarket'
            ? ageOf(ps, noLeg, nowMs)
            : Math.max(nowMs - py.confirmedAtMs(), nowMs - pn.confirmedAtMs());
    const fees = b.yesFee + b.noFee;
    return {
      id: `${ps.pair.id}#${nowMs.toString(36)}-${(++this.seq).toString(36)}`,
      pairId: ps.pair.id,
      type: bestType,
      contracts: b.contracts,
      legs: [leg(yesLeg, b.yesPx, b.contracts, b.yesCost, b.yesFee), leg(noLeg, b.noPx, b.contracts, b.noCost, b.noFee)],
      totalCostMicros: b.yesCost + b.noCost + fees,
      feesMicros: fees,
      expectedProfitMicros: b.profit,
      detectedAtMs: nowMs,
      bookAgeMs: { kalshi: kalshiAge, polymarket: polyAge },
    };
  }

  /** Age of a leg's book. (A method, not a closure in evaluate: no function object per opportunity.) */
  private ageOf(this: void, ps: PairState, leg: AskLeg, nowMs: number): number {
    const book = leg.platform === 'kalshi' ? ps.kalshi : leg === ps.polyYes ? ps.polyYesBook : ps.polyNoBook;
    return nowMs - book.confirmedAtMs();
  }

  private tryType(type: ArbType, yes: AskLeg, no: AskLeg, yf: LegFeeModel, nf: LegFeeModel, ym: LegMinimums, nm: LegMinimums): void {
    if (!this.sizer.size(yes, no, yf, nf, ym, nm, this.cand)) return;
    // Best profit wins; on a tie the earlier type (spec order) stays.
    if (this.bestType === null || this.cand.profit > this.best.profit) {
      this.best.copyFrom(this.cand);
      this.bestType = type;
      this.bestYes = yes;
      this.bestNo = no;
    }
  }
}

function leg(l: AskLeg, price: number, contracts: number, cost: number, fee: number): OpportunityLeg {
  return {
    platform: l.platform,
    side: l.side,
    price,
    contracts,
    kalshiTicker: l.platform === 'kalshi' ? l.market : undefined,
    polyToken: l.platform === 'polymarket' ? l.market : undefined,
    costMicros: cost,
    feesMicros: fee,
  };
}
