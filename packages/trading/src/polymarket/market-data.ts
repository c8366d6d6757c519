// Polymarket order-book feed (spec polymarket.md §12): public market channel, subscribed by asset
// (outcome token) id, sharded across connections of at most 500 assets. Events: `book` (full
// snapshot; frames may be one object or an array), `price_change` (absolute level sizes, "0"
// deletes; current and legacy schema), `tick_size_change`. Keep-alive: the text frame PING every
// 10 s after subscribing (the server answers PONG).
//
// Polymarket has no sequence numbers, so correctness rests on:
//   - a staleness watchdog per connection: no frame at all (PONG included) for `staleMs` = silent
//     freeze -> books not tradeable, reconnect; the fresh `book` dump restores them;
//   - a drift check: every price_change item carries the token's best bid/ask after the change;
//     if our book disagrees it is not tradeable and is resynced (resubscribe; reconnect on timeout);
//   - crossed books (best bid >= best ask) are refused the same way (the book store decides).
//
// Split like the Kalshi feed: PolyBookSession is the socket-free protocol state of one connection;
// PolyMarketData owns the shards and their sockets.

import WebSocket from 'ws';
import type { Logger } from '../log.ts';
import { logger as rootLogger } from '../log.ts';
import { parsePx, parseScaled, PX_ONE, type Px, type Qty } from '../units.ts';
import {
  backoffDelayMs,
  chunks,
  fastScaled,
  frameSample,
  type BackoffOptions,
  type BadFrameSink,
  type FeedLiveness,
} from '../market-data-common.ts';
import { KeyTable } from '../key-table.ts';
import { core as mdcore, FRAME_DECLINE, FRAME_REPORT, FRAME_VERIFY, out } from '@parity/mdcore';
import { KeyedState, NativeKeys } from '../native-keys.ts';
import { PriceChangeFrame, readPriceChange } from './price-change-frame.ts';

export type PolyBookSide = 'bid' | 'ask';

/** Where the feed delivers book changes. Implemented by the controller's book store. */
export interface PolyBookSink extends BadFrameSink {
  /**
   * Replace a token's book; levels as flat [px, qty, …] (any order, sizes > 0). Return false when
   * the book is inconsistent (crossed): the feed then resyncs it.
   */
  polyBook(assetId: string, bids: number[], asks: number[], atMs: number, live: FeedLiveness): boolean;
  /** Set one level's absolute size (0 removes). Checks come once the whole event is applied. */
  polyLevel(assetId: string, side: PolyBookSide, price: Px, size: Qty, atMs: number): void;
  /**
   * After a price_change event: is the token's book consistent, and does it agree with the venue's
   * top of book (bestBid/bestAsk from the event's last item for this token; -1 = not sent; an
   * empty side is sent as 0 / 1)? Return false to have the feed resync it.
   */
  polyCheck(assetId: string, bestBid: Px, bestAsk: Px): boolean;
  /** The token's tick size changed (Px). */
  polyTickSize(assetId: string, tick: Px): void;
  /** These books can no longer be trusted; a `book` will follow once resynced. */
  polyInvalidate(assetIds: readonly string[], reason: string): void;
  /**
   * Optional hot path: a direct handle on a token's book, resolved once per token instead of a
   * lookup per change (null = not tracked). The session uses it while `attached` stays true.
   */
  polyHandle?(assetId: string): PolyBookHandle | null;
  /** Called once per frame after all its events are applied (detection runs here). */
  frameEnd(): void;
}

/** One token's book, written by the feed directly (see PolyBookSink.polyHandle). */
export interface PolyBookHandle {
  /** False once the sink stopped tracking this book: resolve a new handle. */
  readonly attached: boolean;
  /** Same contract as PolyBookSink.polyLevel for this token. */
  level(side: PolyBookSide, price: Px, size: Qty, atMs: number): void;
  /** Same contract as PolyBookSink.polyCheck for this token. */
  verify(bestBid: Px, bestAsk: Px): boolean;
  /** The book's id in the native market-data core (>= 0 when the core may apply changes to it). */
  readonly nativeId?: number;
  /** The core applied changes to this book: report them as `level` would have (checks come via verify). */
  nativeApplied?(): void;
}

