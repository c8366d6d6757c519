// The public market channel `/ws/market` (spec §12): subscribe by token ids, `book` snapshots,
// `price_change` (absolute level sizes, "0" deletes) for both tokens of a market, `last_trade_price`,
// `tick_size_change`; text PING -> PONG. Driven by the engine's book events: the NO token's book is
// the YES book mirrored (NO bids = YES asks at 1 - p).

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { PX_ONE, type Px } from '@parity/trading';
import type { SimContext } from '../context.ts';
import type { LevelChange } from '../engine/index.ts';
import type { SimEvent } from '../events.ts';
import type { ActiveFault } from '../faults.ts';
import type { SimMarket } from '../markets.ts';
import type { Outcome } from '../orders.ts';
import { formatPxTrim, formatQtyTrim } from './amounts.ts';
import { bookSummary } from './clob-routes.ts';
import { feeRateBps } from './fees.ts';

export interface MarketWsOptions {
  /** Assets per connection; ids beyond it are ignored silently (spec §12, unconfirmed). */
  maxAssetsPerConnection?: number;
  /** Close a connection that sent nothing (not even PING) for this long, ms; 0 = never. */
  idleTimeoutMs?: number;
  /** Send `book` snapshots of both tokens after an operation that traded (as the venue does). */
  bookAfterTrade?: boolean;
}

interface Conn {
  ws: WebSocket;
  assets: Set<string>;
  lastSeen: number;
}

/** Frames of one market operation, pre-serialised per audience (YES only / NO only / both). */
interface Frames {
  yes: string | null;
  no: string | null;
  both: string | null;
}

const sizeStr = formatQtyTrim;

export class MarketWs {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  private readonly conns = new Set<Conn>();
  /** token id -> subscribed connections. */
  private readonly byAsset = new Map<string, Set<Conn>>();
  private readonly tradedOps = new Set<string>();
  private readonly ticks = new Map<string, string>();
  private readonly hashSeq = new Map<string, number>();
  private readonly maxAssets: number;
  private readonly idleTimeoutMs: number;
  private readonly bookAfterTrade: boolean;
  private readonly unsubscribeBus: () => void;
  private readonly unsubscribeFaults: () => void;
  private readonly sweeper: NodeJS.Timeout | null;
  /** Frame held back by a ws_reorder fault, per connection. */
  private readonly held = new Map<Conn, string>();

  constructor(private readonly ctx: SimContext, opts: MarketWsOptions = {}) {
    this.maxAssets = opts.maxAssetsPerConnection ?? 500;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 0;
    this.bookAfterTrade = opts.bookAfterTrade ?? true;
    for (const m of ctx.markets.values()) if (m.polymarket) this.ticks.set(m.id, m.polymarket.tickSize);
    this.unsubscribeBus = ctx.bus.on((e) => this.onEvent(e));
    this.unsubscribeFaults = ctx.faults.onChange((ev, f) => {
      if (ev === 'added' && f.kind === 'ws_drop' && (f.venue === 'polymarket' || f.venue === '*')) this.dropAll();
    });
    this.sweeper = this.idleTimeoutMs > 0 ? setInterval(() => this.sweep(), Math.min(5_000, this.idleTimeoutMs)) : null;
    this.sweeper?.unref();
  }

  /** Hand an HTTP upgrade for `/ws/market` to this channel. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  async close(): Promise<void> {
    this.unsubscribeBus();
    this.unsubscribeFaults();
    if (this.sweeper) clearInterval(this.sweeper);
    for (const c of this.conns) c.ws.terminate();
    this.conns.clear();
    this.byAsset.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** Close every socket now (ws_drop). */
  dropAll(): void {
    for (const c of [...this.conns]) c.ws.terminate();
  }

  private accept(ws: WebSocket): void {
    const outage = this.ctx.faults.active('polymarket', 'ws_drop');
    if (outage && outage.expiresAt !== null) {
      ws.terminate();
      return;
    }
    const conn: Conn = { ws, assets: new Set(), lastSeen: Date.now() };
    this.conns.add(conn);
    ws.on('message', (data, isBinary) => this.onMessage(conn, isBinary ? '' : data.toString()));
    ws.on('close', () => this.forget(conn));
    ws.on('error', () => this.forget(conn));
  }

  private forget(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    this.held.delete(conn);
    for (const a of conn.assets) {
      const set = this.byAsset.get(a);
      set?.delete(conn);
      if (set && set.size === 0) this.byAsset.delete(a);
    }
  }

