// Seeded pseudo-random numbers (sfc32): the same seed gives the same scenario, ids and books.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 to spread a small integer seed over the 128-bit state.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError('pick from an empty list');
    return xs[this.int(0, xs.length - 1)]!;
  }

  /** Random bytes as lowercase hex. */
  hex(bytes: number): string {
    let s = '';
    for (let i = 0; i < bytes; i += 4) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, bytes * 2);
  }

  /** A version-4-shaped UUID (deterministic). */
  uuid(): string {
    const h = this.hex(16);
    const v = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${v}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A decimal string of `digits` digits (Polymarket token ids are ~77-digit integers). */
  digits(digits: number): string {
    let s = String(this.int(1, 9));
    while (s.length < digits) s += String(this.u32() % 1_000_000_000).padStart(9, '0');
    return s.slice(0, digits);
  }

  /** An independent generator derived from this one (so sub-streams do not disturb each other). */
  fork(): Rng {
    return new Rng(this.u32());
  }
}
