// ECDSA (secp256k1) with the nonce work done ahead of time, for the order path.
//
// An ECDSA signature is r = (k·G).x, s = k⁻¹(z + r·d) mod n. Everything but the last step depends
// only on the random nonce k, not on the message: the scalar multiplication k·G (the expensive part,
// native), r, k⁻¹ and r·d are computed in the background; signing an order digest is then one
// addition, one multiplication and one reduction (~10-30 us here instead of ~100-200 us for a
// complete libsecp256k1 sign on a cold cache).
//
// Rules kept: k is 32 bytes from the CSPRNG, uniform in [1, n-1]; each precomputed nonce is used for
// exactly one signature and dropped (reusing a k reveals the key); s is normalised to the low half
// (as libsecp256k1 and Ethereum's ecrecover users require) with the recovery id flipped to match.
// Signatures differ from the deterministic RFC 6979 ones (they are still valid and recover to the
// same address); nothing here depends on signatures being deterministic, only the order hash is.
// When the pool is empty the caller signs the usual way.

import { randomBytes } from 'node:crypto';

/** The secp256k1 group order. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;

interface Presig {
  kinv: bigint;
  /** r·d mod n */
  rd: bigint;
  /** r as 64 hex digits */
  rHex: string;
  /** Parity of (k·G).y: the recovery id before low-s normalisation. */
  odd: boolean;
}

function modInverse(a: bigint, m: bigint): bigint {
  let r0 = a % m;
  let r1 = m;
  let s0 = 1n;
  let s1 = 0n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

const hex64 = (x: bigint): string => x.toString(16).padStart(64, '0');

export interface NoncePoolOptions {
  /** Nonces kept ready (default 4). */
  depth?: number | undefined;
  /** Top-up delay after a take (default 20 ms: off the order's tick, after its writes). */
  refillDelayMs?: number | undefined;
}

export class NoncePool {
  readonly #d: bigint;
  /** k -> k·G uncompressed (65 bytes): the native scalar multiplication. */
  readonly #mulG: (k: Uint8Array) => Uint8Array;
  readonly #depth: number;
  readonly #refillDelayMs: number;
  readonly #ready: Presig[] = [];
  #timer: NodeJS.Timeout | null = null;
  #used = 0;

  constructor(privateKey: Uint8Array, mulG: (k: Uint8Array) => Uint8Array, opts: NoncePoolOptions = {}) {
    this.#d = BigInt('0x' + Buffer.from(privateKey).toString('hex'));
    this.#mulG = mulG;
    this.#depth = opts.depth ?? 4;
    this.#refillDelayMs = opts.refillDelayMs ?? 20;
    this.#fill();
  }

  /** Signatures made from the pool so far. */
  get used(): number {
    return this.#used;
  }

  get available(): number {
    return this.#ready.length;
  }

  /**
   * The 65-byte signature r‖s‖v (v = 27/28) of a 32-byte digest, as 130 hex digits; null when no
   * precomputed nonce is ready (sign another way).
   */
  signHex(digest: Uint8Array): string | null {
    const p = this.#ready.pop();
    if (p === undefined) return null;
    this.#used++;
    this.#refillSoon();
    const z = BigInt('0x' + Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('hex'));
    let s = (p.kinv * ((z + p.rd) % N)) % N;
    if (s === 0n) return null; // probability ~2^-256; the caller signs the usual way
    let recid = p.odd ? 1 : 0;
    if (s > HALF_N) {
      s = N - s;
      recid ^= 1;
    }
    return p.rHex + hex64(s) + (27 + recid).toString(16);
  }

  /** Stop background top-ups and forget the nonces. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#ready.length = 0;
  }

  #refillSoon(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#fill();
    }, this.#refillDelayMs);
    this.#timer.unref();
  }

  #fill(): void {
    while (this.#ready.length < this.#depth) {
      const kb = randomBytes(32);
      const k = BigInt('0x' + kb.toString('hex'));
      if (k === 0n || k >= N) continue;
      const R = this.#mulG(kb);
      const x = BigInt('0x' + Buffer.from(R.buffer, R.byteOffset + 1, 32).toString('hex'));
      if (x >= N) continue; // r would need the second recovery-id bit; never in practice
      this.#ready.push({ kinv: modInverse(k, N), rd: (x * this.#d) % N, rHex: hex64(x), odd: (R[64]! & 1) === 1 });
    }
  }
}
