// Kalshi order-book feed (spec kalshi.md §5): authenticated WebSocket, `orderbook_delta` channel,
// snapshot then signed deltas in fixed-point strings, per-subscription `seq` checked on every
// message. Any gap, duplicate, malformed book message or reconnect marks the affected books not
// tradeable and resyncs them (update_subscription get_snapshot, falling back to a reconnect).
//
// Split in two:
//   KalshiBookSession  the protocol state machine of ONE connection (subscriptions, seq, resync);
//                      socket-free, so tests and the benchmark can drive it with frames directly.
//   KalshiMarketData   owns the socket: auth headers per connect, keep-alive pings, a silence
//                      watchdog, reconnect with jittered backoff, live add/remove of tickers.
//
// The hot path (a delta) is read in place by delta-frame.ts (no JSON.parse, one substring: the
// ticker) and ends in one sink call with primitives. Every other frame, and any delta the fast
// reader does not fully understand, goes through JSON.parse and the checks below.

import WebSocket from 'ws';
import type { Logger } from '../log.ts';
import { logger as rootLogger } from '../log.ts';
import { parsePx, parseScaled, PX_ONE, type Px, type Qty } from '../units.ts';
import type { OutcomeSide } from '../execution/types.ts';
import { KeyTable } from '../key-table.ts';
import { core as mdcore, FRAME_CONSUMED, FRAME_DECLINE, FRAME_REPORT, out } from '@parity/mdcore';
import { KeyedState, NativeKeys } from '../native-keys.ts';
import { KalshiDeltaFrame, readKalshiDelta } from './delta-frame.ts';
import {
  backoffDelayMs,
  chunks,
  fastScaled,
  frameSample,
  type BackoffOptions,
  type BadFrameSink,
  type FeedLiveness,
} from '../market-data-common.ts';

/** Where the feed delivers book changes. Implemented by the controller's book store. */
export interface KalshiBookSink extends BadFrameSink {
  /**
   * Replace a market's book. Levels are bids as flat [px, qty, px, qty, ...] (any order, sizes > 0).
   * Return false when the book is inconsistent (e.g. crossed): the feed then resyncs that market.
   */
  kalshiSnapshot(ticker: string, yesBids: number[], noBids: number[], atMs: number, live: FeedLiveness): boolean;
  /** Add a signed size change to one bid level. Return false when the book became inconsistent. */
  kalshiDelta(ticker: string, side: OutcomeSide, price: Px, delta: Qty, atMs: number): boolean;
  /** These books can no longer be trusted; a snapshot will follow once resynced. */
  kalshiInvalidate(tickers: readonly string[], reason: string): void;
  /**
   * Optional hot path: a direct handle on a market's book, resolved once per market instead of a
   * lookup per delta (null = not tracked). The session uses it while `attached` stays true.
   */
  kalshiHandle?(ticker: string): KalshiBookHandle | null;
  /** Called after every data message, once its changes are applied (detection runs here). */
  frameEnd(): void;
}

/** One market's book, written by the feed directly (see KalshiBookSink.kalshiHandle). */
export interface KalshiBookHandle {
  /** False once the sink stopped tracking this book: resolve a new handle. */
  readonly attached: boolean;
  /** Same contract as KalshiBookSink.kalshiDelta for this market. */
  delta(side: OutcomeSide, price: Px, delta: Qty, atMs: number): boolean;
  /** The book's id in the native market-data core (>= 0 when the core may apply deltas to it). */
  readonly nativeId?: number;
  /**
   * The core applied a delta to this book and left the rest to JavaScript: check and report it
   * as `delta` would have. False = inconsistent (resync).
   */
  nativeApplied?(): boolean;
}

export interface KalshiSessionOptions {
  /** Resync requests not answered within this many ms make the session fatal (-> reconnect). Default 5,000. */
  resyncTimeoutMs?: number;
  /** Tickers per subscribe / update_subscription command. Default 500. */
  commandChunk?: number;
  /**
   * Read well-formed deltas in place instead of JSON.parse: in the native market-data core when
   * it is loaded and the book is native, else delta-frame.ts. Default true; false = the reference
   * path (comparison tests).
   */
  fastPath?: boolean;
  log?: Logger;
}

class TickerState extends KeyedState<KalshiBookHandle> {
  /** A get_snapshot is outstanding (ms since epoch when sent), 0 when none. */
  resyncSentAtMs = 0;
  /** Consecutive resyncs that produced an unusable snapshot (backs off the next request). */
  failures = 0;
  /** Earliest time the next resync request may be sent (backoff after failures). */
  nextResyncAtMs = 0;
  /** Kalshi said the market does not exist (error 16): not subscribed until the next connection. */
  missing = false;