export interface PolySessionOptions {
  /** Resync (resubscribe) not answered by a `book` within this many ms -> reconnect. Default 5,000. */
  resyncTimeoutMs?: number;
  /** Read well-formed price_change events in place instead of JSON.parse (price-change-frame.ts). Default true. */
  fastPath?: boolean;
  log?: Logger;
}

class AssetState extends KeyedState<PolyBookHandle> {
  resyncSentAtMs = 0;
  failures = 0;
  nextResyncAtMs = 0;

  constructor(
    /** The token id (the string the session was given: hash cached, shared with the book store). */
    readonly id: string,
    entry: number,
    keys: NativeKeys<AssetState> | null,
  ) {
    super(entry, keys);
  }
}

export interface PolySessionStats {
  messages: number;
  /** Messages read by a fast path (the native core or price-change-frame.ts); the rest went through JSON.parse. */
  fastFrames: number;
  /** Of those, messages the native core read and applied itself. */
  nativeFrames: number;
  books: number;
  priceChanges: number;
  drift: number;
  resyncRequests: number;
  badFrames: number;
}

const KNOWN_IGNORED = new Set(['last_trade_price', 'best_bid_ask', 'new_market', 'market_resolved']);

/** The protocol state of one Polymarket market-channel connection. */
export class PolyBookSession {
  readonly live: FeedLiveness = { aliveAtMs: 0 };
  readonly stats: PolySessionStats = { messages: 0, fastFrames: 0, nativeFrames: 0, books: 0, priceChanges: 0, drift: 0, resyncRequests: 0, badFrames: 0 };
  private readonly assets = new Map<string, AssetState>();
  /** The same states, looked up in place inside a frame (the fast path). */
  private readonly index = new KeyTable<AssetState>();
  private started = false;
  private fatal: string | null = null;
  /** Last time any `book` arrived (tells a live venue from a dead connection). */
  private lastBookAtMs = 0;
  private readonly resyncTimeoutMs: number;
  private readonly log: Logger;
  private bidBuf: number[] = [];
  private askBuf: number[] = [];
  /** Tokens changed by the current price_change event, with the venue's last top of book for each. */
  private touched: AssetState[] = [];
  private touchedBid: number[] = [];
  private touchedAsk: number[] = [];
  private readonly fastPath: boolean;
  /** The fast path's decoded event, reused. */
  private readonly changeFrame = new PriceChangeFrame();
  /** This session's markets in the native core (null = TypeScript only). */
  private readonly keys: NativeKeys<AssetState> | null;

  constructor(
    private readonly sink: PolyBookSink,
    private readonly send: (msg: string) => void,
    private readonly onFatal: (reason: string) => void,
    opts: PolySessionOptions = {},
  ) {
    this.resyncTimeoutMs = opts.resyncTimeoutMs ?? 5_000;
    this.fastPath = opts.fastPath ?? true;
    this.log = opts.log ?? rootLogger.child({ mod: 'poly-md' });
    this.keys = this.fastPath && mdcore ? new NativeKeys(mdcore) : null;
  }

  get size(): number {
    return this.assets.size;
  }

  isSynced(assetId: string): boolean {
    return this.assets.get(assetId)?.synced === true;
  }

