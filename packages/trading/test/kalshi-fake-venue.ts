// A small Kalshi look-alike on 127.0.0.1 for the client tests: verifies RSA-PSS signatures with
// node:crypto directly (independently of src/kalshi/auth.ts), matches V2 and legacy orders against
// a per-market YES book, answers with today's fixed-point shapes, paginates with cursors, and
// lets a test override or stall any request.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { constants, verify, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

type Px = number;
type Qty = number;

export interface FakeMarket {
  ticker: string;
  eventTicker: string;
  status?: 'active' | 'closed';
  /** Dollar strings, as Kalshi sends them. */
  priceRanges?: { start: string; end: string; step: string }[];
  /** Resting YES bids (someone buying YES) and YES asks (someone selling YES), [price Px, qty Qty]. */
  yesBids?: [Px, Qty][];
  yesAsks?: [Px, Qty][];
  /** Default true. */
  fractional?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** Signature verified (null: endpoint needs no auth and none was checked). */
  authOk: boolean | null;
}

export type Override = (req: RecordedRequest) => { status: number; body?: unknown; raw?: string; headers?: Record<string, string> } | 'hang' | undefined;

const fmt = (v: number, scale: number): string => {
  const neg = v < 0;
  const a = Math.abs(v);
  const unit = 10 ** scale;
  return `${neg ? '-' : ''}${Math.floor(a / unit)}.${String(a % unit).padStart(scale, '0')}`;
};
const px$ = (p: Px): string => fmt(p, 4);
const qtyFp = (q: Qty): string => fmt(q, 2);
const micros$ = (m: number): string => fmt(m, 6);
const parseDec = (s: string, scale: number): number => {
  const [i, f = ''] = s.split('.');
  return Number(i) * 10 ** scale + Number((f + '0'.repeat(scale)).slice(0, scale));
};

export class FakeKalshiVenue {
  readonly requests: RecordedRequest[] = [];
  readonly markets = new Map<string, FakeMarket>();
  readonly orders: Record<string, unknown>[] = [];
  readonly fills: Record<string, unknown>[] = [];
  events: Record<string, unknown>[] = [];
  series: Record<string, unknown>[] = [];
  positions: Record<string, unknown>[] = [];
  balanceMicros = 1_000_000_000;
  override: Override | undefined;
  /** Process the order but never answer (a lost answer). */
  hangOrderAnswers = false;
  /** Omit from GET orders by id (simulate a failing detail fetch). */
  failOrderGets = false;
  #server: Server;
  #publicKey: KeyObject;
  #nextId = 1;
  url = '';

