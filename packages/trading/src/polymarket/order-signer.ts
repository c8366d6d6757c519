// CLOB V2/V3 order building and EIP-712 signing on the hot path (spec polymarket.md §5, §7.1).
//
// Per exchange contract the domain separator is computed once; per order the 11-field struct is
// written into a reused 384-byte buffer and hashed directly (two keccak calls, no generic
// typed-data encoder), then signed with the native secp256k1 binding. The POST body is written
// by hand in the official client's key order, so the bytes sent are the bytes the HMAC signs.

import { ConfigError } from '../env.ts';
import type { PolyOrderType, PolySide } from './amounts.ts';
import {
  EIP712_DOMAIN_TYPE_STRING, POLY_CONTRACTS, POLY_EXCHANGE_DOMAIN_NAME, POLY_ORDER_TYPE_STRING,
  POLY_TYPED_DATA_SIGN_TYPE_STRING, polyExchangeAddress, type PolyContracts, type PolyOrderVersion,
  type PolySignatureType,
} from './contracts.ts';
import { polyL1Headers, type PolyL1Headers } from './auth.ts';
import {
  ZERO_BYTES32, addressWord, bytes32, checksumAddress, concatBytes, createSecp256k1Signer, decimalUint256Bytes,
  keccak256, keccakText, toHex, uint256Bytes, utf8Bytes, writeUint256Number, type Secp256k1Signer,
} from './crypto.ts';

export const ORDER_TYPEHASH = keccakText(POLY_ORDER_TYPE_STRING);
const DOMAIN_TYPEHASH = keccakText(EIP712_DOMAIN_TYPE_STRING);
const TYPED_DATA_SIGN_TYPEHASH = keccakText(POLY_TYPED_DATA_SIGN_TYPE_STRING);
const ORDER_TYPE_BYTES = utf8Bytes(POLY_ORDER_TYPE_STRING);
const MAX_SALT = Number.MAX_SAFE_INTEGER;

/** EIP-712 domain separator of the exchange domain {name, version, chainId, verifyingContract}. */
export function polyDomainSeparator(version: PolyOrderVersion, chainId: number, verifyingContract: string): Uint8Array {
  return keccak256(
    concatBytes(
      DOMAIN_TYPEHASH,
      keccakText(POLY_EXCHANGE_DOMAIN_NAME),
      keccakText(String(version)),
      uint256Bytes(BigInt(chainId)),
      addressWord(verifyingContract),
    ),
  );
}

export interface PolyOrderInput {
  /** Outcome token id, decimal string. */
  tokenId: string;
  side: PolySide;
  /** Base units (1e-6): pUSD for BUY, shares for SELL. */
  makerAmount: number;
  /** Base units: shares for BUY, pUSD for SELL. */
  takerAmount: number;
  /** ≤ 2^53 − 1: the body carries it as a JSON number. */
  salt: number;
  /** Creation time in milliseconds (signed). */
  timestampMs: number;
  /** Selects the neg-risk V2 exchange (ignored for version 3). */
  negRisk: boolean;
  /** Order version; default 2. */
  version?: PolyOrderVersion | undefined;
  /** Unix seconds, 0 = none; body only, not signed. */
  expiration?: number | undefined;
  /** bytes32 hex; default zero. */
  metadata?: string | undefined;
  /** Builder code, bytes32 hex; default zero. */
  builder?: string | undefined;
}

/** A signed order as the official client's SignedOrder, plus its hash (the CLOB orderID). */
export interface PolySignedOrder {
  salt: number;
  maker: string;
  signer: string;
  tokenId: string;
  makerAmount: string;
  takerAmount: string;
  side: PolySide;
  signatureType: PolySignatureType;
  timestamp: string;
  expiration: string;
  metadata: string;
  builder: string;
  signature: string;
  /** EIP-712 digest of the order under its exchange domain = the CLOB `orderID`. */
  hash: string;
  /** The exchange contract the order was signed for. */
  exchange: string;
}

