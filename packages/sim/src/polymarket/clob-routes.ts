// CLOB REST routes of the simulated Polymarket (spec §3, §7-§11): public market metadata,
// L1 key endpoints, L2 trading endpoints. Every private call is checked as the CLOB does.

import { createHash } from 'node:crypto';
import { PX_ONE, type Px, type Qty } from '@parity/trading';
import type { SimMarket } from '../markets.ts';
import type { Outcome } from '../orders.ts';
import { formatBase, formatPxTrim } from './amounts.ts';
import type { Authenticated } from './api-keys.ts';
import { END_CURSOR, EXCHANGE_V2, EXCHANGE_V3, INITIAL_CURSOR, NEG_RISK_EXCHANGE_V2 } from './constants.ts';
import { ClobError, MSG } from './errors.ts';
import { json, type HttpRequest, type HttpResponse, Router } from './http.ts';
import { verifyL1 } from './l1-auth.ts';
import { verifyL2 } from './l2-auth.ts';
import type { PolyVenue } from './venue.ts';

const MAX_UINT256 = ((1n << 256n) - 1n).toString();
const BASE_PER_QTY = 10_000n;

const nowSecs = (): number => Math.floor(Date.now() / 1000);

/** One token's book in the CLOB's REST shape: bids ascending, asks descending (best last, spec §9). */
export function tokenBook(m: SimMarket, outcome: Outcome): { bids: [Px, Qty][]; asks: [Px, Qty][] } {
  const yesBids = m.book.levels('bid');
  const yesAsks = m.book.levels('ask');
  if (outcome === 'yes') return { bids: yesBids, asks: yesAsks };
  const flip = (l: [Px, Qty][]): [Px, Qty][] => l.map(([p, q]) => [PX_ONE - p, q]);
  return { bids: flip(yesAsks), asks: flip(yesBids) };
}

const level = ([p, q]: [Px, Qty]): { price: string; size: string } => ({ price: formatPxTrim(p), size: formatBase(BigInt(q) * BASE_PER_QTY) });

export function lastTradePrice(m: SimMarket, outcome: Outcome): string {
  if (m.lastTradePx === null) return '';
  return formatPxTrim(outcome === 'yes' ? m.lastTradePx : PX_ONE - m.lastTradePx);
}

/** GET /book body; `hash` as the official client computes it (sha1 of the summary with hash ""). */
export function bookSummary(m: SimMarket, outcome: Outcome, tsMs: number): Record<string, unknown> {
  const meta = m.polymarket!;
  const b = tokenBook(m, outcome);
  const summary: Record<string, unknown> = {
    market: meta.conditionId,
    asset_id: outcome === 'yes' ? meta.yesTokenId : meta.noTokenId,
    timestamp: String(tsMs),
    hash: '',
    bids: [...b.bids].reverse().map(level),
    asks: [...b.asks].reverse().map(level),
    min_order_size: formatBase(BigInt(meta.minOrderSize) * BASE_PER_QTY),
    tick_size: meta.tickSize,
    neg_risk: meta.negRisk,
    last_trade_price: lastTradePrice(m, outcome),
  };
  summary.hash = createHash('sha1').update(JSON.stringify(summary)).digest('hex');
  return summary;
}

/** /clob-markets/{condition_id} (spec §9): what the client reads tick, neg-risk and fees from. */
export function clobMarketInfo(m: SimMarket, venue: PolyVenue): Record<string, unknown> {
  const meta = m.polymarket!;
  const info: Record<string, unknown> = {
    c: meta.conditionId,
    t: [
      { t: meta.yesTokenId, o: meta.outcomes[0] },
      { t: meta.noTokenId, o: meta.outcomes[1] },
    ],
    mts: Number(meta.tickSize),
    nr: meta.negRisk,
    mos: m.polymarket!.minOrderSize / 100,
    mbf: meta.feeRate > 0 ? 1000 : 0,
    tbf: meta.feeRate > 0 ? 1000 : 0,
    r: null,
    ao: m.status === 'open',
    itode: meta.extra?.takerDelay === true,
    rfqe: false,
    ibce: false,
  };
  if (meta.feeRate > 0) info.fd = { r: meta.feeRate, e: meta.feeExponent, to: meta.takerOnly };
  if (meta.gameStartTime) info.gst = meta.gameStartTime;
  if (venue.orderVersionOf(meta) === 3) info.v = 3;
  return info;
}

