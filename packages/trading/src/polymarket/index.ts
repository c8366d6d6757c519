// Polymarket public API of @parity/trading (the market-data feed and Gamma live in their own files).
export {
  POLY_BASE_UNITS,
  POLY_ROUNDING,
  baseUnitDecimals,
  polyCheckServerRules,
  polyLegAmounts,
  polyLimitAmounts,
  polyLimitAmountsFromDecimal,
  polyMarketAmounts,
  polyMarketAmountsFromDecimal,
  polyTickPx,
  polyTickSize,
  type PolyOrderType,
  type PolyRawAmounts,
  type PolyRoundingConfig,
  type PolyServerCheck,
  type PolySide,
  type PolyTickSize,
} from './amounts.ts';
export {
  CLOB_AUTH_MESSAGE,
  PolyHmac,
  clobAuthDigest,
  decodePolySecret,
  polyL1Headers,
  polyL2Headers,
  validatePolyCreds,
  type PolyApiCreds,
  type PolyL1Headers,
  type PolyL2Headers,
} from './auth.ts';
export {
  POLY_END_CURSOR,
  POLY_INITIAL_CURSOR,
  PolymarketClient,
  polyRandomSalt,
  polySaltForLeg,
  type PolyAssetType,
  type PolyCancelResult,
  type PolyOrderArgs,
  type PolyPostOptions,
  type PolymarketClientOptions,
} from './client.ts';
export {
  POLY_DEFAULT_CLOB_URL,
  POLY_DEFAULT_GAMMA_URL,
  POLY_DEFAULT_WS_URL,
  createPolymarketClient,
  polymarketConfigFromEnv,
  type CreatePolymarketClientOptions,
  type PolymarketConfig,
} from './config.ts';
export {
  POLY_CONTRACTS,
  POLY_EXCHANGE_DOMAIN_NAME,
  POLY_ORDER_TYPE_STRING,
  POLY_SIGNATURE_TYPES,
  POLY_TYPED_DATA_SIGN_TYPE_STRING,
  polyExchangeAddress,
  type PolyContracts,
  type PolyOrderVersion,
  type PolySignatureType,
} from './contracts.ts';
export { checksumAddress, createSecp256k1Signer, keccak256, secpBackend, type Secp256k1Signer } from './crypto.ts';
export {
  POLY_NO_FEES,
  polyAdjustBuyAmountForFees,
  polyBuilderFeeMicros,
  polyFeeParamsFromWire,
  polyRateToPpm,
  polyTakerFeeMicros,
  type PolyBuyBudgetInput,
  type PolyFeeParams,
  type PolyFeeRounding,
} from './fees.ts';
export { POLY_DEFAULT_HEADERS, PolyHttp, type PolyHttpTimeouts } from './http.ts';
export {
  ORDER_TYPEHASH,
  PolyOrderSigner,
  polyBatchOrderBody,
  polyDomainSeparator,
  polyOrderBody,
  type PolyOrderInput,
  type PolyOrderSignerOptions,
  type PolySignedOrder,
} from './order-signer.ts';
export { polyErrorFromResponse, polyErrorMessage, polyIsNoMatch } from './venue-errors.ts';
export {
  POLY_FILL_DUST,
  parsePolyBalanceAllowance,
  parsePolyClobMarket,
  parsePolyOrderRecord,
  parsePolyPostOrderResponse,
  polyReportFromOrder,
  polyReportFromPost,
  type PolyBalanceAllowance,
  type PolyMarketInfo,
  type PolyOrderRecord,
  type PolyPostOrderResult,
  type PolyReportContext,
} from './wire.ts';
export {
  isPolyTradeReader,
  parsePolyTrade,
  polyOrderSharesIn,
  polySettlementOf,
  type PolyOrderSettlement,
  type PolySettlementState,
  type PolyTradeReader,
  type PolyTradeRecord,
  type PolyTradeStatus,
} from './trades.ts';
