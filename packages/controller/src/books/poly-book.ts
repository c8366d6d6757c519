// A Polymarket outcome token's book at full depth (bids and asks, as the venue publishes them).
// `book` replaces it, `price_change` sets absolute level sizes. Each change is checked against
// the venue's own top of book (best_bid / best_ask of the price_change item): a disagreement
// means we missed something, so the book is not tradeable until a fresh `book` arrives.

import { PX_ONE, type Px, type Qty } from '@parity/trading';
import type { FeedLiveness } from '@parity/trading/market-data-common.ts';
import type { PolyBookHandle, PolyBookSide } from '@parity/trading/polymarket/market-data.ts';
import type { BookOwner } from './kalshi-book.ts';
import { BOOK_POLY, B_APPLIED, B_BEST_A, B_BEST_B, B_TRADEABLE, B_UPDATES, core, SLOT, slots, type MdCore } from '@parity/mdcore';
import { Ladder, type BookLadder } from './ladder.ts';
import { nativeBook } from './native-ladder.ts';
import type { PairState } from './pair-state.ts';

/** Also the feed's direct handle on this token (PolyBookHandle). Storage as in KalshiBook. */
export class PolyTokenBook implements PolyBookHandle {
  readonly bids: BookLadder;
  readonly asks: BookLadder;
  /** This book's slot in the shared slots table. */
  readonly slot: number;
  /** Its id in the native core; -1 when its ladders are TypeScript. */
  readonly nativeId: number;
  private readonly native: MdCore | null;
  private whyNot = 'awaiting book';
  /** Tick size in Px (0 = unknown). */
  tickSize: Px = 0;
  live: FeedLiveness | null = null;
  /** Pairs that use this token, as their YES or NO token. */
  readonly pairs: PairState[] = [];
  /** pairs[0] when it is the only one (the common case). */
  soloPair: PairState | null = null;
  /** False once the store dropped this book (the feed then resolves a new handle). */
  attached = true;
  /** Set by the book store. */
  owner: BookOwner | null = null;

  constructor(
    readonly assetId: string,
    native: MdCore | null = core,
  ) {
    this.slot = slots.alloc(this);
    this.bestBid = -1;
    this.bestAsk = -1;
    this.native = native;
    if (native) {
      const b = nativeBook(native, BOOK_POLY, this.slot, this, ['bids', 'asks']);
      this.nativeId = b.id;
      this.bids = b.a;
      this.asks = b.b;
    } else {
      this.nativeId = -1;
      this.bids = new Ladder('bids');
      this.asks = new Ladder('asks');
    }
  }

  get tradeable(): boolean {
    return slots.f64[this.slot * SLOT + B_TRADEABLE] === 1;
  }
  set tradeable(v: boolean) {
    slots.f64[this.slot * SLOT + B_TRADEABLE] = v ? 1 : 0;
  }
  /** Why the book is not tradeable; '' when it is. */
  get reason(): string {
    return this.tradeable ? '' : this.whyNot;
  }
  set reason(v: string) {
    this.whyNot = v;
  }
  get appliedAtMs(): number {
    return slots.f64[this.slot * SLOT + B_APPLIED]!;
  }
  set appliedAtMs(v: number) {
    slots.f64[this.slot * SLOT + B_APPLIED] = v;
  }
  /** Best bid and ask, Px (-1 = empty side), kept with every change (see KalshiBook.bestYes). */
  get bestBid(): Px {
    return slots.f64[this.slot * SLOT + B_BEST_A]!;
  }
  set bestBid(v: Px) {
    slots.f64[this.slot * SLOT + B_BEST_A] = v;
  }
  get bestAsk(): Px {
    return slots.f64[this.slot * SLOT + B_BEST_B]!;
  }
  set bestAsk(v: Px) {
    slots.f64[this.slot * SLOT + B_BEST_B] = v;
  }
  get updates(): number {
    return slots.f64[this.slot * SLOT + B_UPDATES]!;
  }
  set updates(v: number) {
    slots.f64[this.slot * SLOT + B_UPDATES] = v;
  }

  /** The store changed this book's pairs: tell the core which pair (and which of its tokens) its changes refresh. */
  pairsChanged(): void {
    const solo = this.attached ? this.soloPair : null;
    const role = solo ? (solo.polyYesBook === this ? 1 : 0) | (solo.polyNoBook === this ? 2 : 0) : 0;
    this.native?.bookSet(this.nativeId, this.attached ? 1 : 0, solo ? solo.slot : -1, role);
  }

  /** The store dropped this book: no feed may write it any more. */
  detach(): void {
    this.attached = false;
    this.pairsChanged();
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

  confirmedAtMs(): number {
    const alive = this.live ? this.live.aliveAtMs : 0;
    return alive > this.appliedAtMs ? alive : this.appliedAtMs;
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

  /** Not tradeable until the next snapshot; the first cause is kept as the reason. */
  invalidate(reason: string): void {
    if (this.tradeable) this.reason = reason;
    this.tradeable = false;
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
