// KalshiClient: REST over one undici keep-alive pool, order entry with pre-signed auth, and the
// LegVenueClient that executeLeg uses (spec kalshi.md §2, §4, §8, §9).
//
// Order POSTs are never retried: a timeout or a broken connection after the request may have
// left throws VenueError('timeout' | 'unknown'), i.e. "the order may exist, look it up by its
// client order id" (lookupLeg). Reads retry 429/503 a bounded number of times with back-off.

import type { KeyObject } from 'node:crypto';
import { Pool } from 'undici';
import { ConfigError } from '../env.ts';
import { OrderChannel, type ChannelResponse, type OrderChannelOptions } from '../http-order-channel.ts';
import { VenueError } from '../errors.ts';
import { logger } from '../log.ts';
import { PX_ONE, formatPx, formatQty, type Micros, type Px } from '../units.ts';
import type { LegRequest, LegVenueClient, VenueOrderReport } from '../execution/types.ts';
import { KalshiSigner, kalshiWsAuthHeaders, kalshiWsAuthHeadersAsync, type HttpMethod, type KalshiAuthHeaders } from './auth.ts';
import { PresignedHeaderPool, type PresignOptions, type PresignStats } from './presign.ts';
import { describeKalshiGrid, isOnKalshiGrid, isWholeCent, nearestOnGrid } from './grid.ts';
import {
  buildLegacyOrderBody,
  buildV2OrderBody,
  kalshiClientOrderId,
  reportFromOrder,
  reportFromV2Answer,
  toYesBook,
  type KalshiOrderEndpoint,
  type KalshiOrderParams,
} from './orders.ts';
import { kalshiHttpError, type NotFoundMeans } from './venue-errors.ts';
import {
  KalshiWireError,
  asObject,
  parseBalance,
  parseCancelAnswer,
  parseCreateOrderV2Answer,
  parseEvent,
  parseEventPosition,
  parseFill,
  parseKalshiOrder,
  parseMarket,
  parseMarketPosition,
  parsePage,
  parseSeries,
  type KalshiBalance,
  type KalshiCancelAnswer,
  type KalshiCreateOrderV2Answer,
  type KalshiEvent,
  type KalshiEventPosition,
  type KalshiFill,
  type KalshiMarket,
  type KalshiMarketPosition,
  type KalshiOrder,
  type KalshiPage,
  type KalshiPriceRange,
  type KalshiSelfTradePrevention,
  type KalshiSeries,
} from './wire.ts';

const log = logger.child({ mod: 'kalshi.client' });

export const KALSHI_DEFAULT_API_BASE = 'https://api.elections.kalshi.com/trade-api/v2';
export const KALSHI_DEFAULT_WS_URL = 'wss://api.elections.kalshi.com/trade-api/ws/v2';

/** Order endpoints, relative to the API base. */
export const KALSHI_V2_ORDERS_PATH = '/portfolio/events/orders';
export const KALSHI_LEGACY_ORDERS_PATH = '/portfolio/orders';

export interface KalshiCredentials {
  keyId: string;
  privateKey: KeyObject;
}

export interface KalshiClientOptions {
  /** REST base including /trade-api/v2. Default: production (api.elections.kalshi.com). */
  apiBase?: string | undefined;
  /** WebSocket URL (for wsAuthHeaders). Default: production. */
  wsUrl?: string | undefined;
  /** Without credentials only public market data works; portfolio and order calls throw 'auth'. */
  credentials?: KalshiCredentials | null | undefined;
  /** Which create-order endpoint submitLeg/createOrder use. Default 'v2'. */
  orderEndpoint?: KalshiOrderEndpoint | undefined;
  /** Keep-alive connections to the venue (default 4: two concurrent legs + reads). */
  connections?: number | undefined;
  connectTimeoutMs?: number | undefined;
  /** Headers/body timeout for reads (default 10 s). */
  requestTimeoutMs?: number | undefined;
  /** Headers/body timeout for an order POST (default 5 s); on expiry the outcome is unknown. */
  orderTimeoutMs?: number | undefined;
  /**
   * Order POSTs written synchronously on warm keep-alive sockets of their own (default on; see
   * http-order-channel.ts), falling back to the pool when none is ready; false: always the pool.
   */
  fastOrders?: OrderChannelOptions | false | undefined;
  /** Pre-signed order-endpoint auth (default on, 500 ms max age); false to sign every order. */
  presign?: PresignOptions | false | undefined;
  /** Default 'taker_at_cross'. */
  selfTradePrevention?: KalshiSelfTradePrevention | undefined;
  subaccount?: number | undefined;
  /** After a V2 create that filled, GET the order for exact costs and fees (default true). */
  fetchFillDetails?: boolean | undefined;
  /** Retries of a read on 429/503 (default 2); order POSTs are never retried. */
  maxReadRetries?: number | undefined;
  /** Back-off before the first read retry when the venue gives no Retry-After (default 500 ms, doubling). */
  readRetryBaseMs?: number | undefined;
  /** How long a market's price grid is trusted (default 10 min). */
  gridTtlMs?: number | undefined;
  /** Max pages of GET /portfolio/orders lookupLeg scans for one leg (default 20). */
  lookupMaxPages?: number | undefined;
}