/** The CLOB's /markets/{condition_id} object (subset the client types declare). */
function clobMarket(m: SimMarket): Record<string, unknown> {
  const meta = m.polymarket!;
  return {
    condition_id: meta.conditionId,
    question_id: meta.extra?.questionID ?? '',
    question: meta.question,
    market_slug: meta.slug,
    active: m.status === 'open',
    closed: m.status !== 'open',
    accepting_orders: m.status === 'open',
    enable_order_book: true,
    minimum_order_size: meta.minOrderSize / 100,
    minimum_tick_size: Number(meta.tickSize),
    neg_risk: meta.negRisk,
    game_start_time: meta.gameStartTime ?? null,
    tokens: [
      // A resolved market is closed and flags the token that pays out (`winner`), priced 1 / 0.
      { token_id: meta.yesTokenId, outcome: meta.outcomes[0], price: m.result ? (m.result === 'yes' ? 1 : 0) : Number(lastTradePrice(m, 'yes') || 0.5), winner: m.result === 'yes' },
      { token_id: meta.noTokenId, outcome: meta.outcomes[1], price: m.result ? (m.result === 'no' ? 1 : 0) : Number(lastTradePrice(m, 'no') || 0.5), winner: m.result === 'no' },
    ],
  };
}

function cursorOffset(cursor: string | null): number {
  if (!cursor || cursor === INITIAL_CURSOR) return 0;
  if (cursor === END_CURSOR) return Number.MAX_SAFE_INTEGER;
  const n = Number(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!Number.isSafeInteger(n) || n < 0) throw new ClobError(400, 'invalid next_cursor');
  return n;
}

/** One page of a cursor-paginated CLOB list (cursors are base64 offsets, `LTE=` = the end). */
function page<T>(items: readonly T[], cursor: string | null, limit: number): { data: T[]; next_cursor: string; limit: number; count: number } {
  const start = cursorOffset(cursor);
  const data = items.slice(start, start + limit);
  const end = start + data.length;
  return { data, next_cursor: end >= items.length ? END_CURSOR : Buffer.from(String(end)).toString('base64'), limit, count: data.length };
}

