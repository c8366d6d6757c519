// Order requests onto Kalshi's single YES book, and venue answers back into the traded side's terms.
//
// V2 (`POST /portfolio/events/orders`, spec §4.2) quotes everything on YES: bid = buy YES, ask =
// sell YES. Buying NO at q is an ask at YES price 1 − q; selling NO at q is a bid at 1 − q.
// Fill costs on the Order object are denominated in the contract the order ends up long
// (`outcome_side`, §4.4): for sell-YES (outcome no) `taker_fill_cost` is Σ NO price × qty, so
// the YES proceeds are filled × $1 − cost. Everything here is integer Px/Qty/Micros.

import { createHash } from 'node:crypto';
import { PX_ONE, formatPx, formatQty, type Micros, type Px, type Qty } from '../units.ts';
import type { LegStatus, OrderAction, OutcomeSide, TimeInForce, VenueOrderReport } from '../execution/types.ts';
import {
  outcomeSideOf,
  type KalshiBookSide,
  type KalshiCreateOrderV2Answer,
  type KalshiOrder,
  type KalshiSelfTradePrevention,
  type KalshiTimeInForce,
} from './wire.ts';

export type KalshiOrderEndpoint = 'v2' | 'legacy';

/** One order in our terms: buy/sell a YES or NO contract at that contract's price. */
export interface KalshiOrderParams {
  ticker: string;
  action: OrderAction;
  side: OutcomeSide;
  /** Limit price of `side` (Px). */
  price: Px;
  count: Qty;
  /** Default 'ioc'. */
  timeInForce?: TimeInForce | 'gtc' | undefined;
  clientOrderId: string;
  /** Default 'taker_at_cross' (cancel our incoming order rather than trade with ourselves). */
  selfTradePrevention?: KalshiSelfTradePrevention | undefined;
  postOnly?: boolean | undefined;
  reduceOnly?: boolean | undefined;
  cancelOrderOnPause?: boolean | undefined;
  /** Unix seconds; only with 'gtc'. */
  expirationTimeS?: number | undefined;
  subaccount?: number | undefined;
  exchangeIndex?: number | undefined;
  orderGroupId?: string | undefined;
}

const TIF: Record<NonNullable<KalshiOrderParams['timeInForce']>, KalshiTimeInForce> = {
  ioc: 'immediate_or_cancel',
  fok: 'fill_or_kill',
  gtc: 'good_till_canceled',
};

/** Where an order lands on the YES book. */
export function toYesBook(action: OrderAction, side: OutcomeSide, price: Px): { bookSide: KalshiBookSide; yesPrice: Px } {
  const outcome = outcomeSideOf(action, side);
  return { bookSide: outcome === 'yes' ? 'bid' : 'ask', yesPrice: side === 'yes' ? price : PX_ONE - price };
}

/** Request body for the V2 endpoint. Field names per SDK 3.30.0 `CreateOrderV2Request`. */
export function buildV2OrderBody(p: KalshiOrderParams): Record<string, unknown> {
  const { bookSide, yesPrice } = toYesBook(p.action, p.side, p.price);
  const body: Record<string, unknown> = {
    ticker: p.ticker,
    client_order_id: p.clientOrderId,
    side: bookSide,
    count: formatQty(p.count),
    price: formatPx(yesPrice),
    time_in_force: TIF[p.timeInForce ?? 'ioc'],
    self_trade_prevention_type: p.selfTradePrevention ?? 'taker_at_cross',
  };
  addOptional(body, p, 'expiration_time');
  return body;
}

/**
 * Request body for the deprecated `POST /portfolio/orders` (spec §4.3): the contract's own side
 * and action, the price of that side in dollars, whole counts as `count` (fractional as `count_fp`).
 * No `type` field (removed).
 */
export function buildLegacyOrderBody(p: KalshiOrderParams): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ticker: p.ticker,
    client_order_id: p.clientOrderId,
    action: p.action,
    side: p.side,
  };
  if (p.count % 100 === 0) body.count = p.count / 100;
  else body.count_fp = formatQty(p.count);
  body[p.side === 'yes' ? 'yes_price_dollars' : 'no_price_dollars'] = formatPx(p.price);
  body.time_in_force = TIF[p.timeInForce ?? 'ioc'];
  body.self_trade_prevention_type = p.selfTradePrevention ?? 'taker_at_cross';
  addOptional(body, p, 'expiration_ts');
  return body;
}

