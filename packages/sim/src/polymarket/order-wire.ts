// The `order` object of a POST /order body (spec §7.1-§7.2), parsed strictly into the exact
// EIP-712 message it claims to be signed as. Anything malformed is `Invalid order payload`.

import type { Address, Hex } from 'viem';
import { ClobError, MSG } from './errors.ts';

export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'GTC' | 'GTD' | 'FOK' | 'FAK';

export interface SignedOrder {
  salt: bigint;
  maker: Address;
  signer: Address;
  tokenId: bigint;
  /** Decimal string as sent (used as the key into the catalog). */
  tokenIdStr: string;
  makerAmount: bigint;
  takerAmount: bigint;
  side: OrderSide;
  signatureType: number;
  timestamp: bigint;
  metadata: Hex;
  builder: Hex;
  /** Unix seconds, body only (not signed); 0 = none. */
  expiration: bigint;
  signature: Hex;
}

export interface PostOrderBody {
  order: SignedOrder;
  owner: string;
  orderType: OrderType;
  postOnly: boolean;
  deferExec: boolean;
}

const UINT = /^\d{1,78}$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const HEX = /^0x([0-9a-fA-F]{2})+$/;
const MAX_UINT256 = (1n << 256n) - 1n;
const ORDER_TYPES: readonly OrderType[] = ['GTC', 'GTD', 'FOK', 'FAK'];

const bad = (why: string): never => {
  throw Object.assign(new ClobError(400, MSG.invalidPayload), { reason: why });
};

function uint(v: unknown, field: string, allowNumber = false): bigint {
  if (allowNumber && typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) return bad(`${field}: not a safe non-negative integer`);
    return BigInt(v);
  }
  if (typeof v !== 'string' || !UINT.test(v)) return bad(`${field}: not a decimal string`);
  const n = BigInt(v);
  if (n > MAX_UINT256) return bad(`${field}: exceeds uint256`);
  return n;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Lower-cased (the CLOB accepts any case, e.g. the lowercase `signer` of the fixtures). */
function address(v: unknown, field: string): Address {
  if (typeof v !== 'string' || !ADDRESS.test(v)) return bad(`${field}: not an address`);
  return v.toLowerCase() as Address;
}

/** V1 bodies carry nonce/feeRateBps/taker and no timestamp: answered as a version mismatch (§0, §18). */
function looksLikeV1(o: Record<string, unknown>): boolean {
  return o.timestamp === undefined && (o.nonce !== undefined || o.feeRateBps !== undefined);
}

export function parseSignedOrder(raw: unknown): SignedOrder {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('order is not an object');
  const o = raw as Record<string, unknown>;
  if (looksLikeV1(o)) throw new ClobError(400, MSG.orderVersionMismatch);
  const side = o.side;
  if (side !== 'BUY' && side !== 'SELL') return bad('side must be "BUY" or "SELL"');
  const st = o.signatureType;
  if (typeof st !== 'number' || !Number.isInteger(st) || st < 0 || st > 3) return bad('signatureType must be 0-3');
  if (typeof o.tokenId !== 'string') return bad('tokenId must be a decimal string');
  const metadata = o.metadata ?? `0x${'0'.repeat(64)}`;
  const builder = o.builder ?? `0x${'0'.repeat(64)}`;
  if (typeof metadata !== 'string' || !BYTES32.test(metadata)) return bad('metadata: not bytes32');
  if (typeof builder !== 'string' || !BYTES32.test(builder)) return bad('builder: not bytes32');
  if (typeof o.signature !== 'string' || !HEX.test(o.signature)) return bad('signature: not hex');
  const makerAmount = uint(o.makerAmount, 'makerAmount');
  const takerAmount = uint(o.takerAmount, 'takerAmount');
  if (makerAmount === 0n || takerAmount === 0n) return bad('amounts must be positive');
  return {
    salt: uint(o.salt, 'salt', true),
    maker: address(o.maker, 'maker'),
    signer: address(o.signer, 'signer'),
    tokenId: uint(o.tokenId, 'tokenId'),
    tokenIdStr: BigInt(o.tokenId).toString(),
    makerAmount,
    takerAmount,
    side,
    signatureType: st,
    timestamp: uint(o.timestamp, 'timestamp'),
    metadata: metadata.toLowerCase() as Hex,
    builder: builder.toLowerCase() as Hex,
    expiration: o.expiration === undefined ? 0n : uint(o.expiration, 'expiration', true),
    signature: o.signature.toLowerCase() as Hex,
  };
}

export function parsePostOrderBody(raw: unknown): PostOrderBody {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('body is not an object');
  const b = raw as Record<string, unknown>;
  const order = parseSignedOrder(b.order);
  if (typeof b.owner !== 'string' || b.owner.length === 0) return bad('owner missing');
  const orderType = (b.orderType ?? 'GTC') as OrderType;
  if (!ORDER_TYPES.includes(orderType)) return bad('orderType must be GTC, GTD, FOK or FAK');
  const postOnly = b.postOnly ?? false;
  const deferExec = b.deferExec ?? false;
  if (typeof postOnly !== 'boolean' || typeof deferExec !== 'boolean') return bad('postOnly/deferExec must be booleans');
  return { order, owner: b.owner, orderType, postOnly, deferExec };
}

/** The EIP-712 message (side as uint8 0/1). */
export function orderMessage(o: SignedOrder) {
  return {
    salt: o.salt,
    maker: o.maker,
    signer: o.signer,
    tokenId: o.tokenId,
    makerAmount: o.makerAmount,
    takerAmount: o.takerAmount,
    side: o.side === 'BUY' ? 0 : 1,
    signatureType: o.signatureType,
    timestamp: o.timestamp,
    metadata: o.metadata,
    builder: o.builder,
  } as const;
}