interface MarketRules {
  ranges: KalshiPriceRange[];
  fractional: boolean;
  atMs: number;
}

type Query = Record<string, string | number | boolean | readonly string[] | null | undefined>;

interface RequestOptions {
  query?: Query | undefined;
  body?: unknown;
  /** none: public endpoint; signed: sign off-thread; presigned: take from the pool (order path). */
  auth: 'none' | 'signed' | 'presigned';
  timeoutMs?: number | undefined;
  notFound?: NotFoundMeans | undefined;
  /** An order placement: never retried, transport failures are 'timeout'/'unknown'. */
  order?: boolean | undefined;
}

export interface KalshiCreateOrderResult {
  endpoint: KalshiOrderEndpoint;
  orderId: string;
  clientOrderId: string;
  /** The V2 answer (fills so far, averages); null on the legacy endpoint. */
  v2: KalshiCreateOrderV2Answer | null;
  /** The full Order (legacy endpoint answers with it); null on V2. */
  order: KalshiOrder | null;
}

export interface KalshiOrdersFilter {
  ticker?: string;
  eventTicker?: string | readonly string[];
  status?: 'resting' | 'canceled' | 'executed';
  /** Unix seconds. */
  minTs?: number;
  maxTs?: number;
  limit?: number;
  cursor?: string;
  subaccount?: number;
  exchangeIndex?: number;
}

export interface KalshiFillsFilter {
  ticker?: string;
  orderId?: string;
  minTs?: number;
  maxTs?: number;
  limit?: number;
  cursor?: string;
  subaccount?: number;
  exchangeIndex?: number;
}

export interface KalshiPositionsFilter {
  countFilter?: string | readonly string[];
  ticker?: string;
  eventTicker?: string;
  limit?: number;
  cursor?: string;
  subaccount?: number;
  exchangeIndex?: number;
}

export interface KalshiPositionsPage {
  marketPositions: KalshiMarketPosition[];
  eventPositions: KalshiEventPosition[];
  cursor: string | null;
}

export interface KalshiMarketsFilter {
  seriesTicker?: string;
  eventTicker?: string;
  tickers?: string | readonly string[];
  status?: 'unopened' | 'open' | 'paused' | 'closed' | 'settled';
  limit?: number;
  cursor?: string;
  minCreatedTs?: number;
  maxCreatedTs?: number;
  minCloseTs?: number;
  maxCloseTs?: number;
  minSettledTs?: number;
  maxSettledTs?: number;
  minUpdatedTs?: number;
  mveFilter?: 'only' | 'exclude';
}

export interface KalshiEventsFilter {
  seriesTicker?: string;
  status?: 'unopened' | 'open' | 'closed' | 'settled';
  withNestedMarkets?: boolean;
  tickers?: string | readonly string[];
  minCloseTs?: number;
  minUpdatedTs?: number;
  limit?: number;
  cursor?: string;
}

export interface KalshiSeriesFilter {
  category?: string;
  tags?: string | readonly string[];
  cursor?: string;
  limit?: number;
}

export interface KalshiCancelOptions {
  /** Lets the venue route the cancel (V2 `market_ticker`). */
  marketTicker?: string;
  subaccount?: number;
  exchangeIndex?: number;
  endpoint?: KalshiOrderEndpoint;
}

/** camelCase filter keys -> Kalshi's snake_case query names. */
function snake(k: string): string {
  return k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function buildQuery(q: Query): string {
  const parts: string[] = [];
  for (const k of Object.keys(q)) {
    const v = q[k];
    if (v === undefined || v === null || v === '') continue;
    const s = Array.isArray(v) ? v.join(',') : String(v);
    parts.push(`${encodeURIComponent(snake(k))}=${encodeURIComponent(s)}`);
  }
  return parts.join('&');
}

const NOT_SENT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function errCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const c = e?.code ?? e?.cause?.code;
  return typeof c === 'string' ? c : undefined;
}

/** Headers as request-head lines ("name: value\r\n" each) for the order channel. */
function headerLines(h: Record<string, string>): string {
  let s = '';
  for (const k in h) s += `${k}: ${h[k]}\r\n`;
  return s;
}

