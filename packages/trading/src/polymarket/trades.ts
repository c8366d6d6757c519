// Trades of an order and where their on-chain settlement stands (spec polymarket.md §8.1, §8.2).
//
// A `matched` POST answer is provisional: each trade walks MATCHED -> MINED -> CONFIRMED, or ends
// FAILED (the fill never happened). Only CONFIRMED counts; RETRYING and the MATCHED variants stay
// pending. Sizes are shares in base units (1e-6 share).

import { VenueError } from '../errors.ts';
import { parseBaseUnits, parsePolyPrice } from './wire.ts';
import type { Px } from '../units.ts';

export type PolyTradeStatus = 'MATCHED' | 'MATCHED_NOT_BROADCASTED' | 'MINED' | 'CONFIRMED' | 'RETRYING' | 'FAILED' | (string & {});

export interface PolyTradeRecord {
  id: string;
  takerOrderId: string;
  /** Upper case (§8.2). */
  status: PolyTradeStatus;
  /** Taker size, shares in base units. */
  size: number;
  price: Px;
  /** 'TAKER' | 'MAKER' from the caller's point of view. */
  traderSide: string;
  makerOrders: Array<{ orderId: string; matchedAmount: number }>;
  transactionHash: string;
  errMsg: string | null;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** One GET /data/trades entry. */
export function parsePolyTrade(body: unknown): PolyTradeRecord {
  if (!isObj(body) || typeof body.id !== 'string') {
    throw new VenueError('venue', `unexpected Polymarket GET /data/trades answer: trade without an id: ${JSON.stringify(body)?.slice(0, 200)}`, { platform: 'polymarket' });
  }
  return {
    id: body.id,
    takerOrderId: str(body.taker_order_id),
    status: str(body.status).toUpperCase(),
    size: parseBaseUnits(body.size, 'size') ?? 0,
    price: parsePolyPrice(body.price),
    traderSide: str(body.trader_side).toUpperCase(),
    makerOrders: Array.isArray(body.maker_orders)
      ? body.maker_orders.filter(isObj).map((m) => ({ orderId: str(m.order_id), matchedAmount: parseBaseUnits(m.matched_amount, 'matched_amount') ?? 0 }))
      : [],
    transactionHash: str(body.transaction_hash),
    errMsg: typeof body.err_msg === 'string' && body.err_msg !== '' ? body.err_msg : null,
  };
}

/** Shares of `orderId` in a trade: the taker size, or its maker_orders entry when it was a maker. */
export function polyOrderSharesIn(t: PolyTradeRecord, orderId: string): number {
  if (t.takerOrderId.toLowerCase() === orderId.toLowerCase()) return t.size;
  return t.makerOrders.filter((m) => m.orderId.toLowerCase() === orderId.toLowerCase()).reduce((s, m) => s + m.matchedAmount, 0);
}

export type PolySettlementState = 'confirmed' | 'failed' | 'pending';

export interface PolyOrderSettlement {
  orderId: string;
  /** confirmed: every trade CONFIRMED; failed: none pending and at least one FAILED; else pending. */
  state: PolySettlementState;
  trades: Array<{ id: string; status: PolyTradeStatus; shares: number }>;
  confirmedShares: number;
  failedShares: number;
  pendingShares: number;
}

/** Where the trades of one order stand. An order with no trades has nothing to settle ('confirmed'). */
export function polySettlementOf(orderId: string, trades: readonly PolyTradeRecord[]): PolyOrderSettlement {
  let confirmedShares = 0;
  let failedShares = 0;
  let pendingShares = 0;
  const out: PolyOrderSettlement['trades'] = [];
  for (const t of trades) {
    const shares = polyOrderSharesIn(t, orderId);
    out.push({ id: t.id, status: t.status, shares });
    if (t.status === 'CONFIRMED') confirmedShares += shares;
    else if (t.status === 'FAILED') failedShares += shares;
    else pendingShares += shares;
  }
  const state: PolySettlementState = pendingShares > 0 || trades.some((t) => t.status !== 'CONFIRMED' && t.status !== 'FAILED')
    ? 'pending'
    : failedShares > 0
      ? 'failed'
      : 'confirmed';
  return { orderId, state, trades: out, confirmedShares, failedShares, pendingShares };
}

/** What can read an order's trades (PolymarketClient; the controller duck-types its venue client). */
export interface PolyTradeReader {
  /** The order's trades and their settlement; null when the CLOB has no such order. */
  orderSettlement(orderId: string): Promise<PolyOrderSettlement | null>;
}

export function isPolyTradeReader(x: unknown): x is PolyTradeReader {
  return typeof x === 'object' && x !== null && typeof (x as { orderSettlement?: unknown }).orderSettlement === 'function';
}