  private constructor(publicKey: KeyObject) {
    this.#publicKey = publicKey;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  static async start(publicKey: KeyObject): Promise<FakeKalshiVenue> {
    const v = new FakeKalshiVenue(publicKey);
    await new Promise<void>((resolve) => v.#server.listen(0, '127.0.0.1', resolve));
    const port = (v.#server.address() as AddressInfo).port;
    v.url = `http://127.0.0.1:${port}/trade-api/v2`;
    return v;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  addMarket(m: FakeMarket): void {
    this.markets.set(m.ticker, m);
  }

  /** Requests whose path ends with `suffix` (and method, when given). */
  seen(suffix: string, method?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith(suffix) && (!method || r.method === method));
  }

  #verify(req: IncomingMessage, path: string): boolean {
    const key = req.headers['kalshi-access-key'];
    const sig = req.headers['kalshi-access-signature'];
    const ts = req.headers['kalshi-access-timestamp'];
    if (typeof key !== 'string' || typeof sig !== 'string' || typeof ts !== 'string') return false;
    const msg = Buffer.from(ts + req.method + path);
    return verify('sha256', msg, { key: this.#publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(sig, 'base64'));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url ?? '/', 'http://x');
    const needsAuth = u.pathname.includes('/portfolio/');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: u.searchParams,
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
      authOk: needsAuth ? this.#verify(req, u.pathname) : null,
    };
    this.requests.push(rec);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}, raw?: string): void => {
      const s = raw ?? (body === undefined ? '' : JSON.stringify(body));
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(s);
    };
    const o = this.override?.(rec);
    if (o === 'hang') return;
    if (o) return send(o.status, o.body, o.headers, o.raw);
    if (rec.authOk === false)
      return send(401, { error: { code: 'authentication_error', message: 'authentication failed', service: 'api' } });
    const base = '/trade-api/v2';
    if (!u.pathname.startsWith(base)) return send(404, { error: { code: 'not_found', message: 'not found' } });
    const p = u.pathname.slice(base.length);
    const m = /^\/portfolio\/(events\/)?orders(?:\/([^/]+))?$/.exec(p);
    if (m && rec.method === 'POST' && !m[2]) {
      const out = this.#placeOrder(m[1] ? 'v2' : 'legacy', rec.body as Record<string, unknown>);
      if (this.hangOrderAnswers && out.status === 201) return; // processed, answer lost
      return send(out.status, out.body);
    }
    if (m && rec.method === 'DELETE' && m[2]) return this.#cancel(m[2], !!m[1], send);
    if (p.startsWith('/portfolio/orders/') && rec.method === 'GET') {
      const id = decodeURIComponent(p.slice('/portfolio/orders/'.length));
      const ord = this.orders.find((x) => x.order_id === id);
      if (!ord || this.failOrderGets) return send(404, { error: { code: 'not_found', message: 'order not found', service: 'exchange' } });
      return send(200, { order: ord });
    }
    if (p === '/portfolio/orders') {
      let list = this.orders;
      const t = u.searchParams.get('ticker');
      if (t) list = list.filter((x) => x.ticker === t);
      return this.#page(u, 'orders', list, send);
    }
    if (p === '/portfolio/fills') return this.#page(u, 'fills', this.fills, send);
    if (p === '/portfolio/positions') return this.#page(u, 'market_positions', this.positions, send, { event_positions: [] });
    if (p === '/portfolio/balance')
      return send(200, { balance: Math.floor(this.balanceMicros / 10_000), balance_dollars: fmt(this.balanceMicros / 100, 4), portfolio_value: 0, updated_ts: 1767225600 });
    if (p === '/markets') return this.#page(u, 'markets', [...this.markets.values()].map((x) => this.#marketWire(x)), send);
    if (p.startsWith('/markets/')) {
      const mk = this.markets.get(decodeURIComponent(p.slice('/markets/'.length)));
      if (!mk) return send(404, { error: { code: 'market_not_found', message: 'market not found', service: 'exchange' } });
      return send(200, { market: this.#marketWire(mk) });
    }
    if (p === '/events') return this.#page(u, 'events', this.events, send);
    if (p === '/series') return this.#page(u, 'series', this.series, send);
    if (p === '/exchange/status') return send(200, { exchange_active: true, trading_active: true });
    return send(404, { error: { code: 'not_found', message: `no route ${p}` } });
  }

  #page(u: URL, key: string, list: unknown[], send: (s: number, b: unknown) => void, extra: Record<string, unknown> = {}): void {
    const limit = Number(u.searchParams.get('limit') ?? 100);
    const off = Number(u.searchParams.get('cursor') || 0);
    const items = list.slice(off, off + limit);
    const next = off + limit < list.length ? String(off + limit) : '';
    send(200, { [key]: items, cursor: next, ...extra });
  }

  #marketWire(m: FakeMarket): Record<string, unknown> {
    const bestBid = m.yesBids?.length ? Math.max(...m.yesBids.map((x) => x[0])) : null;
    const bestAsk = m.yesAsks?.length ? Math.min(...m.yesAsks.map((x) => x[0])) : null;
    return {
      ticker: m.ticker,
      event_ticker: m.eventTicker,
      market_type: 'binary',
      status: m.status ?? 'active',
      yes_bid_dollars: bestBid === null ? '0.0000' : px$(bestBid),
      yes_ask_dollars: bestAsk === null ? '1.0000' : px$(bestAsk),
      no_bid_dollars: bestAsk === null ? '0.0000' : px$(10_000 - bestAsk),
      no_ask_dollars: bestBid === null ? '1.0000' : px$(10_000 - bestBid),
      last_price_dollars: '0.5000',
      volume_fp: '1234.00',
      open_interest_fp: '10.50',
      price_level_structure: 'custom',
      price_ranges: m.priceRanges ?? [{ start: '0.0000', end: '1.0000', step: '0.0100' }],
      fractional_trading_enabled: m.fractional ?? true,
      exchange_index: 0,
    };
  }

