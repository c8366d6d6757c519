// A string-keyed hash table that can look a key up where it sits inside a larger text (a frame).
// Map.get on a fresh substring hashes every character of it (market keys are long: Polymarket
// token ids are ~77 digits), which costs more than the rest of a book update. Here the hash
// samples the key's length and its last 16 characters (where tickers and token ids differ), and
// a hit is confirmed by comparing the whole key, so a weak hash only costs probes, never a
// wrong answer.
//
// Open addressing with linear probing and backward-shift deletion (no tombstones).

export class KeyTable<V> {
  private keys: Array<string | undefined>;
  private vals: Array<V | undefined>;
  private hashes: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Array<string | undefined>(cap).fill(undefined);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.hashes = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value of the key s[a, b), or undefined. */
  getIn(s: string, a: number, b: number): V | undefined {
    const h = hashRange(s, a, b);
    const len = b - a;
    const keys = this.keys;
    let i = h & this.mask;
    for (;;) {
      const k = keys[i];
      if (k === undefined) return undefined;
      // slice + === is a native compare; startsWith(k, a) is several times slower in V8.
      if (this.hashes[i] === h && k.length === len && s.slice(a, b) === k) return this.vals[i];
      i = (i + 1) & this.mask;
    }
  }

  get(key: string): V | undefined {
    return this.getIn(key, 0, key.length);
  }

  set(key: string, value: V): void {
    const h = hashRange(key, 0, key.length);
    let i = h & this.mask;
    for (;;) {
      const k = this.keys[i];
      if (k === undefined) break;
      if (this.hashes[i] === h && k === key) {
        this.vals[i] = value;
        return;
      }
      i = (i + 1) & this.mask;
    }
    this.keys[i] = key;
    this.vals[i] = value;
    this.hashes[i] = h;
    this.count++;
    if (this.count * 2 > this.keys.length) this.rehash(this.keys.length * 2);
  }

  delete(key: string): boolean {
    const h = hashRange(key, 0, key.length);
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const k = this.keys[i];
      if (k === undefined) return false;
      if (this.hashes[i] === h && k === key) break;
      i = (i + 1) & mask;
    }
    // Backward shift: pull later members of the probe run into the hole so lookups never stop early.
    let hole = i;
    let j = (i + 1) & mask;
    while (this.keys[j] !== undefined) {
      const home = this.hashes[j]! & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        this.keys[hole] = this.keys[j];
        this.vals[hole] = this.vals[j];
        this.hashes[hole] = this.hashes[j]!;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    this.keys[hole] = undefined;
    this.vals[hole] = undefined;
    this.count--;
    return true;
  }

  clear(): void {
    this.keys.fill(undefined);
    this.vals.fill(undefined);
    this.count = 0;
  }

  private rehash(cap: number): void {
    const keys = this.keys;
    const vals = this.vals;
    this.keys = new Array<string | undefined>(cap).fill(undefined);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.hashes = new Int32Array(cap);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== undefined) this.set(k, vals[i] as V);
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
