// The controller's shared vocabulary: pairs (the same contract on both venues) and the
// opportunities detection emits. Feeds, detection, the executor, ledger and dashboard all use these.

import type { Micros, OutcomeSide, Platform, Px, Qty } from '@parity/trading';

/**
 * One contract listed on both venues. Normalized at load time so that `polyYesToken` is always
 * the Polymarket token that pays when Kalshi YES pays (whatever the venues call their outcomes).
 */
export interface Pair {
  id: string;
  description: string;
  kalshiTicker: string;
  /** Pays exactly when Kalshi YES pays. */
  polyYesToken: string;
  /** Pays exactly when Kalshi NO pays. */
  polyNoToken: string;
  league?: string | undefined;
  marketType?: string | undefined;
  /** Where the pair came from; a manual PAIRS_FILE entry always wins over discovery. */
  source: 'file' | 'discovery';
}

/**
 * Arb types (spec discovery-and-arb.md §3.1):
 *   poly_yes_kalshi_no  buy Polymarket YES + Kalshi NO
 *   kalshi_yes_poly_no  buy Kalshi YES + Polymarket NO
 *   poly_only           buy Polymarket YES + Polymarket NO
 *   kalshi_only         buy Kalshi YES + Kalshi NO
 */
export type ArbType = 'poly_yes_kalshi_no' | 'kalshi_yes_poly_no' | 'poly_only' | 'kalshi_only';
export const ARB_TYPES: readonly ArbType[] = ['poly_yes_kalshi_no', 'kalshi_yes_poly_no', 'poly_only', 'kalshi_only'];

export interface OpportunityLeg {
  platform: Platform;
  side: OutcomeSide;
  /** Limit price for the order: the worst level the depth walk reached, in Px. */
  price: Px;
  /** Same on both legs, in Qty. */
  contracts: Qty;
  kalshiTicker?: string | undefined;
  polyToken?: string | undefined;
  /** Exact cost of the walked levels, in micro-dollars (before fees). */
  costMicros: Micros;
  /** Expected venue fee for this leg, in micro-dollars. */
  feesMicros: Micros;
}

export interface Opportunity {
  id: string;
  pairId: string;
  type: ArbType;
  /** Contracts per leg, in Qty. */
  contracts: Qty;
  legs: [OpportunityLeg, OpportunityLeg];
  /** Both legs' cost plus fees, in micro-dollars. */
  totalCostMicros: Micros;
  feesMicros: Micros;
  /** Payout (contracts x $1) minus total cost, in micro-dollars. */
  expectedProfitMicros: Micros;
  detectedAtMs: number;
  /** Milliseconds since each venue's book was last confirmed, at detection. */
  bookAgeMs: { kalshi: number; polymarket: number };
}
