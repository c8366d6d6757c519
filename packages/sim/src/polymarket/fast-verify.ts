// The order path's EIP-712 digest and ECDSA recovery without a generic typed-data encoder: the
// 11 order fields written as 32-byte words and hashed with keccak-256, the signer recovered with
// the native secp256k1 binding (pure-JS @noble/curves where it cannot load). Tests pin it to
// viem's hashTypedData / recoverAddress on every vector and on random orders.

import { createRequire } from 'node:module';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { Address, Hex } from 'viem';
import type { SignedOrder } from './order-wire.ts';

interface NativeSecp {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
}

let native: NativeSecp | null = null;
try {
  native = createRequire(import.meta.url)('secp256k1') as NativeSecp;
} catch {
  native = null;
}

export const ORDER_TYPE_STRING =
  'Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)';
const ORDER_TYPEHASH = keccak_256(new TextEncoder().encode(ORDER_TYPE_STRING));
/** secp256k1 group order / 2: signatures with a larger s are malleable copies (rejected on-chain). */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

const hexToBytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.slice(2), 'hex'));

function writeUint(buf: Uint8Array, word: number, v: bigint): void {
  if (v < 0n || v >= 1n << 256n) throw new RangeError('uint256 out of range');
  buf.set(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'), word * 32);
}

function writeHex(buf: Uint8Array, word: number, hex: string, bytes: number): void {
  const b = Buffer.from(hex.slice(2), 'hex');
  if (b.length !== bytes) throw new RangeError(`expected ${bytes} bytes, got ${b.length}`);
  buf.set(b, word * 32 + (32 - bytes));
}

/** hashStruct(Order) = keccak256(typeHash ‖ 11 encoded fields). */
export function fastOrderStructHash(o: SignedOrder): Uint8Array {
  const buf = new Uint8Array(12 * 32);
  buf.set(ORDER_TYPEHASH, 0);
  writeUint(buf, 1, o.salt);
  writeHex(buf, 2, o.maker, 20);
  writeHex(buf, 3, o.signer, 20);
  writeUint(buf, 4, o.tokenId);
  writeUint(buf, 5, o.makerAmount);
  writeUint(buf, 6, o.takerAmount);
  writeUint(buf, 7, o.side === 'BUY' ? 0n : 1n);
  writeUint(buf, 8, BigInt(o.signatureType));
  writeUint(buf, 9, o.timestamp);
  writeHex(buf, 10, o.metadata, 32);
  writeHex(buf, 11, o.builder, 32);
  return keccak_256(buf);
}

/** keccak256(0x1901 ‖ domainSeparator ‖ structHash). */
export function fastDigest(domainSeparator: Hex, structHash: Uint8Array): Uint8Array {
  const buf = new Uint8Array(66);
  buf[0] = 0x19;
  buf[1] = 0x01;
  buf.set(hexToBytes(domainSeparator), 2);
  buf.set(structHash, 34);
  return keccak_256(buf);
}

/**
 * The (lower-case) address that produced a 65-byte r‖s‖v signature over `digest`, or null (bad length, bad v,
 * high s, not on the curve). `impl` forces one backend (tests).
 */
export function recoverSigner(digest: Uint8Array, signature: Hex, impl?: 'native' | 'noble'): Address | null {
  if (signature.length !== 132) return null;
  const sig = hexToBytes(signature);
  const v = sig[64]!;
  const recid = v >= 27 ? v - 27 : v;
  if (recid !== 0 && recid !== 1) return null;
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  if (s === 0n || s > HALF_N) return null;
  let pub: Uint8Array;
  try {
    if ((impl ?? (native ? 'native' : 'noble')) === 'native' && native) {
      pub = native.ecdsaRecover(sig.subarray(0, 64), recid, digest, false);
    } else {
      const rec = new Uint8Array(65);
      rec[0] = recid;
      rec.set(sig.subarray(0, 64), 1);
      pub = secp256k1.recoverPublicKey(rec, digest, { prehash: false });
      if (pub.length === 33) pub = secp256k1.Point.fromBytes(pub).toBytes(false);
    }
  } catch {
    return null;
  }
  // Lower-case (no checksum keccak on the hot path); callers compare case-insensitively.
  const h = keccak_256(pub.subarray(1));
  return `0x${Buffer.from(h.subarray(12)).toString('hex')}`;
}

export const nativeRecoveryLoaded = (): boolean => native !== null;
export const toHexBytes = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}`;