  /** Send the initial subscription for the assets added so far. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const ids = [...this.assets.keys()];
    // Every asset's initial `book` is due within the resync deadline.
    const now = Date.now();
    for (const st of this.assets.values()) st.resyncSentAtMs = now;
    if (ids.length > 0) this.send(JSON.stringify({ assets_ids: ids, type: 'market', custom_feature_enabled: false }));
  }

  add(assetIds: readonly string[]): void {
    const fresh: string[] = [];
    for (const a of assetIds) {
      if (this.assets.has(a)) continue;
      const st = this.newState(a);
      this.assets.set(a, st);
      this.index.set(a, st);
      fresh.push(a);
    }
    if (fresh.length === 0 || !this.started) return;
    const now = Date.now();
    for (const a of fresh) this.assets.get(a)!.resyncSentAtMs = now; // a `book` is due
    this.send(JSON.stringify({ assets_ids: fresh, operation: 'subscribe' }));
  }

  remove(assetIds: readonly string[]): void {
    const gone: string[] = [];
    for (const a of assetIds) {
      const st = this.assets.get(a);
      if (!st) continue;
      this.assets.delete(a);
      this.index.delete(a);
      this.keys?.release(st);
      gone.push(a);
    }
    if (gone.length > 0 && this.started) this.send(JSON.stringify({ assets_ids: gone, operation: 'unsubscribe' }));
  }

  tick(nowMs: number): void {
    if (this.fatal) return;
    let due: string[] | null = null;
    for (const [a, st] of this.assets) {
      if (st.synced) continue;
      if (st.resyncSentAtMs > 0) {
        if (nowMs - st.resyncSentAtMs > this.resyncTimeoutMs) {
          if (this.lastBookAtMs < st.resyncSentAtMs) {
            this.die(`no book for ${a} within ${this.resyncTimeoutMs} ms of subscribing`);
            return;
          }
          // Other tokens get books, so the connection is fine: an unknown or closed market. Retry it, backed off.
          if (st.failures === 0) this.log.warn({ token: a }, 'Polymarket sent no book for this token (unknown or closed market?); retrying');
          st.resyncSentAtMs = 0;
          st.failures++;
          st.nextResyncAtMs = nowMs + Math.min(60_000, 500 * 2 ** Math.min(st.failures, 7));
        }
      } else if (st.nextResyncAtMs > 0 && nowMs >= st.nextResyncAtMs) {
        (due ??= []).push(a);
      }
    }
    if (due) this.resubscribe(due, nowMs);
  }

  /**
   * Process one frame as read off the socket. Never throws. Price changes are applied by the
   * native core when it can (one call, no decode); everything else, and anything the core
   * declines (it then changed nothing), goes through handleText.
   */
  handleFrame(frame: Buffer, nowMs: number): void {
    const n = this.keys;
    if (n !== null && n.usable && this.fatal === null) {
      const r = n.core.polyChange(n.index, frame, nowMs);
      if (r !== FRAME_DECLINE) {
        this.live.aliveAtMs = nowMs;
        const s = this.stats;
        s.messages++;
        s.fastFrames++;
        s.nativeFrames++;
        s.priceChanges += out.i[1]!;
        if (r >= FRAME_REPORT) this.nativeReport(r, nowMs);
        return;
      }
    }
    this.handleText(frame.toString(), nowMs);
  }

  /** The core applied an event and left reporting (and, on FRAME_VERIFY, the checks) to us. */
  private nativeReport(r: number, nowMs: number): void {
    const t = this.touched;
    t.length = 0;
    const n = out.i[0]!;
    for (let k = 0; k < n; k++) {
      const st = this.keys?.state(out.i[2 + k]!);
      if (!st) continue;
      this.touchedBid[t.length] = out.f[2 * k]!;
      this.touchedAsk[t.length] = out.f[2 * k + 1]!;
      t.push(st);
    }
    for (let k = 0; k < t.length; k++) t[k]!.handle?.nativeApplied?.();
    if (r === FRAME_VERIFY) this.checkTouched(nowMs);
    this.sink.frameEnd();
  }

  private newState(id: string): AssetState {
    const k = this.keys;
    return k ? k.register(id, (entry) => new AssetState(id, entry, k)) : new AssetState(id, -1, null);
  }

