// EIP-712 order hashing and signature verification (spec §5), independent of the trading
// client's signer: the order path uses fast-verify.ts (direct struct encoding + native recovery),
// pinned by tests to viem's hashTypedData / recoverAddress, which remain available as the
// reference path (`reference: true`).

import {
  hashDomain,
  hashStruct,
  hashTypedData,
  keccak256,
  concatHex,
  recoverAddress,
  sliceHex,
  hexToString,
  type Address,
  type Hex,
} from 'viem';
import {
  EXCHANGE_DOMAIN_NAME,
  EXCHANGE_V2,
  EXCHANGE_V3,
  NEG_RISK_EXCHANGE_V2,
  ORDER_TYPES,
  SIG_POLY_1271,
  ZERO_BYTES32,
} from './constants.ts';
import { ORDER_TYPE_STRING, fastDigest, fastOrderStructHash, recoverSigner, toHexBytes } from './fast-verify.ts';
import { orderMessage, type SignedOrder } from './order-wire.ts';

/** Which exchange a market's orders must be signed for (§0, §2.1). */
export interface ExchangeChoice {
  /** 2 for ordinary CLOB markets, 3 for Protocol-V2 (ExchangeV3) markets. */
  orderVersion: 2 | 3;
  negRisk: boolean;
}

export interface ExchangeDomain {
  name: string;
  version: string;
  chainId: number;
  verifyingContract: Address;
}

export function exchangeDomain(chainId: number, x: ExchangeChoice): ExchangeDomain {
  if (x.orderVersion === 3) return { name: EXCHANGE_DOMAIN_NAME, version: '3', chainId, verifyingContract: EXCHANGE_V3 };
  return {
    name: EXCHANGE_DOMAIN_NAME,
    version: '2',
    chainId,
    verifyingContract: x.negRisk ? NEG_RISK_EXCHANGE_V2 : EXCHANGE_V2,
  };
}


/** Domain separators are the same for every order of a domain: compute each once. */
const separatorCache = new Map<string, Hex>();
export function domainSeparator(d: ExchangeDomain): Hex {
  const k = `${d.chainId}|${d.version}|${d.verifyingContract}`;
  let s = separatorCache.get(k);
  if (s === undefined) {
    s = hashDomain({
      domain: { ...d, chainId: BigInt(d.chainId) },
      types: {
        EIP712Domain: [
          { name: 'name', type: 'string' },
          { name: 'version', type: 'string' },
          { name: 'chainId', type: 'uint256' },
          { name: 'verifyingContract', type: 'address' },
        ],
      },
    });
    separatorCache.set(k, s);
  }
  return s;
}

/** viem's hashStruct(Order) (reference path). */
export function orderStructHashReference(o: SignedOrder): Hex {
  return hashStruct({ data: orderMessage(o), primaryType: 'Order', types: ORDER_TYPES });
}

/** The order id the CLOB reports: the EIP-712 digest of the order under its exchange's domain (§5.4). */
export function orderHash(o: SignedOrder, d: ExchangeDomain): Hex {
  return toHexBytes(fastDigest(domainSeparator(d), fastOrderStructHash(o)));
}

/** Slow reference path (viem's full hashTypedData), kept for tests to cross-check orderHash. */
export function orderHashReference(o: SignedOrder, d: ExchangeDomain): Hex {
  return hashTypedData({ domain: d, types: ORDER_TYPES, primaryType: 'Order', message: orderMessage(o) });
}

export type SignatureCheck =
  | { ok: true; orderId: Hex; /** the EOA whose key produced the signature */ signedBy: Address }
  | { ok: false; orderId: Hex; reason: string };

/**
 * Recover who signed `o` under domain `d`. Types 0-2: a plain 65-byte signature by `signer`.
 * Type 3 (POLY_1271): the ERC-7739 wrapper of §5.6; the inner signature must come from the
 * deposit wallet's owner, given by `walletOwner`.
 */