export interface PolyOrderSignerOptions {
  /** 0x-hex private key of the EOA that signs orders and owns the API key. */
  privateKey: string;
  /** 137 (default) or 80002. */
  chainId?: number | undefined;
  /** 0 EOA (default), 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271. */
  signatureType?: PolySignatureType | undefined;
  /** The wallet holding the funds (order maker); required for types 1-3, defaults to the EOA for 0. */
  funder?: string | null | undefined;
  /** Force the pure-JS signer (benchmarks, environments without the native binding). */
  backend?: 'auto' | 'noble' | undefined;
  /**
   * Sign orders from nonces precomputed in the background (nonce-pool.ts): valid, random-nonce
   * signatures at a fraction of the cost. Default false (deterministic RFC 6979 signatures).
   */
  precomputedNonces?: boolean | undefined;
}

interface DomainInfo {
  exchange: string;
  separator: Uint8Array;
  /** 0x1901 ‖ separator ‖ (struct hash goes here) */
  digestInput: Uint8Array;
}

const TOKEN_CACHE_MAX = 4096;

export class PolyOrderSigner {
  /** The signing EOA (owner of the API key, POLY_ADDRESS). */
  readonly address: string;
  /** Order `maker`: the funder, or the EOA. */
  readonly maker: string;
  /** Order `signer`: the EOA, or the deposit wallet itself for POLY_1271. */
  readonly orderSigner: string;
  readonly signatureType: PolySignatureType;
  readonly chainId: number;
  readonly contracts: PolyContracts;
  readonly backend: 'native' | 'noble';

  private readonly key: Secp256k1Signer;
  private readonly domains = new Map<string, DomainInfo>();
  private readonly tokenWords = new Map<string, Uint8Array>();
  private readonly struct = new Uint8Array(12 * 32);
  private readonly tds = new Uint8Array(7 * 32);
  private readonly metadataCache = new Map<string, Uint8Array>();

  constructor(opts: PolyOrderSignerOptions) {
    this.chainId = opts.chainId ?? 137;
    const contracts = POLY_CONTRACTS[this.chainId];
    if (!contracts) throw new ConfigError(`Polymarket chain id ${this.chainId} is not supported (use 137, or 80002 for Amoy)`);
    this.contracts = contracts;
    const sigType = opts.signatureType ?? 0;
    if (![0, 1, 2, 3].includes(sigType)) throw new ConfigError(`Polymarket signature type ${sigType} is not one of 0 (EOA), 1 (proxy), 2 (safe), 3 (POLY_1271)`);
    this.signatureType = sigType;
    this.key = createSecp256k1Signer(opts.privateKey, 'POLY_PRIVATE_KEY', opts.backend ?? 'auto', { precomputedNonces: opts.precomputedNonces });
    this.backend = this.key.backend;
    this.address = this.key.address;
    let funder: string | null = null;
    if (opts.funder !== undefined && opts.funder !== null && opts.funder !== '') {
      try {
        funder = checksumAddress(opts.funder);
      } catch {
        throw new ConfigError(`POLY_FUNDER ${JSON.stringify(opts.funder)} is not an address (0x followed by 40 hex digits)`);
      }
    }
    if (sigType !== 0 && funder === null)
      throw new ConfigError(`Polymarket signature type ${sigType} needs POLY_FUNDER: the proxy, safe or deposit wallet that holds the funds`);
    this.maker = funder ?? this.address;
    this.orderSigner = sigType === 3 ? this.maker : this.address;

    // Constant struct words: typehash, maker, signer, signatureType.
    this.struct.set(ORDER_TYPEHASH, 0);
    this.struct.set(addressWord(this.maker), 64);
    this.struct.set(addressWord(this.orderSigner), 96);
    writeUint256Number(this.struct, 256, sigType);
    // Constant TypedDataSign words (POLY_1271): typehash, name, version, chainId, verifyingContract, salt.
    this.tds.set(TYPED_DATA_SIGN_TYPEHASH, 0);
    this.tds.set(keccakText('DepositWallet'), 64);
    this.tds.set(keccakText('1'), 96);
    writeUint256Number(this.tds, 128, this.chainId);
    this.tds.set(addressWord(this.orderSigner), 160);
    // salt word (192..224) stays zero
    for (const v of [2, 3] as const) for (const nr of [false, true]) this.domain(v, nr);
  }

