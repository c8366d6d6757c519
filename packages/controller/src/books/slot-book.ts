// What Kalshi and Polymarket books share: their scalars in a slot of the shared slots table (so
// the native market-data core and TypeScript read and write the same fields), their two ladders
// (in the core when it is loaded, else TypeScript), pair links, liveness and tradeability.

import type { FeedLiveness } from '@parity/trading/market-data-common.ts';
import { B_APPLIED, B_BEST_A, B_BEST_B, B_TRADEABLE, B_UPDATES, SLOT, slots, type MdCore } from '@parity/mdcore';
import type { BookOwner } from './kalshi-book.ts';
import { Ladder, type BookLadder, type LadderKind } from './ladder.ts';
import { nativeBook } from './native-ladder.ts';
import type { PairState } from './pair-state.ts';

export abstract class SlotBook {
  /** This book's slot in the shared slots table. */
  readonly slot: number;
  /** Its id in the native core; -1 when its ladders are TypeScript. */
  readonly nativeId: number;
  /** Ladder a and b (Kalshi: YES bids, NO bids; Polymarket: bids, asks). */
  protected readonly sides: [BookLadder, BookLadder];
  private readonly native: MdCore | null;
  private whyNot: string;
  /** Liveness of the connection that delivered the current snapshot. */
  live: FeedLiveness | null = null;
  /** Pairs that use this book (usually one). */
  readonly pairs: PairState[] = [];
  /** pairs[0] when it is the only one (the common case: no array to walk on the hot path). */
  soloPair: PairState | null = null;
  /** False once the store dropped this book (the feed then resolves a new handle). */
  attached = true;
  /** Set by the book store. */
  owner: BookOwner | null = null;

  protected constructor(native: MdCore | null, kind: number, kinds: [LadderKind, LadderKind], whyNot: string) {
    this.slot = slots.alloc(this);
    slots.f64[this.slot * SLOT + B_BEST_A] = -1;
    slots.f64[this.slot * SLOT + B_BEST_B] = -1;
    this.native = native;
    this.whyNot = whyNot;
    if (native) {
      const b = nativeBook(native, kind, this.slot, this, kinds);
      this.nativeId = b.id;
      this.sides = [b.a, b.b];
    } else {
      this.nativeId = -1;
      this.sides = [new Ladder(kinds[0]), new Ladder(kinds[1])];
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
  /** Local time the last snapshot or change was applied. */
  get appliedAtMs(): number {
    return slots.f64[this.slot * SLOT + B_APPLIED]!;
  }
  set appliedAtMs(v: number) {
    slots.f64[this.slot * SLOT + B_APPLIED] = v;
  }
  get updates(): number {
    return slots.f64[this.slot * SLOT + B_UPDATES]!;
  }
  set updates(v: number) {
    slots.f64[this.slot * SLOT + B_UPDATES] = v;
  }
  /** Best price of ladder a / b, Px (-1 = empty), kept with every change. */
  protected get bestA(): number {
    return slots.f64[this.slot * SLOT + B_BEST_A]!;
  }
  protected set bestA(v: number) {
    slots.f64[this.slot * SLOT + B_BEST_A] = v;
  }
  protected get bestB(): number {
    return slots.f64[this.slot * SLOT + B_BEST_B]!;
  }
  protected set bestB(v: number) {
    slots.f64[this.slot * SLOT + B_BEST_B] = v;
  }

  /** When the book was last known to be current: its last change, or later proof the feed is alive and gap-free. */
  confirmedAtMs(): number {
    const alive = this.live ? this.live.aliveAtMs : 0;
    return alive > this.appliedAtMs ? alive : this.appliedAtMs;
  }

  /** Not tradeable until the next snapshot; the first cause is kept as the reason. */
  invalidate(reason: string): void {
    if (this.tradeable) this.reason = reason;
    this.tradeable = false;
  }

  /** Which token of its only pair this book is (Polymarket: bit 0 YES, bit 1 NO). */
  protected role(_pair: PairState): number {
    return 0;
  }

  /** The store changed this book's pairs: tell the core which pair its changes refresh. */
  pairsChanged(): void {
    const solo = this.attached ? this.soloPair : null;
    this.native?.bookSet(this.nativeId, this.attached ? 1 : 0, solo ? solo.slot : -1, solo ? this.role(solo) : 0);
  }

  /** The store dropped this book: no feed may write it any more. */
  detach(): void {
    this.attached = false;
    this.pairsChanged();
  }
}
