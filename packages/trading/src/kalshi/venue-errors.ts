// Kalshi HTTP errors -> VenueError kinds (spec kalshi.md §4.1, §9), keeping the venue's code and
// message. Real bodies wrap the error: {"error":{"code","message","service"}}; the OpenAPI schema
// documents a flat {code, message, details}; HTTP 429 sends {"error":"too many requests"}.

import { VenueError, type ErrorKind } from '../errors.ts';

/** What a 404 without a recognizable code refers to. */
export type NotFoundMeans = 'market' | 'order' | 'other';

interface ParsedError {
  code: string | null;
  message: string | null;
}

export function parseKalshiErrorBody(text: string): ParsedError {
  if (!text) return { code: null, message: null };
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return { code: null, message: text.length > 300 ? `${text.slice(0, 300)}…` : text };
  }
  if (typeof j !== 'object' || j === null) return { code: null, message: String(j) };
  const o = j as Record<string, unknown>;
  const inner = o.error;
  if (typeof inner === 'string') return { code: null, message: inner };
  const e = (typeof inner === 'object' && inner !== null ? inner : o) as Record<string, unknown>;
  const code = typeof e.code === 'string' && e.code !== '' ? e.code : null;
  let message = typeof e.message === 'string' && e.message !== '' ? e.message : null;
  if (typeof e.details === 'string' && e.details !== '') message = message ? `${message} (${e.details})` : e.details;
  return { code, message };
}

/** Retry-After as seconds (delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(v: string | string[] | undefined, nowMs: number = Date.now()): number | null {
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined || s.trim() === '') return null;
  const t = s.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const d = Date.parse(t);
  if (Number.isNaN(d)) return null;
  return Math.max(0, Math.ceil((d - nowMs) / 1000));
}

function kindFromCode(code: string): ErrorKind | null {
  const c = code.toLowerCase();
  if (c.includes('insufficient_balance') || c.includes('insufficient_funds') || c.includes('insufficient_collateral')) return 'insufficient_balance';
  if (c === 'market_not_found' || c.includes('market_not_found') || c === 'event_not_found') return 'market_not_found';
  if (/market_(closed|not_open|inactive|settled|paused|halted|expired|not_active)|trading_(is_)?(paused|halted|closed)|exchange_(closed|paused|inactive)/.test(c)) return 'market_closed';
  if (c.includes('duplicate') || c.includes('already_exists')) return 'duplicate_order';
  if (/price/.test(c)) return 'invalid_price';
  if (/(count|quantity|size|fractional)/.test(c)) return 'invalid_size';
  if (/(unauthor|forbidden|signature|api_key|auth|location_attestation|permission|scope)/.test(c)) return 'auth';
  if (/(rate_limit|too_many_requests)/.test(c)) return 'rate_limited';
  return null;
}

const HINT: Partial<Record<ErrorKind, string>> = {
  insufficient_balance: 'fund the account or reduce the size (collateral is per exchange shard; selling YES you do not hold needs NO collateral)',
  market_not_found: 'check the market ticker (an event ticker is not a market ticker)',
  market_closed: 'the market is not open for trading; check its status and close time',
  duplicate_order: 'an order with this client_order_id already exists: look it up instead of resending',
  rate_limited: 'slow down and retry after a back-off',
  auth: 'check KALSHI_API_KEY_ID, the private key, the key\'s scopes and, for sports/elections, the location attestation',
  invalid_price: 'use a price on the market\'s price grid, strictly between 0 and 1',
  invalid_size: 'check the contract count (fractional counts only where the market allows them)',
};

/**
 * The VenueError for a non-2xx Kalshi answer. `notFound` says what a bare 404 means for this
 * request (a missing order is not a missing market).
 */
export function kalshiHttpError(
  status: number,
  bodyText: string,
  headers: Record<string, string | string[] | undefined>,
  ctx: { method: string; path: string; notFound?: NotFoundMeans | undefined },
): VenueError {
  const { code, message } = parseKalshiErrorBody(bodyText);
  let kind: ErrorKind = code ? (kindFromCode(code) ?? 'venue') : 'venue';
  if (status === 429) kind = 'rate_limited';
  else if (status === 401 || status === 403) kind = code && kindFromCode(code) === 'market_closed' ? 'market_closed' : 'auth';
  else if (status === 409) kind = 'duplicate_order';
  else if (status === 404 && kind === 'venue') kind = ctx.notFound === 'market' ? 'market_not_found' : 'venue';
  const retryAfterSecs = status === 429 || status === 503 ? parseRetryAfter(headers['retry-after']) : null;
  const venueText = [code, message].filter(Boolean).join(': ') || `HTTP ${status}`;
  const hint = HINT[kind];
  const text = `Kalshi rejected ${ctx.method} ${ctx.path} (HTTP ${status} ${venueText})${hint ? `: ${hint}` : ''}`;
  return new VenueError(kind, text, { platform: 'kalshi', httpStatus: status, venueCode: code, retryAfterSecs });
}
