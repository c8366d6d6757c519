// Kalshi WebSocket /trade-api/ws/v2 (spec kalshi.md §5): authenticated upgrade, subscribe /
// unsubscribe / update_subscription / list_subscriptions, channel orderbook_delta
// (orderbook_snapshot then orderbook_delta, one `seq` counter per sid), plus trade, fill and
// user_orders; Ping "heartbeat" every 10 s; documented error codes; WS faults.

import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { PX_ONE, formatPx, formatQty } from '@parity/trading';
import type { SimAccount } from '../accounts.ts';
import type { SimContext } from '../context.ts';
import type { SimEvent } from '../events.ts';
import type { SimMarket } from '../markets.ts';
import { checkKalshiAuth, DEFAULT_AUTH_WINDOW_MS } from './auth.ts';
import { bookLevels, dollars, iso, outcomeSide } from './format.ts';

export const KALSHI_WS_PATH = '/trade-api/ws/v2';

const CHANNELS = ['orderbook_delta', 'trade', 'fill', 'user_orders'] as const;
type Channel = (typeof CHANNELS)[number];
/** Real Kalshi channels the simulator does not serve (answered with error 10, not 8). */
const UNSERVED = new Set(['ticker', 'market_positions', 'market_lifecycle_v2', 'multivariate_market_lifecycle', 'communications', 'order_group_updates', 'cfbenchmarks_value', 'pyth_value']);

interface Sub {
  sid: number;
  channel: Channel;
  conn: Conn;
  /** Market ids (tickers); empty = all markets (trade/fill/user_orders without a filter). */
  markets: Set<string>;
  seq: number;
  useYesPrice: boolean;
}

interface Conn {
  ws: WebSocket;
  account: SimAccount;
  subs: Map<number, Sub>;
  nextSid: number;
  /** A frame held back by a ws_reorder fault, sent after the next one. */
  held: string | null;
}

export interface KalshiWsOptions {
  authWindowMs?: number;
  /** Ping interval (Kalshi: 10 s). */
  heartbeatMs?: number;
}

