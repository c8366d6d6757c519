// Gamma API client (polymarket.md §14): market metadata for discovery.
//
// Batched slug lookups (`GET /markets?slug=a&slug=b...`, at most 50 slugs per request) and
// esports event listings (`GET /events?series_id=...`). Every market is parsed and checked here,
// at the venue edge; a malformed item is reported by slug and the rest of the batch is kept.
// HTTP 429 is retried after the server's Retry-After (else exponential backoff); transport
// errors and 5xx are retried a few times; any other non-2xx is reported, never silently
// treated as "no match" (discovery-and-arb.md §5.2 #15).

import { VenueError } from '../errors.ts';

export const GAMMA_DEFAULT_URL = 'https://gamma-api.polymarket.com';
/** Gamma accepts many repeated `slug` params; the reference batches 50 and so do we. */
export const GAMMA_MAX_SLUGS_PER_REQUEST = 50;

export interface GammaMarket {
  id: string;
  slug: string;
  question: string;
  conditionId: string;
  /** Outcome names, aligned with tokenIds. */
  outcomes: string[];
  /** Tradable token ids: clobTokenIds (version v1/absent) or positionIds (v2). */
  tokenIds: string[];
  /** Order version the tokens trade under: 2 for Gamma "v1"/absent, 3 for "v2". */
  orderVersion: 2 | 3;
  /** null when Gamma omitted the field: never guess it (it selects the exchange contract). */
  negRisk: boolean | null;
  active: boolean;
  closed: boolean;
  acceptingOrders: boolean | null;
  groupItemTitle: string | null;
  /** e.g. "moneyline", "spreads", "totals" when Gamma tags the market. */
  sportsMarketType: string | null;
  /** Spread/total line as Gamma states it (spreads are signed: -12.5 = favorite). */
  line: number | null;
  /** Scheduled start of the game, an instant (ms since epoch) when given. */
  gameStartMs: number | null;
  endDate: string | null;
  /** Title and slug of the parent event, when Gamma embeds it. */
  eventTitle: string | null;
  eventSlug: string | null;
}

export interface GammaEvent {
  id: string;
  slug: string;
  title: string;
  startMs: number | null;
  markets: GammaMarket[];
}

export interface GammaIssue {
  /** The slug (or event slug / request) the problem concerns. */
  item: string;
  message: string;
}

export interface GammaLookupResult {
  /** Parsed markets by slug (only slugs Gamma returned and that parsed). */
  markets: Map<string, GammaMarket>;
  /** Slugs whose request failed for good: not the same as "not listed". */
  failedSlugs: Set<string>;
  issues: GammaIssue[];
  /** HTTP requests made, retries included. */
  requests: number;
}