  /** Process one text frame. Never throws. */
  handleText(text: string, nowMs: number): void {
    this.live.aliveAtMs = nowMs;
    if (this.fatal) return;
    if (text.length <= 4 && (text === 'PONG' || text === 'PING')) return;
    // Fast path: a well-formed price_change read in place; anything else takes the full parser below.
    const f = this.changeFrame;
    if (this.fastPath && readPriceChange(text, f)) {
      this.stats.messages++;
      this.stats.fastFrames++;
      this.touched.length = 0;
      for (let i = 0; i < f.n; i++) {
        const st = this.index.getIn(text, f.assetStart[i]!, f.assetEnd[i]!);
        if (!st || !st.synced) continue;
        this.stats.priceChanges++;
        this.setLevel(st, f.bid[i]! ? 'bid' : 'ask', f.price[i]!, f.size[i]!, f.bestBid[i]!, f.bestAsk[i]!, nowMs);
      }
      this.checkTouched(nowMs);
      this.sink.frameEnd();
      return;
    }
    let m: unknown;
    try {
      m = JSON.parse(text);
    } catch {
      this.bad('not JSON', undefined, text);
      return;
    }
    this.stats.messages++;
    if (Array.isArray(m)) {
      for (let i = 0; i < m.length; i++) this.onEvent(m[i], text, nowMs);
    } else {
      this.onEvent(m, text, nowMs);
    }
    this.sink.frameEnd();
  }

  /** Invalidate every asset (connection lost). The session is dead afterwards. */
  close(reason: string): void {
    if (!this.fatal) this.fatal = reason;
    this.invalidateAll(reason);
  }

  private onEvent(ev: unknown, text: string, nowMs: number): void {
    if (typeof ev !== 'object' || ev === null) {
      this.bad('event is not an object', undefined, text);
      return;
    }
    const e = ev as Record<string, unknown>;
    const type = e.event_type;
    if (type === 'book') this.onBook(e, text, nowMs);
    else if (type === 'price_change' || (type === undefined && e.price_changes !== undefined)) this.onPriceChange(e, text, nowMs);
    else if (type === 'tick_size_change') this.onTickSize(e, text);
    else if (typeof type === 'string' && KNOWN_IGNORED.has(type)) return;
    else this.bad(typeof type === 'string' ? `unknown event_type ${JSON.stringify(type)}` : 'event without event_type', assetOf(e), text);
  }

  private onBook(e: Record<string, unknown>, text: string, nowMs: number): void {
    const asset = e.asset_id;
    if (typeof asset !== 'string' || asset === '') {
      this.bad('book without asset_id', undefined, text);
      return; // cannot tell whose book it was; the resync deadline covers a missed one
    }
    const st = this.assets.get(asset);
    if (!st) return; // not ours (unsubscribed meanwhile)
    this.stats.books++;
    this.lastBookAtMs = nowMs;
    st.resyncSentAtMs = 0;
    const bids = this.bidBuf;
    const asks = this.askBuf;
    bids.length = 0;
    asks.length = 0;
    const err = readLevels(e.bids, 'bids', bids) ?? readLevels(e.asks, 'asks', asks);
    if (err !== null) {
      this.bad(`book: ${err}`, asset, text);
      this.unsync(asset, st, `bad book: ${err}`, nowMs);
      return;
    }
    const tick = e.tick_size;
    if (typeof tick === 'string' && tick !== '') {
      try {
        this.sink.polyTickSize(asset, parsePx(tick));
      } catch {
        this.bad(`book tick_size ${JSON.stringify(tick)}`, asset, text);
      }
    }
    if (this.sink.polyBook(asset, bids, asks, nowMs, this.live)) {
      st.synced = true;
      st.failures = 0;
      st.nextResyncAtMs = 0;
    } else {
      this.unsync(asset, st, 'inconsistent book', nowMs);
    }
  }

  private onPriceChange(e: Record<string, unknown>, text: string, nowMs: number): void {
    this.touched.length = 0;
    this.readChanges(e, text, nowMs);
    this.checkTouched(nowMs);
  }

  /**
   * Venues may attach the top of book after the whole operation to every item, so books are
   * checked once the event is applied, not item by item.
   */
  private checkTouched(nowMs: number): void {
    const t = this.touched;
    for (let i = 0; i < t.length; i++) {
      const st = t[i]!;
      if (!st.synced) continue;
      const h = st.handle;
      const ok = h !== null && h.attached ? h.verify(this.touchedBid[i]!, this.touchedAsk[i]!) : this.sink.polyCheck(st.id, this.touchedBid[i]!, this.touchedAsk[i]!);
      if (!ok) {
        this.stats.drift++;
        this.unsync(st.id, st, 'book inconsistent or disagrees with the venue top of book', nowMs);
      }
    }
  }

