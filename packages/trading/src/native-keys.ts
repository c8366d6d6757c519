// A feed session's markets as the native market-data core knows them: one key index per session
// (market key -> entry {book, synced}), the session's state per entry, and the state's `synced`
// flag mirrored into the core so the core never applies a change to a market out of sync.

import { ENTRY_BIND, ENTRY_DELETE, ENTRY_SYNCED, type MdCore, type MdIndex } from '@parity/mdcore';

/** What the core needs of a book handle: its id there and a way to report what it applied. */
export interface NativeHandle {
  readonly nativeId?: number;
  readonly nativeApplied?: unknown;
}

/** Per-market state of a session whose `synced` flag the core sees. */
export class KeyedState<H extends NativeHandle> {
  /** The sink's handle on this market's book (resolved on first change). */
  handle: H | null = null;
  private inSync = false;

  constructor(
    /** Its entry in the session's native index (-1 = no native core). */
    readonly entry: number,
    private readonly keys: NativeKeys<KeyedState<H>> | null,
  ) {}

  /** A snapshot was applied since subscribe or the last invalidation; changes apply only then. */
  get synced(): boolean {
    return this.inSync;
  }
  set synced(v: boolean) {
    if (v === this.inSync) return;
    this.inSync = v;
    if (this.entry >= 0) this.keys?.entryOp(this.entry, ENTRY_SYNCED, v ? 1 : 0);
  }
}

export class NativeKeys<S extends KeyedState<NativeHandle>> {
  readonly index: MdIndex;
  /** False once a key could not be held (the core would never find it): serve every frame in TypeScript. */
  usable = true;
  private readonly byEntry: Array<S | undefined> = [];

  constructor(readonly core: MdCore) {
    this.index = core.indexNew();
  }

  /** The state made for a new key by `make(entry)`, entered in the index. */
  register(key: string, make: (entry: number) => S): S {
    const entry = this.usable ? this.core.indexSet(this.index, key) : -1;
    if (entry < 0) this.usable = false;
    const st = make(entry);
    if (entry >= 0) this.byEntry[entry] = st;
    return st;
  }

  /** The key is no longer followed. */
  release(st: S): void {
    st.synced = false;
    if (st.entry < 0) return;
    this.core.indexEntry(this.index, st.entry, ENTRY_DELETE, 0);
    this.byEntry[st.entry] = undefined;
  }

  /** Point the entry at its market's current book (only a native book with a report hook). */
  bind(st: S): void {
    if (st.entry < 0) return;
    const h = st.handle;
    const id = h !== null && h.nativeApplied !== undefined && h.nativeId !== undefined ? h.nativeId : -1;
    this.core.indexEntry(this.index, st.entry, ENTRY_BIND, id);
  }

  state(entry: number): S | undefined {
    return this.byEntry[entry];
  }

  entryOp(entry: number, op: number, v: number): void {
    this.core.indexEntry(this.index, entry, op, v);
  }
}
