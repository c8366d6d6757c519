// Kalshi market listings for discovery: the fields pairing needs, parsed at the edge, and a
// paginated source with request pacing (kalshi.md §4.9, §8).
//
// Market listing is public on Kalshi (no auth). `KalshiMarketsSource` is the seam; the
// implementation drives the trading library's KalshiClient (one request per page) and adds
// pacing and a 429 backoff shared by all requests.

import { VenueError } from '@parity/trading';
import { KALSHI_DEFAULT_API_BASE, KalshiClient } from '@parity/trading/kalshi/client.ts';

export { KALSHI_DEFAULT_API_BASE };
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

export interface PacedKalshiMarketsOptions {
  /** The trading library's Kalshi client (market listing needs no credentials)... */
  client?: KalshiClient;
  /** ...or the REST base to build one for (KALSHI_API_BASE). */
  baseUrl?: string;
  /** Requests per second (default 20: Kalshi's Basic read budget at the default cost). */
  rps?: number;
  burst?: number;
  /** Attempts per page on 429 / 5xx / transport errors. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Kalshi market pages through the trading library's KalshiClient, paced by a token bucket. On a
 * 429 every request of this source pauses (exponential from 1 s, capped at 64 s: Kalshi sends no
 * Retry-After, kalshi.md §8); 5xx and transport errors are retried a few times.
 */
export class PacedKalshiMarkets implements KalshiMarketsSource {
  readonly client: KalshiClient;
  requests = 0;
  private readonly ownsClient: boolean;
  private pausedUntil = 0;
  private consecutive429 = 0;
  private readonly bucket: TokenBucket;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: PacedKalshiMarketsOptions = {}) {
    this.ownsClient = opts.client === undefined;
    // Retries are ours (shared pause, counted requests), not the client's.
    this.client = opts.client ?? new KalshiClient({ apiBase: opts.baseUrl ?? KALSHI_DEFAULT_API_BASE, maxReadRetries: 0, presign: false });
    this.sleep = opts.sleep ?? sleepReal;
    const rps = opts.rps ?? 20;
    this.bucket = new TokenBucket(rps, opts.burst ?? Math.max(1, Math.min(rps, 20)), this.sleep);
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 6);
  }

  async marketsPage(q: KalshiMarketsQuery): Promise<{ markets: unknown[]; cursor: string | null }> {
    const what = `Kalshi GET /markets ${JSON.stringify(q)}`;
    for (let attempt = 1; ; attempt++) {
      await this.bucket.take();
      const paused = this.pausedUntil - Date.now();
      if (paused > 0) await this.sleep(paused);
      this.requests++;
      const pages = this.client.listMarkets({
        ...(q.series_ticker ? { seriesTicker: q.series_ticker } : {}),
        ...(q.event_ticker ? { eventTicker: q.event_ticker } : {}),
        status: q.status,
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      try {
        const next = await pages.next();
        if (next.done) return { markets: [], cursor: null };
        this.consecutive429 = 0;
        return { markets: next.value.items.map((m) => m.raw), cursor: next.value.cursor || null };
      } catch (err) {
        const e = err instanceof VenueError ? err : null;
        const limited = e?.kind === 'rate_limited' || e?.httpStatus === 429;
        const transient = limited || (e?.httpStatus ?? 0) >= 500 || e?.kind === 'network' || e?.kind === 'timeout';
        // A venue that cannot be reached at all is not worth six tries.
        const maxAttempts = e?.kind === 'network' ? Math.min(3, this.maxAttempts) : this.maxAttempts;
        if (!transient || attempt >= maxAttempts) {
          throw new VenueError(e?.kind ?? 'unknown', `${what}: ${(err as Error).message}${transient ? ` (gave up after ${attempt} attempts)` : ''}`, {
            platform: 'kalshi',
            httpStatus: e?.httpStatus ?? null,
            cause: err,
          });
        }
        const wait = e?.retryAfterSecs != null ? e.retryAfterSecs * 1000 : limited ? Math.min(1000 * 2 ** this.consecutive429, 64_000) : 250 * attempt;
        if (limited) {
          this.consecutive429++;
          this.pausedUntil = Math.max(this.pausedUntil, Date.now() + wait);
        }
        await this.sleep(wait);
      } finally {
        await pages.return(undefined);
      }
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
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