  private readChanges(e: Record<string, unknown>, text: string, nowMs: number): void {
    const items = e.price_changes;
    if (Array.isArray(items)) {
      for (let i = 0; i < items.length; i++) {
        const it = items[i] as unknown;
        if (typeof it !== 'object' || it === null) {
          this.bad(`price_changes[${i}] is not an object`, undefined, text);
          continue;
        }
        const item = it as Record<string, unknown>;
        this.applyChange(item.asset_id, item, text, nowMs);
      }
      return;
    }
    // Legacy schema (before 2025-09-15): top-level asset_id with a `changes` array.
    const changes = e.changes;
    if (Array.isArray(changes)) {
      for (let i = 0; i < changes.length; i++) {
        const it = changes[i] as unknown;
        if (typeof it !== 'object' || it === null) {
          this.bad(`changes[${i}] is not an object`, assetOf(e), text);
          continue;
        }
        this.applyChange(e.asset_id, it as Record<string, unknown>, text, nowMs);
      }
      return;
    }
    this.bad('price_change without price_changes', assetOf(e), text);
  }

  private applyChange(assetRaw: unknown, item: Record<string, unknown>, text: string, nowMs: number): void {
    if (typeof assetRaw !== 'string' || assetRaw === '') {
      // We lost a change of some token of this connection and cannot tell which.
      this.bad('price change without asset_id', undefined, text);
      return;
    }
    const st = this.assets.get(assetRaw);
    if (!st || !st.synced) return;
    this.stats.priceChanges++;
    const side = item.side;
    const ps = item.price;
    const ss = item.size;
    if ((side !== 'BUY' && side !== 'SELL') || typeof ps !== 'string' || typeof ss !== 'string') {
      this.bad(`price change missing side/price/size`, assetRaw, text);
      this.unsync(assetRaw, st, 'unreadable price change', nowMs);
      return;
    }
    let price: Px;
    let size: Qty;
    let bestBid: Px = -1;
    let bestAsk: Px = -1;
    try {
      price = pxOf(ps);
      size = fastScaled(ss, 2);
      if (size !== size) size = parseScaled(ss, 2, 'size', 'floor');
      const bb = item.best_bid;
      const ba = item.best_ask;
      if (typeof bb === 'string' && bb !== '') bestBid = pxOf(bb);
      if (typeof ba === 'string' && ba !== '') bestAsk = pxOf(ba);
    } catch (err) {
      this.bad(`price change: ${(err as Error).message}`, assetRaw, text);
      this.unsync(assetRaw, st, 'unreadable price change', nowMs);
      return;
    }
    if (price <= 0 || price >= PX_ONE || size < 0) {
      this.bad(`price change level out of range (${ps} x ${ss})`, assetRaw, text);
      this.unsync(assetRaw, st, 'price change out of range', nowMs);
      return;
    }
    this.setLevel(st, side === 'BUY' ? 'bid' : 'ask', price, size, bestBid, bestAsk, nowMs);
  }

  /** A readable change of a synced book (both paths end here): apply it and note the venue's top of book. */
  private setLevel(st: AssetState, side: PolyBookSide, price: Px, size: Qty, bestBid: Px, bestAsk: Px, nowMs: number): void {
    let h = st.handle;
    if (h === null || !h.attached) {
      h = st.handle = this.sink.polyHandle?.(st.id) ?? null;
      this.keys?.bind(st);
    }
    if (h !== null) h.level(side, price, size, nowMs);
    else this.sink.polyLevel(st.id, side, price, size, nowMs);
    const t = this.touched;
    let k = t.indexOf(st);
    if (k < 0) {
      k = t.length;
      t.push(st);
    }
    this.touchedBid[k] = bestBid;
    this.touchedAsk[k] = bestAsk;
  }

