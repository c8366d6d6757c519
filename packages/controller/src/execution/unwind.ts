// Unwinding a mismatched fill: sell the excess back, starting at the price it was bought at and
// stepping down one tick per attempt to the configured floor. Each step is a normal leg (intent
// in the ledger, routed local or remote like any leg, driven to a final result) so a crash in the
// middle is reconciled like anything else. The breaker is never consulted: closing exposure is
// always allowed.

import { formatPx, formatQty, type LegRequest, type LegResult, type OutcomeSide, type Platform, type Px, type Qty } from '@parity/trading';
import type { Logger } from '@parity/trading';
import { unwindLegId } from './ids.ts';

export interface UnwindPlan {
  attemptId: string;
  pairId: string;
  platform: Platform;
  side: OutcomeSide;
  kalshiTicker?: string | undefined;
  polyToken?: string | undefined;
  quantity: Qty;
  /** Price the excess was bought at; the first sell is offered there. */
  startPx: Px;
  /** Unwind orders this attempt already has (numbering continues after a restart). */
  previousSteps: number;
}

export interface UnwindOutcome {
  remaining: Qty;
  sold: Qty;
  proceedsMicros: number;
  steps: number;
  /** False when stopped (shutdown) before finishing: the attempt stays open for recovery. */
  finished: boolean;
}

export interface UnwindDeps {
  floorPx: Px;
  tickPx: Px;
  stepDelayMs: number;
  settlementRetries: number;
  now: () => number;
  log: Logger;
  /** Record the intent, route, send and drive one leg to a final result (null when stopped). */
  runLeg: (attemptId: string, pairId: string, req: LegRequest) => Promise<LegResult | null>;
  pause: (ms: number) => Promise<boolean>;
}

/** Highest multiple of the tick at or below px (prices on a coarser grid than Px). */
export function snapDown(px: Px, tick: Px): Px {
  return Math.floor(px / tick) * tick;
}

export async function unwindExcess(plan: UnwindPlan, d: UnwindDeps): Promise<UnwindOutcome> {
  const log = d.log.child({ attemptId: plan.attemptId, pairId: plan.pairId });
  let remaining = plan.quantity;
  let px = snapDown(plan.startPx, d.tickPx);
  if (px <= 0) px = d.tickPx;
  let step = plan.previousSteps;
  let sold = 0;
  let proceeds = 0;
  let settlementRetries = 0;
  log.warn(
    `unwinding ${formatQty(remaining)} ${plan.side.toUpperCase()} on ${plan.platform} from ${formatPx(px)} down to ${formatPx(d.floorPx)}`,
  );
  while (remaining > 0 && px >= d.floorPx) {
    step++;
    const req: LegRequest = {
      legId: unwindLegId(plan.attemptId, step),
      platform: plan.platform,
      action: 'sell',
      side: plan.side,
      price: px,
      contracts: remaining,
      createdAtMs: d.now(),
      timeInForce: 'ioc',
    };
    if (plan.platform === 'kalshi') req.kalshiTicker = plan.kalshiTicker;
    else req.polyToken = plan.polyToken;
    const res = await d.runLeg(plan.attemptId, plan.pairId, req);
    if (res === null) return { remaining, sold, proceedsMicros: proceeds, steps: step, finished: false };
    remaining -= res.filledContracts;
    sold += res.filledContracts;
    proceeds += res.costMicros;
    if (remaining <= 0) break;
    // Polymarket shares bought a moment ago may not be settled yet: same price, a little later.
    const settling = plan.platform === 'polymarket' && res.status === 'rejected' && res.errorKind === 'insufficient_balance';
    if (settling && settlementRetries < d.settlementRetries) {
      settlementRetries++;
    } else {
      px -= d.tickPx;
    }
    if (!(await d.pause(d.stepDelayMs))) return { remaining, sold, proceedsMicros: proceeds, steps: step, finished: false };
  }
  if (remaining > 0) {
    log.error(`EXPOSURE REMAINS: ${formatQty(remaining)} ${plan.side.toUpperCase()} on ${plan.platform} not sold at or above ${formatPx(d.floorPx)}`);
  } else {
    log.info(`unwound ${formatQty(sold)} ${plan.side.toUpperCase()} on ${plan.platform} in ${step - plan.previousSteps} step(s)`);
  }
  return { remaining: Math.max(remaining, 0), sold, proceedsMicros: proceeds, steps: step, finished: true };
}
