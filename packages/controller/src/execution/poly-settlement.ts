// Following a Polymarket fill to on-chain settlement (spec polymarket.md §7.3, §8.2).
//
// A FAK that `matched` is provisional: its trades go MATCHED -> MINED -> CONFIRMED, or end FAILED
// and the fill never happened. Before an attempt is settled, every local Polymarket arb leg with a
// fill has its trades read (with back-off) until all are CONFIRMED (nothing changes) or none is
// pending and some FAILED: the failed contracts come off the leg, its fill and the position, and
// the attempt's normal mismatch handling then unwinds what the other leg holds extra.
// Works from the ledger, so an attempt left open by a stop is followed again at the next start.
//
// Not followed: legs a remote trader placed (the trader protocol does not carry trades; the
// controller may not hold the trader's credentials). They are logged as not followed.

import { formatQty, type Logger, type Qty } from '@parity/trading';
import type { PolyOrderSettlement, PolyTradeReader } from '@parity/trading/polymarket/trades.ts';
import { POLY_FILL_DUST } from '@parity/trading/polymarket/wire.ts';
import type { Ledger, LegRow } from '../ledger/ledger.ts';

export interface PolySettlementEvent {
  attemptId: string;
  pairId: string;
  legId: string;
  orderId: string;
  outcome: 'confirmed' | 'failed' | 'gave_up';
  /** Contracts taken off the leg (outcome 'failed'). */
  failedContracts: Qty;
  trades: PolyOrderSettlement['trades'];
}

export interface PolySettlementDeps {
  ledger: Ledger;
  /** null: no local client able to read trades (nothing is followed). */
  reader: PolyTradeReader | null;
  followMs: number;
  followMaxMs: number;
  now: () => number;
  log: Logger;
  /** Resolves false when the executor stops. */
  pause: (ms: number) => Promise<boolean>;
  onEvent: (e: PolySettlementEvent) => void;
}

/** Longest wait between two reads, whatever POLY_TRADE_FOLLOW_MS says. */
const MAX_FOLLOW_BACKOFF_MS = 30_000;
/** Shares (base units, 1e-6) per Qty (1/100 contract). */
const BASE_PER_QTY = 10_000;

/** Shares that failed -> contracts to take off (the CLOB's division leaves dust, e.g. 4.999999 for 5). */
export function failedQtyOf(failedShares: number, filled: Qty): Qty {
  if (failedShares <= 0) return 0;
  return Math.min(filled, Math.ceil(Math.max(failedShares - POLY_FILL_DUST, 0) / BASE_PER_QTY));
}

/** 'settled': every followed leg is final on chain (and corrected); 'stopped': executor closing; 'gave_up': alerted, left open. */
export async function followPolySettlement(attemptId: string, pairId: string, d: PolySettlementDeps): Promise<'settled' | 'stopped' | 'gave_up'> {
  const legs = d.ledger
    .legsOf(attemptId)
    .filter((l) => l.role === 'arb' && l.platform === 'polymarket' && l.action === 'buy' && l.final && l.filledContracts > 0);
  for (const leg of legs) {
    if (leg.route !== 'local' || !d.reader) {
      d.log.info({ attemptId, legId: leg.legId }, `Polymarket leg ${leg.legId} was placed by a remote trader: its on-chain settlement is not followed here`);
      continue;
    }
    const r = await followLeg(attemptId, pairId, leg, d.reader, d);
    if (r !== 'settled') return r;
  }
  return 'settled';
}

async function followLeg(attemptId: string, pairId: string, leg: LegRow, reader: PolyTradeReader, d: PolySettlementDeps): Promise<'settled' | 'stopped' | 'gave_up'> {
  const orderId = leg.venueOrderId ?? leg.clientOrderId;
  const log = d.log.child({ attemptId, legId: leg.legId });
  if (!orderId) {
    log.error(`Polymarket leg ${leg.legId} has a fill but no order id: its settlement cannot be followed; check the venue`);
    d.onEvent({ attemptId, pairId, legId: leg.legId, orderId: '', outcome: 'gave_up', failedContracts: 0, trades: [] });
    return 'gave_up';
  }
  const start = d.now();
  let delay = d.followMs;
  let last: PolyOrderSettlement | null = null;
  for (;;) {
    try {
      last = await reader.orderSettlement(orderId);
    } catch (err) {
      log.warn({ err }, `reading the trades of Polymarket order ${orderId} failed; retrying`);
    }
    if (last?.state === 'confirmed') {
      d.onEvent({ attemptId, pairId, legId: leg.legId, orderId, outcome: 'confirmed', failedContracts: 0, trades: last.trades });
      return 'settled';
    }
    if (last?.state === 'failed') {
      const failed = failedQtyOf(last.failedShares, leg.filledContracts + d.ledger.failedContractsOf(leg.legId));
      const ids = last.trades.filter((t) => t.status === 'FAILED').map((t) => t.id);
      const note = `Polymarket trade(s) ${ids.join(', ')} FAILED on chain: ${formatQty(failed)} of the matched contracts never filled`;
      const removed = d.ledger.correctFailedFill(leg.legId, failed, note, d.now());
      log.error(`${note}; took ${formatQty(removed)} off the ledger, the other leg's excess is unwound`);
      d.onEvent({ attemptId, pairId, legId: leg.legId, orderId, outcome: 'failed', failedContracts: failed, trades: last.trades });
      return 'settled';
    }
    const age = d.now() - start;
    if (age >= d.followMaxMs) {
      const where = last ? last.trades.map((t) => `${t.id}:${t.status}`).join(', ') || 'no trades listed' : 'order not found';
      log.error(
        `Polymarket order ${orderId} (leg ${leg.legId}) still not settled after ${Math.round(age / 1000)} s (${where}): stopped following; ` +
          'the attempt stays open and its pair blocked; check the trades at the venue, a restart follows them again',
      );
      d.onEvent({ attemptId, pairId, legId: leg.legId, orderId, outcome: 'gave_up', failedContracts: 0, trades: last?.trades ?? [] });
      return 'gave_up';
    }
    if (!(await d.pause(Math.min(delay, d.followMaxMs - age)))) return 'stopped';
    delay = Math.min(delay * 2, Math.max(d.followMs, MAX_FOLLOW_BACKOFF_MS));
  }
}