  constructor(
    /** The ticker (the string the session was given: its hash is cached, the book store has the same one). */
    readonly ticker: string,
    entry: number,
    keys: NativeKeys<TickerState> | null,
  ) {
    super(entry, keys);
  }
}

interface PendingCommand {
  cmd: string;
  params: Record<string, unknown>;
  tickers: string[];
}

export interface KalshiSessionStats {
  messages: number;
  /** Messages read by a fast path (the native core or delta-frame.ts); the rest went through JSON.parse. */
  fastFrames: number;
  /** Of those, messages the native core read and applied itself. */
  nativeFrames: number;
  snapshots: number;
  deltas: number;
  gaps: number;
  duplicates: number;
  resyncRequests: number;
  badFrames: number;
  /** Well-formed frames of a subscription that is not (or no longer) ours: ignored, not bad. */
  staleFrames: number;
}

const CHANNEL = 'orderbook_delta';
/** Error codes after which a subscription's state is lost (spec §5.3): reconnect. */
const TERMINAL_ERROR_CODES = new Set([10, 17, 25]);

/**
 * The protocol state of one Kalshi market-data connection. `send` writes a JSON command to the
 * socket; `onFatal` asks the owner to drop the connection and reconnect.
 */
export class KalshiBookSession {
  readonly live: FeedLiveness = { aliveAtMs: 0 };
  readonly stats: KalshiSessionStats = {
    messages: 0, fastFrames: 0, nativeFrames: 0, snapshots: 0, deltas: 0, gaps: 0, duplicates: 0, resyncRequests: 0, badFrames: 0, staleFrames: 0,
  };
  private readonly tickers = new Map<string, TickerState>();
  /** The same states, looked up in place inside a frame (the fast path). */
  private readonly index = new KeyTable<TickerState>();
  private readonly pending = new Map<number, PendingCommand>();
  private nextId = 1;
  private sid = 0;
  private lastSeq = 0;
  private subscribing = false;
  private fatal: string | null = null;
  /** Last time any snapshot arrived (tells a venue that answers from one that is gone). */
  private lastSnapshotAtMs = 0;
  private readonly resyncTimeoutMs: number;
  private readonly chunk: number;
  private readonly log: Logger;
  private readonly fastPath: boolean;
  /** The fast path's decoded delta, reused. */
  private readonly deltaFrame = new KalshiDeltaFrame();
  /** Level buffers reused across snapshots. */
  private yesBuf: number[] = [];
  private noBuf: number[] = [];
  /** This session's markets in the native core (null = TypeScript only). */
  private readonly keys: NativeKeys<TickerState> | null;

  constructor(
    private readonly sink: KalshiBookSink,
    private readonly send: (msg: object) => void,
    private readonly onFatal: (reason: string) => void,
    opts: KalshiSessionOptions = {},
  ) {
    this.resyncTimeoutMs = opts.resyncTimeoutMs ?? 5_000;
    this.chunk = opts.commandChunk ?? 500;
    this.fastPath = opts.fastPath ?? true;
    this.log = opts.log ?? rootLogger.child({ mod: 'kalshi-md' });
    this.keys = this.fastPath && mdcore ? new NativeKeys(mdcore) : null;
  }

  /** Subscription id of the order-book channel (0 until subscribed). */
  get subscriptionId(): number {
    return this.sid;
  }

  /** Tickers whose books are currently in sync. */
  syncedCount(): number {
    let n = 0;
    for (const st of this.tickers.values()) if (st.synced) n++;
    return n;
  }

  isSynced(ticker: string): boolean {
    return this.tickers.get(ticker)?.synced === true;
  }

  /** Start following these tickers (subscribes, or adds to the live subscription). */
  add(tickers: readonly string[]): void {
    const fresh: string[] = [];
    for (const t of tickers) {
      if (this.tickers.has(t)) continue;
      const st = this.newState(t);
      this.tickers.set(t, st);
      this.index.set(t, st);
      fresh.push(t);
    }
    if (fresh.length === 0) return;
    if (this.sid > 0) {
      const now = Date.now();
      for (const t of fresh) this.tickers.get(t)!.resyncSentAtMs = now; // their snapshots are due
      for (const c of chunks(fresh, this.chunk)) this.command('update_subscription', { sid: this.sid, action: 'add_markets', market_tickers: c }, c);
    } else if (!this.subscribing) {
      this.subscribe();
    }
    // While a subscribe is in flight, the remaining tickers are added when its sid arrives.
  }

