// A Polymarket outcome token's book at full depth (bids and asks, as the venue publishes them).
// `book` replaces it, `price_change` sets absolute level sizes. Each change is checked against
// the venue's own top of book (best_bid / best_ask of the price_change item): a disagreement
// means we missed something, so the book is not tradeable until a fresh `book` arrives.

import { PX_ONE, type Px, type Qty } from '@parity/trading';
import type { FeedLiveness } from '@parity/trading/market-data-common.ts';
import type { PolyBookHandle, PolyBookSide } from '@parity/trading/polymarket/market-data.ts';
import { BOOK_POLY, core, type MdCore } from '@parity/mdcore';
import type { BookLadder } from './ladder.ts';
import type { PairState } from './pair-state.ts';
import { SlotBook } from './slot-book.ts';

/** Also the feed's direct handle on this token (PolyBookHandle). Storage as in KalshiBook. */
export class PolyTokenBook extends SlotBook implements PolyBookHandle {
  readonly bids: BookLadder;
  readonly asks: BookLadder;
  /** Tick size in Px (0 = unknown). */
  tickSize: Px = 0;

  constructor(
    readonly assetId: string,
    native: MdCore | null = core,
  ) {
    super(native, BOOK_POLY, ['bids', 'asks'], 'awaiting book');
    [this.bids, this.asks] = this.sides;
  }

  /** Best bid and ask, Px (-1 = empty side), kept with every change (see KalshiBook.bestYes). */
  get bestBid(): Px {
    return this.bestA;
  }
  set bestBid(v: Px) {
    this.bestA = v;
  }
  get bestAsk(): Px {
    return this.bestB;
  }
  set bestAsk(v: Px) {
    this.bestB = v;
  }

  protected override role(pair: PairState): number {
    return (pair.polyYesBook === this ? 1 : 0) | (pair.polyNoBook === this ? 2 : 0);
  }

  /** The native core applied changes to this book: report them (checks follow via verify when needed). */
  nativeApplied(): void {
    this.owner?.polyChanged(this);
  }

  /** The feed's hot path: set a level and report the change. */
  level(side: PolyBookSide, price: Px, size: Qty, atMs: number): void {
    this.applyLevel(side, price, size, atMs);
    this.owner?.polyChanged(this);
  }

  /** The feed's hot path: check() after an event, reporting a refusal. */
  verify(bestBid: Px, bestAsk: Px): boolean {
    const ok = this.check(bestBid, bestAsk);
    if (!ok) this.owner?.polyRefused(this);
    return ok;
  }

  applyBook(bids: readonly number[], asks: readonly number[], atMs: number, live: FeedLiveness): boolean {
    this.bids.replaceFlat(bids);
    this.asks.replaceFlat(asks);
    this.bestBid = this.bids.bestPx();
    this.bestAsk = this.asks.bestPx();
    this.appliedAtMs = atMs;
    this.live = live;
    this.updates++;
    return this.checkConsistent();
  }

  /** Absolute level change (size 0 removes). Call check() once the event is applied. */
  applyLevel(side: PolyBookSide, price: Px, size: Qty, atMs: number): void {
    if (side === 'bid') {
      this.bids.set(price, size);
      this.bestBid = this.bids.bestPx();
    } else {
      this.asks.set(price, size);
      this.bestAsk = this.asks.bestPx();
    }
    this.appliedAtMs = atMs;
    this.updates++;
  }

  /**
   * Consistency after a batch of changes, and agreement with the venue's top of book when given
   * (-1 = not given; the venue sends an empty side as 0 / 1). False = not tradeable.
   */
  check(bestBid: Px, bestAsk: Px): boolean {
    if (!this.checkConsistent()) return false;
    if (bestBid >= 0) {
      const ours = this.bestBid >= 0 ? this.bestBid : 0;
      if (ours !== bestBid && !(this.bestBid < 0 && bestBid === PX_ONE)) return this.drift('bid', ours, bestBid);
    }
    if (bestAsk >= 0) {
      const ours = this.bestAsk >= 0 ? this.bestAsk : PX_ONE;
      if (ours !== bestAsk && !(this.bestAsk < 0 && bestAsk === 0)) return this.drift('ask', ours, bestAsk);
    }
    return true;
  }

  /** Re-read the cached bests from the ladders (after they were written directly: tests). */
  syncBests(): void {
    this.bestBid = this.bids.bestPx();
    this.bestAsk = this.asks.bestPx();
  }

  private drift(side: string, ours: Px, venue: Px): boolean {
    this.tradeable = false;
    this.reason = `book drift: our best ${side} ${ours} Px, venue says ${venue} Px`;
    return false;
  }

  private checkConsistent(): boolean {
    if (this.bestBid >= 0 && this.bestAsk >= 0 && this.bestBid >= this.bestAsk) {
      this.tradeable = false;
      this.reason = 'crossed book (best bid >= best ask)';
      return false;
    }
    this.tradeable = true;
    this.reason = '';
    return true;
  }
}