  /** Stop background work (precomputed nonces). */
  close(): void {
    this.key.close();
  }

  /** L1 ClobAuth headers (§3) signed by this EOA, for creating/deriving the API key. */
  clobAuthHeaders(timestampSec: number, nonce = 0): PolyL1Headers {
    return polyL1Headers(this.key, this.chainId, timestampSec, nonce);
  }

  /** Domain separator (hex) of the exchange a version/neg-risk order is signed for. */
  domainSeparator(version: PolyOrderVersion, negRisk: boolean): string {
    return '0x' + toHex(this.domain(version, negRisk).separator);
  }

  private domain(version: PolyOrderVersion, negRisk: boolean): DomainInfo {
    const exchange = polyExchangeAddress(this.contracts, version, negRisk);
    const k = `${version}:${exchange}`;
    let d = this.domains.get(k);
    if (!d) {
      const separator = polyDomainSeparator(version, this.chainId, exchange);
      const digestInput = new Uint8Array(66);
      digestInput[0] = 0x19;
      digestInput[1] = 0x01;
      digestInput.set(separator, 2);
      d = { exchange, separator, digestInput };
      this.domains.set(k, d);
    }
    return d;
  }

  private tokenWord(tokenId: string): Uint8Array {
    let w = this.tokenWords.get(tokenId);
    if (!w) {
      w = decimalUint256Bytes(tokenId, 'tokenId');
      if (this.tokenWords.size >= TOKEN_CACHE_MAX) this.tokenWords.clear();
      this.tokenWords.set(tokenId, w);
    }
    return w;
  }

  private bytes32Word(hex: string | undefined, what: string): Uint8Array | null {
    if (hex === undefined || hex === ZERO_BYTES32) return null;
    let w = this.metadataCache.get(hex);
    if (!w) {
      w = bytes32(hex, what);
      if (this.metadataCache.size >= 256) this.metadataCache.clear();
      this.metadataCache.set(hex, w);
    }
    return w;
  }

  /** Writes the order struct into the reused buffer and returns its struct hash. */
  private structHash(o: PolyOrderInput): Uint8Array {
    const s = this.struct;
    if (!Number.isSafeInteger(o.salt) || o.salt < 0 || o.salt > MAX_SALT) throw new RangeError(`salt ${o.salt} must be an integer in [0, 2^53 − 1]`);
    if (!Number.isSafeInteger(o.makerAmount) || o.makerAmount <= 0) throw new RangeError(`makerAmount ${o.makerAmount} must be a positive integer`);
    if (!Number.isSafeInteger(o.takerAmount) || o.takerAmount <= 0) throw new RangeError(`takerAmount ${o.takerAmount} must be a positive integer`);
    if (!Number.isSafeInteger(o.timestampMs) || o.timestampMs < 0) throw new RangeError(`timestamp ${o.timestampMs} must be a non-negative integer (ms)`);
    if (o.side !== 'BUY' && o.side !== 'SELL') throw new RangeError(`side must be BUY or SELL, got ${JSON.stringify(o.side)}`);
    writeUint256Number(s, 32, o.salt);
    s.set(this.tokenWord(o.tokenId), 128);
    writeUint256Number(s, 160, o.makerAmount);
    writeUint256Number(s, 192, o.takerAmount);
    s[255] = o.side === 'BUY' ? 0 : 1;
    writeUint256Number(s, 288, o.timestampMs);
    const meta = this.bytes32Word(o.metadata, 'metadata');
    if (meta) s.set(meta, 320);
    else s.fill(0, 320, 352);
    const builder = this.bytes32Word(o.builder, 'builder code');
    if (builder) s.set(builder, 352);
    else s.fill(0, 352, 384);
    return keccak256(s);
  }