  /** Stop following these tickers. */
  remove(tickers: readonly string[]): void {
    const gone: string[] = [];
    for (const t of tickers) {
      const st = this.tickers.get(t);
      if (st) {
        this.tickers.delete(t);
        this.index.delete(t);
        this.keys?.release(st);
        gone.push(t);
      }
    }
    if (gone.length > 0 && this.sid > 0) {
      for (const c of chunks(gone, this.chunk)) this.command('update_subscription', { sid: this.sid, action: 'delete_markets', market_tickers: c }, c);
    }
  }

  /** Periodic housekeeping: resync deadlines and backed-off resync requests. */
  tick(nowMs: number): void {
    if (this.fatal) return;
    let due: string[] | null = null;
    for (const [t, st] of this.tickers) {
      if (st.synced) continue;
      if (st.missing) continue;
      if (st.resyncSentAtMs > 0) {
        if (nowMs - st.resyncSentAtMs > this.resyncTimeoutMs) {
          if (this.sid === 0 || this.lastSnapshotAtMs < st.resyncSentAtMs) {
            this.die(`no snapshot for ${t} within ${this.resyncTimeoutMs} ms of a resync request`);
            return;
          }
          // The venue answers for other markets, so reconnecting would not help this one: retry it, backed off.
          this.log.warn({ ticker: t }, 'Kalshi sent no snapshot for this market; retrying');
          st.resyncSentAtMs = 0;
          st.failures++;
          st.nextResyncAtMs = nowMs + Math.min(60_000, 500 * 2 ** Math.min(st.failures, 7));
        }
      } else if (this.sid > 0 && st.nextResyncAtMs > 0 && nowMs >= st.nextResyncAtMs) {
        (due ??= []).push(t);
      }
    }
    if (due) this.requestSnapshots(due, nowMs);
  }

  /**
   * Process one frame as read off the socket. Never throws. Deltas that continue the sequence
   * are applied by the native core when it can (one call, no decode); everything else, and
   * anything the core declines (it then changed nothing), goes through handleText.
   */
  handleFrame(frame: Buffer, nowMs: number): void {
    const n = this.keys;
    if (n !== null && n.usable && this.fatal === null) {
      const r = n.core.kalshiDelta(n.index, frame, nowMs, this.sid, this.lastSeq + 1);
      if (r !== FRAME_DECLINE) {
        this.live.aliveAtMs = nowMs;
        this.lastSeq++;
        const s = this.stats;
        s.messages++;
        s.fastFrames++;
        s.nativeFrames++;
        if (r !== FRAME_CONSUMED) {
          s.deltas++;
          if (r === FRAME_REPORT) this.nativeReport(out.i[0]!, nowMs);
        }
        return;
      }
    }
    this.handleText(frame.toString(), nowMs);
  }

  /** The core applied a delta and left checking and reporting to us. */
  private nativeReport(entry: number, nowMs: number): void {
    const st = this.keys?.state(entry);
    const h = st?.handle;
    if (st && h?.nativeApplied && !h.nativeApplied()) this.unsync(st.ticker, st, 'inconsistent book after delta', nowMs);
    this.sink.frameEnd();
  }

  private newState(ticker: string): TickerState {
    const k = this.keys;
    return k ? k.register(ticker, (entry) => new TickerState(ticker, entry, k)) : new TickerState(ticker, -1, null);
  }

