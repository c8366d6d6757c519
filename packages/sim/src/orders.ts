// Venue-neutral order and fill records kept by SimContext (front-ends render them in their
// own wire shapes).

import type { Micros, Px, Qty } from '@parity/trading';
import type { BookSide, SelfTradeMode, TimeInForce } from './engine/index.ts';
import type { ActiveFault, Venue } from './faults.ts';
import type { FeeRole } from './markets.ts';

export type Outcome = 'yes' | 'no';
export type Action = 'buy' | 'sell';
export type OrderStatus = 'resting' | 'executed' | 'canceled';

export interface SimOrder {
  readonly id: string;
  readonly venue: Venue;
  readonly accountId: string;
  readonly marketId: string;
  readonly clientOrderId: string | null;
  readonly action: Action;
  readonly outcome: Outcome;
  /** Limit price of `outcome`. */
  readonly px: Px;
  /** Where it sits on the YES book, and at which YES price. */
  readonly bookSide: BookSide;
  readonly yesPx: Px;
  readonly qty: Qty;
  readonly tif: TimeInForce;
  readonly postOnly: boolean;
  readonly stp: SelfTradeMode;
  status: OrderStatus;
  /** Why a canceled order ended (user, ioc_remainder, fok_not_filled, post_only_cross, self_trade, forced_partial, market_closed). */
  cancelReason: string | null;
  filledQty: Qty;
  takerFilledQty: Qty;
  makerFilledQty: Qty;
  /** Σ outcome price × qty (what a buyer paid / a seller received, before fees), as taker / maker. */
  takerCost: Micros;
  makerCost: Micros;
  takerFees: Micros;
  makerFees: Micros;
  /** Quantity still resting. */
  remainingQty: Qty;
  createdTs: number;
  updatedTs: number;
  /** Cash still reserved for this order (limit cost + fee bound). */
  reservedCash: Micros;
  /** Holdings still reserved: `outcome` tokens for a sell; the opposite side being closed for a netting buy. */
  reservedQty: Qty;
  /** Fee-model scratch (per-order accumulators). */
  feeState: Record<string, number>;
  /** Front-end scratch (Polymarket order hash, signature, Kalshi subaccount ...). */
  venueData: Record<string, unknown>;
}

export interface SimFill {
  /** Unique per fill record (each trade produces one for the taker and one for the maker). */
  readonly id: string;
  /** Shared by the maker and taker records of one match. */
  readonly tradeId: string;
  readonly orderId: string;
  readonly counterpartyOrderId: string;
  readonly accountId: string;
  readonly marketId: string;
  readonly venue: Venue;
  readonly role: FeeRole;
  readonly action: Action;
  readonly outcome: Outcome;
  /** Execution price of `outcome`, and the same as a YES price. */
  readonly px: Px;
  readonly yesPx: Px;
  readonly qty: Qty;
  readonly fee: Micros;
  readonly ts: number;
}

export interface PlaceOrderRequest {
  venue: Venue;
  accountId: string;
  marketId: string;
  action: Action;
  outcome: Outcome;
  /** Limit price of `outcome`. */
  px: Px;
  qty: Qty;
  tif: TimeInForce;
  postOnly?: boolean;
  /** Default: cancel_taker. */
  stp?: SelfTradeMode;
  clientOrderId?: string | null;
  /** Front-end-chosen id (Polymarket order hash); default a seeded UUID. */
  orderId?: string;
  /** Cap fills at the current position (Kalshi reduce_only). */
  reduceOnly?: boolean;
  venueData?: Record<string, unknown>;
  /** Request path, for the order log. */
  endpoint?: string;
  /** The name the client used for the market (ticker / token id), for the order log. */
  marketAlias?: string;
}

export type RejectReason =
  | 'market_not_found'
  | 'market_closed'
  | 'invalid_price'
  | 'invalid_size'
  | 'insufficient_balance'
  | 'insufficient_position'
  | 'duplicate_client_order_id'
  | 'account_not_found'
  | 'fault_injected';

export type PlaceOrderResult =
  | {
      ok: true;
      order: SimOrder;
      /** This order's own fill records from the immediate match (taker side). */
      fills: SimFill[];
    }
  /** `fault` is set when an injected reject_order fault caused the rejection (its params may carry a venue code/status). */
  | { ok: false; reason: RejectReason; message: string; fault?: ActiveFault };