  private onTickSize(e: Record<string, unknown>, text: string): void {
    const asset = e.asset_id;
    const t = e.new_tick_size;
    if (typeof asset !== 'string' || typeof t !== 'string') {
      this.bad('tick_size_change without asset_id/new_tick_size', undefined, text);
      return;
    }
    if (!this.assets.has(asset)) return;
    try {
      const tick = parsePx(t);
      if (tick <= 0 || tick >= PX_ONE) throw new Error(`tick ${t} outside (0, 1)`);
      this.sink.polyTickSize(asset, tick);
    } catch (err) {
      this.bad(`tick_size_change: ${(err as Error).message}`, asset, text);
    }
  }

  private unsync(asset: string, st: AssetState, reason: string, nowMs: number): void {
    st.synced = false;
    st.failures++;
    this.sink.polyInvalidate([asset], reason);
    const delay = st.failures <= 1 ? 0 : Math.min(60_000, 500 * 2 ** Math.min(st.failures - 2, 7));
    if (delay === 0) this.resubscribe([asset], nowMs);
    else st.nextResyncAtMs = nowMs + delay;
  }

  /** Unsubscribe + subscribe: the venue sends a fresh `book` (else the deadline reconnects). */
  private resubscribe(assets: string[], nowMs: number): void {
    if (!this.started) return;
    for (const a of assets) {
      const st = this.assets.get(a);
      if (st) {
        st.resyncSentAtMs = nowMs;
        st.nextResyncAtMs = 0;
      }
    }
    this.stats.resyncRequests++;
    for (const c of chunks(assets, 500)) {
      this.send(JSON.stringify({ assets_ids: c, operation: 'unsubscribe' }));
      this.send(JSON.stringify({ assets_ids: c, operation: 'subscribe' }));
    }
  }

  private invalidateAll(reason: string): void {
    const all: string[] = [];
    for (const [a, st] of this.assets) {
      st.synced = false;
      all.push(a);
    }
    if (all.length > 0) this.sink.polyInvalidate(all, reason);
  }

  private die(reason: string): void {
    if (this.fatal) return;
    this.fatal = reason;
    this.invalidateAll(reason);
    this.onFatal(reason);
  }

  private bad(reason: string, market: string | undefined, text: string): void {
    this.stats.badFrames++;
    this.sink.badFrame('polymarket', reason, market, frameSample(text));
  }
}

/** A price string -> Px: the fast path, or the full parser (which throws the precise error). */
function pxOf(s: string): Px {
  const v = fastScaled(s, 4);
  return v === v ? v : parsePx(s);
}

function assetOf(e: Record<string, unknown>): string | undefined {
  return typeof e.asset_id === 'string' ? e.asset_id : undefined;
}

/** Read [{price, size}, …] into flat [px, qty] pairs; sizes floored to 0.01; 0-size levels skipped. */
function readLevels(arr: unknown, what: string, out: number[]): string | null {
  if (arr === undefined || arr === null) return null;
  if (!Array.isArray(arr)) return `${what} is not an array`;
  for (let i = 0; i < arr.length; i++) {
    const lvl = arr[i] as unknown;
    if (typeof lvl !== 'object' || lvl === null) return `${what}[${i}] is not an object`;
    const p = (lvl as Record<string, unknown>).price;
    const s = (lvl as Record<string, unknown>).size;
    if (typeof p !== 'string' || typeof s !== 'string') return `${what}[${i}] without string price/size`;
    let px: number;
    let qty: number;
    try {
      px = pxOf(p);
      qty = fastScaled(s, 2);
      if (qty !== qty) qty = parseScaled(s, 2, 'size', 'floor');
    } catch (e) {
      return `${what}[${i}]: ${(e as Error).message}`;
    }
    if (px <= 0 || px >= PX_ONE) return `${what}[${i}] price ${p} outside (0, 1)`;
    if (qty < 0) return `${what}[${i}] negative size`;
    if (qty === 0) continue;
    out.push(px, qty);
  }
  return null;
}