export function buildClobRouter(venue: PolyVenue): Router {
  const ctx = venue.ctx;
  const r = new Router();

  const l2 = (req: HttpRequest): Authenticated => {
    let authed: Authenticated | undefined;
    verifyL2(
      { method: req.method, path: req.path, body: req.body, headers: req.headers },
      (key) => {
        authed = venue.keys.lookup(key);
        return authed?.creds;
      },
      { nowSecs: nowSecs(), maxSkewSecs: venue.maxAuthSkewSecs },
    );
    return authed!;
  };
  const l1 = (req: HttpRequest) => verifyL1(req.headers, { chainId: venue.chainId, nowSecs: nowSecs(), maxSkewSecs: venue.maxAuthSkewSecs });
  const parseJson = (req: HttpRequest): unknown => {
    try {
      return JSON.parse(req.body);
    } catch {
      throw new ClobError(400, MSG.invalidPayload);
    }
  };
  const token = (req: HttpRequest) => venue.tokenOrThrow(req.query.get('token_id'));
  const heartbeats = new Heartbeats(venue);

  // ---- public ------------------------------------------------------------------------------------
  r.on('GET', '/', () => json('OK'));
  r.on('GET', '/ok', () => json('OK'));
  r.on('GET', '/time', () => json(nowSecs()));
  r.on('GET', '/version', () => json({ version: 2 }));
  r.on('GET', '/tick-size', (req) => json({ minimum_tick_size: Number(token(req).meta.tickSize) }));
  r.on('GET', '/neg-risk', (req) => json({ neg_risk: token(req).meta.negRisk }));
  // A constant legacy ceiling, not the fee rate (spec §9).
  r.on('GET', '/fee-rate', (req) => json({ base_fee: token(req).meta.feeRate > 0 ? 1000 : 0 }));
  r.on('GET', '/clob-markets/:cid', (req) => {
    const m = venue.marketByCondition(req.params.cid!);
    if (!m) throw new ClobError(404, MSG.marketNotFound);
    return json(clobMarketInfo(m, venue));
  });
  r.on('GET', '/markets-by-token/:tid', (req) => {
    const { meta } = venue.tokenOrThrow(req.params.tid);
    return json({ condition_id: meta.conditionId, primary_token_id: meta.yesTokenId, secondary_token_id: meta.noTokenId });
  });
  r.on('GET', '/markets/:cid', (req) => {
    const m = venue.marketByCondition(req.params.cid!);
    if (!m) throw new ClobError(404, MSG.marketNotFound);
    return json(clobMarket(m));
  });
  const polyMarkets = (): SimMarket[] => [...ctx.markets.values()].filter((m) => m.polymarket);
  for (const path of ['/markets', '/sampling-markets', '/simplified-markets', '/sampling-simplified-markets']) {
    r.on('GET', path, (req) => json(page(polyMarkets().map(clobMarket), req.query.get('next_cursor'), 500)));
  }
  r.on('GET', '/book', (req) => {
    const { market, outcome } = token(req);
    return json(bookSummary(market, outcome, ctx.clock.now()));
  });
  r.on('POST', '/books', (req) => {
    const items = batchItems(parseJson(req));
    return json(items.map((it) => {
      const { market, outcome } = venue.tokenOrThrow(it.token_id);
      return bookSummary(market, outcome, ctx.clock.now());
    }));
  });
  const best = (m: SimMarket, o: Outcome, side: string | null): string => {
    const b = tokenBook(m, o);
    // BUY -> best ask, SELL -> best bid (docs, spec §9).
    const s = (side ?? '').toUpperCase();
    if (s !== 'BUY' && s !== 'SELL') throw new ClobError(400, 'Invalid side');
    const lv = s === 'BUY' ? b.asks[0] : b.bids[0];
    return lv ? formatPxTrim(lv[0]) : '0';
  };
  const mid = (m: SimMarket, o: Outcome): string => {
    const b = tokenBook(m, o);
    if (!b.bids[0] || !b.asks[0]) return '0';
    return formatBase(BigInt(b.bids[0][0] + b.asks[0][0]) * 50n);
  };
  const spread = (m: SimMarket, o: Outcome): string => {
    const b = tokenBook(m, o);
    if (!b.bids[0] || !b.asks[0]) return '0';
    return formatPxTrim(b.asks[0][0] - b.bids[0][0]);
  };
  r.on('GET', '/price', (req) => {
    const { market, outcome } = token(req);
    return json({ price: best(market, outcome, req.query.get('side')) });
  });
  r.on('GET', '/midpoint', (req) => {
    const { market, outcome } = token(req);
    return json({ mid: mid(market, outcome) });
  });
  r.on('GET', '/spread', (req) => {
    const { market, outcome } = token(req);
    return json({ spread: spread(market, outcome) });
  });
  r.on('GET', '/last-trade-price', (req) => {
    const { market, outcome } = token(req);
    const p = lastTradePrice(market, outcome);
    return json({ price: p || '0.5', side: '' });
  });
  r.on('POST', '/prices', (req) => {
    const out: Record<string, Record<string, string>> = {};
    for (const it of batchItems(parseJson(req))) {
      const { market, outcome } = venue.tokenOrThrow(it.token_id);
      (out[it.token_id] ??= {})[String(it.side).toUpperCase()] = best(market, outcome, it.side ?? null);
    }
    return json(out);
  });
  r.on('POST', '/midpoints', (req) => {
    const out: Record<string, string> = {};
    for (const it of batchItems(parseJson(req))) {
      const { market, outcome } = venue.tokenOrThrow(it.token_id);
      out[it.token_id] = mid(market, outcome);
    }
    return json(out);
  });
  r.on('POST', '/spreads', (req) => {
    const out: Record<string, string> = {};
    for (const it of batchItems(parseJson(req))) {
      const { market, outcome } = venue.tokenOrThrow(it.token_id);
      out[it.token_id] = spread(market, outcome);
    }
    return json(out);
  });
  r.on('POST', '/last-trades-prices', (req) =>
    json(batchItems(parseJson(req)).map((it) => {
      const { market, outcome } = venue.tokenOrThrow(it.token_id);
      return { token_id: it.token_id, price: lastTradePrice(market, outcome) || '0.5', side: '' };
    })),
  );
  r.on('GET', '/fees/builder-fees/:code', () => json({ builder_maker_fee_rate_bps: 0, builder_taker_fee_rate_bps: 0 }));

  // ---- L1: API keys ------------------------------------------------------------------------------
  r.on('POST', '/auth/api-key', async (req) => {
    const id = await l1(req);
    const c = venue.keys.create(id.address, id.nonce);
    return json({ apiKey: c.apiKey, secret: c.secret, passphrase: c.passphrase });
  });
  r.on('GET', '/auth/derive-api-key', async (req) => {
    const id = await l1(req);
    const c = venue.keys.deriveExisting(id.address, id.nonce);
    return json({ apiKey: c.apiKey, secret: c.secret, passphrase: c.passphrase });
  });

  // ---- L2 ----------------------------------------------------------------------------------------
  r.on('GET', '/auth/api-keys', (req) => {
    const a = l2(req);
    return json({ apiKeys: venue.keys.keysOf(a.account).map((k) => k.apiKey) });
  });
  r.on('DELETE', '/auth/api-key', (req) => {
    const a = l2(req);
    venue.keys.revoke(a.creds.apiKey);
    return json('OK');
  });
  r.on('GET', '/auth/ban-status/closed-only', (req) => {
    l2(req);
    return json({ closed_only: false });
  });
  r.on('POST', '/order', async (req) => {
    const a = l2(req);
    const ans = await venue.placeOrder(a, parseJson(req), '/order');
    return json(ans.body, ans.status);
  });
  r.on('POST', '/orders', async (req) => {
    const a = l2(req);
    return json(await venue.placeBatch(a, parseJson(req), '/orders'));
  });
  r.on('DELETE', '/order', (req) => {
    const a = l2(req);
    const b = parseJson(req) as { orderID?: unknown } | null;
    if (!b || typeof b.orderID !== 'string') throw new ClobError(400, 'Invalid order payload');
    return json(venue.cancel(a, [b.orderID]));
  });
  r.on('DELETE', '/orders', (req) => {
    const a = l2(req);
    const b = parseJson(req);
    if (!Array.isArray(b) || !b.every((x) => typeof x === 'string')) throw new ClobError(400, 'Invalid order payload');
    if (b.length > 3000) throw new ClobError(400, `Too many orders in payload: ${b.length}, max allowed: 3000`);
    return json(venue.cancel(a, b));
  });
  r.on('DELETE', '/cancel-all', (req) => {
    const a = l2(req);
    return json(venue.cancel(a, venue.openOrders(a.account).filter((o) => o.apiKey === a.creds.apiKey).map((o) => o.id)));
  });
  r.on('DELETE', '/cancel-market-orders', (req) => {
    const a = l2(req);
    const b = (parseJson(req) ?? {}) as { market?: unknown; asset_id?: unknown };
    const market = typeof b.market === 'string' && b.market ? b.market : null;
    const assetId = typeof b.asset_id === 'string' && b.asset_id ? b.asset_id : null;
    if (!market && !assetId) throw new ClobError(400, 'Invalid order payload');
    return json(venue.cancel(a, venue.openOrders(a.account, { market, assetId }).map((o) => o.id)));
  });
  r.on('GET', '/data/order/:id', (req) => {
    const a = l2(req);
    const rec = venue.orders.get(req.params.id!);
    return json(rec && rec.accountId === a.account.id ? venue.orderView(rec) : null);
  });
  r.on('GET', '/data/orders', (req) => {
    const a = l2(req);
    const id = req.query.get('id');
    let recs;
    if (id) {
      const rec = venue.orders.get(id);
      recs = rec && rec.accountId === a.account.id ? [rec] : [];
    } else {
      recs = venue.openOrders(a.account, { market: req.query.get('market'), assetId: req.query.get('asset_id') });
    }
    return json(page(recs.map((x) => venue.orderView(x)), req.query.get('next_cursor'), 500));
  });
  r.on('GET', '/data/pre-migration-orders', (req) => {
    l2(req);
    return json(page([], req.query.get('next_cursor'), 500));
  });
  r.on('GET', '/data/trades', (req) => {
    const a = l2(req);
    const q = req.query;
    const id = q.get('id');
    const marketQ = q.get('market')?.toLowerCase();
    const asset = q.get('asset_id');
    const makerAddr = q.get('maker_address')?.toLowerCase();
    const before = q.get('before');
    const after = q.get('after');
    const views = venue
      .tradesOf(a.account)
      .filter((t) => (!id || t.id === id) && (!before || t.matchTimeMs / 1000 < Number(before)) && (!after || t.matchTimeMs / 1000 > Number(after)))
      .map((t) => venue.tradeView(t, a.account))
      .filter(
        (v) =>
          (!marketQ || String(v.market).toLowerCase() === marketQ) &&
          (!asset || v.asset_id === asset || (v.maker_orders as { asset_id: string }[])[0]?.asset_id === asset) &&
          (!makerAddr || String(v.maker_address).toLowerCase() === makerAddr),
      );
    return json(page(views, q.get('next_cursor'), 500));
  });
  const balance = (req: HttpRequest): HttpResponse => {
    const a = l2(req);
    const pm = a.account.polymarket!;
    const q = req.query;
    const assetType = q.get('asset_type');
    const sigType = q.get('signature_type');
    // The wallet is derived from the EOA + signature_type; the wrong type shows another (empty) wallet.
    const sameWallet = sigType === null || Number(sigType) === pm.signatureType;
    const allowances = { [EXCHANGE_V2]: MAX_UINT256, [NEG_RISK_EXCHANGE_V2]: MAX_UINT256, [EXCHANGE_V3]: MAX_UINT256 };
    if (assetType === 'COLLATERAL') {
      return json({ balance: sameWallet ? String(Math.max(0, a.account.cash)) : '0', allowances });
    }
    if (assetType === 'CONDITIONAL') {
      const { market, outcome } = venue.tokenOrThrow(q.get('token_id'));
      const pos = a.account.positions.get(market.id);
      const held = pos ? (outcome === 'yes' ? pos.yes : pos.no) : 0;
      return json({ balance: sameWallet ? String(BigInt(held) * BASE_PER_QTY) : '0', allowances });
    }
    throw new ClobError(400, 'Invalid asset type');
  };
  r.on('GET', '/balance-allowance', balance);
  r.on('GET', '/balance-allowance/update', balance);
  r.on('POST', '/v1/heartbeats', (req) => {
    const a = l2(req);
    return json({ heartbeat_id: heartbeats.beat(a) });
  });
  r.on('POST', '/heartbeats', (req) => {
    const a = l2(req);
    heartbeats.beat(a);
    return json({ status: 'ok' });
  });
  r.on('GET', '/notifications', (req) => {
    l2(req);
    return json([]);
  });
  r.on('DELETE', '/notifications', (req) => {
    l2(req);
    return json('OK');
  });

  return r;
}

