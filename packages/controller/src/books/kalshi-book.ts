// A Kalshi market's book: YES bids and NO bids at full depth (Kalshi publishes bids only).
// Asks are derived (spec kalshi.md §6): buying YES consumes NO bids from the highest down at
// 1 - q, buying NO consumes YES bids at 1 - q. A consistent book never has best YES bid + best NO
// bid >= $1 (they would have matched); such a book is marked not tradeable and resynced.

import { PX_ONE, type OutcomeSide, type Px, type Qty } from '@parity/trading';
import type { FeedLiveness } from '@parity/trading/market-data-common.ts';
import type { KalshiBookHandle } from '@parity/trading/kalshi/market-data.ts';
import { BOOK_KALSHI, core, type MdCore } from '@parity/mdcore';
import type { BookLadder } from './ladder.ts';
import type { PolyTokenBook } from './poly-book.ts';
import { SlotBook } from './slot-book.ts';

/** Where a book reports that it changed (the book store: refresh pair tops, mark pairs for detection). */
export interface BookOwner {
  kalshiChanged(b: KalshiBook): void;
  polyChanged(b: PolyTokenBook): void;
  polyRefused(b: PolyTokenBook): void;
}

/**
 * Also the feed's direct handle on this market (KalshiBookHandle): `delta` applies and reports.
 *
 * The scalars (best bids, times, tradeable) live in this book's slot of the shared slots table and
 * the ladders in the native core when it is loaded, so the core can apply deltas without calling
 * back into JavaScript; with the core absent (or `native` null) the ladders are TypeScript.
 */
export class KalshiBook extends SlotBook implements KalshiBookHandle {
  readonly yes: BookLadder;
  readonly no: BookLadder;

  constructor(
    readonly ticker: string,
    native: MdCore | null = core,
  ) {
    super(native, BOOK_KALSHI, ['bids', 'bids'], 'awaiting snapshot');
    [this.yes, this.no] = this.sides;
  }

  /**
   * Best bid of each side, Px (-1 = empty), kept with every change: consistency checks and pair
   * refreshes read these instead of reaching into the ladders.
   */
  get bestYes(): Px {
    return this.bestA;
  }
  set bestYes(v: Px) {
    this.bestA = v;
  }
  get bestNo(): Px {
    return this.bestB;
  }
  set bestNo(v: Px) {
    this.bestB = v;
  }

  /**
   * The native core applied a delta to this book and left the rest to us (the price screen
   * found something, or the book crossed): check it and report the change. False = inconsistent.
   */
  nativeApplied(): boolean {
    const ok = this.checkConsistent();
    this.owner?.kalshiChanged(this);
    return ok;
  }

  /** The feed's hot path: apply a delta and report the change. False = inconsistent (resync). */
  delta(side: OutcomeSide, price: Px, delta: Qty, atMs: number): boolean {
    const ok = this.applyDelta(side, price, delta, atMs);
    this.owner?.kalshiChanged(this);
    return ok;
  }

  /** Replace both sides (flat [px, qty, …] bids). Returns false (and stays not tradeable) when crossed. */
  applySnapshot(yesBids: readonly number[], noBids: readonly number[], atMs: number, live: FeedLiveness): boolean {
    this.yes.replaceFlat(yesBids);
    this.no.replaceFlat(noBids);
    this.bestYes = this.yes.bestPx();
    this.bestNo = this.no.bestPx();
    this.appliedAtMs = atMs;
    this.live = live;
    this.updates++;
    return this.checkConsistent();
  }

  /** Add a signed change to one bid level. Returns false when the book became inconsistent. */
  applyDelta(side: OutcomeSide, price: Px, delta: Qty, atMs: number): boolean {
    if (side === 'yes') {
      this.yes.add(price, delta);
      this.bestYes = this.yes.bestPx();
    } else {
      this.no.add(price, delta);
      this.bestNo = this.no.bestPx();
    }
    this.appliedAtMs = atMs;
    this.updates++;
    return this.checkConsistent();
  }

  /** Re-read the cached bests from the ladders (after they were written directly: tests). */
  syncBests(): void {
    this.bestYes = this.yes.bestPx();
    this.bestNo = this.no.bestPx();
  }

  /** Price to buy YES now (1 - best NO bid), or -1 when no NO bids. */
  yesAskPx(): Px {
    return this.bestNo >= 0 ? PX_ONE - this.bestNo : -1;
  }

  /** Price to buy NO now (1 - best YES bid), or -1 when no YES bids. */
  noAskPx(): Px {
    return this.bestYes >= 0 ? PX_ONE - this.bestYes : -1;
  }

  private checkConsistent(): boolean {
    if (this.bestYes >= 0 && this.bestNo >= 0 && this.bestYes + this.bestNo >= PX_ONE) {
      this.tradeable = false;
      this.reason = 'crossed book (best YES bid + best NO bid >= $1)';
      return false;
    }
    this.tradeable = true;
    this.reason = '';
    return true;
  }
}