// --- shards and sockets ---------------------------------------------------------------------------

export interface PolyMarketDataOptions extends PolySessionOptions {
  /** wss://…/ws/market */
  url: string;
  sink: PolyBookSink;
  /** Assets per connection (the venue silently drops beyond ~500). Default 500, max 500. */
  maxAssetsPerConnection?: number;
  /** Text PING period, ms. Default 10,000. */
  pingIntervalMs?: number;
  /** No frame at all (PONG included) for this long = silent freeze -> reconnect. Default 15,000. */
  staleMs?: number;
  backoff?: BackoffOptions;
}

class PolyShard {
  readonly assets = new Set<string>();
  ws: WebSocket | null = null;
  session: PolyBookSession | null = null;
  attempt = 0;
  openedAtMs = 0;
  lastPingAtMs = 0;
  reconnectTimer: NodeJS.Timeout | null = null;
  stopped = false;
  connects = 0;
  readonly totals: PolySessionStats = { messages: 0, fastFrames: 0, nativeFrames: 0, books: 0, priceChanges: 0, drift: 0, resyncRequests: 0, badFrames: 0 };

  constructor(
    readonly index: number,
    private readonly opts: PolyMarketDataOptions,
    private readonly log: Logger,
  ) {}

  connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.opts.url, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    this.ws = ws;
    this.connects++;
    let session: PolyBookSession | null = null;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.openedAtMs = Date.now();
      session = new PolyBookSession(
        this.opts.sink,
        (text) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(text);
        },
        (reason) => this.drop(reason),
        { resyncTimeoutMs: this.opts.resyncTimeoutMs, fastPath: this.opts.fastPath, log: this.log },
      );
      session.live.aliveAtMs = Date.now();
      session.add([...this.assets]);
      session.start();
      this.session = session;
      this.lastPingAtMs = Date.now();
      this.log.info({ shard: this.index, assets: this.assets.size }, 'Polymarket market data connected');
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!session || this.ws !== ws) return;
      if (isBinary) {
        session.live.aliveAtMs = Date.now();
        this.opts.sink.badFrame('polymarket', 'binary frame', undefined, '');
        return;
      }
      if (Buffer.isBuffer(data)) session.handleFrame(data, Date.now());
      else session.handleText(typeof data === 'string' ? data : data.toString(), Date.now());
    });
    ws.on('unexpected-response', (_req, res) => {
      this.log.error({ shard: this.index, status: res.statusCode }, `Polymarket WebSocket upgrade refused with HTTP ${res.statusCode}`);
      ws.terminate();
    });
    ws.on('error', (err) => this.log.warn({ shard: this.index, err: err.message }, 'Polymarket market data socket error'));
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (session) {
        accumulate(this.totals, session.stats);
        session.close('connection closed');
      }
      if (this.session === session) this.session = null;
      this.scheduleReconnect();
    });
  }

  add(ids: readonly string[]): void {
    for (const a of ids) this.assets.add(a);
    this.session?.add(ids);
  }

  remove(ids: readonly string[]): void {
    for (const a of ids) this.assets.delete(a);
    this.session?.remove(ids);
  }

  drop(reason: string): void {
    const ws = this.ws;
    if (!ws) return;
    this.log.warn({ shard: this.index, reason }, 'dropping a Polymarket market data connection');
    this.session?.close(reason);
    ws.terminate();
  }

  housekeeping(now: number): void {
    const s = this.session;
    const ws = this.ws;
    if (!s || !ws || ws.readyState !== WebSocket.OPEN) return;
    const staleMs = this.opts.staleMs ?? 15_000;
    if (now - s.live.aliveAtMs > staleMs) {
      this.drop(`silent for ${now - s.live.aliveAtMs} ms (limit ${staleMs} ms)`);
      return;
    }
    if (this.attempt > 0 && now - this.openedAtMs > 5_000) this.attempt = 0;
    if (now - this.lastPingAtMs >= (this.opts.pingIntervalMs ?? 10_000)) {
      this.lastPingAtMs = now;
      ws.send('PING');
    }
    s.tick(now);
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = backoffDelayMs(this.attempt++, this.opts.backoff);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.session?.close('feed stopped');
    this.session = null;
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.terminate();
      });
    }
  }
}