function addOptional(body: Record<string, unknown>, p: KalshiOrderParams, expirationKey: string): void {
  if (p.postOnly !== undefined) body.post_only = p.postOnly;
  if (p.reduceOnly !== undefined) body.reduce_only = p.reduceOnly;
  if (p.cancelOrderOnPause !== undefined) body.cancel_order_on_pause = p.cancelOrderOnPause;
  if (p.expirationTimeS !== undefined) body[expirationKey] = p.expirationTimeS;
  if (p.subaccount !== undefined) body.subaccount = p.subaccount;
  if (p.exchangeIndex !== undefined) body.exchange_index = p.exchangeIndex;
  if (p.orderGroupId !== undefined) body.order_group_id = p.orderGroupId;
}

// ---- client order ids ---------------------------------------------------------------------------

// Fixed namespace for Parity's name-based (v5-style) UUIDs; changing it changes every id.
const NAMESPACE = Buffer.from('5f1c0a3e8b7d4c2a9e6f10d2b3a4c5d6', 'hex');
/** SHA-1 state after the namespace; copied per id (createHash costs ~50-100 us here, a copy ~10). */
const NAMESPACE_SHA1 = createHash('sha1').update(NAMESPACE);

/**
 * The Kalshi client_order_id of a leg: a UUID (spec §11.7 recommends UUIDs) derived from the leg
 * id with SHA-1 as in RFC 4122 v5, so the same leg always carries the same id — a resend is
 * refused by the venue (409) instead of double-filling, and a lost answer can be looked up.
 */
export function kalshiClientOrderId(legId: string): string {
  const h = NAMESPACE_SHA1.copy().update(legId, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

// ---- reports ------------------------------------------------------------------------------------

/** The leg being reported: its direction decides the terms costs are expressed in. */
export interface ReportLeg {
  action: OrderAction;
  side: OutcomeSide;
}

/**
 * Turn an amount denominated in `from`'s price into the same fills expressed in `to`'s price:
 * one YES plus one NO is always $1, so the other side's total is filled × $1 − amount.
 */
function inSideTerms(amount: Micros, filled: Qty, from: OutcomeSide, to: OutcomeSide): Micros {
  return from === to ? amount : filled * PX_ONE - amount;
}

function statusOf(status: string, filled: Qty, initial: Qty, remaining: Qty): VenueOrderReport['status'] {
  if (initial > 0 && filled >= initial) return 'filled';
  if (status === 'resting' || remaining > 0) return 'pending';
  if (status === 'executed') return 'filled';
  if (status === 'canceled') return filled > 0 ? 'partial' : 'unfilled';
  return 'pending';
}

/**
 * What an Order object says happened to a leg, in the leg side's terms: filled contracts,
 * cost (buy) or proceeds (sell) = Σ price of `side` × qty, and fees. An IOC that partly filled
 * ends `canceled` with remaining 0: that is 'partial', never 'filled' (spec §11.2).
 */
export function reportFromOrder(o: KalshiOrder, leg: ReportLeg): VenueOrderReport {
  const filled = o.fillCount;
  const longCost = o.takerFillCost + o.makerFillCost;
  return {
    status: statusOf(o.status, filled, o.initialCount, o.remainingCount),
    filledContracts: filled,
    costMicros: filled === 0 ? 0 : inSideTerms(longCost, filled, o.outcomeSide, leg.side),
    feesMicros: o.takerFees + o.makerFees,
    venueOrderId: o.orderId,
    clientOrderId: o.clientOrderId ?? '',
  };
}

/**
 * A report from the V2 create answer alone (no GET): status from fill vs requested, cost from the
 * average fill price (assumed to be a YES price — unconfirmed, §4.2) and fees from the average fee.
 * Exact only when the averages are; prefer reportFromOrder on the fetched order.
 */
export function reportFromV2Answer(a: KalshiCreateOrderV2Answer, leg: ReportLeg & { count: Qty }, clientOrderId: string): VenueOrderReport {
  const filled = a.fillCount;
  let status: LegStatus & VenueOrderReport['status'];
  if (filled >= leg.count) status = 'filled';
  else if (a.remainingCount > 0) status = 'pending';
  else status = filled > 0 ? 'partial' : 'unfilled';
  let cost = 0;
  let fees = 0;
  if (filled > 0) {
    // avg (micro-$ per contract) × filled (1/100 contract) / 100 -> micro-$.
    const yesCost = a.averageFillPriceMicros === null ? 0 : Math.round((a.averageFillPriceMicros * filled) / 100);
    cost = leg.side === 'yes' ? yesCost : filled * PX_ONE - yesCost;
    fees = a.averageFeePaidMicros === null ? 0 : Math.round((a.averageFeePaidMicros * filled) / 100);
  }
  return { status, filledContracts: filled, costMicros: cost, feesMicros: fees, venueOrderId: a.orderId, clientOrderId: a.clientOrderId ?? clientOrderId };
}
