// CLOB error answers -> typed VenueErrors (spec polymarket.md §17), keeping the venue's message.
// The CLOB templates its messages ("order 0x… is invalid. Price (0.5) breaks minimum tick size
// rule: 0.01"), so matching is on the stable part or the error code.

import { VenueError, type ErrorKind } from '../errors.ts';

interface Rule {
  kind: ErrorKind;
  re: RegExp;
  code?: string;
}

// Order matters: the first match wins.
const RULES: Rule[] = [
  { kind: 'order_version_mismatch', re: /order_version_mismatch|invalid order version/i },
  { kind: 'insufficient_balance', re: /not enough (balance|allowance)|INVALID_ORDER_NOT_ENOUGH_BALANCE/i, code: 'INVALID_ORDER_NOT_ENOUGH_BALANCE' },
  { kind: 'invalid_price', re: /minimum tick size|INVALID_ORDER_MIN_TICK_SIZE|invalid price/i, code: 'INVALID_ORDER_MIN_TICK_SIZE' },
  { kind: 'invalid_size', re: /lower than the minimum|INVALID_ORDER_MIN_SIZE/i, code: 'INVALID_ORDER_MIN_SIZE' },
  { kind: 'invalid_size', re: /invalid amounts|max accuracy|rounding issues/i },
  { kind: 'duplicate_order', re: /duplicated|INVALID_ORDER_DUPLICATED/i, code: 'INVALID_ORDER_DUPLICATED' },
  { kind: 'rate_limited', re: /too many requests/i },
  {
    kind: 'auth',
    re: /unauthorized|invalid api key|invalid l1 request headers|invalid signature|owner of the api key|address of the api key|maker address not allowed|address banned/i,
  },
  {
    kind: 'market_closed',
    re: /trading is currently disabled|cancel-only|post-only mode|not yet ready|MARKET_NOT_READY|market is closed|market closed/i,
  },
  { kind: 'market_not_found', re: /market not found|no orderbook exists|invalid token id/i },
  { kind: 'validation', re: /invalid expiration|INVALID_POST_ONLY_ORDER|crosses the book|crosses book|too many orders in payload|invalid order payload/i },
];

/** FOK/FAK answers that are clean no-fills, not failures (§17). */
export function polyIsNoMatch(message: string): boolean {
  return /FOK orders are fully filled or killed|FOK_ORDER_NOT_FILLED_ERROR|no orders found to match with FAK order|FAK orders are partially filled or killed/i.test(message);
}

/** The error text of a CLOB answer body: `error` (string or object), else `errorMsg`, else the raw text. */
export function polyErrorMessage(body: unknown, raw: string): string {
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; errorMsg?: unknown };
    if (typeof b.error === 'string' && b.error) return b.error;
    if (b.error !== undefined && b.error !== null && b.error !== '') return JSON.stringify(b.error);
    if (typeof b.errorMsg === 'string' && b.errorMsg) return b.errorMsg;
  }
  return raw.trim().slice(0, 500) || '(empty body)';
}

function retryAfterSecs(headers: Record<string, string | string[] | undefined>, body: unknown): number | null {
  const h = headers['retry-after'];
  const v = Array.isArray(h) ? h[0] : h;
  if (v !== undefined && /^\d+(\.\d+)?$/.test(v.trim())) return Number(v.trim());
  const b = body as { retry_after_seconds?: unknown } | null;
  if (b && typeof b === 'object' && typeof b.retry_after_seconds === 'number') return b.retry_after_seconds;
  return null;
}

/**
 * A VenueError for a CLOB error answer. `orderPost` marks POST /order(s): an unrecognised 5xx there
 * leaves the outcome unknown ('unknown': look the order up), whereas elsewhere it is a plain 'venue'.
 */
export function polyErrorFromResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: unknown,
  raw: string,
  what: string,
  orderPost = false,
): VenueError {
  const message = polyErrorMessage(body, raw);
  const code = body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string' ? (body as { code: string }).code : null;
  const opts = { platform: 'polymarket' as const, httpStatus: status, retryAfterSecs: retryAfterSecs(headers, body) };
  const text = `Polymarket ${what}: ${message}`;
  if (status === 429 || status === 425) return new VenueError('rate_limited', `${text} (HTTP ${status}: back off${opts.retryAfterSecs !== null ? ` ${opts.retryAfterSecs}s` : ''} and retry)`, { ...opts, venueCode: code });
  const hay = code ? `${message} ${code}` : message;
  for (const r of RULES) if (r.re.test(hay)) return new VenueError(r.kind, text, { ...opts, venueCode: code ?? r.code ?? null });
  if (status === 401 || status === 403) return new VenueError('auth', text, { ...opts, venueCode: code });
  if (status === 404) return new VenueError('market_not_found', text, { ...opts, venueCode: code });
  // "order timed out" (500) was rejected before reaching the book: known outcome, safe to resubmit.
  if (/order timed out/i.test(message)) return new VenueError('venue', `${text} (rejected before reaching the book)`, { ...opts, venueCode: code });
  if (status >= 500 && orderPost)
    return new VenueError('unknown', `${text} (HTTP ${status}: the order may or may not exist; look it up before retrying)`, { ...opts, venueCode: code });
  return new VenueError('venue', text, { ...opts, venueCode: code });
}
