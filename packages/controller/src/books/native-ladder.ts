// A book side held by the native market-data core (@parity/mdcore): the core applies most venue
// changes itself, so the levels live there and this class writes them through the core. Reads
// (detection's depth walk, the dashboard) go to a copy of the levels, refreshed in one call when
// the side's version in the slots table moved. Same contract as Ladder (the TypeScript
// implementation, which is the reference).

import type { Px, Qty } from '@parity/trading';
import { B_VER_A, B_VER_B, LAD_ADD, LAD_CLEAR, LAD_SET, LAD_SIZE_AT, SLOT, slots, type MdCore } from '@parity/mdcore';
import type { BookLadder, LadderKind } from './ladder.ts';

export class NativeLadder implements BookLadder {
  readonly asks: boolean;
  /** Where this side's version is in the slots table. */
  private readonly verAt: number;
  /** Version of the copy below (-1 = none yet). */
  private ver = -1;
  /** Copy of the levels, best first, [px, qty] pairs. */
  private lv = new Float64Array(64);
  private count = 0;

  constructor(
    private readonly core: MdCore,
    private readonly book: number,
    private readonly which: 0 | 1,
    kind: LadderKind,
    slot: number,
  ) {
    this.asks = kind === 'asks';
    this.verAt = slot * SLOT + (which === 0 ? B_VER_A : B_VER_B);
  }

  private sync(): void {
    const v = slots.f64[this.verAt]!;
    if (v === this.ver) return;
    let n = this.core.ladCopy(this.book, this.which, this.lv);
    if (2 * n > this.lv.length) {
      this.lv = new Float64Array(4 * n);
      n = this.core.ladCopy(this.book, this.which, this.lv);
    }
    this.count = n;
    this.ver = v;
  }

  get n(): number {
    this.sync();
    return this.count;
  }

  /** Bumped by the core on every change of this side. */
  get version(): number {
    return slots.f64[this.verAt]!;
  }

  clear(): void {
    this.core.lad(this.book, this.which, LAD_CLEAR, 0, 0);
  }

  bestPx(): Px {
    this.sync();
    return this.count > 0 ? this.lv[0]! : -1;
  }

  bestQty(): Qty {
    this.sync();
    return this.count > 0 ? this.lv[1]! : 0;
  }

  pxAt(i: number): Px {
    this.sync();
    return this.lv[2 * i]!;
  }

  qtyAt(i: number): Qty {
    this.sync();
    return this.lv[2 * i + 1]!;
  }

  sizeAt(price: Px): Qty {
    return this.core.lad(this.book, this.which, LAD_SIZE_AT, price, 0);
  }

  set(price: Px, qty: Qty): void {
    this.core.lad(this.book, this.which, LAD_SET, price, qty);
  }

  add(price: Px, delta: Qty): Qty {
    return this.core.lad(this.book, this.which, LAD_ADD, price, delta);
  }

  replaceFlat(levels: readonly number[]): void {
    this.core.ladReplace(this.book, this.which, Float64Array.from(levels));
  }

  toArray(): Array<[Px, Qty]> {
    const out: Array<[Px, Qty]> = [];
    const n = this.n;
    for (let i = 0; i < n; i++) out.push([this.pxAt(i), this.qtyAt(i)]);
    return out;
  }
}

/** Native book ids, freed when their book object is garbage collected (nothing can reach them then). */
const books = new FinalizationRegistry<{ core: MdCore; id: number }>(({ core, id }) => core.bookFree(id));

/** A book in the core for `owner`, with its two sides. */
export function nativeBook(
  core: MdCore,
  kind: number,
  slot: number,
  owner: object,
  kinds: [LadderKind, LadderKind],
): { id: number; a: NativeLadder; b: NativeLadder } {
  const id = core.bookNew(kind as 1 | 2, slot);
  books.register(owner, { core, id });
  return { id, a: new NativeLadder(core, id, 0, kinds[0], slot), b: new NativeLadder(core, id, 1, kinds[1], slot) };
}