function batchItems(raw: unknown): { token_id: string; side?: string }[] {
  if (!Array.isArray(raw) || raw.length > 500) throw new ClobError(400, 'Invalid payload: expected an array of at most 500 {token_id, side}');
  return raw.map((x) => {
    if (!x || typeof x !== 'object' || typeof (x as { token_id?: unknown }).token_id !== 'string') throw new ClobError(400, MSG.invalidTokenId);
    return x as { token_id: string; side?: string };
  });
}

/**
 * Dead-man switch (spec §11): once a key starts a heartbeat chain it must beat at least every
 * 10 s (checked every 5 s), else all its open orders are cancelled.
 */
class Heartbeats {
  private readonly last = new Map<string, { at: number; auth: Authenticated }>();
  private timer: { cancel(): void } | null = null;
  private seq = 0;

  constructor(private readonly venue: PolyVenue) {}

  beat(a: Authenticated): string {
    const ctx = this.venue.ctx;
    this.last.set(a.creds.apiKey, { at: ctx.clock.now(), auth: a });
    this.timer ??= ctx.clock.every(5_000, () => this.check());
    // Own id stream: heartbeat traffic must not shift the context's order / trade ids.
    const h = createHash('sha256').update(`heartbeat|${ctx.seed}|${a.creds.apiKey}|${++this.seq}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  private check(): void {
    const now = this.venue.ctx.clock.now();
    for (const [key, { at, auth }] of this.last) {
      if (now - at <= 10_000) continue;
      this.last.delete(key);
      for (const o of this.venue.openOrders(auth.account)) {
        if (o.apiKey === key) this.venue.ctx.cancelOrder(auth.account.id, o.id, 'heartbeat');
      }
    }
    if (this.last.size === 0) {
      this.timer?.cancel();
      this.timer = null;
    }
  }
}