  /** Process one text frame. Never throws. */
  handleText(text: string, nowMs: number): void {
    this.live.aliveAtMs = nowMs;
    if (this.fatal) return;
    // Fast path: a well-formed delta read in place; anything else takes the full parser below.
    const d = this.deltaFrame;
    if (this.fastPath && readKalshiDelta(text, d)) {
      this.stats.messages++;
      this.stats.fastFrames++;
      if (this.checkSeq(d.sid, d.seq, text, nowMs)) {
        const st = this.index.getIn(text, d.tickerStart, d.tickerEnd);
        if (st) this.applyDelta(st, d.yes ? 'yes' : 'no', d.price, d.delta, nowMs);
      }
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
    if (typeof m !== 'object' || m === null || Array.isArray(m)) {
      this.bad('not a JSON object', undefined, text);
      return;
    }
    this.stats.messages++;
    const f = m as Record<string, unknown>;
    const type = f.type;
    switch (type) {
      case 'orderbook_delta':
        if (this.checkSeq(f.sid, f.seq, text, nowMs)) this.onDelta(f.msg, text, nowMs);
        this.sink.frameEnd();
        return;
      case 'orderbook_snapshot':
        if (this.checkSeq(f.sid, f.seq, text, nowMs)) this.onSnapshot(f.msg, text, nowMs);
        this.sink.frameEnd();
        return;
      case 'subscribed':
        this.onSubscribed(f, text);
        return;
      case 'ok':
      case 'unsubscribed':
        // update_subscription / unsubscribe replies carry seq on the sid (spec §5.3).
        if (f.sid !== undefined && f.sid === this.sid && f.seq !== undefined) this.checkSeq(f.sid, f.seq, text, nowMs);
        if (typeof f.id === 'number') this.pending.delete(f.id);
        return;
      case 'error':
        this.onError(f);
        return;
      case 'ticker':
      case 'trade':
      case 'fill':
      case 'user_order':
        return; // other channels: not ours to interpret here
      default:
        this.bad(typeof type === 'string' ? `unknown message type ${JSON.stringify(type)}` : 'message without a type', undefined, text);
    }
  }

  /** Invalidate every ticker (connection lost). The session is dead afterwards. */
  close(reason: string): void {
    if (!this.fatal) this.fatal = reason;
    this.invalidateAll(reason);
  }

  // --- protocol ----------------------------------------------------------------------------------

  private subscribe(): void {
    const all = this.subscribableTickers();
    if (all.length === 0) return;
    const first = all.slice(0, this.chunk);
    this.subscribing = true;
    // Every market's snapshot is now due: a venue that never answers trips the resync deadline.
    const now = Date.now();
    for (const st of this.tickers.values()) st.resyncSentAtMs = now;
    // use_yes_price is sent explicitly: Kalshi plans to flip its default (spec §5.4).
    this.command('subscribe', { channels: [CHANNEL], market_tickers: first, use_yes_price: false }, first);
  }

  /** Tickers to subscribe (all but those Kalshi said do not exist). */
  private subscribableTickers(): string[] {
    const out: string[] = [];
    for (const [t, st] of this.tickers) if (!st.missing) out.push(t);
    return out;
  }

  private command(cmd: string, params: object, tickers: string[]): void {
    const id = this.nextId++;
    this.pending.set(id, { cmd, params: params as Record<string, unknown>, tickers });
    this.send({ id, cmd, params });
  }

  private onSubscribed(f: Record<string, unknown>, text: string): void {
    const msg = f.msg as Record<string, unknown> | undefined;
    if (!msg || msg.channel !== CHANNEL) return;
    const sid = msg.sid;
    if (typeof sid !== 'number' || !Number.isInteger(sid) || sid < 1) {
      this.bad('subscribed reply without a valid sid', undefined, text);
      this.die('subscribe reply without a usable sid');
      return;
    }
    const cmd = typeof f.id === 'number' ? this.pending.get(f.id) : undefined;
    if (typeof f.id === 'number') this.pending.delete(f.id);
    this.sid = sid;
    this.lastSeq = 0;
    this.subscribing = false;
    // Tickers added while the subscribe was in flight (or beyond the first chunk).
    const inFirst = new Set(cmd?.tickers ?? []);
    const rest = this.subscribableTickers().filter((t) => !inFirst.has(t));
    const now = Date.now();
    for (const t of rest) this.tickers.get(t)!.resyncSentAtMs = now;
    for (const c of chunks(rest, this.chunk)) this.command('update_subscription', { sid, action: 'add_markets', market_tickers: c }, c);
  }

  private onError(f: Record<string, unknown>): void {
    const msg = (f.msg ?? {}) as Record<string, unknown>;
    const code = typeof msg.code === 'number' ? msg.code : -1;
    const ticker = typeof msg.market_ticker === 'string' ? msg.market_ticker : undefined;
    const cmd = typeof f.id === 'number' ? this.pending.get(f.id) : undefined;
    if (typeof f.id === 'number') this.pending.delete(f.id);
    this.log.warn({ code, ticker, cmd: cmd?.cmd, msg: msg.msg }, 'Kalshi WS error reply');
    if (code === 6) return; // already subscribed
    if (TERMINAL_ERROR_CODES.has(code)) {
      this.die(`Kalshi error ${code} (${String(msg.msg ?? '')}): subscription state lost`);
      return;
    }
    if (code === 16 && ticker) {
      // Market not found: nothing will arrive for it. Keep it invalid, stop asking, and repeat the
      // refused command for the other markets (Kalshi refuses the whole command).
      const st = this.tickers.get(ticker);
      if (st) {
        st.synced = false;
        st.missing = true;
        st.resyncSentAtMs = 0;
        st.nextResyncAtMs = 0;
      }
      this.log.error({ ticker }, 'Kalshi has no market with this ticker: check PAIRS_FILE (the pair stays untradeable)');
      this.sink.kalshiInvalidate([ticker], 'Kalshi: market not found');
      if (cmd?.cmd === 'subscribe') {
        this.subscribing = false;
        this.subscribe();
      } else if (cmd && cmd.cmd === 'update_subscription' && this.sid > 0) {
        const rest = cmd.tickers.filter((t) => t !== ticker && this.tickers.get(t)?.missing === false);
        if (rest.length > 0) this.command('update_subscription', { ...cmd.params, market_tickers: rest }, rest);
      }
      return;
    }
    if (cmd?.cmd === 'subscribe') {
      this.subscribing = false;
      this.die(`subscribe refused: Kalshi error ${code} ${String(msg.msg ?? '')}`);
      return;
    }
    // A refused get_snapshot/add_markets: those books stay invalid; the resync deadline reconnects.
  }

  /** True when the message continues the sequence of our subscription. */
  private checkSeq(sid: unknown, seq: unknown, text: string, nowMs: number): boolean {
    if (sid !== this.sid || this.sid === 0) {
      // Traffic of a subscription we are replacing (resubscribe, reply still in flight): it says
      // nothing about our books, which stay invalid until their snapshot; the resync deadline
      // covers a venue that never answers.
      this.stats.staleFrames++;
      return false;
    }
    if (typeof seq !== 'number' || !Number.isInteger(seq)) {
      // Without a seq we cannot know what was lost: treat as a gap.
      this.bad('book message without an integer seq', undefined, text);
      this.stats.gaps++;
      this.resyncAll('book message without seq', nowMs);
      return false;
    }
    const expected = this.lastSeq + 1;
    if (seq === expected) {
      this.lastSeq = seq;
      return true;
    }
    if (seq < expected) {
      this.stats.duplicates++;
      this.resyncAll(`duplicate seq ${seq} (last ${this.lastSeq})`, nowMs);
      return false;
    }
    this.stats.gaps++;
    const from = this.lastSeq;
    this.lastSeq = seq;
    this.resyncAll(`seq gap: ${from} -> ${seq}`, nowMs);
    // The message itself is current: a snapshot re-syncs its market; a delta is dropped because
    // its market is no longer in sync.
    return true;
  }

  private onSnapshot(raw: unknown, text: string, nowMs: number): void {
    if (typeof raw !== 'object' || raw === null) {
      this.bad('snapshot without msg', undefined, text);
      this.resyncAll('unreadable snapshot', nowMs);
      return;
    }
    const msg = raw as Record<string, unknown>;
    const ticker = msg.market_ticker;
    if (typeof ticker !== 'string' || ticker === '') {
      this.bad('snapshot without market_ticker', undefined, text);
      this.resyncAll('snapshot without market_ticker', nowMs);
      return;
    }
    const st = this.tickers.get(ticker);
    if (!st) return; // unsubscribed meanwhile
    this.stats.snapshots++;
    this.lastSnapshotAtMs = nowMs;
    const yes = this.yesBuf;
    const no = this.noBuf;
    yes.length = 0;
    no.length = 0;
    const err =
      readSide(msg, 'yes_dollars_fp', 'yes_dollars', 'yes', yes) ?? readSide(msg, 'no_dollars_fp', 'no_dollars', 'no', no);
    st.resyncSentAtMs = 0;
    if (err !== null) {
      this.bad(`snapshot: ${err}`, ticker, text);
      this.unsync(ticker, st, `bad snapshot: ${err}`, nowMs);
      return;
    }
    if (this.sink.kalshiSnapshot(ticker, yes, no, nowMs, this.live)) {
      st.synced = true;
      st.failures = 0;
      st.nextResyncAtMs = 0;
    } else {
      this.unsync(ticker, st, 'inconsistent snapshot', nowMs);
    }
  }

  private onDelta(raw: unknown, text: string, nowMs: number): void {
    if (typeof raw !== 'object' || raw === null) {
      this.bad('delta without msg', undefined, text);
      this.resyncAll('unreadable delta', nowMs);
      return;
    }
    const msg = raw as Record<string, unknown>;
    const ticker = msg.market_ticker;
    if (typeof ticker !== 'string' || ticker === '') {
      // We lost a change of SOME market of the subscription.
      this.bad('delta without market_ticker', undefined, text);
      this.resyncAll('delta without market_ticker', nowMs);
      return;
    }
    const side = msg.side;
    const st = this.tickers.get(ticker);
    if (!st || !st.synced) return; // not ours, or waiting for its snapshot: never apply to an unsynced book
    if (side !== 'yes' && side !== 'no') {
      this.stats.deltas++;
      this.bad(`delta with side ${JSON.stringify(side)}`, ticker, text);
      this.unsync(ticker, st, 'unreadable delta', nowMs);
      return;
    }
    let price: Px;
    let delta: Qty;
    try {
      const pd = msg.price_dollars;
      if (typeof pd === 'string') {
        price = fastScaled(pd, 4);
        if (price !== price) price = parsePx(pd);
      }
      else if (typeof msg.price === 'number' && Number.isInteger(msg.price)) price = msg.price * 100;
      else throw new Error('missing price_dollars');
      const df = msg.delta_fp;
      if (typeof df === 'string') {
        delta = fastScaled(df, 2);
        if (delta !== delta) delta = parseScaled(df, 2, 'delta_fp');
      }
      else if (typeof msg.delta === 'number' && Number.isInteger(msg.delta)) delta = msg.delta * 100;
      else throw new Error('missing delta_fp');
    } catch (e) {
      this.stats.deltas++;
      this.bad(`delta: ${(e as Error).message}`, ticker, text);
      this.unsync(ticker, st, 'unreadable delta', nowMs);
      return;
    }
    if (price <= 0 || price >= PX_ONE) {
      this.stats.deltas++;
      this.bad(`delta price ${price} Px outside (0, 1)`, ticker, text);
      this.unsync(ticker, st, 'delta price out of range', nowMs);
      return;
    }
    this.applyDelta(st, side, price, delta, nowMs);
  }

  /** A readable delta of one of our markets (both paths end here): apply it to a synced book, resync if inconsistent. */
  private applyDelta(st: TickerState, side: OutcomeSide, price: Px, delta: Qty, nowMs: number): void {
    if (!st.synced) return; // waiting for its snapshot: never apply to an unsynced book
    this.stats.deltas++;
    let h = st.handle;
    if (h === null || !h.attached) {
      h = st.handle = this.sink.kalshiHandle?.(st.ticker) ?? null;
      this.keys?.bind(st);
    }
    const ok = h !== null ? h.delta(side, price, delta, nowMs) : this.sink.kalshiDelta(st.ticker, side, price, delta, nowMs);
    if (!ok) this.unsync(st.ticker, st, 'inconsistent book after delta', nowMs);
  }

  // --- resync -----------------------------------------------------------------------------------

  /** One market lost sync: invalidate it and ask for its snapshot (backed off on repeats). */
  private unsync(ticker: string, st: TickerState, reason: string, nowMs: number): void {
    st.synced = false;
    st.failures++;
    this.sink.kalshiInvalidate([ticker], reason);
    // First failure: ask now. Repeats (e.g. the venue keeps sending a crossed book): back off.
    const delay = st.failures <= 1 ? 0 : Math.min(60_000, 500 * 2 ** Math.min(st.failures - 2, 7));
    if (delay === 0) this.requestSnapshots([ticker], nowMs);
    else st.nextResyncAtMs = nowMs + delay;
  }

  private resyncAll(reason: string, nowMs: number): void {
    const all: string[] = [];
    for (const [t, st] of this.tickers) {
      st.synced = false;
      all.push(t);
    }
    if (all.length === 0) return;
    this.log.warn({ reason, markets: all.length }, 'Kalshi books out of sync; requesting snapshots');
    this.sink.kalshiInvalidate(all, reason);
    this.requestSnapshots(all, nowMs);
  }

  private requestSnapshots(all: string[], nowMs: number): void {
    if (this.sid === 0) return; // the subscribe itself brings snapshots
    const tickers = all.filter((t) => this.tickers.get(t)?.missing !== true);
    if (tickers.length === 0) return;
    for (const t of tickers) {
      const st = this.tickers.get(t);
      if (st) {
        st.resyncSentAtMs = nowMs;
        st.nextResyncAtMs = 0;
      }
    }
    this.stats.resyncRequests++;
    for (const c of chunks(tickers, this.chunk)) this.command('update_subscription', { sid: this.sid, action: 'get_snapshot', market_tickers: c }, c);
  }

  private invalidateAll(reason: string): void {
    const all: string[] = [];
    for (const [t, st] of this.tickers) {
      st.synced = false;
      all.push(t);
    }
    if (all.length > 0) this.sink.kalshiInvalidate(all, reason);
  }

  private die(reason: string): void {
    if (this.fatal) return;
    this.fatal = reason;
    this.invalidateAll(reason);
    this.onFatal(reason);
  }

  private bad(reason: string, market: string | undefined, text: string): void {
    this.stats.badFrames++;
    this.sink.badFrame('kalshi', reason, market, frameSample(text));
  }
}

/**
 * Read one side of a snapshot into `out` as flat [px, qty] pairs. Current shape: `<side>_dollars_fp`
 * [["0.0700","1200.00"], …]; tolerated legacy shapes: `<side>_dollars` [["0.080", 300], …] and
 * `<side>` [[8, 300], …] (integer cents). An absent side is empty. Returns an error or null.
 */
function readSide(msg: Record<string, unknown>, fpKey: string, dollarsKey: string, centsKey: string, out: number[]): string | null {
  let arr = msg[fpKey];
  let cents = false;
  if (arr === undefined || arr === null) arr = msg[dollarsKey];
  if (arr === undefined || arr === null) {
    arr = msg[centsKey];
    cents = true;
  }
  if (arr === undefined || arr === null) return null;
  if (!Array.isArray(arr)) return `${fpKey} is not an array`;
  for (let i = 0; i < arr.length; i++) {
    const lvl = arr[i] as unknown;
    if (!Array.isArray(lvl) || lvl.length < 2) return `${fpKey}[${i}] is not a [price, count] pair`;
    const p = lvl[0] as unknown;
    const q = lvl[1] as unknown;
    let px: number;
    let qty: number;
    try {
      if (typeof p === 'string') {
        px = fastScaled(p, 4);
        if (px !== px) px = parsePx(p);
      } else if (cents && typeof p === 'number' && Number.isInteger(p)) px = p * 100;
      else return `${fpKey}[${i}] price ${JSON.stringify(p)} is not a decimal string`;
      if (typeof q === 'string') {
        qty = fastScaled(q, 2);
        if (qty !== qty) qty = parseScaled(q, 2, 'count_fp', 'floor');
      }
      else if (typeof q === 'number' && Number.isInteger(q)) qty = q * 100;
      else return `${fpKey}[${i}] count ${JSON.stringify(q)} is not a number`;
    } catch (e) {
      return `${fpKey}[${i}]: ${(e as Error).message}`;
    }
    if (px <= 0 || px >= PX_ONE) return `${fpKey}[${i}] price ${px} Px outside (0, 1)`;
    if (qty < 0) return `${fpKey}[${i}] negative count`;
    if (qty === 0) continue; // spec K11: zero-size levels are absent
    out.push(px, qty);
  }
  return null;
}

// --- the socket client ----------------------------------------------------------------------------

export interface KalshiMarketDataOptions extends KalshiSessionOptions {
  /** wss://…/trade-api/ws/v2 */
  url: string;
  /** Fresh KALSHI-ACCESS-* headers for the upgrade request (signed per connect). */
  authHeaders: () => Record<string, string> | Promise<Record<string, string>>;
  sink: KalshiBookSink;
  /** Our own keep-alive ping period, ms (Kalshi also pings every 10 s). Default 5,000. */
  pingIntervalMs?: number;
  /**
   * No frame from the server (data or its 10 s heartbeat Ping) for this long = frozen or dead
   * connection -> books not tradeable, reconnect. Default 15,000.
   */
  staleMs?: number;
  backoff?: BackoffOptions;
}

export type FeedState = 'idle' | 'connecting' | 'open' | 'stopped';

/** The Kalshi order-book feed: one authenticated connection, reconnected for ever until stop(). */
export class KalshiMarketData {
  private ws: WebSocket | null = null;
  private session: KalshiBookSession | null = null;
  private readonly wanted = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private state: FeedState = 'idle';
  private lastPingAtMs = 0;
  private openedAtMs = 0;
  private readonly log: Logger;
  /** Connections opened so far (tests and metrics). */
  connects = 0;
  /** Totals over all sessions. */
  readonly totals: KalshiSessionStats = {
    messages: 0, fastFrames: 0, nativeFrames: 0, snapshots: 0, deltas: 0, gaps: 0, duplicates: 0, resyncRequests: 0, badFrames: 0, staleFrames: 0,
  };

