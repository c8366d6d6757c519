// Everything the controller keeps per pair on the hot path: the pair, its three books (one Kalshi
// market, two Polymarket tokens) and the four ask ladders detection walks. Built once when the
// pair is added, so an update touches no maps beyond the book lookup.

import { PX_ONE, type OutcomeSide, type Platform, type Px, type Qty } from '@parity/trading';
import type { Pair } from '../model.ts';
import type { FeeSlot, KalshiLegFee, PolyLegFee } from '../detection/fees.ts';
import type { KalshiBook } from './kalshi-book.ts';
import {
  G_FEE_EPOCH,
  P_BUDGET,
  P_KNO,
  P_KSLOT,
  P_KYES,
  P_MEMO_EPOCH,
  P_MEMO_MASK,
  P_MEMO_UNTIL,
  P_PNO,
  P_PNSLOT,
  P_PYES,
  P_PYSLOT,
  P_SCREENS,
  P_VER_KN,
  P_VER_KY,
  P_VER_PN,
  P_VER_PY,
  SLOT,
  slots,
} from '@parity/mdcore';
import type { BookLadder } from './ladder.ts';
import type { PolyTokenBook } from './poly-book.ts';

/** One buyable outcome: the prices and sizes at which `side` can be bought now, best first. */
export interface AskLeg {
  readonly platform: Platform;
  readonly side: OutcomeSide;
  /** Kalshi ticker or Polymarket token id. */
  readonly market: string;
  /** The ladder the asks come from. */
  readonly ladder: BookLadder;
  /** Kalshi derives asks from the opposite side's bids: ask price = $1 - bid price. */
  readonly invert: boolean;
}

/** Ask price of level i (0 = best). */
export function askPx(leg: AskLeg, i: number): Px {
  const p = leg.ladder.pxAt(i);
  return leg.invert ? PX_ONE - p : p;
}

/** Ask size of level i (0 = best). */
export function askQty(leg: AskLeg, i: number): Qty {
  return leg.ladder.qtyAt(i);
}

/** Fee parameter slots of a pair's three markets (filled by detection, updated in place by fetches). */
export interface PairFees {
  kalshi: FeeSlot<KalshiLegFee>;
  polyYes: FeeSlot<PolyLegFee>;
  polyNo: FeeSlot<PolyLegFee>;
}

export class PairState {
  /** Marked when one of its books changed during the current frame. */
  dirty = false;
  /** Buy Kalshi YES: consumes NO bids. */
  readonly kalshiYes: AskLeg;
  /** Buy Kalshi NO: consumes YES bids. */
  readonly kalshiNo: AskLeg;
  /** Buy the Polymarket token that pays when Kalshi YES pays. */
  readonly polyYes: AskLeg;
  /** Buy the Polymarket token that pays when Kalshi NO pays. */
  readonly polyNo: AskLeg;
  /** Detection's memory for this pair (repeat suppression). */
  lastEmitKey = '';
  lastEmitAtMs = 0;
  /** Detection runs in JavaScript (see `evaluations`). */
  private jsEvaluations = 0;
  /** Set by detection when the pair is first seen. */
  fees: PairFees | null = null;
  /**
   * This pair's slot in the shared slots table: the best ask of each leg, Px (0 = none), kept
   * current on every book change (tradeable or not) by the book store or the native core, and
   * the price budget of detection's first screen. The screen reads only these, so most updates
   * touch no other book. Code that writes ladders directly (tests) calls refreshAll().
   */
  readonly slot: number;

  constructor(
    readonly pair: Pair,
    readonly kalshi: KalshiBook,
    readonly polyYesBook: PolyTokenBook,
    readonly polyNoBook: PolyTokenBook,
  ) {
    this.kalshiYes = { platform: 'kalshi', side: 'yes', market: pair.kalshiTicker, ladder: kalshi.no, invert: true };
    this.kalshiNo = { platform: 'kalshi', side: 'no', market: pair.kalshiTicker, ladder: kalshi.yes, invert: true };
    this.polyYes = { platform: 'polymarket', side: 'yes', market: pair.polyYesToken, ladder: polyYesBook.asks, invert: false };
    this.polyNo = { platform: 'polymarket', side: 'no', market: pair.polyNoToken, ladder: polyNoBook.asks, invert: false };
    this.slot = slots.alloc(this);
    const base = this.slot * SLOT;
    slots.f64[base + P_BUDGET] = NaN;
    slots.f64[base + P_KSLOT] = kalshi.slot;
    slots.f64[base + P_PYSLOT] = polyYesBook.slot;
    slots.f64[base + P_PNSLOT] = polyNoBook.slot;
    slots.f64[base + P_MEMO_MASK] = -1;
    this.refreshAll();
  }

