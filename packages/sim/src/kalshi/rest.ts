// Kalshi REST under /trade-api/v2 (spec kalshi.md §2-§4, §9): public market data, signed
// portfolio and order endpoints, Kalshi's error envelope, and run-time faults.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Px, Qty } from '@parity/trading';
import { PX_ONE, UnitParseError, parsePx, parseQty } from '@parity/trading';
import type { SimAccount } from '../accounts.ts';
import type { SimContext } from '../context.ts';
import type { SelfTradeMode, TimeInForce } from '../engine/index.ts';
import { numParam } from '../faults.ts';
import { BodyTooLarge, readBody, sendJson, sleep } from '../http.ts';
import type { SimMarket } from '../markets.ts';
import type { Action, Outcome, PlaceOrderRequest, RejectReason, SimOrder } from '../orders.ts';
import { checkKalshiAuth, DEFAULT_AUTH_WINDOW_MS } from './auth.ts';
import {
  MARKET_FILTER,
  bookLevels,
  createV2Json,
  dollars,
  eventJson,
  eventMarkets,
  fillJson,
  marketJson,
  orderJson,
  positionJson,
  seriesJson,
} from './format.ts';

export const KALSHI_PREFIX = '/trade-api/v2';

export interface KalshiRestOptions {
  /** Auth timestamp freshness window (default 30 s). */
  authWindowMs?: number;
}

/** A Kalshi error answer. */
class KErr extends Error {
  /** Set when ctx.placeOrder already wrote the order-log entry. */
  logged = false;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function alreadyLogged(e: KErr): KErr {
  e.logged = true;
  return e;
}

const bad = (message: string): KErr => new KErr(400, 'invalid_parameters', message);

function sendError(res: ServerResponse, e: KErr, service = 'exchange'): void {
  sendJson(res, e.status, { error: { code: e.code, message: e.message, service } });
}

type Query = URLSearchParams;

function page<T>(items: readonly T[], q: Query, dflt: number, max: number): { items: T[]; cursor: string } {
  const limitRaw = q.get('limit');
  let limit = dflt;
  if (limitRaw !== null && limitRaw !== '') {
    limit = Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > max) throw bad(`limit must be an integer from 1 to ${max}`);
  }
  let offset = 0;
  const c = q.get('cursor');
  if (c) {
    const decoded = Buffer.from(c, 'base64url').toString('utf8');
    const m = /^o:(\d+)$/.exec(decoded);
    if (!m) throw bad('invalid cursor');
    offset = Number(m[1]);
  }
  const slice = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(`o:${offset + limit}`, 'utf8').toString('base64url') : '';
  return { items: slice, cursor: next };
}

function csv(q: Query, name: string): string[] | null {
  const v = q.get(name);
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : null;
}

function secs(q: Query, name: string): number | null {
  const v = q.get(name);
  if (v === null || v === '') return null;
  const n = Number(v);
  if (!Number.isFinite(n)) throw bad(`${name} must be a Unix timestamp in seconds`);
  return n;
}

const TIF: Record<string, TimeInForce> = { fill_or_kill: 'fok', good_till_canceled: 'gtc', immediate_or_cancel: 'ioc' };
const STP: Record<string, SelfTradeMode> = { taker_at_cross: 'cancel_taker', maker: 'cancel_maker' };

function parseCount(v: unknown, fieldName: string): Qty {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw bad(`${fieldName} must be a whole number of contracts`);
    return v * 100;
  }
  if (typeof v === 'string') {
    try {
      return parseQty(v);
    } catch (e) {
      throw bad(`${fieldName}: ${(e as Error).message}`);
    }
  }
  throw bad(`${fieldName} is required`);
}

function parseDollarPrice(v: unknown, fieldName: string): Px {
  if (typeof v !== 'string') throw bad(`${fieldName} must be a dollar string such as "0.5600"`);
  try {
    return parsePx(v);
  } catch (e) {
    if (e instanceof UnitParseError) throw new KErr(400, 'invalid_price', 'invalid price');
    throw e;
  }
}

