// A Kalshi market's book: YES bids and NO bids at full depth (Kalshi publishes bids only).
// Asks are derived (spec kalshi.md §6): buying YES consumes NO bids from the highest down at
// 1 - q, buying NO consumes YES bids at 1 - q. A consistent book never has best YES bid + best NO
// bid >= $1 (they would have matched); such a book is marked not tradeable and resynced.

import { PX_ONE, type OutcomeSide, type Px, type Qty } from '@parity/trading';
import type { FeedLiveness } from '@parity/trading/market-data-common.ts';
import type { KalshiBookHandle } from '@parity/trading/kalshi/market-data.ts';
import { BOOK_KALSHI, B_APPLIED, B_BEST_A, B_BEST_B, B_TRADEABLE, B_UPDATES, core, SLOT, slots, type MdCore } from '@parity/mdcore';
import { Ladder, type BookLadder } from './ladder.ts';
import { nativeBook } from './native-ladder.ts';
import type { PairState } from './pair-state.ts';
import type { PolyTokenBook } from './poly-book.ts';

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
export class KalshiBook implements KalshiBookHandle {
  readonly yes: BookLadder;
  readonly no: BookLadder;
  /** This book's slot in the shared slots table. */
  readonly slot: number;
  /** Its id in the native core; -1 when its ladders are TypeScript. */
  readonly nativeId: number;
  private readonly native: MdCore | null;
  private whyNot = 'awaiting snapshot';
  /** Liveness of the connection that delivered the current snapshot. */
  live: FeedLiveness | null = null;
  /** Pairs that use this market (usually one). */
  readonly pairs: PairState[] = [];
  /** pairs[0] when it is the only one (the common case: no array to walk on the hot path). */
  soloPair: PairState | null = null;
  /** False once the store dropped this book (the feed then resolves a new handle). */
  attached = true;
  /** Set by the book store. */
  owner: BookOwner | null = null;

  constructor(
    readonly ticker: string,
    native: MdCore | null = core,
  ) {
    this.slot = slots.alloc(this);
    this.bestYes = -1;
    this.bestNo = -1;
    this.native = native;
    if (native) {
      const b = nativeBook(native, BOOK_KALSHI, this.slot, this, ['bids', 'bids']);
      this.nativeId = b.id;
      this.yes = b.a;
      this.no = b.b;
    } else {
      this.nativeId = -1;
      this.yes = new Ladder('bids');
      this.no = new Ladder('bids');
    }
  }

  /** In sync with the venue and consistent. Detection only reads tradeable books. */
  get tradeable(): boolean {
    return slots.f64[this.slot * SLOT + B_TRADEABLE] === 1;
  }
  set tradeable(v: boolean) {
    slots.f64[this.slot * SLOT + B_TRADEABLE] = v ? 1 : 0;
  }
  /** Why the book is not tradeable (for logs and the dashboard); '' when it is. */
  get reason(): string {
    return this.tradeable ? '' : this.whyNot;
  }
  set reason(v: string) {
    this.whyNot = v;
  }
  /** Local time the last snapshot or delta was applied. */
  get appliedAtMs(): number {
    return slots.f64[this.slot * SLOT + B_APPLIED]!;
  }
  set appliedAtMs(v: number) {
    slots.f64[this.slot * SLOT + B_APPLIED] = v;
  }
  /**
   * Best bid of each side, Px (-1 = empty), kept with every change: consistency checks and pair
   * refreshes read these instead of reaching into the ladders.
   */
  get bestYes(): Px {
    return slots.f64[this.slot * SLOT + B_BEST_A]!;
  }
  set bestYes(v: Px) {
    slots.f64[this.slot * SLOT + B_BEST_A] = v;
  }
  get bestNo(): Px {
    return slots.f64[this.slot * SLOT + B_BEST_B]!;
  }
  set bestNo(v: Px) {
    slots.f64[this.slot * SLOT + B_BEST_B] = v;
  }
  get updates(): number {
    return slots.f64[this.slot * SLOT + B_UPDATES]!;
  }
  set updates(v: number) {
    slots.f64[this.slot * SLOT + B_UPDATES] = v;
  }

  /** The store changed this book's pairs: tell the core which pair its changes refresh. */
  pairsChanged(): void {
    this.native?.bookSet(this.nativeId, this.attached ? 1 : 0, this.attached && this.soloPair ? this.soloPair.slot : -1, 0);
  }

  /** The store dropped this book: no feed may write it any more. */
  detach(): void {
    this.attached = false;
    this.pairsChanged();
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

  /** When the book was last known to be current: its last change, or later proof the feed is alive and gap-free. */
  confirmedAtMs(): number {
    const alive = this.live ? this.live.aliveAtMs : 0;
    return alive > this.appliedAtMs ? alive : this.appliedAtMs;
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

  /** Not tradeable until the next snapshot; the first cause is kept as the reason. */
  invalidate(reason: string): void {
    if (this.tradeable) this.reason = reason;
    this.tradeable = false;
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