function accumulate(t: PolySessionStats, x: PolySessionStats): void {
  for (const k of Object.keys(t) as Array<keyof PolySessionStats>) t[k] += x[k];
}

/** The Polymarket order-book feed: assets sharded over connections, each reconnected for ever. */
export class PolyMarketData {
  private readonly shards: PolyShard[] = [];
  private readonly shardOf = new Map<string, PolyShard>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private stopped = false;
  private nextIndex = 0;
  private readonly max: number;
  private readonly log: Logger;

  constructor(private readonly opts: PolyMarketDataOptions) {
    const max = opts.maxAssetsPerConnection ?? 500;
    if (!Number.isInteger(max) || max < 1 || max > 500) throw new RangeError(`maxAssetsPerConnection ${max} must be 1..500`);
    this.max = max;
    this.log = opts.log ?? rootLogger.child({ mod: 'poly-md' });
  }

  /** Number of open or opening connections. */
  get connectionCount(): number {
    return this.shards.length;
  }

  /** Connections opened so far, all shards (tests and metrics). */
  get connects(): number {
    let n = 0;
    for (const s of this.shards) n += s.connects;
    return n;
  }

  /** Liveness of the connection carrying this asset (null while disconnected). */
  livenessOf(assetId: string): FeedLiveness | null {
    return this.shardOf.get(assetId)?.session?.live ?? null;
  }

  isSynced(assetId: string): boolean {
    return this.shardOf.get(assetId)?.session?.isSynced(assetId) === true;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const staleMs = this.opts.staleMs ?? 15_000;
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const s of this.shards) s.housekeeping(now);
    }, Math.max(50, Math.min(1_000, Math.floor(Math.min(staleMs, this.opts.pingIntervalMs ?? 10_000) / 4))));
    this.timer.unref?.();
    for (const s of this.shards) s.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.shards.map((s) => s.stop()));
  }

  add(assetIds: readonly string[]): void {
    if (this.stopped) return;
    const perShard = new Map<PolyShard, string[]>();
    for (const a of assetIds) {
      if (this.shardOf.has(a)) continue;
      let shard = this.shards.find((s) => s.assets.size + (perShard.get(s)?.length ?? 0) < this.max);
      if (!shard) {
        shard = new PolyShard(this.nextIndex++, this.opts, this.log);
        this.shards.push(shard);
      }
      this.shardOf.set(a, shard);
      let list = perShard.get(shard);
      if (!list) perShard.set(shard, (list = []));
      list.push(a);
    }
    for (const [shard, list] of perShard) {
      const isNew = shard.assets.size === 0 && !shard.ws;
      shard.add(list);
      if (isNew && this.started) shard.connect();
    }
  }

  remove(assetIds: readonly string[]): void {
    const perShard = new Map<PolyShard, string[]>();
    for (const a of assetIds) {
      const s = this.shardOf.get(a);
      if (!s) continue;
      this.shardOf.delete(a);
      let list = perShard.get(s);
      if (!list) perShard.set(s, (list = []));
      list.push(a);
    }
    for (const [shard, list] of perShard) {
      shard.remove(list);
      if (shard.assets.size === 0) {
        this.shards.splice(this.shards.indexOf(shard), 1);
        void shard.stop();
      }
    }
  }

  /** Force every connection to reconnect (operator, tests). */
  reconnectAll(reason: string): void {
    for (const s of this.shards) s.drop(reason);
  }

  stats(): PolySessionStats {
    const out: PolySessionStats = { messages: 0, fastFrames: 0, nativeFrames: 0, books: 0, priceChanges: 0, drift: 0, resyncRequests: 0, badFrames: 0 };
    for (const s of this.shards) {
      accumulate(out, s.totals);
      if (s.session) accumulate(out, s.session.stats);
    }
    return out;
  }
}