  get kYesAsk(): Px {
    return slots.f64[this.slot * SLOT + P_KYES]!;
  }
  set kYesAsk(v: Px) {
    slots.f64[this.slot * SLOT + P_KYES] = v;
  }
  get kNoAsk(): Px {
    return slots.f64[this.slot * SLOT + P_KNO]!;
  }
  set kNoAsk(v: Px) {
    slots.f64[this.slot * SLOT + P_KNO] = v;
  }
  get pYesAsk(): Px {
    return slots.f64[this.slot * SLOT + P_PYES]!;
  }
  set pYesAsk(v: Px) {
    slots.f64[this.slot * SLOT + P_PYES] = v;
  }
  get pNoAsk(): Px {
    return slots.f64[this.slot * SLOT + P_PNO]!;
  }
  set pNoAsk(v: Px) {
    slots.f64[this.slot * SLOT + P_PNO] = v;
  }

  /** Detection runs (tests, metrics): in JavaScript, plus price screens the native core ran. */
  get evaluations(): number {
    return this.jsEvaluations + slots.f64[this.slot * SLOT + P_SCREENS]!;
  }
  set evaluations(v: number) {
    this.jsEvaluations = v - slots.f64[this.slot * SLOT + P_SCREENS]!;
  }

  /**
   * Detection's price screen (Detector.screenBudgetPx): the native core reports a change of this
   * pair only when two asks fit in it. NaN = report every change (a consumer other than detection).
   */
  setScreenBudget(px: number): void {
    slots.f64[this.slot * SLOT + P_BUDGET] = px;
    this.noteEvaluation(-1, 0);
  }

  /**
   * What detection's full evaluation just saw, for the native core to reuse: the price-screen
   * types (bit per arb type; -1 = nothing reusable), the ask ladders' versions, and until when
   * the outcome stands (ms). The core then skips detection for a change that touched none of the
   * ladders those types walk (see memo_holds in mdcore.c).
   */
  noteEvaluation(mask: number, untilMs: number): void {
    const f = slots.f64;
    const base = this.slot * SLOT;
    f[base + P_MEMO_MASK] = mask;
    if (mask < 0) return;
    f[base + P_VER_KY] = this.kalshiYes.ladder.version;
    f[base + P_VER_KN] = this.kalshiNo.ladder.version;
    f[base + P_VER_PY] = this.polyYes.ladder.version;
    f[base + P_VER_PN] = this.polyNo.ladder.version;
    f[base + P_MEMO_UNTIL] = untilMs;
    f[base + P_MEMO_EPOCH] = f[G_FEE_EPOCH]!;
  }

  /** Refresh every leg's ask (after ladders were written directly, not through the book store). */
  refreshAll(): void {
    this.kalshi.syncBests();
    this.polyYesBook.syncBests();
    this.polyNoBook.syncBests();
    this.refreshKalshi();
    this.refreshPoly(this.polyYesBook);
    this.refreshPoly(this.polyNoBook);
  }

  /** The Kalshi book changed: refresh the two Kalshi asks. */
  refreshKalshi(): void {
    const k = this.kalshi;
    this.kYesAsk = k.bestNo >= 0 ? PX_ONE - k.bestNo : 0;
    this.kNoAsk = k.bestYes >= 0 ? PX_ONE - k.bestYes : 0;
  }

  /** A Polymarket token book of this pair changed: refresh its ask. */
  refreshPoly(b: PolyTokenBook): void {
    const a = b.bestAsk >= 0 ? b.bestAsk : 0;
    if (b === this.polyYesBook) this.pYesAsk = a;
    if (b === this.polyNoBook) this.pNoAsk = a;
  }

  /**
   * True when all three books are in sync and confirmed within `maxAgeMs` of `nowMs`.
   * (Detection checks per arb type; this is the pair-level view for tests and the dashboard.)
   */
  tradeable(nowMs: number, maxAgeMs: number): boolean {
    return (
      this.kalshi.tradeable &&
      this.polyYesBook.tradeable &&
      this.polyNoBook.tradeable &&
      nowMs - this.kalshi.confirmedAtMs() <= maxAgeMs &&
      nowMs - this.polyYesBook.confirmedAtMs() <= maxAgeMs &&
      nowMs - this.polyNoBook.confirmedAtMs() <= maxAgeMs
    );
  }
}
