// All live books, indexed by Kalshi ticker and Polymarket token, and the pairs that use them.
// It is the sink both market-data feeds write into: each change is applied to its book, the
// pairs using that book are marked, and at the end of the frame the update hook (detection) runs
// once per marked pair — never on a half-applied frame, never for unrelated pairs.

import type { Logger, OutcomeSide, Platform, Px, Qty } from '@parity/trading';
import { logger as rootLogger } from '@parity/trading';
import type { FeedLiveness } from '@parity/trading/market-data-common.ts';
import type { KalshiBookSink } from '@parity/trading/kalshi/market-data.ts';
import type { PolyBookSide, PolyBookSink } from '@parity/trading/polymarket/market-data.ts';
import { core, type MdCore } from '@parity/mdcore';
import type { Pair } from '../model.ts';
import { BadFrameLog } from './bad-frames.ts';
import { KalshiBook, type BookOwner } from './kalshi-book.ts';
import { PairState } from './pair-state.ts';
import { PolyTokenBook } from './poly-book.ts';

/** Venue markets a pair change adds to or removes from the feeds. */
export interface SubscriptionChange {
  kalshiTickers: string[];
  polyAssets: string[];
}

export type PairUpdateHook = (pairs: readonly PairState[]) => void;

export interface BookStoreOptions {
  /**
   * Keep ladders in the native market-data core, so the feeds can apply most frames there
   * (default: whenever the core is loaded). false = TypeScript ladders (the reference).
   */
  native?: boolean;
}

/** What the store needs of detection to let the native core screen prices (Detector). */
export interface ScreenedConsumer {
  readonly onPairsUpdated: PairUpdateHook;
  /** Most two asks may cost together, Px, for a change to be worth reporting. */
  readonly screenBudgetPx: number;
}

export class BookStore implements KalshiBookSink, PolyBookSink, BookOwner {
  readonly kalshiBooks = new Map<string, KalshiBook>();
  readonly polyBooks = new Map<string, PolyTokenBook>();
  readonly pairs = new Map<string, PairState>();
  readonly badFrames: BadFrameLog;
  /** Invalidations received (books marked not tradeable), per venue. */
  readonly invalidations: Record<Platform, number> = { kalshi: 0, polymarket: 0 };
  private hook: PairUpdateHook | null = null;
  /** Price screen of the consumer (NaN = none: every change is reported to it). */
  private screenBudgetPx = NaN;
  private readonly dirty: PairState[] = [];
  private readonly log: Logger;
  /** The native core holding this store's ladders, or null. */
  readonly native: MdCore | null;

  constructor(log: Logger = rootLogger.child({ mod: 'books' }), opts: BookStoreOptions = {}) {
    this.log = log;
    this.badFrames = new BadFrameLog(log);
    this.native = opts.native === false ? null : core;
  }

  /** Any consumer — runs at the end of each frame for the pairs it touched; sees every change. */
  get onUpdate(): PairUpdateHook | null {
    return this.hook;
  }
  set onUpdate(hook: PairUpdateHook | null) {
    this.hook = hook;
    this.setScreen(NaN);
  }

  /**
   * Detection as the consumer: changes that cannot pass its price screen may be settled without
   * calling it (the native core counts them as screened evaluations).
   */
  useDetector(d: ScreenedConsumer): void {
    this.hook = d.onPairsUpdated;
    this.setScreen(d.screenBudgetPx);
  }

  /** Wrap the consumer (timing, metrics) keeping its price screen. */
  wrapUpdate(wrap: (hook: PairUpdateHook) => PairUpdateHook): void {
    if (this.hook) this.hook = wrap(this.hook);
  }

  private setScreen(px: number): void {
    this.screenBudgetPx = px;
    for (const ps of this.pairs.values()) ps.setScreenBudget(px);
  }

  /** Add a pair; returns the venue markets that are new (to subscribe). */
  addPair(pair: Pair): SubscriptionChange {
    if (this.pairs.has(pair.id)) throw new Error(`pair ${pair.id} is already tracked`);
    const change: SubscriptionChange = { kalshiTickers: [], polyAssets: [] };
    let k = this.kalshiBooks.get(pair.kalshiTicker);
    if (!k) {
      k = new KalshiBook(pair.kalshiTicker, this.native);
      k.owner = this;
      this.kalshiBooks.set(pair.kalshiTicker, k);
      change.kalshiTickers.push(pair.kalshiTicker);
    }
    const token = (id: string): PolyTokenBook => {
      let b = this.polyBooks.get(id);
      if (!b) {
        b = new PolyTokenBook(id, this.native);
        b.owner = this;
        this.polyBooks.set(id, b);
        change.polyAssets.push(id);
      }
      return b;
    };
    const ps = new PairState(pair, k, token(pair.polyYesToken), token(pair.polyNoToken));
    ps.setScreenBudget(this.screenBudgetPx);
    for (const b of [k, ps.polyYesBook, ps.polyNoBook]) {
      if (!b.pairs.includes(ps)) b.pairs.push(ps);
      b.soloPair = b.pairs.length === 1 ? b.pairs[0]! : null;
      b.pairsChanged();
    }
    this.pairs.set(pair.id, ps);
    return change;
  }

