// The CLOB's error shape: HTTP status + `{"error": "<message>"}` (spec §17).

export class ClobError extends Error {
  readonly status: number;
  /** Extra top-level body fields some errors carry (e.g. `orderID` on a FAK no-match). */
  readonly extra: Record<string, unknown> | undefined;
  /** Seconds for a Retry-After header, when the venue would send one. */
  readonly retryAfterSecs: number | undefined;

  constructor(status: number, message: string, extra?: Record<string, unknown>, retryAfterSecs?: number) {
    super(message);
    this.name = 'ClobError';
    this.status = status;
    this.extra = extra;
    this.retryAfterSecs = retryAfterSecs;
  }

  body(): Record<string, unknown> {
    return { error: this.message, ...this.extra };
  }
}

// Messages, word for word as the CLOB sends them (§3, §4, §6.5, §7, §17).
export const MSG = {
  invalidApiKey: 'Unauthorized/Invalid api key',
  invalidL1: 'Invalid L1 Request headers',
  couldNotCreateKey: 'Could not create api key',
  couldNotDeriveKey: 'Could not derive api key!',
  invalidSignature: 'invalid signature',
  ownerMismatch: 'the order owner has to be the owner of the API KEY',
  signerMismatch: 'the order signer address has to be the address of the API KEY',
  invalidPayload: 'Invalid order payload',
  notEnoughBalance: 'not enough balance / allowance',
  invalidExpiration: 'invalid expiration',
  fokNotFilled: "order couldn't be fully filled. FOK orders are fully filled or killed.",
  fakNoMatch:
    'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.',
  postOnlyCrosses: 'invalid post-only order: order crosses book',
  postOnlyType: 'INVALID_POST_ONLY_ORDER_TYPE',
  orderVersionMismatch: 'order_version_mismatch',
  marketNotReady: 'the market is not yet ready to process new orders',
  tooManyRequests: 'Too Many Requests',
  invalidTokenId: 'Invalid token id',
  marketNotFound: 'market not found',
  noOrderbook: 'No orderbook exists for the requested token id',
  orderDelayed: 'order match delayed due to market conditions',
} as const;

export const tickMessage = (orderId: string, price: string, tick: string): string =>
  `order ${orderId} is invalid. Price (${price}) breaks minimum tick size rule: ${tick}`;
export const minSizeMessage = (orderId: string, size: string, min: string): string =>
  `order ${orderId} is invalid. Size (${size}) lower than the minimum: ${min}`;
export const duplicatedMessage = (orderId: string): string => `order ${orderId} is invalid. Duplicated.`;
export const balanceMessage = (balance: bigint, amount: bigint): string =>
  `${MSG.notEnoughBalance}: the balance is not enough -> balance: ${balance}, order amount: ${amount}`;
