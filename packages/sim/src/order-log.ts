// The order log: every order request a venue front-end received, accepted or rejected.
// It is the witness tests use to prove "no order reached the venue" or "no leg executed twice".

import type { Px, Qty } from '@parity/trading';
import type { Venue } from './faults.ts';

export interface OrderLogEntry {
  /** 1-based, in arrival order. */
  seq: number;
  /** Simulated ms. */
  ts: number;
  venue: Venue;
  /** Null when the request failed before the account was known (bad auth). */
  accountId: string | null;
  /** SimContext market id, or null when unknown. */
  marketId: string | null;
  /** The venue's name for the market as sent (Kalshi ticker, Polymarket token id). */
  market: string | null;
  clientOrderId: string | null;
  /** What was asked, in venue-neutral terms (absent when the request did not parse). */
  action?: 'buy' | 'sell';
  outcome?: 'yes' | 'no';
  /** Limit price of `outcome`. */
  px?: Px;
  qty?: Qty;
  tif?: string;
  result: 'accepted' | 'rejected';
  /** Rejection code (venue-neutral RejectReason or a venue-specific code such as "unauthorized"). */
  reason?: string;
  orderId?: string;
  filledQty?: Qty;
  /** HTTP path that carried the request (for telling legacy and current endpoints apart). */
  endpoint?: string;
}

export class OrderLog {
  private readonly entries: OrderLogEntry[] = [];

  record(e: Omit<OrderLogEntry, 'seq'>): OrderLogEntry {
    const full = { seq: this.entries.length + 1, ...e };
    this.entries.push(full);
    return full;
  }

  /** A copy, optionally filtered. */
  list(filter?: { venue?: Venue; accountId?: string; clientOrderId?: string; result?: 'accepted' | 'rejected' }): OrderLogEntry[] {
    return this.entries.filter(
      (e) =>
        (!filter?.venue || e.venue === filter.venue) &&
        (!filter?.accountId || e.accountId === filter.accountId) &&
        (!filter?.clientOrderId || e.clientOrderId === filter.clientOrderId) &&
        (!filter?.result || e.result === filter.result),
    );
  }

  get size(): number {
    return this.entries.length;
  }
}