  /** Remove a pair; returns the venue markets no pair uses any more (to unsubscribe). */
  removePair(id: string): SubscriptionChange {
    const change: SubscriptionChange = { kalshiTickers: [], polyAssets: [] };
    const ps = this.pairs.get(id);
    if (!ps) return change;
    this.pairs.delete(id);
    const drop = (b: KalshiBook | PolyTokenBook): boolean => {
      const i = b.pairs.indexOf(ps);
      if (i >= 0) b.pairs.splice(i, 1);
      b.soloPair = b.pairs.length === 1 ? b.pairs[0]! : null;
      b.pairsChanged();
      return b.pairs.length === 0;
    };
    if (drop(ps.kalshi)) {
      this.kalshiBooks.delete(ps.kalshi.ticker);
      ps.kalshi.detach();
      change.kalshiTickers.push(ps.kalshi.ticker);
    }
    for (const b of [ps.polyYesBook, ps.polyNoBook]) {
      if (this.polyBooks.get(b.assetId) === b && drop(b)) {
        this.polyBooks.delete(b.assetId);
        b.detach();
        change.polyAssets.push(b.assetId);
      }
    }
    const di = this.dirty.indexOf(ps);
    if (di >= 0) this.dirty.splice(di, 1);
    return change;
  }

  // --- KalshiBookSink ---------------------------------------------------------------------------

  kalshiSnapshot(ticker: string, yesBids: number[], noBids: number[], atMs: number, live: FeedLiveness): boolean {
    const b = this.kalshiBooks.get(ticker);
    if (!b) return true;
    const ok = b.applySnapshot(yesBids, noBids, atMs, live);
    if (!ok) this.log.warn({ ticker, reason: b.reason }, 'Kalshi snapshot refused; resyncing');
    this.kalshiChanged(b);
    return ok;
  }

  kalshiDelta(ticker: string, side: OutcomeSide, price: Px, delta: Qty, atMs: number): boolean {
    const b = this.kalshiBooks.get(ticker);
    return b ? b.delta(side, price, delta, atMs) : true;
  }

  kalshiHandle(ticker: string): KalshiBook | null {
    return this.kalshiBooks.get(ticker) ?? null;
  }

  kalshiInvalidate(tickers: readonly string[], reason: string): void {
    for (const t of tickers) {
      const b = this.kalshiBooks.get(t);
      if (!b) continue;
      b.invalidate(reason);
      this.invalidations.kalshi++;
      for (const p of b.pairs) p.lastEmitKey = '';
    }
  }

  // --- PolyBookSink -----------------------------------------------------------------------------

  polyBook(assetId: string, bids: number[], asks: number[], atMs: number, live: FeedLiveness): boolean {
    const b = this.polyBooks.get(assetId);
    if (!b) return true;
    const ok = b.applyBook(bids, asks, atMs, live);
    if (!ok) this.log.warn({ token: assetId, reason: b.reason }, 'Polymarket book refused; resyncing');
    this.polyChanged(b);
    return ok;
  }

  polyLevel(assetId: string, side: PolyBookSide, price: Px, size: Qty, atMs: number): void {
    this.polyBooks.get(assetId)?.level(side, price, size, atMs);
  }

  polyCheck(assetId: string, bestBid: Px, bestAsk: Px): boolean {
    const b = this.polyBooks.get(assetId);
    return b ? b.verify(bestBid, bestAsk) : true;
  }

  polyHandle(assetId: string): PolyTokenBook | null {
    return this.polyBooks.get(assetId) ?? null;
  }

  polyTickSize(assetId: string, tick: Px): void {
    const b = this.polyBooks.get(assetId);
    if (b) b.tickSize = tick;
  }

  polyInvalidate(assetIds: readonly string[], reason: string): void {
    for (const a of assetIds) {
      const b = this.polyBooks.get(a);
      if (!b) continue;
      b.invalidate(reason);
      this.invalidations.polymarket++;
      for (const p of b.pairs) p.lastEmitKey = '';
    }
  }

  // --- both ------------------------------------------------------------------------------------

  badFrame(venue: Platform, reason: string, market: string | undefined, sample: string): void {
    this.badFrames.record(venue, reason, market, sample);
  }

  frameEnd(): void {
    const d = this.dirty;
    if (d.length === 0) return;
    try {
      this.hook?.(d);
    } catch (err) {
      // Detection must never take the feed down; the error is a bug to fix, so log it loudly.
      this.log.error({ err: (err as Error).stack ?? String(err) }, 'pair update hook failed');
    } finally {
      for (let i = 0; i < d.length; i++) d[i]!.dirty = false;
      d.length = 0;
    }
  }

  // --- BookOwner: books report their changes here ---------------------------------------------

  kalshiChanged(b: KalshiBook): void {
    const solo = b.soloPair;
    if (solo !== null) {
      solo.refreshKalshi();
      this.mark(solo);
      return;
    }
    const pairs = b.pairs;
    for (let i = 0; i < pairs.length; i++) {
      pairs[i]!.refreshKalshi();
      this.mark(pairs[i]!);
    }
  }

  polyChanged(b: PolyTokenBook): void {
    const solo = b.soloPair;
    if (solo !== null) {
      solo.refreshPoly(b);
      this.mark(solo);
      return;
    }
    const pairs = b.pairs;
    for (let i = 0; i < pairs.length; i++) {
      pairs[i]!.refreshPoly(b);
      this.mark(pairs[i]!);
    }
  }

  /** Detection runs for this pair at the end of the frame. */
  private mark(p: PairState): void {
    if (!p.dirty) {
      p.dirty = true;
      this.dirty.push(p);
    }
  }

  polyRefused(b: PolyTokenBook): void {
    this.log.warn({ token: b.assetId, reason: b.reason }, 'Polymarket book inconsistent; resyncing');
  }
}
