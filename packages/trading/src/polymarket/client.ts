// PolymarketClient: the CLOB V2 REST client and the Polymarket LegVenueClient.
//
// - One undici keep-alive pool opened at construction; explicit timeouts (http.ts).
// - Per-token tick size, neg-risk flag, fee curve and minimum size fetched once and cached (§9).
// - Orders are pinned to version 2 (§0). An `order_version_mismatch` answer re-reads GET /version
//   once, raises VenueError('order_version_mismatch') saying what the server wants, never loops.
// - An order POST is never retried: a timeout or an ambiguous 5xx throws VenueError('timeout' /
//   'unknown'); the caller resolves it with lookupLeg (GET /data/order by the order hash).
// - Legs become deterministic orders: salt from the leg id, timestamp = createdAtMs, so the same
//   leg always has the same order hash (= the CLOB orderID = the leg's client order id).

import { createHash, randomBytes } from 'node:crypto';
import { VenueError } from '../errors.ts';
import type { LegRequest, LegVenueClient, VenueOrderReport } from '../execution/types.ts';
import { logger } from '../log.ts';
import { PX_ONE, formatPx, formatQty, type Micros, type Px, type Qty } from '../units.ts';
import {
  polyCheckServerRules, polyLegAmounts, polyLimitAmounts, polyMarketAmounts, polyTickPx, polyTickSize, type PolyOrderType, type PolySide,
  type PolyTickSize,
} from './amounts.ts';
import { PolyHmac, polyL2Headers, validatePolyCreds, type PolyApiCreds } from './auth.ts';
import type { PolyOrderVersion } from './contracts.ts';
import { PolyHttp, type PolyHttpRequest, type PolyHttpTimeouts } from './http.ts';
import { PolyOrderSigner, polyOrderBody, type PolySignedOrder } from './order-signer.ts';
import { polyErrorFromResponse, polyErrorMessage, polyIsNoMatch } from './venue-errors.ts';
import { parsePolyTrade, polySettlementOf, type PolyOrderSettlement, type PolyTradeReader, type PolyTradeRecord } from './trades.ts';
import {
  parsePolyBalanceAllowance, parsePolyClobMarket, parsePolyOrderRecord, parsePolyPage, parsePolyPostOrderResponse,
  polyReportFromOrder, polyReportFromPost, type PolyBalanceAllowance, type PolyMarketInfo, type PolyOrderRecord,
  type PolyPostOrderResult,
} from './wire.ts';

const log = logger.child({ mod: 'polymarket' });

export const POLY_INITIAL_CURSOR = 'MA==';
export const POLY_END_CURSOR = 'LTE=';

export interface PolymarketClientOptions {
  /** CLOB base URL, e.g. https://clob.polymarket.com (a path prefix is allowed; it is not signed). */
  clobUrl: string;
  signer: PolyOrderSigner;
  /** L2 credentials; without them only public calls and create/derive API key work. */
  creds?: PolyApiCreds | null | undefined;
  /** Order version signed (pinned, §0). Default 2; 3 only for Gamma `version: "v2"` markets. */
  orderVersion?: PolyOrderVersion | undefined;
  /** Builder code (bytes32) signed into every order; zero when absent. */
  builderCode?: string | undefined;
  /** Pool size. Default 8. */
  connections?: number | undefined;
  timeouts?: PolyHttpTimeouts | undefined;
  /** Headers timeout of an order POST (ms). Default 5000: past it the outcome is unknown. */
  orderTimeoutMs?: number | undefined;
  /** Clock (ms) for L2 timestamps; tests pin it. */
  nowMs?: (() => number) | undefined;
  /** GET /data/order may briefly answer null right after placement: retries before "no such order". Default 3. */
  lookupNullRetries?: number | undefined;
  lookupNullDelayMs?: number | undefined;
}

/** A free-form order (not a leg): limit (GTC/GTD, size in shares) or market (FOK/FAK, amount). */
export interface PolyOrderArgs {
  tokenId: string;
  side: PolySide;
  /** Limit price, or the price cap of a market order (Px). Must be on the token's tick grid. */
  price: Px;
  /** GTC/GTD: shares (Qty). */
  size?: Qty | undefined;
  /** FOK/FAK: base units to give — pUSD micros for BUY, share micros for SELL. */
  amount?: number | undefined;
  orderType: PolyOrderType;
  /** GTD: unix seconds (the CLOB expires it one minute earlier; ≥ 3 minutes ahead). */
  expiration?: number | undefined;
  /** Default: random ≤ 2^53 − 1. */
  salt?: number | undefined;
  /** Default: now. */
  timestampMs?: number | undefined;
}

