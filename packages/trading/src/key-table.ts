// A string-keyed hash table that can look a key up where it sits inside a larger text (a frame).
// Map.get on a fresh substring hashes every character of it (market keys are long: Polymarket
// token ids are ~77 digits), which costs more than the rest of a book update. Here the hash
// samples the key's length and its last 16 characters (where tickers and token ids differ), and
// a hit is confirmed by comparing the whole key, so a weak hash only costs probes, never a
// wrong answer. Keys are not hashed again on lookup hits; deletes rehash the probe run (rare).
//
// Open addressing with linear probing and backward-shift deletion (no tombstones).

export class KeyTable<V> {
  /** Slot i holds its key at 2i and its value at 2i + 1 (one cache line per probe, not three). */
  private slots: Array<string | V | undefined>;
  private mask: number;
  private count = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.slots = new Array<string | V | undefined>(2 * cap).fill(undefined);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value of the key s[a, b), or undefined. */
  getIn(s: string, a: number, b: number): V | undefined {
    const len = b - a;
    const slots = this.slots;
    let i = hashRange(s, a, b) & this.mask;
    for (;;) {
      const k = slots[2 * i] as string | undefined;
      if (k === undefined) return undefined;
      // slice + === is a native compare; startsWith(k, a) is several times slower in V8.
      if (k.length === len && s.slice(a, b) === k) return slots[2 * i + 1] as V;
      i = (i + 1) & this.mask;
    }
  }

  get(key: string): V | undefined {
    return this.getIn(key, 0, key.length);
  }

  set(key: string, value: V): void {
    const slots = this.slots;
    let i = hashRange(key, 0, key.length) & this.mask;
    for (;;) {
      const k = slots[2 * i];
      if (k === undefined) break;
      if (k === key) {
        slots[2 * i + 1] = value;
        return;
      }
      i = (i + 1) & this.mask;
    }
    slots[2 * i] = key;
    slots[2 * i + 1] = value;
    this.count++;
    if (this.count * 2 > this.mask + 1) this.rehash(2 * (this.mask + 1));
  }

  delete(key: string): boolean {
    const slots = this.slots;
    const mask = this.mask;
    let i = hashRange(key, 0, key.length) & mask;
    for (;;) {
      const k = slots[2 * i];
      if (k === undefined) return false;
      if (k === key) break;
      i = (i + 1) & mask;
    }
    // Backward shift: pull later members of the probe run into the hole so lookups never stop early.
    let hole = i;
    let j = (i + 1) & mask;
    for (;;) {
      const kj = slots[2 * j] as string | undefined;
      if (kj === undefined) break;
      const home = hashRange(kj, 0, kj.length) & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        slots[2 * hole] = kj;
        slots[2 * hole + 1] = slots[2 * j + 1];
        hole = j;
      }
      j = (j + 1) & mask;
    }
    slots[2 * hole] = undefined;
    slots[2 * hole + 1] = undefined;
    this.count--;
    return true;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.count = 0;
  }

  private rehash(cap: number): void {
    const old = this.slots;
    this.slots = new Array<string | V | undefined>(2 * cap).fill(undefined);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) {
      const k = old[i] as string | undefined;
      if (k !== undefined) this.set(k, old[i + 1] as V);
    }
  }
}

/** Hash of s[a, b): its length and last 16 code units, mixed (murmur3 finalizer). */
function hashRange(s: string, a: number, b: number): number {
  let h = b - a;
  const from = b - 16 > a ? b - 16 : a;
  for (let i = from; i < b; i++) h = ((h << 5) - h + s.charCodeAt(i)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