export interface GammaClientOptions {
  baseUrl?: string;
  /** Slugs per request, 1..50. */
  batchSize?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Attempts per request for 429 / 5xx / transport errors. */
  maxAttempts?: number;
  /** Upper bound on one wait, whatever Retry-After says. */
  maxRetryWaitMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Injected for tests: records waits without sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

const sleepReal = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class GammaClient {
  readonly baseUrl: string;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly maxRetryWaitMs: number;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Total HTTP requests made by this client (retries included). */
  requests = 0;

  constructor(opts: GammaClientOptions = {}) {
    this.baseUrl = (opts.baseUrl ?? GAMMA_DEFAULT_URL).replace(/\/+$/, '');
    const bs = opts.batchSize ?? GAMMA_MAX_SLUGS_PER_REQUEST;
    if (!Number.isInteger(bs) || bs < 1 || bs > GAMMA_MAX_SLUGS_PER_REQUEST) {
      throw new RangeError(`Gamma batch size ${bs} must be a whole number in 1..${GAMMA_MAX_SLUGS_PER_REQUEST}`);
    }
    this.batchSize = bs;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
    this.maxRetryWaitMs = opts.maxRetryWaitMs ?? 30_000;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.fetchImpl = opts.fetch ?? fetch;
    this.sleep = opts.sleep ?? sleepReal;
  }

  /**
   * Look up markets by slug, `batchSize` slugs per request (duplicates removed).
   * `onBatch` is called after each request finishes (for progress bars).
   */
  async marketsBySlugs(slugs: Iterable<string>, onBatch?: (done: number, total: number) => void): Promise<GammaLookupResult> {
    const unique = [...new Set(slugs)];
    const batches: string[][] = [];
    for (let i = 0; i < unique.length; i += this.batchSize) batches.push(unique.slice(i, i + this.batchSize));
    const out: GammaLookupResult = { markets: new Map(), failedSlugs: new Set(), issues: [], requests: 0 };
    const before = this.requests;
    let done = 0;
    await mapLimit(batches, this.concurrency, async (batch) => {
      const qs = batch.map((s) => `slug=${encodeURIComponent(s)}`).join('&');
      const what = `Gamma /markets lookup of ${batch.length} slug(s) starting with "${batch[0]}"`;
      let body: unknown;
      try {
        body = await this.getJson(`/markets?${qs}`, what, true);
      } catch (err) {
        for (const s of batch) out.failedSlugs.add(s);
        out.issues.push({ item: batch.join(','), message: (err as Error).message });
        done++;
        onBatch?.(done, batches.length);
        return;
      }
      const wanted = new Set(batch);
      if (!Array.isArray(body)) {
        for (const s of batch) out.failedSlugs.add(s);
        out.issues.push({ item: batch.join(','), message: `${what}: response is not a JSON array (got ${typeName(body)})` });
      } else {
        body.forEach((raw, i) => {
          const parsed = parseGammaMarket(raw);
          if (!parsed.ok) {
            const slug = slugOf(raw) ?? `item #${i}`;
            if (wanted.has(slug)) out.failedSlugs.add(slug);
            out.issues.push({ item: slug, message: `malformed Gamma market "${slug}": ${parsed.error}` });
            return;
          }
          // Only what we asked for: a stray market must never stand in for a requested slug.
          if (wanted.has(parsed.market.slug)) out.markets.set(parsed.market.slug, parsed.market);
        });
      }
      done++;
      onBatch?.(done, batches.length);
    });
    out.requests = this.requests - before;
    return out;
  }

  /** All open events of a Gamma series (esports discovery, §1.9), paginated by `offset`. */
  async eventsBySeries(seriesId: string, pageSize = 100): Promise<{ events: GammaEvent[]; issues: GammaIssue[]; requests: number }> {
    const events: GammaEvent[] = [];
    const issues: GammaIssue[] = [];
    const before = this.requests;
    for (let offset = 0; ; offset += pageSize) {
      const what = `Gamma /events of series ${seriesId} (offset ${offset})`;
      const body = await this.getJson(
        `/events?series_id=${encodeURIComponent(seriesId)}&closed=false&limit=${pageSize}&offset=${offset}`,
        what,
        false,
      );
      if (!Array.isArray(body)) throw new VenueError('venue', `${what}: response is not a JSON array (got ${typeName(body)})`, { platform: 'polymarket' });
      body.forEach((raw, i) => {
        const ev = parseGammaEvent(raw);
        if (!ev.ok) {
          issues.push({ item: slugOf(raw) ?? `series ${seriesId} event #${offset + i}`, message: `malformed Gamma event: ${ev.error}` });
          return;
        }
        events.push(ev.event);
        issues.push(...ev.issues);
      });
      if (body.length < pageSize) break;
    }
    return { events, issues, requests: this.requests - before };
  }

  private async getJson(pathAndQuery: string, what: string, notFoundIsEmpty: boolean): Promise<unknown> {
    const url = `${this.baseUrl}${pathAndQuery}`;
    let backoffMs = 250;
    for (let attempt = 1; ; attempt++) {
      this.requests++;
      let res: Response;
      try {
        res = await this.fetchImpl(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } });
      } catch (err) {
        if (attempt >= this.maxAttempts) {
          throw new VenueError('network', `${what}: could not reach Gamma at ${this.baseUrl} (${(err as Error).message}); check POLY_GAMMA_URL`, { platform: 'polymarket', cause: err });
        }
        await this.sleep(backoffMs);
        backoffMs *= 2;
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
        await res.body?.cancel();
        if (attempt >= this.maxAttempts) {
          throw new VenueError(res.status === 429 ? 'rate_limited' : 'venue', `${what}: HTTP ${res.status} after ${attempt} attempts`, {
            platform: 'polymarket',
            httpStatus: res.status,
            retryAfterSecs: retryAfter === null ? null : retryAfter / 1000,
          });
        }
        await this.sleep(Math.min(this.maxRetryWaitMs, retryAfter ?? backoffMs));
        backoffMs *= 2;
        continue;
      }
      if (res.status === 404 && notFoundIsEmpty) {
        await res.body?.cancel();
        return [];
      }
      const text = await res.text();
      if (!res.ok) {
        throw new VenueError('venue', `${what}: HTTP ${res.status} ${text.slice(0, 200)}`, { platform: 'polymarket', httpStatus: res.status });
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new VenueError('venue', `${what}: response is not JSON (${JSON.stringify(text.slice(0, 80))})`, { platform: 'polymarket', httpStatus: res.status });
      }
    }
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent/unreadable. */
export function parseRetryAfter(v: string | null, nowMs = Date.now()): number | null {
  if (v === null) return null;
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const d = Date.parse(t);
  if (Number.isNaN(d)) return null;
  return Math.max(0, d - nowMs);
}

type Parsed<T> = { ok: true; market: T } | { ok: false; error: string };

/** Parse one Gamma market object; every check names the field that failed. */
export function parseGammaMarket(raw: unknown): Parsed<GammaMarket> {
  if (!isObj(raw)) return { ok: false, error: `not an object (got ${typeName(raw)})` };
  const slug = raw.slug;
  if (typeof slug !== 'string' || slug === '') return { ok: false, error: 'missing "slug"' };
  const outcomes = stringArray(raw.outcomes, 'outcomes');
  if (!outcomes.ok) return outcomes;
  const version = raw.version;
  let orderVersion: 2 | 3;
  let tokens: ReturnType<typeof stringArray>;
  if (version === undefined || version === null || version === 'v1') {
    orderVersion = 2;
    tokens = stringArray(raw.clobTokenIds, 'clobTokenIds');
  } else if (version === 'v2') {
    orderVersion = 3;
    tokens = stringArray(raw.positionIds, 'positionIds');
  } else {
    return { ok: false, error: `unknown "version" ${JSON.stringify(version)} (expected "v1" or "v2")` };
  }
  if (!tokens.ok) return tokens;
  const tokenIds = tokens.value;
  for (const t of tokenIds) if (!/^\d{1,100}$/.test(t)) return { ok: false, error: `token id ${JSON.stringify(t)} is not a decimal integer` };
  if (tokenIds.length !== outcomes.value.length) {
    return { ok: false, error: `${outcomes.value.length} outcomes but ${tokenIds.length} token ids` };
  }
  if (new Set(tokenIds).size !== tokenIds.length) return { ok: false, error: 'duplicate token ids' };
  const bool = (k: string): boolean | null | 'bad' => {
    const v = raw[k];
    if (v === undefined || v === null) return null;
    return typeof v === 'boolean' ? v : 'bad';
  };
  const active = bool('active');
  const closed = bool('closed');
  const negRisk = bool('negRisk');
  const accepting = bool('acceptingOrders');
  for (const [k, v] of [['active', active], ['closed', closed], ['negRisk', negRisk], ['acceptingOrders', accepting]] as const) {
    if (v === 'bad') return { ok: false, error: `"${k}" is not a boolean` };
  }
  let line: number | null = null;
  if (raw.line !== undefined && raw.line !== null) {
    const n = typeof raw.line === 'number' ? raw.line : typeof raw.line === 'string' ? Number(raw.line) : NaN;
    if (!Number.isFinite(n)) return { ok: false, error: `"line" ${JSON.stringify(raw.line)} is not a number` };
    line = n;
  }
  const ev = Array.isArray(raw.events) && isObj(raw.events[0]) ? raw.events[0] : null;
  return {
    ok: true,
    market: {
      id: String(raw.id ?? ''),
      slug,
      question: str(raw.question) ?? '',
      conditionId: str(raw.conditionId) ?? '',
      outcomes: outcomes.value,
      tokenIds,
      orderVersion,
      negRisk: negRisk as boolean | null,
      active: (active as boolean | null) ?? true,
      closed: (closed as boolean | null) ?? false,
      acceptingOrders: accepting as boolean | null,
      groupItemTitle: str(raw.groupItemTitle),
      sportsMarketType: str(raw.sportsMarketType),
      line,
      gameStartMs: parseInstant(raw.gameStartTime),
      endDate: str(raw.endDate),
      eventTitle: ev ? str(ev.title) : null,
      eventSlug: ev ? str(ev.slug) : null,
    },
  };
}

function parseGammaEvent(raw: unknown): { ok: true; event: GammaEvent; issues: GammaIssue[] } | { ok: false; error: string } {
  if (!isObj(raw)) return { ok: false, error: `not an object (got ${typeName(raw)})` };
  const slug = str(raw.slug);
  const title = str(raw.title);
  if (!slug) return { ok: false, error: 'missing "slug"' };
  if (!title) return { ok: false, error: `event "${slug}" has no "title"` };
  const issues: GammaIssue[] = [];
  const markets: GammaMarket[] = [];
  const rawMarkets = Array.isArray(raw.markets) ? raw.markets : [];
  rawMarkets.forEach((m, i) => {
    const p = parseGammaMarket(m);
    if (p.ok) {
      markets.push({ ...p.market, eventTitle: p.market.eventTitle ?? title, eventSlug: p.market.eventSlug ?? slug });
    } else {
      issues.push({ item: slugOf(m) ?? `${slug} market #${i}`, message: `malformed Gamma market in event "${slug}": ${p.error}` });
    }
  });
  return {
    ok: true,
    event: { id: String(raw.id ?? ''), slug, title, startMs: parseInstant(raw.startTime ?? raw.startDate), markets },
    issues,
  };
}

/** Gamma encodes arrays as JSON strings ("[\"Yes\", \"No\"]"); accept real arrays too. */
function stringArray(v: unknown, field: string): { ok: true; value: string[] } | { ok: false; error: string } {
  let arr: unknown = v;
  if (typeof v === 'string') {
    try {
      arr = JSON.parse(v);
    } catch {
      return { ok: false, error: `"${field}" is not a JSON-encoded array (${JSON.stringify(v.slice(0, 60))})` };
    }
  }
  if (!Array.isArray(arr)) return { ok: false, error: `"${field}" is missing or not an array` };
  if (!arr.every((x) => typeof x === 'string')) return { ok: false, error: `"${field}" holds a non-string item` };
  return { ok: true, value: arr as string[] };
}

/** "2026-01-17 00:30:00+00", ISO strings, or epoch ms/s numbers. */
function parseInstant(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v > 1e12 ? v : v * 1000;
  if (typeof v !== 'string' || v.trim() === '') return null;
  let t = v.trim().replace(' ', 'T');
  if (/[+-]\d\d$/.test(t)) t += ':00';
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
function slugOf(v: unknown): string | null {
  return isObj(v) && typeof v.slug === 'string' ? v.slug : null;
}
function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
