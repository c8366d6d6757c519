// Market model shared by both venue front-ends: one SimMarket = one binary market on one venue,
// with its YES book, price grid, fee model and venue-specific metadata.

import type { Micros, Px, Qty } from '@parity/trading';
import { PX_ONE } from '@parity/trading';
import { OrderBook } from './engine/index.ts';
import type { Venue } from './faults.ts';
import type { SimOrder } from './orders.ts';

/** Inclusive price range [start, end] in Px with a step (Kalshi `price_ranges`). */
export interface PriceRange {
  start: Px;
  end: Px;
  step: Px;
}

/** The prices a market accepts, e.g. Kalshi `linear_cent` or a Polymarket tick size. */
export class PriceGrid {
  constructor(readonly ranges: readonly PriceRange[]) {
    if (ranges.length === 0) throw new RangeError('a price grid needs at least one range');
  }

  /** Ticks of `tick` Px from tick to 1 - tick (Polymarket: tick 100 = $0.01). */
  static uniform(tick: Px): PriceGrid {
    return new PriceGrid([{ start: tick, end: PX_ONE - tick, step: tick }]);
  }

  isOnGrid(px: Px): boolean {
    if (!Number.isSafeInteger(px)) return false;
    for (const r of this.ranges) if (px >= r.start && px <= r.end && (px - r.start) % r.step === 0) return true;
    return false;
  }

  /** The smallest step anywhere on the grid. */
  get minTick(): Px {
    return Math.min(...this.ranges.map((r) => r.step));
  }

  /** Round a price down (or up) onto the grid; null if none lies that way. */
  snap(px: Px, dir: 'down' | 'up'): Px | null {
    let best: Px | null = null;
    for (const r of this.ranges) {
      let p: Px;
      if (dir === 'down') {
        if (px < r.start) continue;
        p = Math.min(r.end, r.start + Math.floor((px - r.start) / r.step) * r.step);
        if (best === null || p > best) best = p;
      } else {
        if (px > r.end) continue;
        p = Math.max(r.start, r.start + Math.ceil((px - r.start) / r.step) * r.step);
        if (best === null || p < best) best = p;
      }
    }
    return best;
  }
}

export type FeeRole = 'taker' | 'maker';

/**
 * A venue's fee formula for one market. Fees are charged in Micros from the account's cash on
 * each fill; `order.feeState` is scratch space the model may use for per-order accumulators
 * (Kalshi rounds the order's aggregate fee, not each fill).
 */
export interface FeeModel {
  /** Upper bound of the fee for buying `qty` at outcome limit `px` (reserved with the order). */
  reserve(px: Px, qty: Qty): Micros;
  /** Fee to charge for one fill of `order` at YES price `yesPx` (called before the order's totals are updated). */
  charge(order: SimOrder, role: FeeRole, yesPx: Px, qty: Qty): Micros;
}

export const NO_FEES: FeeModel = {
  reserve: () => 0,
  charge: () => 0,
};

export type MarketStatus = 'open' | 'closed' | 'settled';

export interface KalshiMarketMeta {
  ticker: string;
  eventTicker: string;
  seriesTicker: string;
  /** Market title, e.g. "Los Angeles L at Boston Winner?" */
  title: string;
  /** What YES means, e.g. "Los Angeles L". */
  yesSubTitle: string;
  noSubTitle: string;
  /** Kalshi `price_level_structure` name matching `grid`. */
  priceLevelStructure: string;
  fractionalTradingEnabled: boolean;
  openTime: string;
  closeTime: string;
  expectedExpirationTime?: string;
  rulesPrimary?: string;
  /** Line of a spread/total market (`floor_strike`; discovery reads it). */
  floorStrike?: number;
  /** Multivariate collection the market is listed under (`mve_collection_ticker`, e.g. some NFL games). */
  mveCollectionTicker?: string;
}

export interface PolymarketMarketMeta {
  conditionId: string;
  /** Token listed first in `outcomes` (pays when outcome 0 happens). */
  yesTokenId: string;
  noTokenId: string;
  negRisk: boolean;
  /** "0.01" | "0.001" | "0.0001" (kept in step with `grid`). */
  tickSize: string;
  /** Minimum order size in shares (Qty). */
  minOrderSize: Qty;
  question: string;
  slug: string;
  /** Outcome labels in the venue's order, e.g. ["Lakers", "Celtics"] or ["Yes", "No"]. */
  outcomes: [string, string];
  /** Fee parameters as the venue publishes them (`fd` on /clob-markets). */
  feeRate: number;
  feeExponent: number;
  takerOnly: boolean;
  eventSlug?: string;
  eventTitle?: string;
  gameStartTime?: string;
  sportsMarketType?: string;
  /** Free-form extras for the Gamma catalog (front-end owned). */
  extra?: Record<string, unknown>;
}

export interface SimMarket {
  /** Context-unique id (Kalshi ticker for Kalshi markets; condition id for Polymarket). */
  readonly id: string;
  readonly venue: Venue;
  readonly book: OrderBook;
  grid: PriceGrid;
  status: MarketStatus;
  fees: FeeModel;
  /**
   * Kalshi nets YES against NO in one market (a sell of YES you do not hold opens NO);
   * Polymarket holds the two tokens separately. See SimContext.placeOrder.
   */
  readonly netting: boolean;
  /** The scenario pair this market belongs to, if any. */
  pairId?: string;
  kalshi?: KalshiMarketMeta;
  polymarket?: PolymarketMarketMeta;
  /** Last traded YES price, or null. */
  lastTradePx: Px | null;
  /** Contracts traded (Qty). */
  volume: Qty;
  /** The winning outcome once the market is settled (SimContext.settleMarket); YES = this market's own YES. */
  result?: 'yes' | 'no' | undefined;
  /** When it settled (ms). */
  settledTs?: number | undefined;
}

export function newMarket(init: Omit<SimMarket, 'book' | 'lastTradePx' | 'volume'> & { lastTradePx?: Px | null }): SimMarket {
  return { ...init, book: new OrderBook(), lastTradePx: init.lastTradePx ?? null, volume: 0 };
}

/** Kalshi series (fee parameters live here; events may override them). */
export interface KalshiSeriesMeta {
  ticker: string;
  title: string;
  category: string;
  tags: string[];
  frequency: string;
  feeType: 'quadratic' | 'quadratic_with_maker_fees' | 'quadratic_with_combo_maker_fees' | 'flat';
  feeMultiplier: number;
}

export interface KalshiEventMeta {
  eventTicker: string;
  seriesTicker: string;
  title: string;
  subTitle: string;
  mutuallyExclusive: boolean;
  strikeDate: string | null;
  feeTypeOverride?: KalshiSeriesMeta['feeType'] | null;
  feeMultiplierOverride?: number | null;
}
