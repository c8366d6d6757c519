// The simulator's event bus: synchronous, in emission order (so a WS front-end that forwards
// events sees exactly the engine's sequence). Per-market listeners keep fan-out cheap.

import type { BookSide, LevelChange } from './engine/index.ts';
import type { Px, Qty } from '@parity/trading';
import type { SimFill, SimOrder } from './orders.ts';

export type SimEvent =
  /** All level changes of ONE engine operation (a match, a rest, a cancel), in order. */
  | { type: 'book'; marketId: string; changes: LevelChange[]; ts: number; /** The order whose placement / cancel caused it. */ causeOrderId?: string }
  /** One match between two orders, at the maker's YES price. Emitted before the 'book' event of the same operation. */
  | { type: 'trade'; marketId: string; tradeId: string; yesPx: Px; qty: Qty; takerSide: BookSide; takerOrderId: string; makerOrderId: string; ts: number }
  /** An order was created or changed (fill, cancel). */
  | { type: 'order'; marketId: string; order: SimOrder; ts: number }
  /** One side's fill record (maker and taker each get one per trade). */
  | { type: 'fill'; marketId: string; fill: SimFill; ts: number }
  /** Market metadata changed (status, grid / tick size). */
  | { type: 'market'; marketId: string; ts: number };

export type SimListener = (e: SimEvent) => void;

export class EventBus {
  private readonly all = new Set<SimListener>();
  private readonly byMarket = new Map<string, Set<SimListener>>();

  /** Every event of every market. Returns an unsubscribe function. */
  on(fn: SimListener): () => void {
    this.all.add(fn);
    return () => this.all.delete(fn);
  }

  /** Events of one market only. Returns an unsubscribe function. */
  onMarket(marketId: string, fn: SimListener): () => void {
    let set = this.byMarket.get(marketId);
    if (!set) {
      set = new Set();
      this.byMarket.set(marketId, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.byMarket.delete(marketId);
    };
  }

  emit(e: SimEvent): void {
    const set = this.byMarket.get(e.marketId);
    if (set) for (const fn of set) fn(e);
    for (const fn of this.all) fn(e);
  }

  clear(): void {
    this.all.clear();
    this.byMarket.clear();
  }
}
