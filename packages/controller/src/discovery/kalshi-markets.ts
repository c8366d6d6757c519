// Kalshi market listings for discovery: the fields pairing needs, parsed at the edge, and a
// paginated source with request pacing (kalshi.md §4.9, §8).
//
// Market listing is public on Kalshi (no auth). `KalshiMarketsSource` is the seam: the HTTP
// implementation here paces requests with a token bucket and backs off on 429; any other
// lister (e.g. the trading library's Kalshi client) can be adapted to it.

import { VenueError } from '@parity/trading';
import { parseRetryAfter } from '@parity/trading/polymarket/gamma.ts';

export const KALSHI_DEFAULT_API_BASE = 'https://api.elections.kalshi.com/trade-api/v2';
/** Kalshi's maximum page size for GET /markets. */
export const KALSHI_MAX_MARKETS_PAGE = 1000;

export interface KalshiMarket {
  ticker: string;
  eventTicker: string;
  /** Multivariate collection the market belongs to (some NFL games), else null. */
  mveCollection: string | null;
  title: string;
  yesSubTitle: string;
  noSubTitle: string;
  /** Line of spread/total markets. */
  floorStrike: number | null;
  status: string;
  marketType: string;
}

export function parseKalshiMarket(raw: unknown): { ok: true; market: KalshiMarket } | { ok: false; error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'not an object' };
  const r = raw as Record<string, unknown>;
  if (typeof r.ticker !== 'string' || r.ticker === '') return { ok: false, error: 'missing "ticker"' };
  if (typeof r.event_ticker !== 'string' || r.event_ticker === '') return { ok: false, error: `market ${r.ticker}: missing "event_ticker"` };
  let floor: number | null = null;
  if (r.floor_strike !== undefined && r.floor_strike !== null && r.floor_strike !== '') {
    const n = typeof r.floor_strike === 'number' ? r.floor_strike : Number(r.floor_strike);
    if (!Number.isFinite(n)) return { ok: false, error: `market ${r.ticker}: "floor_strike" ${JSON.stringify(r.floor_strike)} is not a number` };
    floor = n;
  }
  const s = (k: string): string => (typeof r[k] === 'string' ? (r[k] as string) : '');
  return {
    ok: true,
    market: {
      ticker: r.ticker,
      eventTicker: r.event_ticker,
      mveCollection: s('mve_collection_ticker') || null,
      title: s('title'),
      yesSubTitle: s('yes_sub_title'),
      noSubTitle: s('no_sub_title'),
      floorStrike: floor,
      status: s('status'),
      marketType: s('market_type') || 'binary',
    },
  };
}

export interface KalshiMarketsQuery {
  series_ticker?: string;
  event_ticker?: string;
  status: 'open';
  limit: number;
  cursor?: string;
}

export interface KalshiMarketsSource {
  /** One page of GET /markets. `cursor` null or "" = last page. */
  marketsPage(q: KalshiMarketsQuery): Promise<{ markets: unknown[]; cursor: string | null }>;
  /** HTTP requests made so far (retries included). */
  readonly requests: number;
}

/** Token bucket: `rate` requests per second, bursts up to `burst`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly sleep: (ms: number) => Promise<void> = sleepReal,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Resolves when a request may go; callers are served in order. */
  take(): Promise<void> {
    const p = this.queue.then(async () => {
      if (!Number.isFinite(this.rate)) return;
      for (;;) {
        const t = this.now();
        this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.rate) / 1000);
        this.last = t;
        if (this.tokens >= 1) {
          this.tokens -= 1;
          return;
        }
        await this.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.rate));
      }
    });
    this.queue = p;
    return p;
  }
}