/** Sent with every request; merged into pre-signed order headers in the background. */
const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json', accept: 'application/json' };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class KalshiClient implements LegVenueClient {
  readonly platform = 'kalshi' as const;
  readonly apiBase: string;
  readonly wsUrl: string;
  readonly orderEndpoint: KalshiOrderEndpoint;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #pool: Pool;
  readonly #signer: KalshiSigner | null;
  readonly #presign: PresignedHeaderPool | null;
  readonly #presignedPath: string;
  readonly #takeOrderAuth: (() => Record<string, string>) | null;
  readonly #orderChannel: OrderChannel | null;
  readonly #requestTimeoutMs: number;
  readonly #orderTimeoutMs: number;
  readonly #stp: KalshiSelfTradePrevention;
  readonly #subaccount: number | undefined;
  readonly #fetchFillDetails: boolean;
  readonly #maxReadRetries: number;
  readonly #readRetryBaseMs: number;
  readonly #gridTtlMs: number;
  readonly #lookupMaxPages: number;
  /** Per-ticker trading rules: price grid and whether fractional counts are allowed. */
  readonly #rules = new Map<string, MarketRules>();
  /** client_order_id -> order_id of orders this process created (bounded). */
  readonly #known = new Map<string, string>();
  #lastId = { legId: '', id: '' };
  #closed = false;

  constructor(opts: KalshiClientOptions = {}) {
    this.apiBase = (opts.apiBase ?? KALSHI_DEFAULT_API_BASE).replace(/\/+$/, '');
    this.wsUrl = opts.wsUrl ?? KALSHI_DEFAULT_WS_URL;
    let url: URL;
    try {
      url = new URL(this.apiBase);
    } catch {
      throw new ConfigError(`KALSHI_API_BASE=${JSON.stringify(this.apiBase)} is not a URL: use e.g. ${KALSHI_DEFAULT_API_BASE}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new ConfigError(`KALSHI_API_BASE=${this.apiBase} must be an http(s) URL, e.g. ${KALSHI_DEFAULT_API_BASE}`);
    if (url.search || url.hash) throw new ConfigError(`KALSHI_API_BASE=${this.apiBase} must not have a query or fragment`);
    this.#origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.orderEndpoint = opts.orderEndpoint ?? 'v2';
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.#orderTimeoutMs = opts.orderTimeoutMs ?? 5_000;
    this.#stp = opts.selfTradePrevention ?? 'taker_at_cross';
    this.#subaccount = opts.subaccount;
    this.#fetchFillDetails = opts.fetchFillDetails ?? true;
    this.#maxReadRetries = opts.maxReadRetries ?? 2;
    this.#readRetryBaseMs = opts.readRetryBaseMs ?? 500;
    this.#gridTtlMs = opts.gridTtlMs ?? 600_000;
    this.#lookupMaxPages = opts.lookupMaxPages ?? 20;
    this.#pool = new Pool(this.#origin, {
      connections: opts.connections ?? 4,
      pipelining: 1,
      connectTimeout: opts.connectTimeoutMs ?? 5_000,
      headersTimeout: this.#requestTimeoutMs,
      bodyTimeout: this.#requestTimeoutMs,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
    });
    this.#signer = opts.credentials ? new KalshiSigner(opts.credentials.keyId, opts.credentials.privateKey) : null;
    this.#presignedPath = this.#orderPath(this.orderEndpoint);
    this.#presign =
      this.#signer && opts.presign !== false
        ? new PresignedHeaderPool(this.#signer, [{ method: 'POST', path: this.#presignedPath }], { ...opts.presign, extraHeaders: JSON_HEADERS }).start()
        : null;
    this.#takeOrderAuth = this.#presign ? this.#presign.taker('POST', this.#presignedPath) : null;
    // Connections open at warm() or on the first order, never at construction.
    this.#orderChannel = this.#signer && opts.fastOrders !== false ? new OrderChannel(this.#origin, opts.fastOrders || {}) : null;
  }

  /** Full path (with the base path) of an order endpoint: what is signed and pre-signed. */
  #orderPath(ep: KalshiOrderEndpoint): string {
    return this.#basePath + (ep === 'v2' ? KALSHI_V2_ORDERS_PATH : KALSHI_LEGACY_ORDERS_PATH);
  }

  get hasCredentials(): boolean {
    return this.#signer !== null;
  }

  /** Wait for the pre-signed headers and open a connection, so the first order pays neither. */
  async warm(): Promise<void> {
    await Promise.all([this.#presign?.ready(), this.#orderChannel?.ready()]);
    await this.getExchangeStatus().catch((err: unknown) => log.warn({ err }, 'Kalshi warm-up request failed'));
  }

  presignStats(): PresignStats | null {
    return this.#presign?.stats() ?? null;
  }

  /** Auth headers for the market-data WebSocket upgrade (sign GET + the WS URL's path). */
  wsAuthHeaders(): KalshiAuthHeaders {
    return kalshiWsAuthHeaders(this.#needSigner(), this.wsUrl);
  }

  /** Same, signed off the event loop: pass as the market-data feed's `authHeaders` callback. */
  wsAuthHeadersAsync(): Promise<KalshiAuthHeaders> {
    return kalshiWsAuthHeadersAsync(this.#needSigner(), this.wsUrl);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#presign?.close();
    await Promise.all([this.#pool.close(), this.#orderChannel?.close()]);
  }

  // ---- transport --------------------------------------------------------------------------------

  #needSigner(): KalshiSigner {
    if (!this.#signer)
      throw new VenueError('auth', 'No Kalshi credentials configured: set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH (or KALSHI_PRIVATE_KEY).', {
        platform: 'kalshi',
      });
    return this.#signer;
  }

  async #once(method: HttpMethod, rel: string, o: RequestOptions): Promise<unknown> {
    if (this.#closed) throw new VenueError('no_client', 'the Kalshi client is closed', { platform: 'kalshi' });
    const path = this.#basePath + rel;
    const qs = o.query ? buildQuery(o.query) : '';
    const fullPath = qs ? `${path}?${qs}` : path;
    let headers: Record<string, string>;
    if (o.auth === 'presigned' && this.#takeOrderAuth !== null && path === this.#presignedPath) {
      // The order path: a ready header object (auth + content-type), no RSA, no copying.
      headers = this.#takeOrderAuth();
    } else if (o.auth === 'presigned') {
      headers = { ...this.#needSigner().headers(method, path), ...JSON_HEADERS };
    } else if (o.auth === 'signed') {
      headers = { ...(await this.#needSigner().headersAsync(method, path)), ...JSON_HEADERS };
    } else {
      headers = { ...JSON_HEADERS };
    }
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const timeout = o.timeoutMs ?? this.#requestTimeoutMs;
    let status: number;
    let text: string;
    let resHeaders: Record<string, string | string[] | undefined>;
    try {
      // An order goes out now, inside this call, on a warm connection of its own when one is
      // ready (no event-loop turn before the write); otherwise through the pool.
      const fast = o.order && body !== undefined && this.#orderChannel ? this.#orderChannel.send(method, fullPath, headerLines(headers), body, timeout) : null;
      let res: ChannelResponse;
      if (fast) {
        if (o.auth === 'presigned') this.#presign?.refillSoon();
        res = await fast;
      } else {
        const pending = this.#pool.request({ method, path: fullPath, headers, body, headersTimeout: timeout, bodyTimeout: timeout });
        if (o.auth === 'presigned') this.#presign?.refillSoon();
        const r = await pending;
        res = { status: r.statusCode, headers: r.headers as Record<string, string>, text: await r.body.text() };
      }
      status = res.status;
      resHeaders = res.headers;
      text = res.text;
    } catch (err) {
      throw this.#transportError(err, method, path, timeout, o.order === true);
    }
    if (status >= 200 && status < 300) {
      if (text === '') return null;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new VenueError(o.order ? 'unknown' : 'venue', `Kalshi answered ${method} ${path} with HTTP ${status} but the body is not JSON`, {
          platform: 'kalshi',
          httpStatus: status,
        });
      }
    }
    throw kalshiHttpError(status, text, resHeaders, { method, path, notFound: o.notFound });
  }

  #transportError(err: unknown, method: string, path: string, timeoutMs: number, order: boolean): VenueError {
    if (err instanceof VenueError) return err;
    const code = errCode(err);
    const why = err instanceof Error ? err.message : String(err);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      const what = order
        ? 'the order may or may not exist: look it up by its client order id before sending it again'
        : 'retry later';
      return new VenueError('timeout', `Kalshi did not answer ${method} ${path} within ${timeoutMs} ms; ${what}`, { platform: 'kalshi', cause: err });
    }
    if (code && NOT_SENT_CODES.has(code)) {
      return new VenueError('network', `Could not connect to Kalshi at ${this.#origin} (${code}): the request was not sent; check KALSHI_API_BASE and the network`, {
        platform: 'kalshi',
        cause: err,
      });
    }
    if (order) {
      return new VenueError('unknown', `The connection to Kalshi failed during ${method} ${path} (${code ?? why}): the order may or may not exist; look it up by its client order id`, {
        platform: 'kalshi',
        cause: err,
      });
    }
    return new VenueError('network', `Kalshi request ${method} ${path} failed (${code ?? why})`, { platform: 'kalshi', cause: err });
  }

  /** A read (or a cancel): retried on 429/503 with back-off, never an order placement. */
  async #call(method: HttpMethod, rel: string, o: RequestOptions): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once(method, rel, o);
      } catch (err) {
        const retryable = err instanceof VenueError && (err.kind === 'rate_limited' || err.httpStatus === 503);
        if (o.order || !retryable || attempt >= this.#maxReadRetries) throw err;
        const wait = err.retryAfterSecs !== null ? Math.min(err.retryAfterSecs * 1000, 30_000) : this.#readRetryBaseMs * 2 ** attempt;
        log.warn({ path: rel, attempt, waitMs: wait }, `Kalshi ${err.httpStatus ?? ''} ${err.kind}; retrying`);
        await sleep(wait);
      }
    }
  }

  #parse<T>(what: string, f: () => T, order = false): T {
    try {
      return f();
    } catch (err) {
      if (err instanceof KalshiWireError)
        throw new VenueError(order ? 'unknown' : 'venue', `${err.message}${order ? ' (the order may exist: look it up)' : ''}`, { platform: 'kalshi', cause: err });
      throw err;
    }
  }

  async *#pages<T>(rel: string, query: Query, auth: RequestOptions['auth'], parse: (raw: unknown) => KalshiPage<T>): AsyncGenerator<KalshiPage<T>> {
    let cursor = typeof query.cursor === 'string' ? query.cursor : undefined;
    const seen = new Set<string>();
    for (;;) {
      const raw = await this.#call('GET', rel, { query: { ...query, cursor }, auth });
      const page = this.#parse(rel, () => parse(raw));
      yield page;
      if (!page.cursor) return;
      if (seen.has(page.cursor)) throw new VenueError('venue', `Kalshi returned the same cursor twice for ${rel}; stopping pagination`, { platform: 'kalshi' });
      seen.add(page.cursor);
      cursor = page.cursor;
    }
  }

  // ---- orders -----------------------------------------------------------------------------------

  /**
   * Validate and check the price grid; returns the price actually sent (YES price on V2). A plain
   * value when no market lookup is needed (the usual case), so the order is written in the same tick.
   */
  #checkOrder(p: KalshiOrderParams, ep: KalshiOrderEndpoint): Px | Promise<Px> {
    const bad = (kind: 'validation' | 'invalid_price' | 'invalid_size', msg: string): VenueError => new VenueError(kind, msg, { platform: 'kalshi' });
    if (!p.ticker) throw bad('validation', 'Missing kalshi_ticker');
    if (!Number.isSafeInteger(p.price) || p.price <= 0 || p.price >= PX_ONE)
      throw bad('invalid_price', `Price ${p.price} Px is outside (0, 1): Kalshi prices are strictly between $0 and $1`);
    if (!Number.isSafeInteger(p.count) || p.count <= 0) throw bad('invalid_size', `Contract count must be positive, got ${p.count} (1/100 contract units)`);
    if (!p.clientOrderId) throw bad('validation', 'Missing client order id');
    const sent = ep === 'v2' ? toYesBook(p.action, p.side, p.price).yesPrice : p.price;
    const whole = p.count % 100 === 0;
    const rules = this.#rulesFor(p.ticker);
    if (rules) return this.#checkGrid(p, sent, whole, rules);
    // Whole cents and whole contracts are valid in every known market structure: no lookup.
    if (isWholeCent(sent) && whole) return sent;
    return this.#fetchMarket(p.ticker, false).then((m) => this.#checkGrid(p, sent, whole, this.#rememberMarket(m)));
  }

  #checkGrid(p: KalshiOrderParams, sent: Px, whole: boolean, rules: MarketRules): Px {
    const bad = (kind: 'validation' | 'invalid_price' | 'invalid_size', msg: string): VenueError => new VenueError(kind, msg, { platform: 'kalshi' });
    if (!whole && !rules.fractional)
      throw bad('invalid_size', `${p.ticker} does not allow fractional contracts (got ${formatQty(p.count)}): use a whole number of contracts`);
    if (!isOnKalshiGrid(sent, rules.ranges)) {
      const near = nearestOnGrid(sent, rules.ranges);
      const sugg = [near.below, near.above].filter((x): x is number => x !== null).map(formatPx).join(' or ');
      throw bad(
        'invalid_price',
        `Price ${formatPx(sent)} (YES) is not on ${p.ticker}'s price grid (${describeKalshiGrid(rules.ranges)})${sugg ? `; nearest valid: ${sugg}` : ''}`,
      );
    }
    return sent;
  }

  #rulesFor(ticker: string): MarketRules | null {
    const g = this.#rules.get(ticker);
    if (!g || Date.now() - g.atMs > this.#gridTtlMs) return null;
    return g;
  }

  #rememberMarket(m: KalshiMarket): MarketRules {
    const r: MarketRules = { ranges: m.priceRanges, fractional: m.fractionalTradingEnabled, atMs: Date.now() };
    if (this.#rules.size >= 50_000) this.#rules.clear(); // bounded; refetched on demand
    this.#rules.set(m.ticker, r);
    return r;
  }

  /** Forget a cached price grid (e.g. after a price_level_structure change on the lifecycle channel). */
  forgetMarket(ticker: string): void {
    this.#rules.delete(ticker);
  }

  #remember(clientOrderId: string, orderId: string): void {
    if (this.#known.size >= 10_000) {
      const first = this.#known.keys().next();
      if (!first.done) this.#known.delete(first.value);
    }
    this.#known.set(clientOrderId, orderId);
  }

  /**
   * Place an order. V2 (default): `POST /portfolio/events/orders` on the YES book; legacy:
   * `POST /portfolio/orders`. Never retried; see the file comment for timeouts.
   */
  async createOrder(p: KalshiOrderParams, opts: { endpoint?: KalshiOrderEndpoint } = {}): Promise<KalshiCreateOrderResult> {
    const ep = opts.endpoint ?? this.orderEndpoint;
    this.#needSigner();
    const checked = this.#checkOrder(p, ep);
    if (typeof checked !== 'number') await checked;
    const params: KalshiOrderParams = {
      ...p,
      selfTradePrevention: p.selfTradePrevention ?? this.#stp,
      subaccount: p.subaccount ?? this.#subaccount,
    };
    const rel = ep === 'v2' ? KALSHI_V2_ORDERS_PATH : KALSHI_LEGACY_ORDERS_PATH;
    const body = ep === 'v2' ? buildV2OrderBody(params) : buildLegacyOrderBody(params);
    // The pool holds headers for the configured endpoint; the other one is signed on the spot.
    if (log.isLevelEnabled('debug')) log.debug({ clientOrderId: p.clientOrderId, endpoint: ep }, describeKalshiOrder(p));
    let raw: unknown;
    try {
      raw = await this.#once('POST', rel, { body, auth: 'presigned', timeoutMs: this.#orderTimeoutMs, notFound: 'market', order: true });
    } catch (err) {
      // The venue knows the grid better than our cache: refetch it next time.
      if (err instanceof VenueError && (err.kind === 'invalid_price' || err.kind === 'invalid_size')) this.forgetMarket(p.ticker);
      throw err;
    }
    if (ep === 'v2') {
      const a = this.#parse('create order answer', () => parseCreateOrderV2Answer(raw), true);
      this.#remember(p.clientOrderId, a.orderId);
      return { endpoint: ep, orderId: a.orderId, clientOrderId: a.clientOrderId ?? p.clientOrderId, v2: a, order: null };
    }
    const order = this.#parse('create order answer', () => parseKalshiOrder(asObject(raw, 'create order answer').order, 'order'), true);
    this.#remember(p.clientOrderId, order.orderId);
    return { endpoint: ep, orderId: order.orderId, clientOrderId: order.clientOrderId ?? p.clientOrderId, v2: null, order };
  }

  /** `GET /portfolio/orders/{id}`; null when Kalshi has no such order. */
  async getOrder(orderId: string): Promise<KalshiOrder | null> {
    try {
      const raw = await this.#call('GET', `/portfolio/orders/${encodeURIComponent(orderId)}`, { auth: 'signed', notFound: 'order' });
      return this.#parse('order', () => parseKalshiOrder(asObject(raw, 'order answer').order));
    } catch (err) {
      if (err instanceof VenueError && err.httpStatus === 404 && err.kind === 'venue') return null;
      throw err;
    }
  }

  /** One page of `GET /portfolio/orders`. */
  async getOrders(filter: KalshiOrdersFilter = {}): Promise<KalshiPage<KalshiOrder>> {
    const raw = await this.#call('GET', '/portfolio/orders', { query: { ...filter }, auth: 'signed' });
    return this.#parse('orders', () => parsePage(raw, 'orders', parseKalshiOrder));
  }

  /** Every page of `GET /portfolio/orders`, one request per page, fetched as you iterate. */
  listOrders(filter: KalshiOrdersFilter = {}): AsyncGenerator<KalshiPage<KalshiOrder>> {
    return this.#pages('/portfolio/orders', { ...filter }, 'signed', (raw) => parsePage(raw, 'orders', parseKalshiOrder));
  }

  /** Cancel a resting order (V2 `DELETE /portfolio/events/orders/{id}` unless the legacy endpoint is chosen). */
  async cancelOrder(orderId: string, opts: KalshiCancelOptions = {}): Promise<KalshiCancelAnswer> {
    const ep = opts.endpoint ?? this.orderEndpoint;
    const rel = `${ep === 'v2' ? KALSHI_V2_ORDERS_PATH : KALSHI_LEGACY_ORDERS_PATH}/${encodeURIComponent(orderId)}`;
    const query: Query =
      ep === 'v2'
        ? { marketTicker: opts.marketTicker, subaccount: opts.subaccount ?? this.#subaccount, exchangeIndex: opts.exchangeIndex }
        : { subaccount: opts.subaccount ?? this.#subaccount };
    const raw = await this.#call('DELETE', rel, { query, auth: 'signed', notFound: 'order' });
    return this.#parse('cancel answer', () => parseCancelAnswer(raw));
  }

  // ---- portfolio --------------------------------------------------------------------------------

  async getBalance(opts: { exchangeIndex?: number; subaccount?: number } = {}): Promise<KalshiBalance> {
    const raw = await this.#call('GET', '/portfolio/balance', { query: { ...opts }, auth: 'signed' });
    return this.#parse('balance', () => parseBalance(raw));
  }

  /** LegVenueClient: available cash, proving the credentials with a signed read. */
  async balanceMicros(): Promise<Micros> {
    return (await this.getBalance()).balance;
  }

  async getPositions(filter: KalshiPositionsFilter = {}): Promise<KalshiPositionsPage> {
    const raw = await this.#call('GET', '/portfolio/positions', { query: { ...filter }, auth: 'signed' });
    return this.#parse('positions', () => parsePositions(raw));
  }

  listPositions(filter: KalshiPositionsFilter = {}): AsyncGenerator<KalshiPage<KalshiMarketPosition>> {
    return this.#pages('/portfolio/positions', { ...filter }, 'signed', (raw) => {
      const p = parsePositions(raw);
      return { items: p.marketPositions, cursor: p.cursor };
    });
  }

  async getFills(filter: KalshiFillsFilter = {}): Promise<KalshiPage<KalshiFill>> {
    const raw = await this.#call('GET', '/portfolio/fills', { query: { ...filter }, auth: 'signed' });
    return this.#parse('fills', () => parsePage(raw, 'fills', parseFill));
  }

  listFills(filter: KalshiFillsFilter = {}): AsyncGenerator<KalshiPage<KalshiFill>> {
    return this.#pages('/portfolio/fills', { ...filter }, 'signed', (raw) => parsePage(raw, 'fills', parseFill));
  }

  // ---- market data (public, unsigned) -----------------------------------------------------------

  /** `GET /markets/{ticker}`; caches the market's price grid. Unknown ticker -> VenueError('market_not_found'). */
  async getMarket(ticker: string): Promise<KalshiMarket> {
    const m = await this.#fetchMarket(ticker, true);
    this.#rememberMarket(m);
    return m;
  }

  /** On the order path (retry false) a 429 fails fast instead of sleeping before the order. */
  async #fetchMarket(ticker: string, retry: boolean): Promise<KalshiMarket> {
    const rel = `/markets/${encodeURIComponent(ticker)}`;
    const o: RequestOptions = { auth: 'none', notFound: 'market' };
    const raw = retry ? await this.#call('GET', rel, o) : await this.#once('GET', rel, o);
    return this.#parse('market', () => parseMarket(asObject(raw, 'market answer').market));
  }

  /** Pages of `GET /markets` (one request per page); every market seen primes the grid cache. */
  listMarkets(filter: KalshiMarketsFilter = {}): AsyncGenerator<KalshiPage<KalshiMarket>> {
    return this.#pages('/markets', { ...filter }, 'none', (raw) => {
      const page = parsePage(raw, 'markets', parseMarket);
      for (const m of page.items) this.#rememberMarket(m);
      return page;
    });
  }

  /** Pages of `GET /events` (multivariate/combo events are not included by Kalshi). */
  listEvents(filter: KalshiEventsFilter = {}): AsyncGenerator<KalshiPage<KalshiEvent>> {
    return this.#pages('/events', { ...filter }, 'none', (raw) => {
      const page = parsePage(raw, 'events', parseEvent);
      for (const e of page.items) for (const m of e.markets ?? []) this.#rememberMarket(m);
      return page;
    });
  }

  /** Pages of `GET /series` (a single page when Kalshi sends no cursor). */
  listSeries(filter: KalshiSeriesFilter = {}): AsyncGenerator<KalshiPage<KalshiSeries>> {
    return this.#pages('/series', { ...filter }, 'none', (raw) => parsePage(raw, 'series', parseSeries));
  }

  async getSeries(seriesTicker: string): Promise<KalshiSeries> {
    const raw = await this.#call('GET', `/series/${encodeURIComponent(seriesTicker)}`, { auth: 'none' });
    return this.#parse('series', () => parseSeries(asObject(raw, 'series answer').series));
  }

  async getEvent(eventTicker: string, opts: { withNestedMarkets?: boolean } = {}): Promise<KalshiEvent> {
    const raw = await this.#call('GET', `/events/${encodeURIComponent(eventTicker)}`, { query: { ...opts }, auth: 'none' });
    return this.#parse('event', () => {
      const o = asObject(raw, 'event answer');
      const e = parseEvent(o.event);
      if (!e.markets && Array.isArray(o.markets)) e.markets = o.markets.map((m, i) => parseMarket(m, `markets[${i}]`));
      for (const m of e.markets ?? []) this.#rememberMarket(m);
      return e;
    });
  }

  /** `GET /exchange/status`: check `trading_active` before trading. */
  async getExchangeStatus(): Promise<{ exchangeActive: boolean; tradingActive: boolean; raw: Record<string, unknown> }> {
    const raw = await this.#call('GET', '/exchange/status', { auth: 'none' });
    const o = this.#parse('exchange status', () => asObject(raw, 'exchange status'));
    return { exchangeActive: o.exchange_active === true, tradingActive: o.trading_active === true, raw: o };
  }

  // ---- LegVenueClient ---------------------------------------------------------------------------

  clientOrderIdFor(req: LegRequest): string {
    // executeLeg and submitLeg both ask for the same leg's id in one call chain: hash once.
    if (this.#lastId.legId === req.legId) return this.#lastId.id;
    const id = kalshiClientOrderId(req.legId);
    this.#lastId = { legId: req.legId, id };
    return id;
  }

  async submitLeg(req: LegRequest): Promise<VenueOrderReport> {
    const clientOrderId = this.clientOrderIdFor(req);
    const params: KalshiOrderParams = {
      ticker: req.kalshiTicker ?? '',
      action: req.action,
      side: req.side,
      price: req.price,
      count: req.contracts,
      timeInForce: req.timeInForce ?? 'ioc',
      clientOrderId,
    };
    let created: KalshiCreateOrderResult;
    try {
      created = await this.createOrder(params);
    } catch (err) {
      // Same leg, same client order id: a 409 means an earlier attempt reached the venue.
      if (err instanceof VenueError && err.kind === 'duplicate_order') {
        const found = await this.lookupLeg(req).catch(() => null);
        if (found) return found;
      }
      throw err;
    }
    if (created.order) return reportFromOrder(created.order, req);
    const a = created.v2!;
    const fromAnswer = (): VenueOrderReport => reportFromV2Answer(a, { action: req.action, side: req.side, count: req.contracts }, clientOrderId);
    if (a.fillCount === 0 || !this.#fetchFillDetails) return fromAnswer();
    // The V2 answer has no per-side costs; the order has them exactly.
    try {
      const o = await this.getOrder(a.orderId);
      if (o) return reportFromOrder(o, req);
      log.warn({ orderId: a.orderId }, 'Kalshi order not found right after creating it; reporting from the create answer');
    } catch (err) {
      log.warn({ err, orderId: a.orderId }, 'could not fetch the Kalshi order after a fill; reporting from the create answer averages');
    }
    return fromAnswer();
  }

  async lookupLeg(req: LegRequest): Promise<VenueOrderReport | null> {
    const clientOrderId = this.clientOrderIdFor(req);
    const known = this.#known.get(clientOrderId);
    if (known) {
      const o = await this.getOrder(known);
      if (o) return reportFromOrder(o, req);
    }
    const minTs = req.createdAtMs ? Math.floor(req.createdAtMs / 1000) - 120 : undefined;
    let pages = 0;
    for await (const page of this.listOrders({ ticker: req.kalshiTicker, minTs, limit: 100, subaccount: this.#subaccount })) {
      const hit = page.items.find((o) => o.clientOrderId === clientOrderId);
      if (hit) {
        this.#remember(clientOrderId, hit.orderId);
        return reportFromOrder(hit, req);
      }
      if (++pages >= this.#lookupMaxPages && page.cursor)
        throw new VenueError('unknown', `Kalshi order with client_order_id ${clientOrderId} not found in the first ${pages} pages of orders for ${req.kalshiTicker}; outcome still unknown`, {
          platform: 'kalshi',
        });
    }
    return null;
  }
}

function parsePositions(raw: unknown): KalshiPositionsPage {
  const mp = parsePage(raw, 'market_positions', parseMarketPosition);
  const ep = parsePage(raw, 'event_positions', parseEventPosition);
  return { marketPositions: mp.items, eventPositions: ep.items, cursor: mp.cursor };
}

/** Description of an order for logs: "buy 10.00 no @ 0.4500 KX-T". */
export function describeKalshiOrder(p: Pick<KalshiOrderParams, 'action' | 'side' | 'count' | 'price' | 'ticker'>): string {
  return `${p.action} ${formatQty(p.count)} ${p.side} @ ${formatPx(p.price)} ${p.ticker}`;
}