/** A random salt that survives the JSON-number round trip (≤ 2^53 − 1). */
export function polyRandomSalt(): number {
  return Number(randomBytes(8).readBigUInt64BE(0) >> 11n);
}

export interface PolyPostOptions {
  postOnly?: boolean | undefined;
  deferExec?: boolean | undefined;
}

export type PolyAssetType = 'COLLATERAL' | 'CONDITIONAL';

export interface PolyCancelResult {
  canceled: string[];
  notCanceled: Record<string, string>;
}

interface LegOrder {
  fingerprint: string;
  order: PolySignedOrder;
  side: PolySide;
  orderType: PolyOrderType;
  info: PolyMarketInfo;
}

const LEG_CACHE_MAX = 1024;

/** SHA-256 state after the salt prefix; copied per leg (createHash costs ~50-100 us here, a copy ~10). */
const SALT_SHA256 = createHash('sha256').update('parity:polymarket:salt:');

/** Salt of a leg's order: the top 52 bits of sha256(leg id), so it fits a JSON number exactly (§5.2). */
export function polySaltForLeg(legId: string): number {
  const h = SALT_SHA256.copy().update(legId).digest();
  return Number(h.readBigUInt64BE(0) >> 12n);
}

export class PolymarketClient implements LegVenueClient, PolyTradeReader {
  readonly platform = 'polymarket' as const;
  readonly signer: PolyOrderSigner;
  readonly orderVersion: PolyOrderVersion;
  /** Last version GET /version reported (null until read). */
  serverVersion: number | null = null;

  private readonly http: PolyHttp;
  private creds: PolyApiCreds | null = null;
  private hmac: PolyHmac | null = null;
  private readonly builderCode: string | undefined;
  private readonly orderTimeoutMs: number;
  private readonly nowMs: () => number;
  private readonly nullRetries: number;
  private readonly nullDelayMs: number;
  private readonly markets = new Map<string, PolyMarketInfo>();
  private readonly marketFetches = new Map<string, Promise<PolyMarketInfo>>();
  private readonly legOrders = new Map<string, LegOrder>();
  private readonly legTimestamps = new Map<string, number>();

  constructor(opts: PolymarketClientOptions) {
    this.signer = opts.signer;
    this.orderVersion = opts.orderVersion ?? 2;
    this.builderCode = opts.builderCode;
    this.orderTimeoutMs = opts.orderTimeoutMs ?? 5_000;
    this.nowMs = opts.nowMs ?? Date.now;
    this.nullRetries = opts.lookupNullRetries ?? 3;
    this.nullDelayMs = opts.lookupNullDelayMs ?? 250;
    this.http = new PolyHttp(opts.clobUrl, { connections: opts.connections, timeouts: opts.timeouts });
    if (opts.creds) this.setCreds(opts.creds);
  }

  /** The EOA that signs (POLY_ADDRESS, owner of the API key). */
  get address(): string {
    return this.signer.address;
  }

  get hasCreds(): boolean {
    return this.creds !== null;
  }

  setCreds(creds: PolyApiCreds): void {
    this.creds = validatePolyCreds(creds);
    this.hmac = new PolyHmac(this.creds.secret);
  }

  async close(): Promise<void> {
    this.signer.close();
    await this.http.close();
  }

  // ---- transport ----