export async function checkOrderSignature(
  o: SignedOrder,
  d: ExchangeDomain,
  walletOwner: (wallet: Address) => Address | undefined,
  opts: { reference?: boolean } = {},
): Promise<SignatureCheck> {
  const sep = domainSeparator(d);
  let structHash: Hex;
  let orderId: Hex;
  let digestBytes: Uint8Array | null = null;
  if (opts.reference) {
    structHash = orderStructHashReference(o);
    orderId = keccak256(concatHex(['0x1901', sep, structHash]));
  } else {
    const sh = fastOrderStructHash(o);
    structHash = toHexBytes(sh);
    digestBytes = fastDigest(sep, sh);
    orderId = toHexBytes(digestBytes);
  }
  if (o.signatureType !== SIG_POLY_1271) {
    if (o.signature.length !== 132) return { ok: false, orderId, reason: 'signature is not 65 bytes' };
    const signedBy = digestBytes ? recoverSigner(digestBytes, o.signature) : await recoverOrNull(orderId, o.signature);
    if (signedBy === null) return { ok: false, orderId, reason: 'signature does not recover' };
    if (signedBy.toLowerCase() !== o.signer.toLowerCase()) {
      return { ok: false, orderId, reason: `signature recovers to ${signedBy}, not the signer` };
    }
    return { ok: true, orderId, signedBy };
  }
  // POLY_1271: inner(65) | app domain separator(32) | contents hash(32) | type string | uint16 length.
  const byteLen = (o.signature.length - 2) / 2;
  if (byteLen < 65 + 32 + 32 + 2) return { ok: false, orderId, reason: '1271 wrapper too short' };
  const typeLen = parseInt(o.signature.slice(-4), 16);
  if (65 + 32 + 32 + typeLen + 2 !== byteLen) return { ok: false, orderId, reason: '1271 wrapper length mismatch' };
  const inner = sliceHex(o.signature, 0, 65);
  const appSep = sliceHex(o.signature, 65, 97);
  const contents = sliceHex(o.signature, 97, 129);
  const typeString = hexToString(sliceHex(o.signature, 129, 129 + typeLen));
  if (appSep.toLowerCase() !== sep.toLowerCase()) return { ok: false, orderId, reason: '1271 wrapper for another exchange' };
  if (contents.toLowerCase() !== structHash.toLowerCase()) return { ok: false, orderId, reason: '1271 wrapper for another order' };
  if (typeString !== ORDER_TYPE_STRING) return { ok: false, orderId, reason: '1271 wrapper type string' };
  const owner = walletOwner(o.maker);
  if (!owner) return { ok: false, orderId, reason: 'deposit wallet unknown' };
  const digest = hashTypedData({
    domain: d,
    types: {
      TypedDataSign: [
        { name: 'contents', type: 'Order' },
        { name: 'name', type: 'string' },
        { name: 'version', type: 'string' },
        { name: 'chainId', type: 'uint256' },
        { name: 'verifyingContract', type: 'address' },
        { name: 'salt', type: 'bytes32' },
      ],
      ...ORDER_TYPES,
    },
    primaryType: 'TypedDataSign',
    message: {
      contents: orderMessage(o),
      name: 'DepositWallet',
      version: '1',
      chainId: BigInt(d.chainId),
      verifyingContract: o.maker,
      salt: ZERO_BYTES32,
    },
  });
  const signedBy = opts.reference ? await recoverOrNull(digest, inner) : recoverSigner(Buffer.from(digest.slice(2), 'hex'), inner);
  if (signedBy === null || signedBy.toLowerCase() !== owner.toLowerCase()) {
    return { ok: false, orderId, reason: 'inner 1271 signature is not the wallet owner' };
  }
  return { ok: true, orderId, signedBy };
}

async function recoverOrNull(hash: Hex, signature: Hex): Promise<Address | null> {
  try {
    return await recoverAddress({ hash, signature });
  } catch {
    return null;
  }
}
