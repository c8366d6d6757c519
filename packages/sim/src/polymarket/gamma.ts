// The Gamma markets API (spec §14) over the simulator's catalog: GET /markets (batched by
// repeated `slug`, `id`, `condition_ids`, `clob_token_ids`), /markets/{id}, /markets/slug/{slug},
// /events. Market objects follow the real shape, with `outcomes`, `outcomePrices` and
// `clobTokenIds` as JSON-encoded strings. Data-driven: every Polymarket market in the context is
// served; `meta.extra` may override or add any Gamma field (id, questionID, events, ...).

import { createHash } from 'node:crypto';
import { PX_ONE } from '@parity/trading';
import type { SimContext } from '../context.ts';
import type { SimMarket } from '../markets.ts';
import { formatPxTrim } from './amounts.ts';
import { json, Router, type HttpResponse } from './http.ts';

/** Gamma's error shape (`{"type": ..., "error": ...}`), e.g. 422 for a malformed query. */
export const gammaError = (status: number, type: string, error: string): HttpResponse => json({ type, error }, status);

const validation = (error: string): HttpResponse => gammaError(422, 'validation error', error);

const h32 = (s: string): string => `0x${createHash('sha256').update(s).digest('hex')}`;

/** A stable numeric Gamma id for a market without one. */
export function gammaIdOf(m: SimMarket): string {
  const explicit = m.polymarket?.extra?.id;
  if (typeof explicit === 'string' || typeof explicit === 'number') return String(explicit);
  return String(500_000 + (parseInt(createHash('sha256').update(m.polymarket!.conditionId).digest('hex').slice(0, 8), 16) % 400_000));
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** One market as Gamma returns it. */
export function gammaMarket(m: SimMarket, nowMs: number): Record<string, unknown> {
  const meta = m.polymarket!;
  const extra = meta.extra ?? {};
  const bb = m.book.bestBid();
  const ba = m.book.bestAsk();
  const last = m.lastTradePx;
  const yesPrice = last ?? (bb !== null && ba !== null ? Math.round((bb + ba) / 2) : 5000);
  const open = m.status === 'open';
  const start = typeof extra.startDate === 'string' ? extra.startDate : iso(nowMs - 86_400_000);
  const end = typeof extra.endDate === 'string' ? extra.endDate : meta.gameStartTime ? toIso(meta.gameStartTime, 4 * 3_600_000) : iso(nowMs + 7 * 86_400_000);
  const fees = meta.feeRate > 0;
  const events = extra.events ?? (meta.eventSlug ? [{ id: String(Number(gammaIdOf(m)) - 1), slug: meta.eventSlug, title: meta.eventTitle ?? meta.question, active: open, closed: !open }] : undefined);
  const market: Record<string, unknown> = {
    id: gammaIdOf(m),
    question: meta.question,
    conditionId: meta.conditionId,
    slug: meta.slug,
    resolutionSource: '',
    endDate: end,
    startDate: start,
    description: typeof extra.description === 'string' ? extra.description : `${meta.question} Resolves per the official result.`,
    outcomes: JSON.stringify(meta.outcomes),
    // Resolved: the winner's price is 1 and the loser's 0; UMA's status says the answer is final.
    outcomePrices: m.result ? JSON.stringify(m.result === 'yes' ? ['1', '0'] : ['0', '1']) : JSON.stringify([formatPxTrim(yesPrice), formatPxTrim(PX_ONE - yesPrice)]),
    ...(m.result ? { umaResolutionStatus: 'resolved', closedTime: iso(m.settledTs ?? nowMs) } : {}),
    volume: String(m.volume / 100),
    volumeNum: m.volume / 100,
    liquidity: '0',
    active: open,
    closed: m.status !== 'open',
    archived: false,
    restricted: true,
    new: false,
    featured: false,
    questionID: typeof extra.questionID === 'string' ? extra.questionID : h32(`question|${meta.conditionId}`),
    enableOrderBook: true,
    acceptingOrders: open,
    acceptingOrdersTimestamp: start,
    orderPriceMinTickSize: Number(meta.tickSize),
    orderMinSize: meta.minOrderSize / 100,
    clobTokenIds: JSON.stringify([meta.yesTokenId, meta.noTokenId]),
    negRisk: meta.negRisk,
    bestBid: bb === null ? 0 : bb / PX_ONE,
    bestAsk: ba === null ? 1 : ba / PX_ONE,
    lastTradePrice: last === null ? 0 : last / PX_ONE,
    spread: bb !== null && ba !== null ? (ba - bb) / PX_ONE : 1,
    makerBaseFee: fees ? 1000 : 0,
    takerBaseFee: fees ? 1000 : 0,
    feesEnabled: fees,
    createdAt: start,
    updatedAt: iso(nowMs),
  };
  if (fees) market.feeSchedule = { rate: meta.feeRate, exponent: meta.feeExponent, takerOnly: meta.takerOnly, rebateRate: typeof extra.rebateRate === 'number' ? extra.rebateRate : 0.25 };
  if (meta.negRisk) market.negRiskMarketID = typeof extra.negRiskMarketID === 'string' ? extra.negRiskMarketID : h32(`negrisk|${meta.eventSlug ?? meta.conditionId}`);
  if (meta.gameStartTime) market.gameStartTime = meta.gameStartTime;
  if (meta.sportsMarketType) market.sportsMarketType = meta.sportsMarketType;
  if (events) market.events = events;
  // Remaining extras are passed through (they may override the defaults above).
  for (const [k, v] of Object.entries(extra)) if (!['events', 'takerDelay', 'rebateRate'].includes(k)) market[k] = v;
  return market;
}

/** "2026-11-25 00:30:00+00" or ISO -> ISO, plus an offset. */
function toIso(t: string, plusMs: number): string {
  const ms = Date.parse(t.replace(' ', 'T').replace(/\+00$/, 'Z'));
  return Number.isFinite(ms) ? iso(ms + plusMs) : t;
}

function boolParam(q: URLSearchParams, name: string): boolean | undefined | 'bad' {
  const v = q.get(name);
  if (v === null) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return 'bad';
}

function intParam(q: URLSearchParams, name: string, dflt: number): number | 'bad' {
  const v = q.get(name);
  if (v === null) return dflt;
  if (!/^\d{1,9}$/.test(v)) return 'bad';
  return Number(v);
}

export function buildGammaRouter(ctx: SimContext): Router {
  const r = new Router();
  const markets = (): SimMarket[] => [...ctx.markets.values()].filter((m) => m.polymarket);

  r.on('GET', '/markets', (req) => {
    const q = req.query;
    const closed = boolParam(q, 'closed');
    const active = boolParam(q, 'active');
    const limit = intParam(q, 'limit', 500);
    const offset = intParam(q, 'offset', 0);
    if (closed === 'bad' || active === 'bad') return validation('closed/active must be true or false');
    if (limit === 'bad' || offset === 'bad') return validation('limit/offset must be non-negative integers');
    const list = (name: string): string[] => q.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    const ids = list('id');
    if (ids.some((x) => !/^\d+$/.test(x))) return validation('id must be an integer');
    const slugs = new Set(list('slug'));
    const idSet = new Set(ids);
    const conds = new Set(list('condition_ids').map((c) => c.toLowerCase()));
    const tokens = new Set(list('clob_token_ids'));
    const now = ctx.clock.now();
    const out = markets()
      .filter((m) => {
        const meta = m.polymarket!;
        if (slugs.size > 0 && !slugs.has(meta.slug)) return false;
        if (idSet.size > 0 && !idSet.has(gammaIdOf(m))) return false;
        if (conds.size > 0 && !conds.has(meta.conditionId.toLowerCase())) return false;
        if (tokens.size > 0 && !tokens.has(meta.yesTokenId) && !tokens.has(meta.noTokenId)) return false;
        if (closed !== undefined && (m.status !== 'open') !== closed) return false;
        if (active !== undefined && (m.status === 'open') !== active) return false;
        return true;
      })
      .slice(offset, offset + limit)
      .map((m) => gammaMarket(m, now));
    return json(out);
  });

  r.on('GET', '/markets/slug/:slug', (req) => {
    const m = markets().find((x) => x.polymarket!.slug === req.params.slug);
    return m ? json(gammaMarket(m, ctx.clock.now())) : gammaError(404, 'not found', 'market not found');
  });

  r.on('GET', '/markets/:id', (req) => {
    if (!/^\d+$/.test(req.params.id!)) return validation('id must be an integer');
    const m = markets().find((x) => gammaIdOf(x) === req.params.id);
    return m ? json(gammaMarket(m, ctx.clock.now())) : gammaError(404, 'not found', 'market not found');
  });

  r.on('GET', '/events', (req) => {
    const q = req.query;
    const closed = boolParam(q, 'closed');
    const limit = intParam(q, 'limit', 100);
    const offset = intParam(q, 'offset', 0);
    if (closed === 'bad') return validation('closed must be true or false');
    if (limit === 'bad' || offset === 'bad') return validation('limit/offset must be non-negative integers');
    const slugs = new Set(q.getAll('slug'));
    const series = q.get('series_id');
    const now = ctx.clock.now();
    const byEvent = new Map<string, SimMarket[]>();
    for (const m of markets()) {
      const slug = m.polymarket!.eventSlug;
      if (!slug) continue;
      let l = byEvent.get(slug);
      if (!l) byEvent.set(slug, (l = []));
      l.push(m);
    }
    const events = [...byEvent.entries()]
      .filter(([slug, ms]) => {
        if (slugs.size > 0 && !slugs.has(slug)) return false;
        if (series && String(ms[0]!.polymarket!.extra?.seriesId ?? '') !== series) return false;
        const isClosed = ms.every((m) => m.status !== 'open');
        return closed === undefined || isClosed === closed;
      })
      .slice(offset, offset + limit)
      .map(([slug, ms]) => {
        const first = ms[0]!;
        const meta = first.polymarket!;
        const isClosed = ms.every((m) => m.status !== 'open');
        return {
          id: String(Number(gammaIdOf(first)) - 1),
          ticker: slug,
          slug,
          title: meta.eventTitle ?? meta.question,
          startDate: meta.gameStartTime ?? null,
          active: !isClosed,
          closed: isClosed,
          negRisk: ms.some((m) => m.polymarket!.negRisk),
          ...(meta.extra?.seriesId !== undefined ? { seriesSlug: meta.extra.seriesSlug ?? null, series: [{ id: String(meta.extra.seriesId) }] } : {}),
          markets: ms.map((m) => gammaMarket(m, now)),
        };
      });
    return json(events);
  });

  return r;
}
