// Loader and types of the native market-data core (mdcore.c). The core is optional at run
// time: when it is not built or NATIVE_MARKET_DATA=0, `core` is null and the feeds and books use
// their TypeScript implementations, which are also the reference the core is tested against.

import { createRequire } from 'node:module';

/** A feed session's key index inside the core (market key -> {book, synced}). */
export type MdIndex = { readonly __mdIndex: unique symbol };

export interface MdCore {
  /** Register the slots table (see slots.ts); again after it grew. */
  setSlots(table: Float64Array): void;
  /** Register the output arrays the frame functions write (see `out`). */
  setOut(i: Int32Array, f: Float64Array): void;
  bookNew(kind: typeof BOOK_KALSHI | typeof BOOK_POLY, slot: number): number;
  bookFree(id: number): void;
  /** Whether frames may be applied to the book, and its only pair (slot, -1 = none or several). */
  bookSet(id: number, alive: 0 | 1, pairSlot: number, role: number): void;
  /** One ladder operation (LAD_*) on side `which` (0 = Kalshi YES / Polymarket bids, 1 = Kalshi NO / asks). */
  lad(book: number, which: 0 | 1, op: number, a: number, b: number): number;
  ladReplace(book: number, which: 0 | 1, levels: Float64Array): void;
  /** Copy a side's levels best first as [px, qty] pairs if they fit; returns how many it has. */
  ladCopy(book: number, which: 0 | 1, into: Float64Array): number;
  indexNew(): MdIndex;
  /** Add a key (or find it); returns its entry id (-1 = refused: empty or too long). */
  indexSet(ix: MdIndex, key: string): number;
  /** op ENTRY_DELETE / ENTRY_BIND (v = book id, -1 = none) / ENTRY_SYNCED (v = 0 | 1). */
  indexEntry(ix: MdIndex, entry: number, op: number, v: number): void;
  /** A Kalshi frame; returns FRAME_*. On FRAME_REPORT, out.i[0] is the market's entry id. */
  kalshiDelta(ix: MdIndex, frame: Buffer, nowMs: number, sid: number, nextSeq: number): number;
  /**
   * A Polymarket frame; returns FRAME_*. out.i[0] = books touched, out.i[1] = changes applied,
   * out.i[2 + k] = entry id of touched book k, out.f[2k] / out.f[2k + 1] = venue best bid / ask for it.
   */
  polyChange(ix: MdIndex, frame: Buffer, nowMs: number): number;
  /** Detection evaluations the core settled without JavaScript (screen found nothing, or a standing outcome held). */
  screens(): number;
  /** Of those, the ones settled by a standing outcome of detection's last evaluation (see PairState.noteEvaluation). */
  reuses(): number;
}

export const BOOK_KALSHI = 1;
export const BOOK_POLY = 2;

export const LAD_N = 0;
export const LAD_PX = 1;
export const LAD_QTY = 2;
export const LAD_SIZE_AT = 3;
export const LAD_SET = 4;
export const LAD_ADD = 5;
export const LAD_CLEAR = 6;

export const ENTRY_DELETE = 0;
export const ENTRY_BIND = 1;
export const ENTRY_SYNCED = 2;

/** Nothing changed: take the TypeScript path for this frame. */
export const FRAME_DECLINE = -1;
/** Handled; no book changed (market unknown or not in sync). */
export const FRAME_CONSUMED = 0;
/** Applied; checks passed and the price screen found nothing: done. */
export const FRAME_APPLIED = 1;
/** Applied; report the change to the book store (screen positive, or a Kalshi book crossed). */
export const FRAME_REPORT = 2;
/** Polymarket: applied, but a venue top-of-book check failed: report and re-check in TypeScript. */
export const FRAME_VERIFY = 3;

/** Outputs of the frame functions (registered once). */
export const out = { i: new Int32Array(64), f: new Float64Array(64) };

function load(): { core: MdCore | null; error: string | null } {
  if (process.env.NATIVE_MARKET_DATA === '0') return { core: null, error: 'disabled by NATIVE_MARKET_DATA=0' };
  try {
    const require = createRequire(import.meta.url);
    const core = require('../build/Release/mdcore.node') as MdCore;
    core.setOut(out.i, out.f);
    return { core, error: null };
  } catch (err) {
    return { core: null, error: `native market-data core not loaded (${(err as Error).message.split('\n')[0]}); run npm install with a C compiler` };
  }
}

const loaded = load();
/** The native core, or null (see `coreError`). */
export const core: MdCore | null = loaded.core;
/** Why `core` is null. */
export const coreError: string | null = loaded.error;
