// Matching-engine types. One engine instance = one binary market = ONE YES book.
//
// Both venues map onto it:
//   buy YES at p  -> bid at p          sell YES at p -> ask at p
//   buy NO  at q  -> ask at 1 - q      sell NO  at q -> bid at 1 - q
// All prices are YES prices in Px (1/10,000 $), all sizes Qty (1/100 contract).

import type { Px, Qty } from '@parity/trading';

export type BookSide = 'bid' | 'ask';

/** gtc rests; ioc (= Polymarket FAK) fills what it can then cancels; fok fills fully or not at all. */
export type TimeInForce = 'gtc' | 'ioc' | 'fok';

/**
 * Self-trade prevention when an incoming order would match a resting order of the same owner:
 * - cancel_taker: stop the incoming order there (fills already made stand), cancel its remainder
 *   (Kalshi `taker_at_cross`).
 * - cancel_maker: cancel the resting order and keep matching (Kalshi `maker`).
 * - none: allow the self-trade (Polymarket's CLOB does not prevent it).
 */
export type SelfTradeMode = 'cancel_taker' | 'cancel_maker' | 'none';

export interface EngineOrder {
  /** Unique per engine. */
  id: string;
  /** Account id; used for self-trade prevention. */
  owner: string;
  side: BookSide;
  /** Limit, as a YES price. */
  px: Px;
  qty: Qty;
  tif: TimeInForce;
  /** Reject (fill nothing, rest nothing) when the order would cross on arrival. */
  postOnly?: boolean;
  stp?: SelfTradeMode;
  /** Cap on what this order may fill now (forced-partial-fill fault); the rest is cancelled. */
  maxFillQty?: Qty;
}

export interface RestingOrder {
  readonly id: string;
  readonly owner: string;
  readonly side: BookSide;
  readonly px: Px;
  /** Quantity at placement. */
  readonly qty: Qty;
  remaining: Qty;
  /** Arrival sequence: time priority within a level. */
  readonly seq: number;
}

export interface EngineFill {
  takerId: string;
  takerOwner: string;
  takerSide: BookSide;
  makerId: string;
  makerOwner: string;
  /** The resting order's price (fills happen at the maker's price). */
  px: Px;
  qty: Qty;
  /** Maker's remaining quantity after this fill (0 = maker order done). */
  makerRemaining: Qty;
}

/** A price level's new total size (0 = the level is gone) and the signed change that led there. */
export interface LevelChange {
  side: BookSide;
  px: Px;
  size: Qty;
  delta: Qty;
}

export type EngineRejectReason = 'post_only_cross' | 'fok_not_filled' | 'invalid_order';

export interface MatchResult {
  orderId: string;
  /** Accepted orders match and/or rest; rejected ones (post-only cross, FOK) changed nothing. */
  accepted: boolean;
  rejectReason?: EngineRejectReason;
  filledQty: Qty;
  /** Quantity left resting on the book (gtc only). */
  restingQty: Qty;
  /** Quantity cancelled (ioc remainder, stp cancel_taker, forced partial fill). */
  cancelledQty: Qty;
  /** True when self-trade prevention stopped the incoming order. */
  selfTradeStopped: boolean;
  fills: EngineFill[];
  /** Resting orders removed by stp cancel_maker, with the quantity they had left. */
  makersCancelled: { id: string; owner: string; remaining: Qty }[];
  /** Level changes in the order they happened. */
  changes: LevelChange[];
}