function rejectToErr(reason: RejectReason, message: string, fault?: { params?: Record<string, unknown> }): KErr {
  switch (reason) {
    case 'market_not_found':
      return new KErr(404, 'market_not_found', 'market not found');
    case 'market_closed':
      return new KErr(400, 'market_closed', 'market closed');
    case 'invalid_price':
      return new KErr(400, 'invalid_price', 'invalid price');
    case 'invalid_size':
      return new KErr(400, 'invalid_parameters', message);
    case 'insufficient_balance':
    case 'insufficient_position':
      return new KErr(400, 'insufficient_balance', 'insufficient balance');
    case 'duplicate_client_order_id':
      return new KErr(409, 'order_already_exists', 'order already exists');
    case 'account_not_found':
      return new KErr(401, 'authentication_error', 'authentication error');
    case 'fault_injected': {
      const p = fault?.params ?? {};
      const status = typeof p.status === 'number' ? p.status : 400;
      const code = typeof p.code === 'string' ? p.code : 'order_rejected';
      return new KErr(status, code, typeof p.message === 'string' ? p.message : 'order rejected');
    }
  }
}

export function createKalshiRest(ctx: SimContext, opts: KalshiRestOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const windowMs = opts.authWindowMs ?? DEFAULT_AUTH_WINDOW_MS;

  const auth = async (req: IncomingMessage, method: string, url: string): Promise<SimAccount> => {
    const r = await checkKalshiAuth(ctx, req.headers, method, url, windowMs);
    if (!r.ok) throw new KErr(401, 'authentication_error', 'authentication error');
    return r.account;
  };

  const kalshiMarket = (ticker: string): SimMarket => {
    const m = ctx.marketByKalshiTicker(ticker);
    if (!m) throw new KErr(404, 'market_not_found', 'market not found');
    return m;
  };

  const tickerOf = (o: SimOrder): string => ctx.market(o.marketId)?.kalshi?.ticker ?? o.marketId;

  /** Order-path rejections before the engine (auth, faults, parse) still go to the order log. */
  const logReject = (account: SimAccount | null, endpoint: string, body: Record<string, unknown> | null, reason: string): void => {
    const ticker = typeof body?.ticker === 'string' ? body.ticker : null;
    ctx.orderLog.record({
      ts: ctx.clock.now(),
      venue: 'kalshi',
      accountId: account?.id ?? null,
      marketId: ticker && ctx.marketByKalshiTicker(ticker) ? ticker : null,
      market: ticker,
      clientOrderId: typeof body?.client_order_id === 'string' ? body.client_order_id : null,
      result: 'rejected',
      reason,
      endpoint,
    });
  };

  const placeOrder = (account: SimAccount, body: Record<string, unknown>, legacy: boolean, endpoint: string): { status: number; json: unknown } => {
    if (typeof body.ticker !== 'string' || body.ticker === '') throw bad('ticker is required');
    let action: Action;
    let outcome: Outcome;
    let px: Px;
    let tif: TimeInForce;
    let stp: SelfTradeMode = 'cancel_taker';
    let qty: Qty;
    if (!legacy) {
      if (body.side !== 'bid' && body.side !== 'ask') throw bad('side must be "bid" or "ask"');
      action = body.side === 'bid' ? 'buy' : 'sell';
      outcome = 'yes';
      qty = parseCount(body.count, 'count');
      px = parseDollarPrice(body.price, 'price');
      const t = TIF[String(body.time_in_force)];
      if (!t) throw bad('time_in_force must be fill_or_kill, good_till_canceled or immediate_or_cancel');
      tif = t;
      const s = STP[String(body.self_trade_prevention_type)];
      if (!s) throw bad('self_trade_prevention_type must be taker_at_cross or maker');
      stp = s;
    } else {
      if (body.side !== 'yes' && body.side !== 'no') throw bad('side must be "yes" or "no"');
      if (body.action !== 'buy' && body.action !== 'sell') throw bad('action must be "buy" or "sell"');
      action = body.action;
      outcome = body.side;
      if (body.count === undefined && body.count_fp === undefined) throw bad('count is required');
      const c1 = body.count !== undefined ? parseCount(body.count, 'count') : null;
      const c2 = body.count_fp !== undefined ? parseCount(body.count_fp, 'count_fp') : null;
      if (c1 !== null && c2 !== null && c1 !== c2) throw bad('count and count_fp disagree');
      qty = (c1 ?? c2)!;
      const pick = (): Px => {
        const own = outcome === 'yes' ? ['yes_price_dollars', 'yes_price'] : ['no_price_dollars', 'no_price'];
        const other = outcome === 'yes' ? ['no_price_dollars', 'no_price'] : ['yes_price_dollars', 'yes_price'];
        for (const [keys, flip] of [[own, false], [other, true]] as const) {
          const d = body[keys[0]!];
          const c = body[keys[1]!];
          let p: Px | null = null;
          if (d !== undefined) p = parseDollarPrice(d, keys[0]!);
          else if (c !== undefined) {
            if (typeof c !== 'number' || !Number.isInteger(c)) throw new KErr(400, 'invalid_price', 'invalid price');
            p = c * 100;
          }
          if (p !== null) return flip ? PX_ONE - p : p;
        }
        throw bad('a limit price is required (yes_price_dollars / no_price_dollars)');
      };
      px = pick();
      if (body.time_in_force === undefined) tif = 'gtc';
      else {
        const t = TIF[String(body.time_in_force)];
        if (!t) throw bad('time_in_force must be fill_or_kill, good_till_canceled or immediate_or_cancel');
        tif = t;
      }
      if (body.buy_max_cost !== undefined) tif = 'fok';
      if (body.self_trade_prevention_type !== undefined) {
        const s = STP[String(body.self_trade_prevention_type)];
        if (!s) throw bad('self_trade_prevention_type must be taker_at_cross or maker');
        stp = s;
      }
    }
    const exp = legacy ? body.expiration_ts : body.expiration_time;
    if (exp !== undefined && exp !== null) {
      if (typeof exp !== 'number' || !Number.isInteger(exp)) throw bad('expiration must be a Unix timestamp in seconds');
      if (tif !== 'gtc') throw bad('expiration is only allowed with good_till_canceled');
    }
    if (body.client_order_id !== undefined && typeof body.client_order_id !== 'string') throw bad('client_order_id must be a string');
    const market = ctx.marketByKalshiTicker(body.ticker);
    if (market && !market.kalshi!.fractionalTradingEnabled && qty % 100 !== 0) throw bad('fractional contracts are not enabled on this market');
    const req: PlaceOrderRequest = {
      venue: 'kalshi',
      accountId: account.id,
      marketId: body.ticker,
      marketAlias: body.ticker,
      action,
      outcome,
      px,
      qty,
      tif,
      stp,
      postOnly: body.post_only === true,
      reduceOnly: body.reduce_only === true,
      clientOrderId: typeof body.client_order_id === 'string' && body.client_order_id !== '' ? body.client_order_id : null,
      endpoint,
      ...(typeof exp === 'number' ? { venueData: { expirationTs: exp } } : {}),
    };
    const r = ctx.placeOrder(req);
    if (!r.ok) throw alreadyLogged(rejectToErr(r.reason, r.message, r.fault));
    const o = r.order;
    if (o.cancelReason === 'post_only_cross') throw alreadyLogged(new KErr(400, 'post_only_cross', 'post only order would cross'));
    if (typeof exp === 'number' && o.status === 'resting') {
      const orderId = o.id;
      ctx.clock.after(exp * 1000 - ctx.clock.now(), () => void ctx.cancelOrder(account.id, orderId, 'expired'));
    }
    return { status: 201, json: legacy ? { order: orderJson(o, body.ticker) } : createV2Json(o) };
  };

  const route = async (req: IncomingMessage, res: ServerResponse, method: string, url: string, path: string, q: Query): Promise<void> => {
    const seg = path.split('/').filter(Boolean); // path without the prefix
    const s0 = seg[0];
    const ok = (json: unknown, status = 200): void => sendJson(res, status, json);
    const readJson = async (): Promise<Record<string, unknown>> => {
      let text: string;
      try {
        text = await readBody(req);
      } catch (e) {
        if (e instanceof BodyTooLarge) throw bad('request body too large');
        throw e;
      }
      try {
        const j: unknown = JSON.parse(text);
        if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new Error('not an object');
        return j as Record<string, unknown>;
      } catch {
        throw bad('request body must be a JSON object');
      }
    };

    // ---- public market data ----
    if (method === 'GET' && s0 === 'exchange' && seg[1] === 'status') {
      return ok({ exchange_active: true, trading_active: true, exchange_estimated_resume_time: null });
    }
    if (method === 'GET' && s0 === 'series') {
      if (seg.length === 2) {
        const s = ctx.kalshiCatalog.series.get(seg[1]!);
        if (!s) throw new KErr(404, 'series_not_found', 'series not found');
        return ok({ series: seriesJson(s) });
      }
      const cat = q.get('category');
      const tags = csv(q, 'tags');
      const list = [...ctx.kalshiCatalog.series.values()].filter((s) => (!cat || s.category === cat) && (!tags || tags.some((t) => s.tags.includes(t))));
      return ok({ series: list.map(seriesJson) });
    }
    if (method === 'GET' && s0 === 'events') {
      if (seg.length === 2) {
        const e = ctx.kalshiCatalog.events.get(seg[1]!);
        if (!e) throw new KErr(404, 'event_not_found', 'event not found');
        const nested = q.get('with_nested_markets') === 'true';
        return ok({ event: eventJson(ctx, e, nested), markets: nested ? [] : eventMarkets(ctx, e.eventTicker).map(marketJson) });
      }
      const series = q.get('series_ticker');
      const status = q.get('status');
      if (status && !['unopened', 'open', 'closed', 'settled'].includes(status)) throw bad('status must be unopened, open, closed or settled');
      const tickers = csv(q, 'tickers');
      const nested = q.get('with_nested_markets') === 'true';
      const list = [...ctx.kalshiCatalog.events.values()].filter((e) => {
        if (series && e.seriesTicker !== series) return false;
        if (tickers && !tickers.includes(e.eventTicker)) return false;
        if (status) {
          const ms = eventMarkets(ctx, e.eventTicker);
          const want = MARKET_FILTER[status];
          if (!ms.some((m) => m.status === want)) return false;
        }
        return true;
      });
      const p = page(list, q, 200, 200);
      return ok({ events: p.items.map((e) => eventJson(ctx, e, nested)), cursor: p.cursor });
    }
    if (method === 'GET' && s0 === 'markets') {
      if (seg.length === 3 && seg[2] === 'orderbook') {
        const m = kalshiMarket(seg[1]!);
        const depthRaw = Number(q.get('depth') ?? '0');
        const depth = Number.isInteger(depthRaw) && depthRaw > 0 ? depthRaw : Infinity;
        const lv = bookLevels(m);
        const cut = (xs: [string, string][]): [string, string][] => (depth === Infinity ? xs : xs.slice(Math.max(0, xs.length - depth)));
        const fp: Record<string, unknown> = {};
        if (lv.yes.length) fp.yes_dollars = cut(lv.yes);
        if (lv.no.length) fp.no_dollars = cut(lv.no);
        return ok({ orderbook_fp: fp });
      }
      if (seg.length === 2) return ok({ market: marketJson(kalshiMarket(seg[1]!)) });
      const series = q.get('series_ticker');
      const event = q.get('event_ticker');
      const tickers = csv(q, 'tickers');
      const status = q.get('status');
      if (status && !(status in MARKET_FILTER)) throw bad('status must be unopened, open, paused, closed or settled');
      const want = status ? MARKET_FILTER[status] : null;
      const list = ctx.marketsOf('kalshi').filter((m) => {
        const k = m.kalshi!;
        if (series && k.seriesTicker !== series) return false;
        if (event && k.eventTicker !== event) return false;
        if (tickers && !tickers.includes(k.ticker)) return false;
        if (want && m.status !== want) return false;
        return true;
      });
      const p = page(list, q, 100, 1000);
      return ok({ markets: p.items.map(marketJson), cursor: p.cursor });
    }

    // ---- authenticated ----
    if (s0 !== 'portfolio') throw new KErr(404, 'not_found', 'not found');
    const isOrderCreate = method === 'POST' && ((seg[1] === 'orders' && seg.length === 2) || (seg[1] === 'events' && seg[2] === 'orders' && seg.length === 3));
    let account: SimAccount;
    try {
      account = await auth(req, method, url);
    } catch (e) {
      if (isOrderCreate) {
        const body = await readJson().catch(() => null);
        logReject(null, `${KALSHI_PREFIX}${path}`, body, 'unauthorized');
      }
      throw e;
    }

    if (isOrderCreate) {
      const legacy = seg[1] === 'orders';
      const endpoint = `${KALSHI_PREFIX}${path}`;
      let body: Record<string, unknown> | null = null;
      try {
        body = await readJson();
        const r = placeOrder(account, body, legacy, endpoint);
        return ok(r.json, r.status);
      } catch (e) {
        // Rejections from ctx.placeOrder are already logged; log the ones that never got there.
        if (e instanceof KErr && !e.logged) logReject(account, endpoint, body, e.code);
        throw e;
      }
    }

    if (method === 'GET' && seg[1] === 'balance' && seg.length === 2) {
      const avail = account.cash - account.reserved;
      let exposure = 0;
      for (const p of account.positions.values()) exposure += p.yesCost + p.noCost;
      return ok({
        balance: Math.floor(avail / 10_000),
        balance_dollars: dollars(avail),
        portfolio_value: Math.floor(exposure / 10_000),
        updated_ts: Math.floor(Date.now() / 1000),
        balance_breakdown: [{ exchange_index: 0, balance: dollars(avail) }],
      });
    }
    if (method === 'GET' && seg[1] === 'positions' && seg.length === 2) {
      const ticker = q.get('ticker');
      const event = q.get('event_ticker');
      const filters = csv(q, 'count_filter') ?? [];
      const rows: { ticker: string; event: string; p: import('../accounts.ts').SimPosition }[] = [];
      for (const [marketId, p] of account.positions) {
        const m = ctx.market(marketId);
        if (!m?.kalshi) continue;
        if (ticker && m.kalshi.ticker !== ticker) continue;
        if (event && m.kalshi.eventTicker !== event) continue;
        if (filters.includes('position') && p.yes - p.no === 0) continue;
        if (filters.includes('total_traded') && p.totalTraded === 0) continue;
        if (filters.length === 0 && p.yes === 0 && p.no === 0 && p.totalTraded === 0) continue;
        rows.push({ ticker: m.kalshi.ticker, event: m.kalshi.eventTicker, p });
      }
      const pg = page(rows, q, 100, 1000);
      const events = new Map<string, { cost: number; shares: number; pnl: number; fees: number }>();
      for (const r of pg.items) {
        const e = events.get(r.event) ?? { cost: 0, shares: 0, pnl: 0, fees: 0 };
        e.cost += r.p.yesCost + r.p.noCost;
        e.shares += r.p.yes + r.p.no;
        e.pnl += r.p.realizedPnl;
        e.fees += r.p.feesPaid;
        events.set(r.event, e);
      }
      return ok({
        market_positions: pg.items.map((r) => positionJson(r.ticker, r.p)),
        event_positions: [...events].map(([t, e]) => ({
          event_ticker: t,
          total_cost_dollars: dollars(e.cost),
          total_cost_shares_fp: (e.shares / 100).toFixed(2),
          event_exposure_dollars: dollars(e.cost),
          realized_pnl_dollars: dollars(e.pnl),
          fees_paid_dollars: dollars(e.fees),
        })),
        cursor: pg.cursor,
      });
    }
    if (method === 'GET' && seg[1] === 'fills' && seg.length === 2) {
      const ticker = q.get('ticker');
      const orderId = q.get('order_id');
      const minTs = secs(q, 'min_ts');
      const maxTs = secs(q, 'max_ts');
      const list = ctx
        .accountFills(account.id)
        .filter((f) => {
          const m = ctx.market(f.marketId);
          if (!m?.kalshi) return false;
          if (ticker && m.kalshi.ticker !== ticker) return false;
          if (orderId && f.orderId !== orderId) return false;
          if (minTs !== null && f.ts < minTs * 1000) return false;
          if (maxTs !== null && f.ts > maxTs * 1000) return false;
          return true;
        })
        .reverse();
      const p = page(list, q, 100, 1000);
      return ok({
        fills: p.items.map((f) => fillJson(f, ctx.market(f.marketId)!.kalshi!.ticker, ctx.orders.get(f.orderId)?.bookSide ?? 'bid')),
        cursor: p.cursor,
      });
    }
    const ordersRoot = seg[1] === 'orders' ? 2 : seg[1] === 'events' && seg[2] === 'orders' ? 3 : 0;
    if (ordersRoot) {
      const rest = seg.slice(ordersRoot);
      const v2 = ordersRoot === 3;
      if (method === 'GET' && !v2 && rest.length === 0) {
        const ticker = q.get('ticker');
        const events = csv(q, 'event_ticker');
        if (events && events.length > 10) throw bad('event_ticker accepts at most 10 tickers');
        const status = q.get('status');
        if (status && !['resting', 'canceled', 'executed'].includes(status)) throw bad('status must be resting, canceled or executed');
        const minTs = secs(q, 'min_ts');
        const maxTs = secs(q, 'max_ts');
        const list = ctx
          .accountOrders(account.id)
          .filter((o) => {
            const m = ctx.market(o.marketId);
            if (!m?.kalshi) return false;
            if (ticker && m.kalshi.ticker !== ticker) return false;
            if (events && !events.includes(m.kalshi.eventTicker)) return false;
            if (status && o.status !== status) return false;
            if (minTs !== null && o.createdTs < minTs * 1000) return false;
            if (maxTs !== null && o.createdTs > maxTs * 1000) return false;
            return true;
          })
          .reverse();
        const p = page(list, q, 100, 1000);
        return ok({ orders: p.items.map((o) => orderJson(o, tickerOf(o))), cursor: p.cursor });
      }
      if (method === 'GET' && !v2 && rest.length === 1) {
        const o = ctx.orders.get(rest[0]!);
        if (!o || o.accountId !== account.id || o.venue !== 'kalshi') throw new KErr(404, 'not_found', 'order not found');
        return ok({ order: orderJson(o, tickerOf(o)) });
      }
      if (method === 'DELETE' && v2 && rest.length === 0) {
        for (const o of ctx.restingOrders(account.id)) if (o.venue === 'kalshi') ctx.cancelOrder(account.id, o.id);
        res.writeHead(204);
        res.end();
        return;
      }
      if (method === 'DELETE' && rest.length === 1) {
        const o = ctx.orders.get(rest[0]!);
        if (!o || o.accountId !== account.id || o.venue !== 'kalshi') throw new KErr(404, 'not_found', 'order not found');
        const r = ctx.cancelOrder(account.id, o.id);
        const reduced = r.ok ? r.removed : 0;
        if (!r.ok && r.reason === 'not_resting') throw new KErr(404, 'not_found', 'order not found');
        if (v2) return ok({ order_id: o.id, client_order_id: o.clientOrderId ?? '', reduced_by: (reduced / 100).toFixed(2), ts_ms: ctx.clock.now() });
        return ok({ order: orderJson(o, tickerOf(o)), reduced_by_fp: (reduced / 100).toFixed(2) });
      }
      if (method === 'POST' && v2 && rest.length === 2 && rest[1] === 'decrease') {
        const body = await readJson();
        const o = ctx.orders.get(rest[0]!);
        if (!o || o.accountId !== account.id || o.venue !== 'kalshi') throw new KErr(404, 'not_found', 'order not found');
        const hasBy = body.reduce_by !== undefined;
        const hasTo = body.reduce_to !== undefined;
        if (hasBy === hasTo) throw bad('exactly one of reduce_by / reduce_to is required');
        const n = parseCount(hasBy ? body.reduce_by : body.reduce_to, hasBy ? 'reduce_by' : 'reduce_to');
        const target = hasBy ? Math.max(0, o.remainingQty - n) : n;
        const before = o.remainingQty;
        const r = ctx.reduceOrder(account.id, o.id, target);
        if (!r.ok) throw r.reason === 'not_a_decrease' ? bad('the new count must be below the resting count') : new KErr(404, 'not_found', 'order not found');
        return ok({ order_id: o.id, client_order_id: o.clientOrderId ?? '', reduced_by: ((before - target) / 100).toFixed(2), ts_ms: ctx.clock.now() });
      }
    }
    throw new KErr(404, 'not_found', 'not found');
  };

  return (req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const fullPath = qi < 0 ? url : url.slice(0, qi);
    if (!fullPath.startsWith(KALSHI_PREFIX + '/') && fullPath !== KALSHI_PREFIX) {
      sendError(res, new KErr(404, 'not_found', 'not found'));
      return;
    }
    const path = fullPath.slice(KALSHI_PREFIX.length);
    const q = new URLSearchParams(qi < 0 ? '' : url.slice(qi + 1));
    const run = async (): Promise<void> => {
      if (ctx.faults.any) {
        const lat = ctx.faults.active('kalshi', 'latency');
        if (lat) await sleep(numParam(lat, 'ms', 200));
        const f429 = ctx.faults.take('kalshi', 'http_429');
        if (f429) {
          const ra = f429.params?.retryAfterSecs;
          sendJson(res, 429, { error: 'too many requests' }, typeof ra === 'number' ? { 'retry-after': String(ra) } : undefined);
          if (method === 'POST' && path.endsWith('/orders')) ctx.orderLog.record({ ts: ctx.clock.now(), venue: 'kalshi', accountId: null, marketId: null, market: null, clientOrderId: null, result: 'rejected', reason: 'http_429', endpoint: fullPath });
          return;
        }
        const f5 = ctx.faults.take('kalshi', 'http_5xx');
        if (f5) {
          const st = numParam(f5, 'status', 500);
          sendJson(res, st, { error: { code: st === 503 ? 'service_unavailable' : 'internal_server_error', message: st === 503 ? 'service unavailable' : 'internal server error', service: 'exchange' } });
          if (method === 'POST' && path.endsWith('/orders')) ctx.orderLog.record({ ts: ctx.clock.now(), venue: 'kalshi', accountId: null, marketId: null, market: null, clientOrderId: null, result: 'rejected', reason: `http_${st}`, endpoint: fullPath });
          return;
        }
      }
      await route(req, res, method, fullPath, path, q);
    };
    run().catch((e: unknown) => {
      if (res.headersSent) return;
      if (e instanceof KErr) sendError(res, e, e.status === 401 ? 'auth' : 'exchange');
      else sendError(res, new KErr(500, 'internal_server_error', `internal server error: ${(e as Error)?.message ?? String(e)}`));
    });
  };
}