  #placeOrder(ep: 'v2' | 'legacy', b: Record<string, unknown>): { status: number; body: unknown } {
    const err = (status: number, code: string, message: string): { status: number; body: unknown } => ({
      status,
      body: { error: { code, message, service: 'exchange' } },
    });
    const mk = this.markets.get(String(b.ticker));
    if (!mk) return err(404, 'market_not_found', 'market not found');
    if (mk.status === 'closed') return err(400, 'market_closed', 'market is closed');
    if (typeof b.client_order_id === 'string' && this.orders.some((x) => x.client_order_id === b.client_order_id))
      return err(409, 'order_already_exists', 'an order with this client_order_id already exists');
    let bookSide: 'bid' | 'ask';
    let yesPx: Px;
    let count: Qty;
    if (ep === 'v2') {
      if (b.side !== 'bid' && b.side !== 'ask') return err(400, 'invalid_parameters', 'side must be bid or ask');
      if (!b.self_trade_prevention_type) return err(400, 'invalid_parameters', 'self_trade_prevention_type required');
      bookSide = b.side;
      yesPx = parseDec(String(b.price), 4);
      count = parseDec(String(b.count), 2);
    } else {
      const buy = b.action === 'buy';
      const yes = b.side === 'yes';
      bookSide = buy === yes ? 'bid' : 'ask';
      const sidePx = parseDec(String(yes ? b.yes_price_dollars : b.no_price_dollars), 4);
      yesPx = yes ? sidePx : 10_000 - sidePx;
      count = typeof b.count === 'number' ? b.count * 100 : parseDec(String(b.count_fp), 2);
    }
    const ranges = (mk.priceRanges ?? [{ start: '0', end: '1', step: '0.01' }]).map((r) => ({ s: parseDec(r.start, 4), e: parseDec(r.end, 4), st: parseDec(r.step, 4) }));
    if (yesPx <= 0 || yesPx >= 10_000 || !ranges.some((r) => yesPx >= r.s && yesPx <= r.e && (yesPx - r.s) % r.st === 0))
      return err(400, 'invalid_price', 'price is not on the market price grid');
    // Match against the opposite resting side at the resting prices.
    const book = bookSide === 'bid' ? (mk.yesAsks ??= []) : (mk.yesBids ??= []);
    book.sort((a, c) => (bookSide === 'bid' ? a[0] - c[0] : c[0] - a[0]));
    const crosses = (lvl: Px): boolean => (bookSide === 'bid' ? lvl <= yesPx : lvl >= yesPx);
    const available = book.filter((l) => crosses(l[0])).reduce((s, l) => s + l[1], 0);
    const tif = String(b.time_in_force);
    const fills: [Px, Qty][] = [];
    if (!(tif === 'fill_or_kill' && available < count)) {
      let left = count;
      for (const lvl of book) {
        if (left === 0 || !crosses(lvl[0])) break;
        const q = Math.min(left, lvl[1]);
        fills.push([lvl[0], q]);
        left -= q;
      }
    }
    const filled = fills.reduce((s, f) => s + f[1], 0);
    const yesNotional = fills.reduce((s, f) => s + f[0] * f[1], 0);
    const outcome = bookSide === 'bid' ? 'yes' : 'no';
    const longCost = outcome === 'yes' ? yesNotional : filled * 10_000 - yesNotional;
    const rawFee = fills.reduce((s, f) => s + (7 * f[1] * f[0] * (10_000 - f[0])) / 1e6, 0);
    const fee = Math.ceil(rawFee / 10_000 - 1e-9) * 10_000;
    if (longCost + fee > this.balanceMicros) return err(400, 'insufficient_balance', 'insufficient balance');
    this.balanceMicros -= longCost + fee;
    for (const [fp, fq] of fills) book.find((l) => l[0] === fp)![1] -= fq;
    for (let i = book.length - 1; i >= 0; i--) if (book[i]![1] === 0) book.splice(i, 1);
    const remaining = tif === 'good_till_canceled' ? count - filled : 0;
    const status = filled === count ? 'executed' : remaining > 0 ? 'resting' : 'canceled';
    const id = `ord-${this.#nextId++}`;
    const now = new Date().toISOString();
    const order: Record<string, unknown> = {
      order_id: id,
      user_id: 'user-1',
      client_order_id: b.client_order_id,
      ticker: mk.ticker,
      outcome_side: outcome,
      book_side: bookSide,
      type: 'limit',
      status,
      yes_price_dollars: px$(yesPx),
      no_price_dollars: px$(10_000 - yesPx),
      initial_count_fp: qtyFp(count),
      fill_count_fp: qtyFp(filled),
      remaining_count_fp: qtyFp(remaining),
      taker_fill_cost_dollars: micros$(longCost),
      maker_fill_cost_dollars: '0.0000',
      taker_fees_dollars: micros$(fee),
      maker_fees_dollars: '0.0000',
      created_time: now,
      last_update_time: now,
      self_trade_prevention_type: b.self_trade_prevention_type ?? null,
      exchange_index: 0,
    };
    if (ep === 'legacy') Object.assign(order, { side: b.side, action: b.action });
    this.orders.push(order);
    for (const [fp, fq] of fills) {
      this.fills.push({
        fill_id: `fill-${this.#nextId++}`,
        trade_id: 'x',
        order_id: id,
        ticker: mk.ticker,
        outcome_side: outcome,
        book_side: bookSide,
        count_fp: qtyFp(fq),
        yes_price_dollars: px$(fp),
        no_price_dollars: px$(10_000 - fp),
        is_taker: true,
        fee_cost: '0.0100',
        created_time: now,
        exchange_index: 0,
      });
    }
    if (ep === 'legacy') return { status: 201, body: { order } };
    const answer: Record<string, unknown> = {
      order_id: id,
      client_order_id: b.client_order_id,
      fill_count: qtyFp(filled),
      remaining_count: qtyFp(remaining),
      ts_ms: Date.now(),
    };
    if (filled > 0) {
      answer.average_fill_price = micros$(Math.round((yesNotional * 100) / filled));
      answer.average_fee_paid = micros$(Math.round((fee * 100) / filled));
    }
    return { status: 201, body: answer };
  }

  #cancel(id: string, v2: boolean, send: (s: number, b: unknown) => void): void {
    const ord = this.orders.find((x) => x.order_id === id);
    if (!ord) return send(404, { error: { code: 'not_found', message: 'order not found', service: 'exchange' } });
    const rem = ord.remaining_count_fp as string;
    ord.status = 'canceled';
    ord.remaining_count_fp = '0.00';
    if (v2) return send(200, { order_id: id, client_order_id: ord.client_order_id, reduced_by: rem, ts_ms: Date.now() });
    return send(200, { order: ord, reduced_by_fp: rem });
  }
}
