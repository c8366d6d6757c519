// Polymarket facts the simulated CLOB checks against (spec polymarket.md §1, §2.1, §3, §5).
// Written out here, not imported from the trading client, so a wrong constant there shows up
// as a rejected order here instead of being silently agreed with.

import type { Address } from 'viem';

export const POLYGON_CHAIN_ID = 137;

export const EXCHANGE_V2: Address = '0xE111180000d2663C0091e4f400237545B87B996B';
export const NEG_RISK_EXCHANGE_V2: Address = '0xe2222d279d744050d28e00520010520000310F59';
export const EXCHANGE_V3: Address = '0xe3333700cA9d93003F00f0F71f8515005F6c00Aa';
export const COLLATERAL_PUSD: Address = '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB';
export const CONDITIONAL_TOKENS: Address = '0x4D97DCd97eC945f40cF65F87097ACe5EA0476045';

export const EXCHANGE_DOMAIN_NAME = 'Polymarket CTF Exchange';

/** EIP-712 `Order` fields of versions 2 and 3, in signing order (§5.2). */
export const ORDER_TYPES = {
  Order: [
    { name: 'salt', type: 'uint256' },
    { name: 'maker', type: 'address' },
    { name: 'signer', type: 'address' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'makerAmount', type: 'uint256' },
    { name: 'takerAmount', type: 'uint256' },
    { name: 'side', type: 'uint8' },
    { name: 'signatureType', type: 'uint8' },
    { name: 'timestamp', type: 'uint256' },
    { name: 'metadata', type: 'bytes32' },
    { name: 'builder', type: 'bytes32' },
  ],
} as const;

/** L1 ClobAuth typed data (§3). */
export const CLOB_AUTH_DOMAIN_NAME = 'ClobAuthDomain';
export const CLOB_AUTH_DOMAIN_VERSION = '1';
export const CLOB_AUTH_MESSAGE = 'This message attests that I control the given wallet';
export const CLOB_AUTH_TYPES = {
  ClobAuth: [
    { name: 'address', type: 'address' },
    { name: 'timestamp', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'message', type: 'string' },
  ],
} as const;

export const ZERO_BYTES32 = `0x${'0'.repeat(64)}` as const;

/** Signature types (§5.5). */
export const SIG_EOA = 0;
export const SIG_POLY_PROXY = 1;
export const SIG_POLY_GNOSIS_SAFE = 2;
export const SIG_POLY_1271 = 3;

/** Pagination cursors of the CLOB (§8.1). */
export const INITIAL_CURSOR = 'MA==';
export const END_CURSOR = 'LTE=';
