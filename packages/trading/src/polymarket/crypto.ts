// Ethereum-style primitives for the Polymarket signers: keccak-256, hex, addresses, and a
// secp256k1 recoverable signer on the native libsecp256k1 binding (≈40 µs), falling back to
// @noble/curves (pure JS, ≈300 µs) when the binding cannot load. Both are RFC 6979
// deterministic with low-s, so they produce byte-identical signatures.

import { createRequire } from 'node:module';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { secp256k1 as nobleSecp } from '@noble/curves/secp256k1.js';
import { ConfigError } from '../env.ts';
import { keccakF1600 } from './keccak-f1600.ts';
import { NoncePool, type NoncePoolOptions } from './nonce-pool.ts';

// keccak-256 for the order path: one persistent state and an unrolled permutation. An order needs
// four permutations (3 for the 384-byte struct, 1 for the digest); @noble/hashes' keccak_256
// allocates a hasher per call and its looped permutation costs ~2.3x the unrolled one here, which
// was a third of the whole build+sign budget. Verified against keccak_256 (tests). Little-endian
// hosts only (every supported one); big-endian falls back to keccak_256.
const KECCAK_RATE = 136;
const kState = new Uint32Array(50);
const kBytes = new Uint8Array(kState.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function keccak256Fast(data: Uint8Array): Uint8Array {
  kState.fill(0);
  const n = data.length;
  let off = 0;
  if ((data.byteOffset & 3) === 0) {
    // Aligned input (every buffer of the order path): absorb whole 32-bit words.
    const words = new Uint32Array(data.buffer, data.byteOffset, n >>> 2);
    while (n - off >= KECCAK_RATE) {
      const w0 = off >>> 2;
      for (let i = 0; i < KECCAK_RATE / 4; i++) kState[i]! ^= words[w0 + i]!;
      keccakF1600(kState);
      off += KECCAK_RATE;
    }
  } else {
    while (n - off >= KECCAK_RATE) {
      for (let i = 0; i < KECCAK_RATE; i++) kBytes[i]! ^= data[off + i]!;
      keccakF1600(kState);
      off += KECCAK_RATE;
    }
  }
  const rem = n - off;
  for (let i = 0; i < rem; i++) kBytes[i]! ^= data[off + i]!;
  kBytes[rem]! ^= 0x01; // keccak padding (not SHA-3's 0x06)
  kBytes[KECCAK_RATE - 1]! ^= 0x80;
  keccakF1600(kState);
  return kBytes.slice(0, 32);
}

export const keccak256: (data: Uint8Array) => Uint8Array = LITTLE_ENDIAN ? keccak256Fast : (d) => keccak_256(d);

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of bytes, without 0x. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

/** Bytes of a hex string (with or without 0x); throws on odd length or non-hex. */
export function fromHex(hex: string, what = 'hex value'): Uint8Array {
  const h = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new RangeError(`${what} is not valid hex`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
}

const utf8 = new TextEncoder();
export const utf8Bytes = (s: string): Uint8Array => utf8.encode(s);

/** keccak256 of a UTF-8 string. */
export const keccakText = (s: string): Uint8Array => keccak256(utf8Bytes(s));

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Writes a non-negative safe integer as a big-endian uint256 into buf[off..off+32). */
export function writeUint256Number(buf: Uint8Array, off: number, n: number): void {
  buf.fill(0, off, off + 24);
  const hi = Math.floor(n / 0x1_0000_0000);
  const lo = n >>> 0;
  buf[off + 24] = (hi >>> 24) & 0xff;
  buf[off + 25] = (hi >>> 16) & 0xff;
  buf[off + 26] = (hi >>> 8) & 0xff;
  buf[off + 27] = hi & 0xff;
  buf[off + 28] = (lo >>> 24) & 0xff;
  buf[off + 29] = (lo >>> 16) & 0xff;
  buf[off + 30] = (lo >>> 8) & 0xff;
  buf[off + 31] = lo & 0xff;
}

/** A uint256 as 32 big-endian bytes. */
export function uint256Bytes(v: bigint): Uint8Array {
  if (v < 0n || v >= 1n << 256n) throw new RangeError('value does not fit in uint256');
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** A decimal-string uint256 (token ids are ~77 digits) as 32 bytes. */
export function decimalUint256Bytes(s: string, what = 'uint256'): Uint8Array {
  if (!/^\d{1,78}$/.test(s)) throw new RangeError(`${what} must be a decimal integer, got ${JSON.stringify(s)}`);
  return uint256Bytes(BigInt(s));
}

/** A 20-byte address as a 32-byte ABI word (left-padded). */
export function addressWord(addr: string): Uint8Array {
  const b = parseAddress(addr);
  const out = new Uint8Array(32);
  out.set(b, 12);
  return out;
}

export function parseAddress(addr: string, what = 'address'): Uint8Array {
  if (!/^0x[0-9a-fA-F]{40}$/.test(addr)) throw new RangeError(`${what} must be 0x followed by 40 hex digits, got ${JSON.stringify(addr)}`);
  return fromHex(addr, what);
}

/** EIP-55 checksummed form of an address. */
export function checksumAddress(addr: string): string {
  const lower = toHex(parseAddress(addr));
  const hash = toHex(keccakText(lower));
  let out = '0x';
  for (let i = 0; i < 40; i++) out += parseInt(hash[i]!, 16) >= 8 ? lower[i]!.toUpperCase() : lower[i];
  return out;
}

/** A bytes32 hex value (0x + 64 hex digits) as bytes. */
export function bytes32(hex: string, what = 'bytes32'): Uint8Array {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new RangeError(`${what} must be 0x followed by 64 hex digits, got ${JSON.stringify(hex)}`);
  return fromHex(hex, what);
}

export const ZERO_BYTES32 = '0x0000000000000000000000000000000000000000000000000000000000000000';

// ---- secp256k1 backend ----

interface NativeSecp {
  ecdsaSign(msg32: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyCreate(key: Uint8Array, compressed?: boolean): Uint8Array;
  privateKeyVerify(key: Uint8Array): boolean;
}

function loadNative(): NativeSecp | null {
  if (process.env.PARITY_SECP256K1 === 'noble') return null; // force the fallback (tests, diagnosis)
  try {
    // 'secp256k1' itself silently falls back to the slow `elliptic` package; load the binding only.
    const req = createRequire(import.meta.url);
    return req('secp256k1/bindings.js') as NativeSecp;
  } catch {
    return null;
  }
}

const native = loadNative();

/** Which implementation signs: 'native' (libsecp256k1) or 'noble' (@noble/curves). */
export const secpBackend: 'native' | 'noble' = native ? 'native' : 'noble';

/** Signs 32-byte digests with one private key; returns 65 bytes r‖s‖v with v = 27/28. */
export interface Secp256k1Signer {
  /** EIP-55 checksummed address of the key. */
  readonly address: string;
  readonly backend: 'native' | 'noble';
  sign(digest: Uint8Array): Uint8Array;
  /** The same signature as 130 hex digits (r‖s‖v); from a precomputed nonce when the signer has a pool. */
  signHex(digest: Uint8Array): string;
  /** Stop background work (the nonce pool's top-ups). */
  close(): void;
}

/** Parses a private key given as 0x-hex (or bare hex); ConfigError with a clear message if malformed. */
export function parsePrivateKey(hex: string, name = 'POLY_PRIVATE_KEY'): Uint8Array {
  const h = hex.trim();
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(h))
    throw new ConfigError(`${name} is not a private key: expected 64 hex digits (optionally 0x-prefixed), got ${h.length} characters`);
  const key = fromHex(h);
  const ok = native ? native.privateKeyVerify(key) : nobleSecp.utils.isValidSecretKey(key);
  if (!ok) throw new ConfigError(`${name} is not a valid secp256k1 private key (zero or above the curve order)`);
  return key;
}

/**
 * `precomputedNonces`: sign from a pool of nonces prepared in the background (nonce-pool.ts; native
 * backend only): random-nonce signatures instead of RFC 6979 deterministic ones, several times
 * cheaper on the order path. Off by default (the test vectors pin deterministic signatures).
 */
export function createSecp256k1Signer(
  privateKeyHex: string,
  name = 'POLY_PRIVATE_KEY',
  backend: 'auto' | 'noble' = 'auto',
  opts: { precomputedNonces?: boolean | NoncePoolOptions | undefined } = {},
): Secp256k1Signer {
  const key = parsePrivateKey(privateKeyHex, name);
  const useNative = backend === 'auto' && native !== null;
  const pub = useNative ? native!.publicKeyCreate(key, false) : nobleSecp.getPublicKey(key, false);
  const address = checksumAddress('0x' + toHex(keccak256(pub.subarray(1)).subarray(12)));
  if (useNative) {
    const n = native!;
    const sign = (digest: Uint8Array): Uint8Array => {
      const { signature, recid } = n.ecdsaSign(digest, key);
      const out = new Uint8Array(65);
      out.set(signature, 0);
      out[64] = 27 + recid;
      return out;
    };
    const pool = opts.precomputedNonces
      ? new NoncePool(key, (k) => n.publicKeyCreate(k, false), opts.precomputedNonces === true ? {} : opts.precomputedNonces)
      : null;
    return {
      address,
      backend: 'native',
      sign,
      signHex: (digest) => pool?.signHex(digest) ?? toHex(sign(digest)),
      close: () => pool?.close(),
    };
  }
  const signNoble = (digest: Uint8Array): Uint8Array => {
    // 'recovered' = recovery byte first, then r‖s (noble v2); prehash off: the digest is the message.
    const rec = nobleSecp.sign(digest, key, { prehash: false, format: 'recovered' });
    const out = new Uint8Array(65);
    out.set(rec.subarray(1, 65), 0);
    out[64] = 27 + rec[0]!;
    return out;
  };
  return {
    address,
    backend: 'noble',
    signHex: (digest) => toHex(signNoble(digest)),
    close: () => undefined,
    sign: signNoble,
  };
}
