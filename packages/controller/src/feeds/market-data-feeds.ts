// Wires pairs to venue subscriptions: when a pair is added (PAIRS_FILE at startup, discovery at
// run time) its books are created and the venue markets it needs are subscribed; when removed,
// markets no other pair uses are unsubscribed and forgotten.

import type { KalshiMarketData } from '@parity/trading/kalshi/market-data.ts';
import type { PolyMarketData } from '@parity/trading/polymarket/market-data.ts';
import type { BookStore } from '../books/book-store.ts';
import type { Detector } from '../detection/detector.ts';
import type { FeeDirectory } from '../detection/fees.ts';
import type { Pair } from '../model.ts';
import type { PairListener, PairRegistry } from '../pairs/registry.ts';

/** The two venue feeds as the controller uses them (the trading clients, or test doubles). */
export type KalshiFeed = Pick<KalshiMarketData, 'start' | 'stop' | 'add' | 'remove'>;
export type PolyFeed = Pick<PolyMarketData, 'start' | 'stop' | 'add' | 'remove'>;

export class MarketDataFeeds implements PairListener {
  private unlisten: (() => void) | null = null;

  constructor(
    private readonly registry: PairRegistry,
    private readonly store: BookStore,
    private readonly detector: Detector,
    private readonly fees: FeeDirectory,
    readonly kalshi: KalshiFeed | null,
    readonly poly: PolyFeed | null,
  ) {}

  /** Subscribe every registered pair, follow registry changes, and open the sockets. */
  start(): void {
    if (this.unlisten) return;
    this.unlisten = this.registry.listen(this);
    for (const p of this.registry.list()) this.pairAdded(p);
    this.kalshi?.start();
    this.poly?.start();
  }

  async stop(): Promise<void> {
    this.unlisten?.();
    this.unlisten = null;
    await Promise.all([this.kalshi?.stop(), this.poly?.stop()]);
  }

  pairAdded(pair: Pair): void {
    const change = this.store.addPair(pair);
    this.detector.attach(this.store.pairs.get(pair.id)!);
    if (change.kalshiTickers.length > 0) this.kalshi?.add(change.kalshiTickers);
    if (change.polyAssets.length > 0) this.poly?.add(change.polyAssets);
  }

  pairRemoved(pair: Pair): void {
    const change = this.store.removePair(pair.id);
    if (change.kalshiTickers.length > 0) this.kalshi?.remove(change.kalshiTickers);
    if (change.polyAssets.length > 0) this.poly?.remove(change.polyAssets);
    this.fees.forget(change.kalshiTickers, change.polyAssets);
  }
}
