// Shared execution types: one leg of an arbitrage, as the controller and every trader see it.

import type { ErrorKind } from '../errors.ts';
import type { Micros, Px, Qty } from '../units.ts';

export type Platform = 'kalshi' | 'polymarket';
export const PLATFORMS: readonly Platform[] = ['kalshi', 'polymarket'];
export type OrderAction = 'buy' | 'sell';
export type OutcomeSide = 'yes' | 'no';
/** ioc = fill what is possible now, cancel the rest (Polymarket FAK); fok = all or nothing. */
export type TimeInForce = 'ioc' | 'fok';

export function platformLabel(p: Platform): string {
  return p === 'kalshi' ? 'Kalshi' : 'Polymarket';
}

/** A request to execute one leg. Prices are for the contract being traded (the YES or NO side). */
export interface LegRequest {
  /** Unique per leg; the venue client order id is derived from it, so a repeat is refused by the venue too. */
  legId: string;
  platform: Platform;
  action: OrderAction;
  side: OutcomeSide;
  /** Limit price of `side`, in Px (1/10,000 $). */
  price: Px;
  /** Contracts, in Qty (1/100 contract). */
  contracts: Qty;
  kalshiTicker?: string | undefined;
  /** Polymarket outcome token id of `side` (decimal string). */
  polyToken?: string | undefined;
  /** When the leg was created (ms since epoch). Signed into the Polymarket order so the same leg
   *  always yields the same order hash; set it when the leg is created and keep it. */
  createdAtMs?: number | undefined;
  /** Default 'ioc'. */
  timeInForce?: TimeInForce | undefined;
}

export type LegStatus =
  | 'filled' // the whole quantity filled
  | 'partial' // some filled, the rest was cancelled (IOC) — never reported as filled
  | 'unfilled' // accepted, nothing filled, nothing left resting
  | 'pending' // accepted but not final yet (Polymarket `delayed`, matched-but-unsettled): look up later
  | 'rejected' // refused by the venue or by validation; nothing happened
  | 'unknown' // we do not know what happened (timeout, trader gone): must be looked up
  | 'dry_run'; // not sent: DRY_RUN

export interface LegResult {
  legId: string;
  platform: Platform;
  /** True only when the whole quantity filled (or in dry run). */
  success: boolean;
  status: LegStatus;
  /** Contracts filled, in Qty. */
  filledContracts: Qty;
  /** Volume-weighted average fill price of `side`, in Px rounded to the nearest; null when nothing filled. */
  avgPrice: Px | null;
  /** Exact cost of the fills (sum of price x qty of `side`), in micro-dollars; proceeds for a sell. */
  costMicros: Micros;
  /** Fees charged by the venue, in micro-dollars. */
  feesMicros: Micros;
  venueOrderId: string | null;
  clientOrderId: string | null;
  /** Wall time from the call to the venue's answer, microseconds. */
  latencyUs: number;
  error: string | null;
  errorKind: ErrorKind | null;
}

/** What a venue reports about one order (fresh from a submit, or looked up later). */
export interface VenueOrderReport {
  status: Exclude<LegStatus, 'rejected' | 'dry_run' | 'unknown'>;
  filledContracts: Qty;
  costMicros: Micros;
  feesMicros: Micros;
  venueOrderId: string | null;
  clientOrderId: string;
}

/**
 * What executeLeg needs from a venue client. The Kalshi and Polymarket clients implement it;
 * the client order id (Kalshi client_order_id, Polymarket order hash) is derived from the leg
 * deterministically so `lookupLeg` can find an order whose submit answer was lost.
 * Errors are thrown as VenueError.
 */
export interface LegVenueClient {
  readonly platform: Platform;
  /** The client order id this leg's order has (or will have) at the venue. */
  clientOrderIdFor(req: LegRequest): string | Promise<string>;
  /** Place the leg as an immediate order (IOC/FAK or FOK) and report what the venue did. */
  submitLeg(req: LegRequest): Promise<VenueOrderReport>;
  /** Look the leg's order up by its client order id; null when the venue has no such order. */
  lookupLeg(req: LegRequest): Promise<VenueOrderReport | null>;
  /** Available cash at the venue, in micro-dollars: a read-only call that proves the credentials. */
  balanceMicros?(): Promise<Micros>;
}

/** Clients available for execution on this process; a missing one means "not here". */
export interface ExecutionClients {
  kalshi?: LegVenueClient | null | undefined;
  polymarket?: LegVenueClient | null | undefined;
}