  private onMessage(conn: Conn, text: string): void {
    conn.lastSeen = Date.now();
    if (text === 'PING') {
      // A frozen feed is silent, PONGs included, unless the fault says `params.pong: true`.
      const f = this.freezeRule();
      if (!f || f.params?.pong === true) conn.ws.send('PONG');
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      conn.ws.send('INVALID OPERATION');
      return;
    }
    const m = msg as { assets_ids?: unknown; operation?: unknown; type?: unknown; initial_dump?: unknown };
    if (!Array.isArray(m.assets_ids) || !m.assets_ids.every((x) => typeof x === 'string')) {
      conn.ws.send('INVALID OPERATION');
      return;
    }
    const ids = m.assets_ids as string[];
    if (m.operation === 'unsubscribe') {
      for (const id of ids) this.unsubscribe(conn, id);
      return;
    }
    const added: string[] = [];
    for (const id of ids) {
      if (conn.assets.has(id)) continue;
      if (conn.assets.size >= this.maxAssets) break; // beyond the cap: silently not subscribed
      conn.assets.add(id);
      let set = this.byAsset.get(id);
      if (!set) this.byAsset.set(id, (set = new Set()));
      set.add(conn);
      added.push(id);
    }
    if (m.initial_dump === false) return;
    const dump: Record<string, unknown>[] = [];
    for (const id of added) {
      const hit = this.ctx.marketByToken(id);
      if (hit?.market.polymarket) dump.push(this.bookEvent(hit.market, hit.outcome));
    }
    if (dump.length > 0 && !this.frozen()) conn.ws.send(JSON.stringify(dump));
  }

  private unsubscribe(conn: Conn, id: string): void {
    if (!conn.assets.delete(id)) return;
    const set = this.byAsset.get(id);
    set?.delete(conn);
    if (set && set.size === 0) this.byAsset.delete(id);
  }

  private sweep(): void {
    const cutoff = Date.now() - this.idleTimeoutMs;
    for (const c of [...this.conns]) if (c.lastSeen < cutoff) c.ws.close(1000, 'idle');
  }

  private bookEvent(m: SimMarket, outcome: Outcome): Record<string, unknown> {
    const s = bookSummary(m, outcome, this.ctx.clock.now());
    return { event_type: 'book', asset_id: s.asset_id, market: s.market, bids: s.bids, asks: s.asks, timestamp: s.timestamp, hash: s.hash };
  }

  // ---- engine events -> frames ------------------------------------------------------------------

  private onEvent(e: SimEvent): void {
    if (this.byAsset.size === 0 && e.type !== 'market') return;
    const m = this.ctx.market(e.marketId);
    const meta = m?.polymarket;
    if (!m || !meta) return;
    const subYes = this.byAsset.get(meta.yesTokenId);
    const subNo = this.byAsset.get(meta.noTokenId);
    switch (e.type) {
      case 'book': {
        if (!subYes && !subNo) return;
        this.broadcast(m, this.priceChange(m, e.changes, e.ts));
        if (this.bookAfterTrade && this.tradedOps.delete(m.id)) {
          this.broadcast(m, {
            yes: JSON.stringify(this.bookEvent(m, 'yes')),
            no: JSON.stringify(this.bookEvent(m, 'no')),
            both: null,
          });
        }
        return;
      }
      case 'trade': {
        if (!subYes && !subNo) return;
        this.tradedOps.add(m.id);
        const ts = String(e.ts);
        const fee = feeRateBps(meta);
        const size = sizeStr(e.qty);
        const takerBuysYes = e.takerSide === 'bid';
        const ev = (asset: string, px: Px, side: string): string =>
          JSON.stringify({ asset_id: asset, event_type: 'last_trade_price', fee_rate_bps: fee, market: meta.conditionId, price: formatPxTrim(px), side, size, timestamp: ts });
        const yes = ev(meta.yesTokenId, e.yesPx, takerBuysYes ? 'BUY' : 'SELL');
        const no = ev(meta.noTokenId, PX_ONE - e.yesPx, takerBuysYes ? 'SELL' : 'BUY');
        this.broadcast(m, { yes, no, both: null });
        return;
      }
      case 'market': {
        const old = this.ticks.get(m.id);
        this.ticks.set(m.id, meta.tickSize);
        if (old === undefined || old === meta.tickSize) return;
        const ts = String(e.ts);
        const ev = (asset: string): string =>
          JSON.stringify({ event_type: 'tick_size_change', asset_id: asset, market: meta.conditionId, old_tick_size: old, new_tick_size: meta.tickSize, timestamp: ts });
        this.broadcast(m, { yes: ev(meta.yesTokenId), no: ev(meta.noTokenId), both: null });
        return;
      }
      default:
        return;
    }
  }