/** Kalshi's market_id is a UUID; derive a stable one from the ticker. */
function marketUuid(ticker: string): string {
  const h = createHash('sha1').update(`kalshi-market:${ticker}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class KalshiWsServer {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly conns = new Set<Conn>();
  /** orderbook_delta / trade subscriptions by market id. */
  private readonly bookSubs = new Map<string, Set<Sub>>();
  private readonly tradeSubs = new Set<Sub>();
  private readonly privateSubs = new Set<Sub>();
  private readonly uuids = new Map<string, string>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly offBus: () => void;
  private readonly offFaults: () => void;
  private readonly windowMs: number;
  /** Sockets corked for the current tick: frames of one burst leave in one write. */
  private readonly corked: Socket[] = [];

  constructor(
    private readonly ctx: SimContext,
    opts: KalshiWsOptions = {},
  ) {
    this.windowMs = opts.authWindowMs ?? DEFAULT_AUTH_WINDOW_MS;
    this.heartbeat = setInterval(() => {
      if (this.frozen()) return;
      for (const c of this.conns) if (c.ws.readyState === c.ws.OPEN) c.ws.ping('heartbeat');
    }, opts.heartbeatMs ?? 10_000);
    this.heartbeat.unref();
    this.offBus = ctx.bus.on((e) => this.onEvent(e));
    this.offFaults = ctx.faults.onChange((ev, f) => {
      if (ev === 'added' && f.kind === 'ws_drop' && (f.venue === 'kalshi' || f.venue === '*')) {
        this.dropAll();
        ctx.faults.remove(f.id);
      }
    });
  }

  /** Number of open connections (tests, dashboards). */
  get connectionCount(): number {
    return this.conns.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (path !== KALSHI_WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    void checkKalshiAuth(this.ctx, req.headers, 'GET', url, this.windowMs).then((auth) => {
      if (socket.destroyed) return;
      if (!auth.ok) {
        const body = JSON.stringify({ error: { code: 'authentication_error', message: 'authentication error', service: 'auth' } });
        socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, auth.account));
    });
  }

  /** Close every socket (ws_drop fault). */
  dropAll(code = 1006): void {
    for (const c of [...this.conns]) {
      if (code === 1006) c.ws.terminate();
      else c.ws.close(code);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.offBus();
    this.offFaults();
    for (const c of [...this.conns]) c.ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }

  // ---- connection ----------------------------------------------------------------------------

  private onConnection(ws: WebSocket, account: SimAccount): void {
    const conn: Conn = { ws, account, subs: new Map(), nextSid: 1, held: null };
    this.conns.add(conn);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.error(conn, 0, 1, 'Unable to process message');
      this.onCommand(conn, data.toString());
    });
    ws.on('close', () => this.drop(conn));
    ws.on('error', () => this.drop(conn));
  }

  private drop(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    for (const s of conn.subs.values()) this.unindex(s);
    conn.subs.clear();
  }

  private onCommand(conn: Conn, text: string): void {
    let m: unknown;
    try {
      m = JSON.parse(text);
    } catch {
      return this.error(conn, 0, 1, 'Unable to process message');
    }
    if (typeof m !== 'object' || m === null) return this.error(conn, 0, 1, 'Unable to process message');
    const msg = m as { id?: unknown; cmd?: unknown; params?: unknown };
    const id = typeof msg.id === 'number' ? msg.id : 0;
    const params = (typeof msg.params === 'object' && msg.params !== null ? msg.params : undefined) as Record<string, unknown> | undefined;
    switch (msg.cmd) {
      case 'subscribe':
        return this.subscribe(conn, id, params);
      case 'unsubscribe':
        return this.unsubscribe(conn, id, params);
      case 'update_subscription':
        return this.update(conn, id, params);
      case 'list_subscriptions':
        return this.reply(conn, { id, type: 'ok', msg: [...conn.subs.values()].map((s) => ({ channel: s.channel, sid: s.sid })) });
      default:
        return this.error(conn, id, 5, 'Unknown command');
    }
  }

  private tickersParam(params: Record<string, unknown>): string[] | null {
    if (typeof params.market_ticker === 'string') return [params.market_ticker];
    if (Array.isArray(params.market_tickers)) return params.market_tickers.filter((t): t is string => typeof t === 'string');
    return null;
  }

  private subscribe(conn: Conn, id: number, params: Record<string, unknown> | undefined): void {
    if (!params) return this.error(conn, id, 2, 'Params required');
    const channels = params.channels;
    if (!Array.isArray(channels) || channels.length === 0) return this.error(conn, id, 3, 'Channels required');
    const tickers = this.tickersParam(params);
    if (params.use_yes_price !== undefined && typeof params.use_yes_price !== 'boolean') return this.error(conn, id, 11, 'Invalid parameter');
    const useYes = params.use_yes_price === true;
    for (const ch of channels) {
      if (typeof ch !== 'string' || !(CHANNELS as readonly string[]).includes(ch)) {
        if (typeof ch === 'string' && UNSERVED.has(ch)) this.error(conn, id, 10, `Channel ${ch} is not served by the simulator`);
        else this.error(conn, id, 8, 'Unknown channel name');
        continue;
      }
      const channel = ch as Channel;
      if (channel === 'orderbook_delta' && (!tickers || tickers.length === 0)) {
        this.error(conn, id, 14, 'Market Ticker required');
        continue;
      }
      const markets = new Set<string>();
      let missing: string | null = null;
      for (const t of tickers ?? []) {
        if (!this.ctx.marketByKalshiTicker(t)) {
          missing = t;
          break;
        }
        markets.add(t);
      }
      if (missing) {
        this.reply(conn, { id, type: 'error', msg: { code: 16, msg: 'Market not found', market_ticker: missing } });
        continue;
      }
      const dup = [...conn.subs.values()].some((s) => s.channel === channel && (s.markets.size === 0 || markets.size === 0 || [...markets].some((t) => s.markets.has(t))));
      if (dup) {
        this.error(conn, id, 6, 'Already subscribed');
        continue;
      }
      const sub: Sub = { sid: conn.nextSid++, channel, conn, markets, seq: 0, useYesPrice: useYes };
      conn.subs.set(sub.sid, sub);
      this.index(sub);
      this.reply(conn, { id, type: 'subscribed', msg: { channel, sid: sub.sid } });
      if (channel === 'orderbook_delta') for (const t of markets) this.snapshot(sub, this.ctx.market(t)!);
    }
  }

  private unsubscribe(conn: Conn, id: number, params: Record<string, unknown> | undefined): void {
    if (!params) return this.error(conn, id, 2, 'Params required');
    const sids = params.sids;
    if (!Array.isArray(sids) || sids.length === 0) return this.error(conn, id, 4, 'Subscription IDs required');
    for (const sid of sids) {
      const s = typeof sid === 'number' ? conn.subs.get(sid) : undefined;
      if (!s) {
        this.error(conn, id, 7, 'Unknown subscription ID');
        continue;
      }
      conn.subs.delete(s.sid);
      this.unindex(s);
      s.seq++;
      this.reply(conn, { id, sid: s.sid, seq: s.seq, type: 'unsubscribed' });
    }
  }

  private update(conn: Conn, id: number, params: Record<string, unknown> | undefined): void {
    if (!params) return this.error(conn, id, 2, 'Params required');
    let sid: unknown = params.sid;
    if (sid === undefined && Array.isArray(params.sids)) {
      if (params.sids.length !== 1) return this.error(conn, id, 12, 'Exactly one subscription ID is required');
      sid = params.sids[0];
    }
    if (sid === undefined) return this.error(conn, id, 12, 'Exactly one subscription ID is required');
    const s = typeof sid === 'number' ? conn.subs.get(sid) : undefined;
    if (!s) return this.error(conn, id, 7, 'Unknown subscription ID');
    const action = params.action;
    if (action === undefined) return this.error(conn, id, 15, 'Action required');
    if (action !== 'add_markets' && action !== 'delete_markets' && action !== 'get_snapshot') return this.error(conn, id, 13, 'Unsupported action');
    const tickers = this.tickersParam(params);
    if (!tickers || tickers.length === 0) return this.error(conn, id, 14, 'Market Ticker required');
    for (const t of tickers) {
      if (!this.ctx.marketByKalshiTicker(t)) return this.reply(conn, { id, type: 'error', msg: { code: 16, msg: 'Market not found', market_ticker: t } });
    }
    if (action === 'get_snapshot') {
      if (s.channel !== 'orderbook_delta') return this.error(conn, id, 13, 'Unsupported action');
      s.seq++;
      this.reply(conn, { id, sid: s.sid, seq: s.seq, type: 'ok', msg: { market_tickers: [...s.markets] } });
      for (const t of tickers) if (s.markets.has(t)) this.snapshot(s, this.ctx.market(t)!);
      return;
    }
    this.unindex(s);
    if (action === 'add_markets') for (const t of tickers) s.markets.add(t);
    else for (const t of tickers) s.markets.delete(t);
    this.index(s);
    s.seq++;
    this.reply(conn, { id, sid: s.sid, seq: s.seq, type: 'ok', msg: { market_tickers: [...s.markets] } });
    if (action === 'add_markets' && s.channel === 'orderbook_delta') for (const t of tickers) this.snapshot(s, this.ctx.market(t)!);
  }

  private index(s: Sub): void {
    if (s.channel === 'orderbook_delta' || (s.channel === 'trade' && s.markets.size > 0)) {
      for (const t of s.markets) {
        let set = this.bookSubs.get(t);
        if (!set) this.bookSubs.set(t, (set = new Set()));
        set.add(s);
      }
    } else if (s.channel === 'trade') this.tradeSubs.add(s);
    else this.privateSubs.add(s);
  }

  private unindex(s: Sub): void {
    for (const t of s.markets) this.bookSubs.get(t)?.delete(s);
    this.tradeSubs.delete(s);
    this.privateSubs.delete(s);
  }

  // ---- data ----------------------------------------------------------------------------------

  private uuid(ticker: string): string {
    let u = this.uuids.get(ticker);
    if (!u) this.uuids.set(ticker, (u = marketUuid(ticker)));
    return u;
  }

  private snapshot(s: Sub, m: SimMarket): void {
    const lv = bookLevels(m, s.useYesPrice);
    const msg: Record<string, unknown> = { market_ticker: m.kalshi!.ticker, market_id: this.uuid(m.kalshi!.ticker) };
    if (lv.yes.length) msg.yes_dollars_fp = lv.yes;
    if (lv.no.length) msg.no_dollars_fp = lv.no;
    s.seq++;
    this.data(s.conn, JSON.stringify({ type: 'orderbook_snapshot', sid: s.sid, seq: s.seq, msg }));
  }

  private onEvent(e: SimEvent): void {
    if (this.conns.size === 0) return;
    switch (e.type) {
      case 'book': {
        const subs = this.bookSubs.get(e.marketId);
        if (!subs || subs.size === 0) return;
        const m = this.ctx.market(e.marketId);
        if (!m?.kalshi) return;
        const cause = e.causeOrderId ? this.ctx.orders.get(e.causeOrderId) : undefined;
        for (const s of subs) {
          if (s.channel !== 'orderbook_delta') continue;
          for (const c of e.changes) {
            if (c.delta === 0) continue;
            const yes = c.side === 'bid';
            const price = yes || s.useYesPrice ? c.px : PX_ONE - c.px;
            if (this.ctx.faults.any && this.ctx.faults.take('kalshi', 'seq_gap', e.marketId)) s.seq++;
            s.seq++;
            const msg: Record<string, unknown> = {
              market_ticker: m.kalshi.ticker,
              market_id: this.uuid(m.kalshi.ticker),
              price_dollars: formatPx(price),
              delta_fp: formatQty(c.delta),
              side: yes ? 'yes' : 'no',
              ts_ms: e.ts,
            };
            if (cause && cause.accountId === s.conn.account.id && cause.clientOrderId) msg.client_order_id = cause.clientOrderId;
            this.data(s.conn, JSON.stringify({ type: 'orderbook_delta', sid: s.sid, seq: s.seq, msg }));
          }
        }
        return;
      }
      case 'trade': {
        const m = this.ctx.market(e.marketId);
        if (!m?.kalshi) return;
        const subs = [...(this.bookSubs.get(e.marketId) ?? [])].filter((s) => s.channel === 'trade').concat([...this.tradeSubs]);
        if (subs.length === 0) return;
        const takerYes = e.takerSide === 'bid';
        for (const s of subs) {
          const msg = {
            trade_id: e.tradeId,
            market_ticker: m.kalshi.ticker,
            yes_price_dollars: formatPx(e.yesPx),
            no_price_dollars: formatPx(PX_ONE - e.yesPx),
            count_fp: formatQty(e.qty),
            taker_outcome_side: takerYes ? 'yes' : 'no',
            taker_book_side: e.takerSide,
            taker_side: takerYes ? 'yes' : 'no',
            is_block_trade: false,
            ts_ms: e.ts,
            ts: Math.floor(e.ts / 1000),
          };
          this.data(s.conn, JSON.stringify({ type: 'trade', sid: s.sid, msg }));
        }
        return;
      }
      case 'fill':
      case 'order': {
        if (this.privateSubs.size === 0) return;
        const accountId = e.type === 'fill' ? e.fill.accountId : e.order.accountId;
        const m = this.ctx.market(e.marketId);
        if (!m?.kalshi) return;
        for (const s of this.privateSubs) {
          if (s.conn.account.id !== accountId) continue;
          if (s.markets.size > 0 && !s.markets.has(e.marketId)) continue;
          if (e.type === 'fill' && s.channel === 'fill') {
            const f = e.fill;
            const o = this.ctx.orders.get(f.orderId);
            const pos = this.ctx.position(s.conn.account, f.marketId);
            const side = (f.action === 'buy') === (f.outcome === 'yes') ? 'yes' : 'no';
            const msg = {
              trade_id: f.id,
              order_id: f.orderId,
              client_order_id: o?.clientOrderId ?? '',
              market_ticker: m.kalshi.ticker,
              exchange_index: 0,
              is_taker: f.role === 'taker',
              side: f.outcome,
              action: f.action,
              outcome_side: side,
              book_side: o?.bookSide ?? (side === 'yes' ? 'bid' : 'ask'),
              purchased_side: side,
              yes_price_dollars: formatPx(f.yesPx),
              count_fp: formatQty(f.qty),
              fee_cost: dollars(f.fee),
              post_position_fp: formatQty(pos.yes - pos.no),
              ts_ms: f.ts,
              ts: Math.floor(f.ts / 1000),
            };
            this.data(s.conn, JSON.stringify({ type: 'fill', sid: s.sid, msg }));
          } else if (e.type === 'order' && s.channel === 'user_orders') {
            const o = e.order;
            const side = outcomeSide(o);
            const cost = (c: number, q: number): string => dollars(side === o.outcome ? c : q * PX_ONE - c);
            const msg = {
              order_id: o.id,
              user_id: o.accountId,
              ticker: m.kalshi.ticker,
              status: o.status,
              outcome_side: side,
              book_side: o.bookSide,
              side: o.outcome,
              yes_price_dollars: formatPx(o.yesPx),
              initial_count_fp: formatQty(o.qty),
              fill_count_fp: formatQty(o.filledQty),
              remaining_count_fp: formatQty(o.remainingQty),
              taker_fill_cost_dollars: cost(o.takerCost, o.takerFilledQty),
              maker_fill_cost_dollars: cost(o.makerCost, o.makerFilledQty),
              taker_fees_dollars: dollars(o.takerFees),
              maker_fees_dollars: dollars(o.makerFees),
              client_order_id: o.clientOrderId ?? '',
              order_group_id: null,
              self_trade_prevention_type: o.stp === 'cancel_maker' ? 'maker' : 'taker_at_cross',
              created_ts_ms: o.createdTs,
              last_updated_ts_ms: o.updatedTs,
              created_time: iso(o.createdTs),
              subaccount_number: 0,
              exchange_index: 0,
            };
            this.data(s.conn, JSON.stringify({ type: 'user_order', sid: s.sid, msg }));
          }
        }
        return;
      }
      default:
        return;
    }
  }

  // ---- sending (with faults) -----------------------------------------------------------------

  private frozen(): boolean {
    return this.ctx.faults.any && this.ctx.faults.active('kalshi', 'ws_freeze') !== undefined;
  }

  /** Command replies: dropped while frozen, never duplicated or reordered. */
  private reply(conn: Conn, obj: unknown): void {
    if (this.frozen()) return;
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(obj));
  }

  private error(conn: Conn, id: number, code: number, msg: string): void {
    this.reply(conn, { id, type: 'error', msg: { code, msg } });
  }

  private cork(ws: WebSocket): void {
    const sock = (ws as unknown as { _socket?: Socket })._socket;
    if (!sock || sock.writableCorked > 0) return;
    sock.cork();
    this.corked.push(sock);
    if (this.corked.length === 1) {
      process.nextTick(() => {
        for (const s of this.corked.splice(0)) s.uncork();
      });
    }
  }

  /** Data frames: subject to freeze, duplicate and reorder faults. */
  private data(conn: Conn, text: string): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    this.cork(conn.ws);
    const faults = this.ctx.faults;
    if (faults.any) {
      if (faults.active('kalshi', 'ws_freeze')) return;
      if (conn.held === null && faults.take('kalshi', 'ws_reorder')) {
        conn.held = text;
        return;
      }
      if (faults.take('kalshi', 'ws_duplicate')) conn.ws.send(text);
    }
    conn.ws.send(text);
    if (conn.held !== null) {
      const h = conn.held;
      conn.held = null;
      conn.ws.send(h);
    }
  }
}
