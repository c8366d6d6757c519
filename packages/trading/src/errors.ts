// Typed venue errors. Every venue client turns HTTP/WS failures into a VenueError whose
// `kind` the executor can act on, keeping the venue's own message for the operator.

import type { Platform } from './execution/types.ts';

export type ErrorKind =
  | 'validation' // our request is malformed (bad price, size, missing ticker); never sent
  | 'no_client' // no credentials/client for the venue here
  | 'insufficient_balance'
  | 'market_closed'
  | 'market_not_found'
  | 'duplicate_order' // the venue already has this client order id / order hash
  | 'rate_limited'
  | 'auth'
  | 'invalid_price' // off the tick grid or outside the venue's range
  | 'invalid_size' // below minimum size/notional, bad precision
  | 'order_version_mismatch' // Polymarket: order signed for the wrong exchange version
  | 'timeout' // the outcome is unknown: look the order up before doing anything else
  | 'network' // could not reach the venue (request certainly not processed only if noted)
  | 'venue' // other venue-side rejection
  | 'refused' // refused by a trader's own limits or a risk check
  | 'unknown';

export class VenueError extends Error {
  readonly kind: ErrorKind;
  readonly platform: Platform | null;
  readonly httpStatus: number | null;
  /** The venue's own error code (e.g. Kalshi "market_not_found"), when it sent one. */
  readonly venueCode: string | null;
  /** Seconds the venue asked us to wait (HTTP 429 Retry-After), when given. */
  readonly retryAfterSecs: number | null;

  constructor(
    kind: ErrorKind,
    message: string,
    opts: {
      platform?: Platform | null;
      httpStatus?: number | null;
      venueCode?: string | null;
      retryAfterSecs?: number | null;
      cause?: unknown;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'VenueError';
    this.kind = kind;
    this.platform = opts.platform ?? null;
    this.httpStatus = opts.httpStatus ?? null;
    this.venueCode = opts.venueCode ?? null;
    this.retryAfterSecs = opts.retryAfterSecs ?? null;
  }
}

/** Errors whose outcome at the venue is unknown: the order may or may not exist. */
export function outcomeUnknown(kind: ErrorKind): boolean {
  return kind === 'timeout' || kind === 'unknown';
}