  constructor(private readonly opts: KalshiMarketDataOptions) {
    this.log = opts.log ?? rootLogger.child({ mod: 'kalshi-md' });
  }

  get status(): FeedState {
    return this.state;
  }

  /** The live connection's liveness (null while disconnected). */
  get liveness(): FeedLiveness | null {
    return this.session?.live ?? null;
  }

  /** Current session (tests). */
  get currentSession(): KalshiBookSession | null {
    return this.session;
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'connecting';
    this.timer = setInterval(() => this.housekeeping(), Math.max(50, Math.min(1_000, Math.floor((this.opts.staleMs ?? 15_000) / 4))));
    this.timer.unref?.();
    void this.connect();
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.timer) clearInterval(this.timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.timer = null;
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

  add(tickers: readonly string[]): void {
    const fresh = tickers.filter((t) => !this.wanted.has(t));
    for (const t of fresh) this.wanted.add(t);
    if (fresh.length > 0) this.session?.add(fresh);
  }

  remove(tickers: readonly string[]): void {
    const gone = tickers.filter((t) => this.wanted.delete(t));
    if (gone.length > 0) this.session?.remove(gone);
  }

  /** Force a reconnect (tests, operator). */
  reconnect(reason: string): void {
    this.drop(reason);
  }

  private async connect(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    let headers: Record<string, string>;
    try {
      headers = await this.opts.authHeaders();
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'cannot sign the Kalshi WebSocket upgrade; check KALSHI_API_KEY_ID and the private key');
      this.scheduleReconnect();
      return;
    }
    if ((this.state as FeedState) === 'stopped') return; // stop() may run during the await
    const ws = new WebSocket(this.opts.url, { headers, perMessageDeflate: false, handshakeTimeout: 10_000 });
    this.ws = ws;
    this.connects++;
    let session: KalshiBookSession | null = null;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.state = 'open';
      this.openedAtMs = Date.now();
      session = new KalshiBookSession(
        this.opts.sink,
        (msg) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
        },
        (reason) => this.drop(reason),
        { resyncTimeoutMs: this.opts.resyncTimeoutMs, commandChunk: this.opts.commandChunk, fastPath: this.opts.fastPath, log: this.log },
      );
      session.live.aliveAtMs = Date.now();
      this.session = session;
      this.log.info({ url: this.opts.url, markets: this.wanted.size }, 'Kalshi market data connected');
      session.add([...this.wanted]);
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!session || this.ws !== ws) return;
      if (isBinary) {
        session.live.aliveAtMs = Date.now();
        this.opts.sink.badFrame('kalshi', 'binary frame', undefined, '');
        return;
      }
      if (Buffer.isBuffer(data)) session.handleFrame(data, Date.now());
      else session.handleText(typeof data === 'string' ? data : data.toString(), Date.now());
    });
    ws.on('ping', () => {
      if (session) session.live.aliveAtMs = Date.now();
    });
    // Our own pings keep middleboxes from idling the socket out. Their pongs do NOT count as
    // liveness: a server whose feed froze still auto-answers pings at the protocol level.
    ws.on('unexpected-response', (_req, res) => {
      this.log.error({ status: res.statusCode }, `Kalshi WebSocket upgrade refused with HTTP ${res.statusCode}; check the API key and clock`);
      ws.terminate();
    });
    ws.on('error', (err) => {
      this.log.warn({ err: err.message }, 'Kalshi market data socket error');
    });
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (session) {
        this.accumulate(session);
        session.close('connection closed');
      }
      if (this.session === session) this.session = null;
      if (this.state !== 'stopped') this.scheduleReconnect();
    });
  }

  private drop(reason: string): void {
    const ws = this.ws;
    if (!ws) return;
    this.log.warn({ reason }, 'dropping the Kalshi market data connection');
    this.session?.close(reason);
    ws.terminate(); // 'close' follows and schedules the reconnect
  }

  private scheduleReconnect(): void {
    if (this.state === 'stopped' || this.reconnectTimer) return;
    this.state = 'connecting';
    const delay = backoffDelayMs(this.attempt++, this.opts.backoff);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
  }

  private housekeeping(): void {
    const s = this.session;
    const ws = this.ws;
    if (!s || !ws || ws.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    const staleMs = this.opts.staleMs ?? 15_000;
    if (now - s.live.aliveAtMs > staleMs) {
      this.drop(`no frame for ${now - s.live.aliveAtMs} ms (limit ${staleMs} ms)`);
      return;
    }
    // A connection that stayed up a while resets the backoff.
    if (this.attempt > 0 && now - this.openedAtMs > 5_000) this.attempt = 0;
    const pingEvery = this.opts.pingIntervalMs ?? 5_000;
    if (now - this.lastPingAtMs >= pingEvery) {
      this.lastPingAtMs = now;
      try {
        ws.ping();
      } catch {
        /* closing */
      }
    }
    s.tick(now);
  }

  /** Counters over all connections so far, the live one included. */
  stats(): KalshiSessionStats {
    const out = { ...this.totals };
    const x = this.session?.stats;
    if (x) for (const k of Object.keys(out) as Array<keyof KalshiSessionStats>) out[k] += x[k];
    return out;
  }

  private accumulate(s: KalshiBookSession): void {
    const t = this.totals;
    const x = s.stats;
    t.messages += x.messages;
    t.fastFrames += x.fastFrames;
    t.nativeFrames += x.nativeFrames;
    t.snapshots += x.snapshots;
    t.deltas += x.deltas;
    t.gaps += x.gaps;
    t.duplicates += x.duplicates;
    t.resyncRequests += x.resyncRequests;
    t.badFrames += x.badFrames;
    t.staleFrames += x.staleFrames;
  }
}
