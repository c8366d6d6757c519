// The slots table: per-book and per-pair scalars in one Float64Array shared by the TypeScript book
// classes and the native core (mdcore.c reads and writes the same fields). One slot = 16
// doubles = two cache lines; an update reads the first line of its book and of its pair. Slot 0
// holds process-wide values.

import { core } from './core.ts';

export const SLOT = 16;

// Slot 0: process-wide values.
/** Bumped whenever any fee model or minimum order size detection uses changes. */
export const G_FEE_EPOCH = 0;

// Book slot fields.
/** Kalshi best YES bid / Polymarket best bid, Px (-1 = empty). */
export const B_BEST_A = 0;
/** Kalshi best NO bid / Polymarket best ask, Px (-1 = empty). */
export const B_BEST_B = 1;
/** Last change applied, ms since epoch. */
export const B_APPLIED = 2;
/** 1 = tradeable. */
export const B_TRADEABLE = 3;
export const B_UPDATES = 4;
/** Version of ladder a / b: bumped by the core on every change (readers cache copies of the levels). */
export const B_VER_A = 5;
export const B_VER_B = 6;

// Pair slot fields.
/** Best ask to buy Kalshi YES / Kalshi NO / the Polymarket YES token / NO token, Px (0 = none). */
export const P_KYES = 0;
export const P_KNO = 1;
export const P_PYES = 2;
export const P_PNO = 3;
/** Price screens run by the core that found nothing. */
export const P_SCREENS = 4;
/** Most two asks may cost together (Px) for detection to look further; NaN = report every change. */
export const P_BUDGET = 5;
/** Slots of the pair's Kalshi book, Polymarket YES token book and NO token book. */
export const P_KSLOT = 6;
export const P_PYSLOT = 7;
export const P_PNSLOT = 8;
// Detection's last full evaluation of the pair (see PairState.noteEvaluation): the price-screen
// types it saw (bit per arb type; -1 = nothing to reuse), the versions of the four ask ladders
// then, until when its outcome stands (book freshness, repeat window) and the fee epoch.
export const P_MEMO_MASK = 9;
/** Version of the ladder behind the Kalshi YES ask (NO bids), the Kalshi NO ask (YES bids), the Polymarket YES and NO asks. */
export const P_VER_KY = 10;
export const P_VER_KN = 11;
export const P_VER_PY = 12;
export const P_VER_PN = 13;
export const P_MEMO_UNTIL = 14;
export const P_MEMO_EPOCH = 15;

class SlotTable {
  /** The table. Replaced when it grows: read it through this property, do not keep it. */
  f64 = new Float64Array(SLOT * 1024);
  private next = 1; // slot 0: process-wide values
  private readonly free: number[] = [];
  private readonly registry = new FinalizationRegistry<number>((slot) => this.free.push(slot));

  constructor() {
    core?.setSlots(this.f64);
  }

  /** A zeroed slot for `owner`, given back when the owner is garbage collected. */
  alloc(owner: object): number {
    let s = this.free.pop();
    if (s === undefined) {
      s = this.next++;
      if ((s + 1) * SLOT > this.f64.length) {
        const grown = new Float64Array(this.f64.length * 2);
        grown.set(this.f64);
        this.f64 = grown;
        core?.setSlots(grown);
      }
    }
    this.f64.fill(0, s * SLOT, (s + 1) * SLOT);
    this.registry.register(owner, s);
    return s;
  }
}

export const slots = new SlotTable();

/** Fee models or minimums changed: outcomes detection derived from them no longer stand. */
export function bumpFeeEpoch(): void {
  slots.f64[G_FEE_EPOCH] = slots.f64[G_FEE_EPOCH]! + 1;
}