const sleepReal = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface HttpKalshiMarketsOptions {
  baseUrl?: string;
  /** Requests per second (default 20: Kalshi's Basic read budget at the default cost). */
  rps?: number;
  burst?: number;
  /** Attempts per request on 429 / 5xx / transport errors. */
  maxAttempts?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export class HttpKalshiMarkets implements KalshiMarketsSource {
  readonly baseUrl: string;
  requests = 0;
  private pausedUntil = 0;
  private consecutive429 = 0;
  private readonly bucket: TokenBucket;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: HttpKalshiMarketsOptions = {}) {
    this.baseUrl = (opts.baseUrl ?? KALSHI_DEFAULT_API_BASE).replace(/\/+$/, '');
    this.sleep = opts.sleep ?? sleepReal;
    const rps = opts.rps ?? 20;
    this.bucket = new TokenBucket(rps, opts.burst ?? Math.max(1, Math.min(rps, 20)), this.sleep);
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 6);
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.fetchImpl = opts.fetch ?? fetch;
  }

  async marketsPage(q: KalshiMarketsQuery): Promise<{ markets: unknown[]; cursor: string | null }> {
    const params = new URLSearchParams();
    if (q.series_ticker) params.set('series_ticker', q.series_ticker);
    if (q.event_ticker) params.set('event_ticker', q.event_ticker);
    params.set('status', q.status);
    params.set('limit', String(q.limit));
    if (q.cursor) params.set('cursor', q.cursor);
    const url = `${this.baseUrl}/markets?${params.toString()}`;
    const what = `Kalshi GET /markets?${params.toString()}`;
    for (let attempt = 1; ; attempt++) {
      await this.bucket.take();
      // A 429 slows every request of this client, not only the one that got it.
      const paused = this.pausedUntil - Date.now();
      if (paused > 0) await this.sleep(paused);
      this.requests++;
      let res: Response;
      try {
        res = await this.fetchImpl(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } });
      } catch (err) {
        if (attempt >= Math.min(this.maxAttempts, 3)) {
          throw new VenueError('network', `${what}: could not reach Kalshi at ${this.baseUrl} (${(err as Error).message}); check KALSHI_API_BASE`, { platform: 'kalshi', cause: err });
        }
        await this.sleep(250 * attempt);
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        const ra = parseRetryAfter(res.headers.get('retry-after'));
        await res.body?.cancel();
        if (attempt >= this.maxAttempts) {
          throw new VenueError(res.status === 429 ? 'rate_limited' : 'venue', `${what}: HTTP ${res.status} after ${attempt} attempts`, { platform: 'kalshi', httpStatus: res.status });
        }
        // Kalshi sends no Retry-After on 429 (kalshi.md §8): exponential backoff from 1 s,
        // escalating with consecutive 429s across all requests, capped at 64 s.
        const wait = ra ?? Math.min(1000 * 2 ** this.consecutive429, 64_000);
        if (res.status === 429) {
          this.consecutive429++;
          this.pausedUntil = Math.max(this.pausedUntil, Date.now() + wait);
        }
        await this.sleep(wait);
        continue;
      }
      this.consecutive429 = 0;
      const text = await res.text();
      if (!res.ok) throw new VenueError('venue', `${what}: HTTP ${res.status} ${text.slice(0, 200)}`, { platform: 'kalshi', httpStatus: res.status });
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new VenueError('venue', `${what}: response is not JSON`, { platform: 'kalshi', httpStatus: res.status });
      }
      const b = body as { markets?: unknown; cursor?: unknown };
      if (typeof body !== 'object' || body === null || !Array.isArray(b.markets)) {
        throw new VenueError('venue', `${what}: response has no "markets" array`, { platform: 'kalshi', httpStatus: res.status });
      }
      return { markets: b.markets, cursor: typeof b.cursor === 'string' && b.cursor !== '' ? b.cursor : null };
    }
  }
}

/**
 * Every open market of a series (or event), page by page. Returns the raw items and the number
 * of pages; a repeated cursor ends the walk with an error instead of looping forever.
 */
export async function listAllMarkets(
  source: KalshiMarketsSource,
  q: { series_ticker?: string; event_ticker?: string },
  pageSize: number,
): Promise<{ markets: unknown[]; pages: number }> {
  const markets: unknown[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await source.marketsPage({ ...q, status: 'open', limit: pageSize, ...(cursor ? { cursor } : {}) });
    pages++;
    markets.push(...page.markets);
    if (!page.cursor) break;
    if (seen.has(page.cursor)) throw new VenueError('venue', `Kalshi returned the cursor ${page.cursor} twice for ${JSON.stringify(q)}`, { platform: 'kalshi' });
    seen.add(page.cursor);
    cursor = page.cursor;
  }
  return { markets, pages };
}
