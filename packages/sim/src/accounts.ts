// Accounts: cash in Micros, positions per market per side, and reservations for resting orders.

import type { KeyObject } from 'node:crypto';
import type { Micros, Qty } from '@parity/trading';
import type { Venue } from './faults.ts';

export interface SimPosition {
  yes: Qty;
  no: Qty;
  /** Held tokens locked by resting sell orders (or netting buys closing them). */
  yesReserved: Qty;
  noReserved: Qty;
  /** Σ fill notional (both sides), Micros. */
  totalTraded: Micros;
  feesPaid: Micros;
  /** Cost of the current holdings (Micros), for exposure figures. */
  yesCost: Micros;
  noCost: Micros;
  realizedPnl: Micros;
  lastUpdatedTs: number;
}

export interface KalshiCredentials {
  keyId: string;
  /** The registered public key signatures are checked against. */
  publicKey: KeyObject;
  /** PEM of the private key (test account only, for env files). */
  privateKeyPem?: string;
}

export interface PolymarketCredentials {
  /** Lowercase 0x address of the signing wallet. */
  address: string;
  /** 0x private key (test wallet only, for env files). */
  privateKey?: string;
  /** Funder / maker address when it differs from `address` (proxy wallets). */
  funder?: string;
  signatureType: number;
  /** L2 API credentials (several may be created/derived). */
  apiKeys: { key: string; secret: string; passphrase: string }[];
}

export interface SimAccount {
  readonly id: string;
  readonly venue: Venue;
  label: string;
  cash: Micros;
  /** Part of `cash` locked by resting orders; available = cash - reserved. */
  reserved: Micros;
  positions: Map<string, SimPosition>;
  kalshi?: KalshiCredentials;
  polymarket?: PolymarketCredentials;
  /** Scenario market maker (excluded from nothing; flagged for dashboards). */
  marketMaker?: boolean;
}

export function emptyPosition(ts: number): SimPosition {
  return { yes: 0, no: 0, yesReserved: 0, noReserved: 0, totalTraded: 0, feesPaid: 0, yesCost: 0, noCost: 0, realizedPnl: 0, lastUpdatedTs: ts };
}

export const available = (a: SimAccount): Micros => a.cash - a.reserved;