  /** Builds and signs one order. Synchronous; ~tens of microseconds with the native binding. */
  sign(o: PolyOrderInput): PolySignedOrder {
    const version = o.version ?? 2;
    const d = this.domain(version, o.negRisk);
    const structHash = this.structHash(o);
    const di = d.digestInput;
    di.set(structHash, 34);
    const digest = keccak256(di);
    let signature: string;
    if (this.signatureType !== 3) {
      signature = '0x' + this.key.signHex(digest);
    } else {
      // ERC-7739 TypedDataSign(contents = order) under the exchange domain, then the wrapper (§5.6).
      this.tds.set(structHash, 32);
      const tdsHash = keccak256(this.tds);
      const wrapped = new Uint8Array(66);
      wrapped.set(di.subarray(0, 34), 0);
      wrapped.set(tdsHash, 34);
      const inner = this.key.sign(keccak256(wrapped));
      signature =
        '0x' + toHex(inner) + toHex(d.separator) + toHex(structHash) + toHex(ORDER_TYPE_BYTES) +
        ORDER_TYPE_BYTES.length.toString(16).padStart(4, '0');
    }
    const expiration = o.expiration ?? 0;
    if (!Number.isSafeInteger(expiration) || expiration < 0) throw new RangeError(`expiration ${expiration} must be unix seconds or 0`);
    return {
      salt: o.salt,
      maker: this.maker,
      signer: this.orderSigner,
      tokenId: o.tokenId,
      makerAmount: String(o.makerAmount),
      takerAmount: String(o.takerAmount),
      side: o.side,
      signatureType: this.signatureType,
      timestamp: String(o.timestampMs),
      expiration: String(expiration),
      metadata: o.metadata ?? ZERO_BYTES32,
      builder: o.builder ?? ZERO_BYTES32,
      signature,
      hash: '0x' + toHex(digest),
      exchange: d.exchange,
    };
  }

  /** The order hash (CLOB orderID) without signing. */
  hash(o: PolyOrderInput): string {
    const d = this.domain(o.version ?? 2, o.negRisk);
    const di = d.digestInput;
    di.set(this.structHash(o), 34);
    return '0x' + toHex(keccak256(di));
  }
}

/**
 * The exact `POST /order` body: the official client's key order
 * {deferExec, postOnly, order{salt, maker, signer, tokenId, makerAmount, takerAmount, side,
 * signatureType, timestamp, expiration, metadata, builder, signature}, owner, orderType}.
 * Every value is hex, digits or an enum; the owner (API key) is JSON-escaped.
 */
export function polyOrderBody(o: PolySignedOrder, owner: string, orderType: PolyOrderType, postOnly = false, deferExec = false): string {
  return (
    `{"deferExec":${deferExec},"postOnly":${postOnly},"order":{"salt":${o.salt},"maker":"${o.maker}","signer":"${o.signer}",` +
    `"tokenId":"${o.tokenId}","makerAmount":"${o.makerAmount}","takerAmount":"${o.takerAmount}","side":"${o.side}",` +
    `"signatureType":${o.signatureType},"timestamp":"${o.timestamp}","expiration":"${o.expiration}","metadata":"${o.metadata}",` +
    `"builder":"${o.builder}","signature":"${o.signature}"},"owner":${JSON.stringify(owner)},"orderType":"${orderType}"}`
  );
}

/** `POST /orders` body: a JSON array of single-order bodies (1-15 entries). */
export function polyBatchOrderBody(
  entries: ReadonlyArray<{ order: PolySignedOrder; orderType: PolyOrderType }>,
  owner: string,
  postOnly = false,
  deferExec = false,
): string {
  if (entries.length === 0 || entries.length > 15) throw new RangeError(`a batch carries 1 to 15 orders, got ${entries.length}`);
  return '[' + entries.map((e) => polyOrderBody(e.order, owner, e.orderType, postOnly, deferExec)).join(',') + ']';
}
