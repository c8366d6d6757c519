// One side of an order book at full depth: price levels (Px) with sizes (Qty), kept sorted so the
// best level is always the LAST element. Bids are stored ascending (highest = best = last), asks
// descending (lowest = best = last). Removing or changing the best level then never shifts the
// array, and a depth walk reads from the end backwards.
//
// One Float64Array holding [px, qty] pairs side by side, grown by doubling, no per-update
// allocation: an update reads one array (a level's price and size share a cache line), and with
// 5,000 pairs updated at random, cache misses are most of what an update costs.

import type { Px, Qty } from '@parity/trading';

export type LadderKind = 'bids' | 'asks';

/** One side of a book, whichever implementation holds it (this class, or the native core's). */
export interface BookLadder {
  /** True for asks (stored descending), false for bids (stored ascending). */
  readonly asks: boolean;
  /** Number of levels. */
  readonly n: number;
  /** Changes with every write (detection remembers what it derived from which version). */
  readonly version: number;
  clear(): void;
  /** Best price, or -1 when the side is empty. */
  bestPx(): Px;
  /** Size at the best price, or 0 when the side is empty. */
  bestQty(): Qty;
  /** Price of the i-th level counted from the best (0 = best). */
  pxAt(i: number): Px;
  /** Size of the i-th level counted from the best (0 = best). */
  qtyAt(i: number): Qty;
  /** Size at an exact price, 0 when absent. */
  sizeAt(price: Px): Qty;
  /** Absolute level replacement (Polymarket): size 0 removes the level. */
  set(price: Px, qty: Qty): void;
  /** Signed change of a level's size (Kalshi deltas); returns the level's new size. */
  add(price: Px, delta: Qty): Qty;
  /** Replace the whole side from flat [px, qty, …] pairs in any order. */
  replaceFlat(levels: readonly number[]): void;
  /** Copy of the levels from best to worst. */
  toArray(): Array<[Px, Qty]>;
}

const INITIAL_CAPACITY = 16;

export class Ladder implements BookLadder {
  /** Levels as [px, qty] pairs (level k at 2k, 2k + 1), sorted so that the best is level n - 1. */
  private lv: Float64Array;
  /** Number of levels. */
  n = 0;
  version = 0;
  /** True for asks (stored descending), false for bids (stored ascending). */
  readonly asks: boolean;

  constructor(kind: LadderKind, capacity = INITIAL_CAPACITY) {
    this.asks = kind === 'asks';
    this.lv = new Float64Array(2 * capacity);
  }

  clear(): void {
    this.version++;
    this.n = 0;
  }

  /** Best price, or -1 when the side is empty. */
  bestPx(): Px {
    return this.n > 0 ? this.lv[2 * this.n - 2]! : -1;
  }

  /** Size at the best price, or 0 when the side is empty. */
  bestQty(): Qty {
    return this.n > 0 ? this.lv[2 * this.n - 1]! : 0;
  }

  /** Price of the i-th level counted from the best (0 = best). */
  pxAt(i: number): Px {
    return this.lv[2 * (this.n - 1 - i)]!;
  }

  /** Size of the i-th level counted from the best (0 = best). */
  qtyAt(i: number): Qty {
    return this.lv[2 * (this.n - 1 - i) + 1]!;
  }

  /** Size at an exact price, 0 when absent. */
  sizeAt(price: Px): Qty {
    const i = this.find(price);
    return i >= 0 ? this.lv[2 * i + 1]! : 0;
  }

  /**
   * Index of `price`, or -(insertionPoint + 1) when absent. Storage order is ascending for bids and
   * descending for asks, so the comparison flips with the side.
   */
  find(price: Px): number {
    const lv = this.lv;
    const n = this.n;
    if (n <= 24) {
      // Short books: scan from the best end, where almost every update lands (no branchy search).
      let i = n - 1;
      if (this.asks) {
        while (i >= 0 && lv[2 * i]! < price) i--;
      } else {
        while (i >= 0 && lv[2 * i]! > price) i--;
      }
      return i >= 0 && lv[2 * i] === price ? i : -(i + 2);
    }
    let lo = 0;
    let hi = n - 1;
    if (this.asks) {
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const v = lv[2 * mid]!;
        if (v > price) lo = mid + 1;
        else if (v < price) hi = mid - 1;
        else return mid;
      }
    } else {
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const v = lv[2 * mid]!;
        if (v < price) lo = mid + 1;
        else if (v > price) hi = mid - 1;
        else return mid;
      }
    }
    return -(lo + 1);
  }

  /** Absolute level replacement (Polymarket): size 0 removes the level. Caller guarantees qty >= 0. */
  set(price: Px, qty: Qty): void {
    this.version++;
    const i = this.find(price);
    if (i >= 0) {
      if (qty > 0) this.lv[2 * i + 1] = qty;
      else this.removeAt(i);
    } else if (qty > 0) {
      this.insertAt(-i - 1, price, qty);
    }
  }

  /**
   * Signed change of a level's size (Kalshi deltas). The level is created by a positive change
   * and removed when its size drops to zero or below; a negative change at an absent price is a
   * no-op. Returns the level's new size (0 when removed or absent).
   */
  add(price: Px, delta: Qty): Qty {
    this.version++;
    const i = this.find(price);
    if (i >= 0) {
      const v = this.lv[2 * i + 1]! + delta;
      if (v > 0) {
        this.lv[2 * i + 1] = v;
        return v;
      }
      this.removeAt(i);
      return 0;
    }
    if (delta > 0) {
      this.insertAt(-i - 1, price, delta);
      return delta;
    }
    return 0;
  }

  /**
   * Replace the whole side from flat [px, qty, px, qty, ...] pairs in any order. Levels with
   * size 0 are skipped; a repeated price keeps the last size (as a level map would).
   */
  replaceFlat(levels: readonly number[]): void {
    this.version++;
    this.n = 0;
    for (let k = 0; k + 1 < levels.length; k += 2) this.set(levels[k]!, levels[k + 1]!);
  }

  /** Copy of the levels from best to worst, as [px, qty] pairs (tests, snapshots for display). */
  toArray(): Array<[Px, Qty]> {
    const out: Array<[Px, Qty]> = [];
    for (let i = 0; i < this.n; i++) out.push([this.pxAt(i), this.qtyAt(i)]);
    return out;
  }

  private insertAt(i: number, price: Px, qty: Qty): void {
    if (2 * this.n === this.lv.length) this.grow();
    if (i < this.n) this.lv.copyWithin(2 * i + 2, 2 * i, 2 * this.n);
    this.lv[2 * i] = price;
    this.lv[2 * i + 1] = qty;
    this.n++;
  }

  private removeAt(i: number): void {
    if (i < this.n - 1) this.lv.copyWithin(2 * i, 2 * i + 2, 2 * this.n);
    this.n--;
  }

  private grow(): void {
    const lv = new Float64Array(this.lv.length * 2);
    lv.set(this.lv);
    this.lv = lv;
  }
}