  /** One `price_change` per engine operation, carrying the YES and the mirrored NO changes. */
  private priceChange(m: SimMarket, changes: LevelChange[], ts: number): Frames {
    const meta = m.polymarket!;
    const subYes = this.byAsset.get(meta.yesTokenId);
    const subNo = this.byAsset.get(meta.noTokenId);
    // Serialise only the variants some connection needs (ids are digits / hex: no escaping).
    let needYes = false;
    let needNo = false;
    let needBoth = false;
    if (subYes) {
      for (const c of subYes) {
        if (subNo?.has(c)) needBoth = true;
        else needYes = true;
      }
    }
    if (subNo) for (const c of subNo) if (!subYes?.has(c)) needNo = true;
    const bb = m.book.bestBid();
    const ba = m.book.bestAsk();
    const seq = (this.hashSeq.get(m.id) ?? 0) + 1;
    this.hashSeq.set(m.id, seq);
    const hash = seq.toString(16).padStart(40, '0');
    const head = `{"market":"${meta.conditionId}","price_changes":[`;
    const tail = `],"timestamp":"${ts}","event_type":"price_change"}`;
    let yes = '';
    let no = '';
    if (needYes || needBoth) {
      const best = `"hash":"${hash}","best_bid":"${bb === null ? '0' : formatPxTrim(bb)}","best_ask":"${ba === null ? '1' : formatPxTrim(ba)}"}`;
      const parts: string[] = [];
      for (const c of changes) {
        parts.push(`{"asset_id":"${meta.yesTokenId}","price":"${formatPxTrim(c.px)}","size":"${sizeStr(c.size)}","side":"${c.side === 'bid' ? 'BUY' : 'SELL'}",${best}`);
      }
      yes = parts.join(',');
    }
    if (needNo || needBoth) {
      const best = `"hash":"${hash}","best_bid":"${ba === null ? '0' : formatPxTrim(PX_ONE - ba)}","best_ask":"${bb === null ? '1' : formatPxTrim(PX_ONE - bb)}"}`;
      const parts: string[] = [];
      for (const c of changes) {
        parts.push(`{"asset_id":"${meta.noTokenId}","price":"${formatPxTrim(PX_ONE - c.px)}","size":"${sizeStr(c.size)}","side":"${c.side === 'bid' ? 'SELL' : 'BUY'}",${best}`);
      }
      no = parts.join(',');
    }
    return {
      yes: needYes ? head + yes + tail : null,
      no: needNo ? head + no + tail : null,
      both: needBoth ? `${head}${yes},${no}${tail}` : null,
    };
  }

  private freezeRule(m?: SimMarket): ActiveFault | undefined {
    if (!this.ctx.faults.any) return undefined;
    const meta = m?.polymarket;
    return this.ctx.faults.active('polymarket', 'ws_freeze', m?.id, meta?.yesTokenId, meta?.noTokenId, meta?.conditionId);
  }

  private frozen(m?: SimMarket): boolean {
    return this.freezeRule(m) !== undefined;
  }

  private broadcast(m: SimMarket, f: Frames): void {
    const meta = m.polymarket!;
    const subYes = this.byAsset.get(meta.yesTokenId);
    const subNo = this.byAsset.get(meta.noTokenId);
    let dup: ActiveFault | undefined;
    let reorder: ActiveFault | undefined;
    if (this.ctx.faults.any) {
      if (this.frozen(m)) return;
      const aliases = [m.id, meta.yesTokenId, meta.noTokenId, meta.conditionId];
      dup = this.ctx.faults.take('polymarket', 'ws_duplicate', ...aliases);
      reorder = dup ? undefined : this.ctx.faults.take('polymarket', 'ws_reorder', ...aliases);
    }
    const send = (c: Conn, text: string): void => {
      if (reorder) {
        // Hold this frame back; it goes out after the next one.
        const prev = this.held.get(c);
        this.held.set(c, text);
        if (prev !== undefined) c.ws.send(prev);
        return;
      }
      c.ws.send(text);
      const held = this.held.get(c);
      if (held !== undefined) {
        this.held.delete(c);
        c.ws.send(held);
      }
      if (dup) c.ws.send(text);
    };
    if (subYes) {
      for (const c of subYes) {
        const both = subNo?.has(c) ?? false;
        const text = both ? (f.both ?? null) : f.yes;
        if (both && text === null) {
          // No combined frame (per-token events): send both in order.
          if (f.yes) send(c, f.yes);
          if (f.no) send(c, f.no);
        } else if (text) send(c, text);
      }
    }
    if (subNo) for (const c of subNo) if (!subYes?.has(c) && f.no) send(c, f.no);
  }
}
