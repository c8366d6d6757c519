// Polymarket exchange contracts and EIP-712 constants (spec polymarket.md §2.1, §5).

export type PolyOrderVersion = 2 | 3;

export interface PolyContracts {
  /** CTF Exchange V2: version-2 verifyingContract when the market is not neg-risk. */
  exchangeV2: string;
  /** Neg Risk CTF Exchange V2: version-2 verifyingContract when the market is neg-risk. */
  negRiskExchangeV2: string;
  /** ExchangeV3: version-3 verifyingContract (no neg-risk variant). */
  exchangeV3: string;
  /** pUSD collateral. */
  collateral: string;
  conditionalTokens: string;
}

/** Polygon mainnet (137) and Amoy (80002), as the official client configures them. */
export const POLY_CONTRACTS: Readonly<Record<number, PolyContracts>> = Object.freeze({
  137: {
    exchangeV2: '0xE111180000d2663C0091e4f400237545B87B996B',
    negRiskExchangeV2: '0xe2222d279d744050d28e00520010520000310F59',
    exchangeV3: '0xe3333700cA9d93003F00f0F71f8515005F6c00Aa',
    collateral: '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB',
    conditionalTokens: '0x4D97DCd97eC945f40cF65F87097ACe5EA0476045',
  },
  80002: {
    exchangeV2: '0xE111180000d2663C0091e4f400237545B87B996B',
    negRiskExchangeV2: '0xe2222d279d744050d28e00520010520000310F59',
    exchangeV3: '0x9fE6e61422AdB6F610d8597F9684b16912D50C3D',
    collateral: '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB',
    conditionalTokens: '0x69308FB512518e39F9b16112fA8d994F4e2Bf8bB',
  },
});

export const POLY_EXCHANGE_DOMAIN_NAME = 'Polymarket CTF Exchange';

export const POLY_ORDER_TYPE_STRING =
  'Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)';

export const EIP712_DOMAIN_TYPE_STRING = 'EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)';

/** ERC-7739 wrapper type for POLY_1271 (deposit wallets): primary type first, then Order. */
export const POLY_TYPED_DATA_SIGN_TYPE_STRING =
  'TypedDataSign(Order contents,string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)' + POLY_ORDER_TYPE_STRING;

/** Signature types (§5.5). */
export const POLY_SIGNATURE_TYPES = {
  EOA: 0,
  POLY_PROXY: 1,
  POLY_GNOSIS_SAFE: 2,
  POLY_1271: 3,
} as const;
export type PolySignatureType = 0 | 1 | 2 | 3;

/** The exchange a version-2/3 order is signed for. */
export function polyExchangeAddress(contracts: PolyContracts, version: PolyOrderVersion, negRisk: boolean): string {
  if (version === 3) return contracts.exchangeV3;
  return negRisk ? contracts.negRiskExchangeV2 : contracts.exchangeV2;
}