  private parseJson(text: string): unknown {
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  private async publicGet(path: string, query?: PolyHttpRequest['query']): Promise<unknown> {
    const res = await this.http.request({ method: 'GET', path, query });
    const body = this.parseJson(res.text);
    if (res.status >= 400) throw polyErrorFromResponse(res.status, res.headers, body, res.text, `GET ${path}`);
    return body;
  }

  private l2Headers(method: string, path: string, body: string | undefined): Record<string, string> {
    if (!this.creds || !this.hmac)
      throw new VenueError('auth', 'Polymarket API credentials are missing: set POLY_API_KEY/POLY_API_SECRET/POLY_API_PASSPHRASE or let them be derived (createPolymarketClient)', { platform: 'polymarket' });
    const ts = Math.floor(this.nowMs() / 1000);
    return polyL2Headers(this.signer.address, this.creds, this.hmac, { method, requestPath: path, body }, ts) as unknown as Record<string, string>;
  }

  private async l2(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    opts: { query?: PolyHttpRequest['query']; body?: string; timeoutMs?: number; order?: boolean } = {},
  ): Promise<{ status: number; body: unknown; text: string; headers: Record<string, string | string[] | undefined> }> {
    const headers = this.l2Headers(method, path, opts.body);
    const res = await this.http.request({ method, path, query: opts.query, headers, body: opts.body, timeoutMs: opts.timeoutMs, order: opts.order });
    return { status: res.status, body: this.parseJson(res.text), text: res.text, headers: res.headers };
  }

  private async l2Ok(method: 'GET' | 'POST' | 'DELETE', path: string, opts: { query?: PolyHttpRequest['query']; body?: string } = {}): Promise<unknown> {
    const r = await this.l2(method, path, opts);
    if (r.status >= 400) throw polyErrorFromResponse(r.status, r.headers, r.body, r.text, `${method} ${path}`);
    return r.body;
  }

  // ---- public metadata ----

  /** GET /ok: opens (or refreshes) a keep-alive connection so the next order finds a warm socket. */
  async ping(): Promise<void> {
    await this.publicGet('/ok');
  }

  /** Opens a keep-alive connection and reads /version: call at startup of long-running roles. */
  async warm(): Promise<void> {
    await this.ping();
    if (this.serverVersion === null) await this.checkVersion();
    if (this.creds) await this.http.warmOrders();
  }

  /** GET /version: the order version the CLOB expects (2 when absent, as the official client). */
  async getServerVersion(): Promise<number> {
    let v = 2;
    try {
      const body = await this.publicGet('/version');
      const n = (body as { version?: unknown } | null)?.version;
      if (typeof n === 'number' && Number.isInteger(n)) v = n;
    } catch (err) {
      if (!(err instanceof VenueError && err.kind === 'market_not_found')) throw err; // 404: treat as absent
    }
    this.serverVersion = v;
    return v;
  }

  /** Reads GET /version and warns when it differs from the pinned order version. */
  async checkVersion(): Promise<number> {
    const v = await this.getServerVersion();
    if (v !== this.orderVersion) log.warn({ serverVersion: v, pinned: this.orderVersion }, 'Polymarket GET /version differs from the pinned order version');
    return v;
  }

  /** Cached market info of a token, or undefined before the first fetch. */
  marketInfoCached(tokenId: string): PolyMarketInfo | undefined {
    return this.markets.get(tokenId);
  }

  /** Seeds the cache (e.g. from Gamma), so the order path needs no metadata fetch. */
  setMarketInfo(info: PolyMarketInfo): void {
    this.markets.set(info.tokenId, info);
  }

  /** Drops a token's cached metadata (and the leg orders built from it). */
  forgetToken(tokenId: string): void {
    this.markets.delete(tokenId);
    for (const [k, v] of this.legOrders) if (v.info.tokenId === tokenId) this.legOrders.delete(k);
  }

  /** Applies a `tick_size_change` event (WS market channel). */
  setTickSize(tokenId: string, tick: PolyTickSize | string | number): void {
    const t = polyTickSize(tick);
    const cur = this.markets.get(tokenId);
    if (cur) this.markets.set(tokenId, { ...cur, tickSize: t });
    for (const [k, v] of this.legOrders) if (v.info.tokenId === tokenId) this.legOrders.delete(k);
  }

  /** Tick size, neg-risk flag, fee curve and minimum size of a token; fetched once, then cached. */
  async marketInfo(tokenId: string): Promise<PolyMarketInfo> {
    const hit = this.markets.get(tokenId);
    if (hit) return hit;
    let p = this.marketFetches.get(tokenId);
    if (!p) {
      p = this.fetchMarketInfo(tokenId).finally(() => this.marketFetches.delete(tokenId));
      this.marketFetches.set(tokenId, p);
    }
    return p;
  }

  private async fetchMarketInfo(tokenId: string): Promise<PolyMarketInfo> {
    if (!/^\d{1,78}$/.test(tokenId)) throw new VenueError('validation', `Polymarket token id must be a decimal integer, got ${JSON.stringify(tokenId)}`, { platform: 'polymarket' });
    try {
      // What the official client does: token -> condition id -> compact market info with fees.
      const m = (await this.publicGet(`/markets-by-token/${tokenId}`)) as { condition_id?: unknown } | null;
      const cid = m?.condition_id;
      if (typeof cid !== 'string' || cid === '') throw new VenueError('market_not_found', `Polymarket has no market for token ${tokenId}`, { platform: 'polymarket' });
      const infos = parsePolyClobMarket(await this.publicGet(`/clob-markets/${cid}`), cid);
      for (const i of infos) this.markets.set(i.tokenId, i);
      const mine = infos.find((i) => i.tokenId === tokenId);
      if (mine) return mine;
      throw new VenueError('market_not_found', `Polymarket market ${cid} does not list token ${tokenId}`, { platform: 'polymarket' });
    } catch (err) {
      if (!(err instanceof VenueError && err.kind === 'market_not_found')) throw err;
      // Fallback: the single-purpose endpoints (no fee curve, no minimum size).
      const tick = (await this.publicGet('/tick-size', { token_id: tokenId })) as { minimum_tick_size?: unknown } | null;
      const nr = (await this.publicGet('/neg-risk', { token_id: tokenId })) as { neg_risk?: unknown } | null;
      const info: PolyMarketInfo = {
        tokenId, conditionId: null, tickSize: polyTickSize(tick?.minimum_tick_size), negRisk: nr?.neg_risk === true, fees: null, minOrderSize: null,
      };
      log.warn({ tokenId }, 'Polymarket market info from /tick-size and /neg-risk only: fee curve unknown, fees reported as 0');
      this.markets.set(tokenId, info);
      return info;
    }
  }

  // ---- API keys (L1) ----

  private async l1(method: 'GET' | 'POST', path: string, nonce: number): Promise<{ status: number; body: unknown; text: string; headers: Record<string, string | string[] | undefined> }> {
    const headers = { ...this.signer.clobAuthHeaders(Math.floor(this.nowMs() / 1000), nonce) };
    const res = await this.http.request({ method, path, headers });
    return { status: res.status, body: this.parseJson(res.text), text: res.text, headers: res.headers };
  }

  private static credsFrom(body: unknown): PolyApiCreds | null {
    const b = body as { apiKey?: unknown; secret?: unknown; passphrase?: unknown } | null;
    if (!b || typeof b.apiKey !== 'string' || !b.apiKey || typeof b.secret !== 'string' || typeof b.passphrase !== 'string') return null;
    return { key: b.apiKey, secret: b.secret, passphrase: b.passphrase };
  }

  /** POST /auth/api-key: a new key for this nonce, or null when the CLOB returns none (400/exists). */
  async createApiKey(nonce = 0): Promise<PolyApiCreds | null> {
    const r = await this.l1('POST', '/auth/api-key', nonce);
    if (r.status >= 400) {
      const e = polyErrorFromResponse(r.status, r.headers, r.body, r.text, 'POST /auth/api-key');
      if (r.status === 400 && e.kind !== 'auth') return null;
      throw e;
    }
    return PolymarketClient.credsFrom(r.body);
  }

  /** GET /auth/derive-api-key: the existing key for this address and nonce. */
  async deriveApiKey(nonce = 0): Promise<PolyApiCreds> {
    const r = await this.l1('GET', '/auth/derive-api-key', nonce);
    if (r.status >= 400) throw polyErrorFromResponse(r.status, r.headers, r.body, r.text, 'GET /auth/derive-api-key');
    const c = PolymarketClient.credsFrom(r.body);
    if (!c) throw new VenueError('auth', `Polymarket derive-api-key returned no key: ${polyErrorMessage(r.body, r.text)}`, { platform: 'polymarket', httpStatus: r.status });
    return c;
  }

  /** Create, or derive when the key already exists (the official client's createOrDeriveApiKey). */
  async createOrDeriveApiKey(nonce = 0): Promise<PolyApiCreds> {
    return (await this.createApiKey(nonce)) ?? this.deriveApiKey(nonce);
  }

  // ---- orders ----

  /**
   * Builds and signs an order with the token's tick, neg-risk flag and minimum size: limit amounts
   * for GTC/GTD, market amounts for FOK/FAK (BUY taker floored to 4 decimals), then the CLOB's
   * precision rules (§6.5) — so what it returns is what the CLOB accepts.
   */
  async buildOrder(a: PolyOrderArgs): Promise<PolySignedOrder> {
    const info = this.markets.get(a.tokenId) ?? (await this.marketInfo(a.tokenId));
    const market = a.orderType === 'FOK' || a.orderType === 'FAK';
    let amounts: { makerAmount: number; takerAmount: number };
    if (market) {
      if (a.amount === undefined) throw new VenueError('validation', `${a.orderType} orders take an amount (pUSD for BUY, shares for SELL)`, { platform: 'polymarket' });
      const m = polyMarketAmounts(a.side, a.price, a.amount, info.tickSize);
      amounts = { makerAmount: m.makerAmount, takerAmount: Math.floor(m.takerAmount / 100) * 100 };
    } else {
      if (a.size === undefined) throw new VenueError('validation', `${a.orderType} orders take a size in shares`, { platform: 'polymarket' });
      const l = polyLimitAmounts(a.side, a.price, a.size, info.tickSize);
      amounts = { makerAmount: l.makerAmount, takerAmount: l.takerAmount };
    }
    polyCheckServerRules({ side: a.side, orderType: a.orderType, price: a.price, ...amounts, tick: info.tickSize, minOrderSize: info.minOrderSize });
    return this.signer.sign({
      tokenId: a.tokenId, side: a.side, ...amounts, salt: a.salt ?? polyRandomSalt(), timestampMs: a.timestampMs ?? this.nowMs(),
      negRisk: info.negRisk, version: this.orderVersion, expiration: a.expiration, builder: this.builderCode,
    });
  }

  /**
   * POST /order. Returns the CLOB's answer; throws VenueError on rejection. A FAK with nothing to
   * match or an unfillable FOK is not an error: it comes back with status 'unmatched'.
   * Never retried: on a timeout the outcome is unknown (VenueError 'timeout').
   */
  async postOrder(order: PolySignedOrder, orderType: PolyOrderType, opts: PolyPostOptions = {}): Promise<PolyPostOrderResult> {
    if (!this.creds) this.l2Headers('POST', '/order', undefined); // throws the "credentials missing" error
    if (opts.postOnly && (orderType === 'FOK' || orderType === 'FAK'))
      throw new VenueError('validation', 'postOnly is not supported for FOK/FAK orders', { platform: 'polymarket' });
    const body = polyOrderBody(order, this.creds!.key, orderType, opts.postOnly ?? false, opts.deferExec ?? false);
    const r = await this.l2('POST', '/order', { body, timeoutMs: this.orderTimeoutMs, order: true });
    const isObj = r.body !== null && typeof r.body === 'object';
    const errText = r.status >= 400 || (isObj && ((r.body as { success?: unknown }).success === false || !!(r.body as { errorMsg?: unknown }).errorMsg))
      ? polyErrorMessage(r.body, r.text)
      : null;
    if (errText !== null) {
      if (polyIsNoMatch(errText)) {
        const id = isObj && typeof (r.body as { orderID?: unknown }).orderID === 'string' ? (r.body as { orderID: string }).orderID : order.hash;
        return { success: false, errorMsg: errText, orderID: id, status: 'unmatched', makingAmount: null, takingAmount: null, tradeIDs: [], transactionsHashes: [] };
      }
      const e = polyErrorFromResponse(r.status, r.headers, r.body ?? { error: errText }, r.text, 'POST /order', true);
      if (e.kind === 'order_version_mismatch') throw await this.versionMismatch(e);
      throw e;
    }
    return parsePolyPostOrderResponse(r.body);
  }

  /** One GET /version re-read per mismatch, then a clear error; never a silent rebuild loop. */
  private async versionMismatch(e: VenueError): Promise<VenueError> {
    let served = 'unknown';
    try {
      served = String(await this.getServerVersion());
    } catch (err) {
      served = `unreadable (${err instanceof Error ? err.message : String(err)})`;
    }
    log.error({ pinned: this.orderVersion, serverVersion: served }, 'Polymarket order_version_mismatch');
    return new VenueError(
      'order_version_mismatch',
      `${e.message} — this client signs order version ${this.orderVersion}; GET /version now reports ${served}. ` +
        'The order was not placed. Check Polymarket status and the order version before retrying.',
      { platform: 'polymarket', httpStatus: e.httpStatus, venueCode: e.venueCode },
    );
  }

  /** GET /data/order/{id}; null when the CLOB has no such order. */
  async getOrder(orderId: string): Promise<PolyOrderRecord | null> {
    const path = `/data/order/${orderId}`;
    for (let attempt = 0; ; attempt++) {
      const r = await this.l2('GET', path);
      if (r.status === 404) return null;
      if (r.status >= 400) {
        const e = polyErrorFromResponse(r.status, r.headers, r.body, r.text, `GET ${path}`);
        if (/not found/i.test(e.message)) return null;
        throw e;
      }
      const rec = parsePolyOrderRecord(r.body);
      if (rec || attempt >= this.nullRetries) return rec;
      await new Promise((res) => setTimeout(res, this.nullDelayMs));
    }
  }

  /** GET /data/orders, every page (open orders of the API key, optionally filtered). */
  async getOpenOrders(filter: { id?: string; market?: string; assetId?: string } = {}): Promise<PolyOrderRecord[]> {
    const out: PolyOrderRecord[] = [];
    let cursor = POLY_INITIAL_CURSOR;
    while (cursor !== POLY_END_CURSOR) {
      const page = parsePolyPage(
        await this.l2Ok('GET', '/data/orders', { query: { id: filter.id, market: filter.market, asset_id: filter.assetId, next_cursor: cursor } }),
        'GET /data/orders',
      );
      for (const d of page.data) {
        const rec = parsePolyOrderRecord(d);
        if (rec) out.push(rec);
      }
      if (page.nextCursor === cursor) break;
      cursor = page.nextCursor;
    }
    return out;
  }

  /** GET /data/trades, every page; trades as the CLOB sends them (§8.1). */
  async getTrades(filter: { id?: string; market?: string; assetId?: string; makerAddress?: string; before?: number; after?: number } = {}): Promise<unknown[]> {
    const out: unknown[] = [];
    let cursor = POLY_INITIAL_CURSOR;
    while (cursor !== POLY_END_CURSOR) {
      const page = parsePolyPage(
        await this.l2Ok('GET', '/data/trades', {
          query: {
            id: filter.id, maker_address: filter.makerAddress, market: filter.market, asset_id: filter.assetId,
            before: filter.before, after: filter.after, next_cursor: cursor,
          },
        }),
        'GET /data/trades',
      );
      out.push(...page.data);
      if (page.nextCursor === cursor) break;
      cursor = page.nextCursor;
    }
    return out;
  }

  /**
   * The order's trades (GET /data/order -> associate_trades, then GET /data/trades?id= each) and
   * where their settlement stands (§8.2); null when the CLOB has no such order.
   */
  async orderSettlement(orderId: string): Promise<PolyOrderSettlement | null> {
    const rec = await this.getOrder(orderId);
    if (!rec) return null;
    const trades: PolyTradeRecord[] = [];
    for (const id of new Set(rec.associateTrades)) {
      // A trade appears once per status it went through on some servers: the latest update wins.
      const found = (await this.getTrades({ id })).map(parsePolyTrade).filter((t) => t.id === id);
      const latest = found.at(-1);
      if (latest) trades.push(latest);
      else trades.push({ id, takerOrderId: orderId, status: 'MATCHED', size: 0, price: 0, traderSide: '', makerOrders: [], transactionHash: '', errMsg: null });
    }
    return polySettlementOf(orderId, trades);
  }

  private static cancelResult(body: unknown): PolyCancelResult {
    const b = (body ?? {}) as { canceled?: unknown; not_canceled?: unknown };
    const canceled = Array.isArray(b.canceled) ? b.canceled.filter((x): x is string => typeof x === 'string') : [];
    const notCanceled: Record<string, string> = {};
    if (b.not_canceled && typeof b.not_canceled === 'object') for (const [k, v] of Object.entries(b.not_canceled)) notCanceled[k] = String(v);
    return { canceled, notCanceled };
  }

  /** DELETE /order {"orderID"}. */
  async cancel(orderId: string): Promise<PolyCancelResult> {
    return PolymarketClient.cancelResult(await this.l2Ok('DELETE', '/order', { body: JSON.stringify({ orderID: orderId }) }));
  }

  /** DELETE /orders [ids] (keep ≤ 1,000 ids, §8.3). */
  async cancelOrders(orderIds: readonly string[]): Promise<PolyCancelResult> {
    return PolymarketClient.cancelResult(await this.l2Ok('DELETE', '/orders', { body: JSON.stringify(orderIds) }));
  }

  /** DELETE /cancel-all: every open order of the API key. */
  async cancelAll(): Promise<PolyCancelResult> {
    return PolymarketClient.cancelResult(await this.l2Ok('DELETE', '/cancel-all'));
  }

  private balanceQuery(assetType: PolyAssetType, tokenId?: string): PolyHttpRequest['query'] {
    if (assetType === 'CONDITIONAL' && !tokenId) throw new VenueError('validation', 'a CONDITIONAL balance needs the token id', { platform: 'polymarket' });
    return { asset_type: assetType, token_id: assetType === 'CONDITIONAL' ? tokenId : undefined, signature_type: this.signer.signatureType };
  }

  /** GET /balance-allowance (collateral, or one token's shares), base units. */
  async getBalanceAllowance(assetType: PolyAssetType = 'COLLATERAL', tokenId?: string): Promise<PolyBalanceAllowance> {
    return parsePolyBalanceAllowance(await this.l2Ok('GET', '/balance-allowance', { query: this.balanceQuery(assetType, tokenId) }));
  }

  /** Available pUSD (collateral balance), micro-dollars: a read-only call that proves the L2 credentials. */
  async balanceMicros(): Promise<Micros> {
    return (await this.getBalanceAllowance('COLLATERAL')).balance;
  }

  /** GET /balance-allowance/update: makes the CLOB re-read balances after deposits/approvals. */
  async updateBalanceAllowance(assetType: PolyAssetType = 'COLLATERAL', tokenId?: string): Promise<void> {
    await this.l2Ok('GET', '/balance-allowance/update', { query: this.balanceQuery(assetType, tokenId) });
  }

  /** POST /v1/heartbeats (dead-man switch, §11); returns the id to echo next time. */
  async heartbeat(heartbeatId = ''): Promise<string> {
    const b = (await this.l2Ok('POST', '/v1/heartbeats', { body: JSON.stringify({ heartbeat_id: heartbeatId }) })) as { heartbeat_id?: unknown } | null;
    return typeof b?.heartbeat_id === 'string' ? b.heartbeat_id : '';
  }

  // ---- LegVenueClient ----

  private legTimestamp(req: LegRequest): number {
    if (req.createdAtMs !== undefined) {
      if (!Number.isSafeInteger(req.createdAtMs) || req.createdAtMs <= 0) throw new VenueError('validation', `createdAtMs ${req.createdAtMs} is not a time in ms`, { platform: 'polymarket' });
      return req.createdAtMs;
    }
    // Without createdAtMs the hash is stable only within this process.
    let t = this.legTimestamps.get(req.legId);
    if (t === undefined) {
      t = this.nowMs();
      if (this.legTimestamps.size >= LEG_CACHE_MAX) this.legTimestamps.clear();
      this.legTimestamps.set(req.legId, t);
      log.warn({ legId: req.legId }, 'Polymarket leg without createdAtMs: its order hash cannot be recomputed after a restart');
    }
    return t;
  }

  /** Builds (once) and signs the leg's order: price checked against the token's tick first. */
  private async legOrder(req: LegRequest): Promise<LegOrder> {
    const now = this.legOrderNow(req);
    if (now) return now;
    return this.legOrderWith(req, await this.marketInfo(req.polyToken!));
  }

  /**
   * The leg's order, built and signed now when the token's market info is cached (the usual
   * case: no event-loop turn before the order is written); null when it must be fetched first.
   */
  private legOrderNow(req: LegRequest): LegOrder | null {
    const token = req.polyToken;
    if (!token) throw new VenueError('validation', 'Missing poly_token', { platform: 'polymarket' });
    if (req.action !== 'buy' && req.action !== 'sell') throw new VenueError('validation', `Unknown action ${JSON.stringify(req.action)}`, { platform: 'polymarket' });
    const info = this.markets.get(token);
    return info ? this.legOrderWith(req, info) : null;
  }

  private legOrderWith(req: LegRequest, info: PolyMarketInfo): LegOrder {
    const token = req.polyToken;
    if (!token) throw new VenueError('validation', 'Missing poly_token', { platform: 'polymarket' });
    if (req.action !== 'buy' && req.action !== 'sell') throw new VenueError('validation', `Unknown action ${JSON.stringify(req.action)}`, { platform: 'polymarket' });
    const orderType: PolyOrderType = req.timeInForce === 'fok' ? 'FOK' : 'FAK';
    const createdAt = this.legTimestamp(req);
    const fingerprint = `${token}|${req.action}|${req.price}|${req.contracts}|${orderType}|${createdAt}`;
    const cached = this.legOrders.get(req.legId);
    if (cached && cached.fingerprint === fingerprint) return cached;
    if (!Number.isSafeInteger(req.price) || req.price <= 0 || req.price >= PX_ONE)
      throw new VenueError('invalid_price', `Price ${req.price} is outside (0, 1): prices are in 1/10,000 dollar`, { platform: 'polymarket' });
    const tickPx = polyTickPx(info.tickSize);
    if (req.price % tickPx !== 0 || req.price < tickPx || req.price > PX_ONE - tickPx)
      throw new VenueError(
        'invalid_price',
        `Price ${formatPx(req.price)} is not on token ${token}'s tick grid (${info.tickSize}, valid ${info.tickSize}..${formatPx(PX_ONE - tickPx)}): round it to a multiple of the tick`,
        { platform: 'polymarket', venueCode: 'INVALID_ORDER_MIN_TICK_SIZE' },
      );
    const side: PolySide = req.action === 'buy' ? 'BUY' : 'SELL';
    const amounts = polyLegAmounts(side, req.price, req.contracts, info.tickSize, info.minOrderSize);
    const order = this.signer.sign({
      tokenId: token, side, makerAmount: amounts.makerAmount, takerAmount: amounts.takerAmount, salt: polySaltForLeg(req.legId),
      timestampMs: createdAt, negRisk: info.negRisk, version: this.orderVersion, builder: this.builderCode,
    });
    const lo: LegOrder = { fingerprint, order, side, orderType, info };
    if (this.legOrders.size >= LEG_CACHE_MAX) this.legOrders.clear();
    this.legOrders.set(req.legId, lo);
    return lo;
  }

  /** The order hash: a plain value when the order can be built now (executeLeg then sends in the same tick). */
  clientOrderIdFor(req: LegRequest): string | Promise<string> {
    const now = this.legOrderNow(req);
    return now ? now.order.hash : this.legOrder(req).then((lo) => lo.order.hash);
  }

  async submitLeg(req: LegRequest): Promise<VenueOrderReport> {
    // Everything up to the write of the POST runs synchronously when the market info is cached.
    const lo = this.legOrderNow(req) ?? (await this.legOrder(req));
    if (log.isLevelEnabled('debug')) log.debug({ legId: req.legId, orderId: lo.order.hash }, `POST ${lo.orderType} ${lo.side} ${formatQty(req.contracts)} @ ${formatPx(req.price)}`);
    let res: PolyPostOrderResult;
    try {
      res = await this.postOrder(lo.order, lo.orderType);
    } catch (err) {
      // The tick may have changed under us: forget the token's metadata so the next leg re-reads it.
      if (err instanceof VenueError && err.kind === 'invalid_price') this.forgetToken(lo.info.tokenId);
      throw err;
    }
    return polyReportFromPost(res, { side: lo.side, requestedContracts: req.contracts, clientOrderId: lo.order.hash, fees: lo.info.fees });
  }

  async lookupLeg(req: LegRequest): Promise<VenueOrderReport | null> {
    const lo = await this.legOrder(req);
    const rec = await this.getOrder(lo.order.hash);
    if (!rec) return null;
    return polyReportFromOrder(rec, { side: lo.side, requestedContracts: req.contracts, clientOrderId: lo.order.hash, fees: lo.info.fees });
  }
}
