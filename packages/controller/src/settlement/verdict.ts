// What one venue says about a pair's market, and the decision taken from both venues' answers.
// Pure: no I/O, so every rule is testable on its own. Winners are always in Kalshi terms (the
// ledger's `side`: YES = the outcome Kalshi YES pays on).

import type { OutcomeSide, Platform } from '@parity/trading';

export type VenueVerdict =
  /** Trading, closed, or decided but not final: nothing to settle yet. */
  | { state: 'open'; detail: string }
  /** Final with a definite winner. */
  | { state: 'resolved'; winner: OutcomeSide; detail: string }
  /** Final without a definite winner (scalar, 50/50, cancelled): needs an operator. */
  | { state: 'void'; detail: string }
  /** Could not be read or understood (network, 404, unexpected shape). */
  | { state: 'unknown'; detail: string };

export type Decision =
  | { action: 'settle'; winner: OutcomeSide }
  | { action: 'wait'; reason: 'unresolved' | 'pending_other_venue' }
  | { action: 'alert'; reason: 'venues_disagree' | 'resolution_mismatch'; detail: string };

export interface DecideInput {
  kalshi: VenueVerdict | null;
  /** null: the pair's Polymarket market is not known (no tokens), so it cannot be cross-checked. */
  polymarket: VenueVerdict | null;
  /** Venues holding the pair's positions: each must itself say resolved before settling. */
  required: ReadonlySet<Platform>;
  /** When one venue was first seen resolved while this condition was not met (null: not yet). */
  pendingSinceMs: number | null;
  nowMs: number;
  mismatchAlertMs: number;
}

const show = (p: Platform, v: VenueVerdict | null): string => `${p}: ${v ? `${v.state}${v.state === 'resolved' ? ` ${v.winner.toUpperCase()}` : ''} (${v.detail})` : 'not checked'}`;

/** Both venues' answers in one line, for logs and alerts. */
export function describeVerdicts(kalshi: VenueVerdict | null, polymarket: VenueVerdict | null): string {
  return `${show('kalshi', kalshi)}; ${show('polymarket', polymarket)}`;
}

/**
 * Settle only when every venue holding positions says resolved, and no venue says anything else
 * final: two different winners are an immediate alert; one resolved while another stays open,
 * void or unreadable waits, and alerts once that lasted `mismatchAlertMs`. Never a guess.
 */
export function decide(i: DecideInput): Decision {
  const answers: Array<[Platform, VenueVerdict]> = [];
  if (i.kalshi) answers.push(['kalshi', i.kalshi]);
  if (i.polymarket) answers.push(['polymarket', i.polymarket]);
  const resolved = answers.filter(([, v]) => v.state === 'resolved') as Array<[Platform, Extract<VenueVerdict, { state: 'resolved' }>]>;
  if (resolved.length === 0) return { action: 'wait', reason: 'unresolved' };
  const winners = new Set(resolved.map(([, v]) => v.winner));
  if (winners.size > 1) {
    return { action: 'alert', reason: 'venues_disagree', detail: `the venues resolved the pair differently: ${describeVerdicts(i.kalshi, i.polymarket)}` };
  }
  const winner = resolved[0]![1].winner;
  const requiredResolved = [...i.required].every((p) => resolved.some(([q]) => q === p));
  // A venue that ended without a winner contradicts the other's result even if it holds nothing.
  const voided = answers.some(([, v]) => v.state === 'void');
  if (requiredResolved && !voided) return { action: 'settle', winner };
  const since = i.pendingSinceMs ?? i.nowMs;
  if (i.nowMs - since >= i.mismatchAlertMs) {
    return {
      action: 'alert',
      reason: 'resolution_mismatch',
      detail: `one venue resolved ${winner.toUpperCase()} but the other has not confirmed it for ${Math.round((i.nowMs - since) / 1000)} s: ${describeVerdicts(i.kalshi, i.polymarket)}`,
    };
  }
  return { action: 'wait', reason: 'pending_other_venue' };
}
