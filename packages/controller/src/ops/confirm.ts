// Confirm mode: opportunities wait for an operator's approval in the dashboard, unless their pair
// or league is on the auto-approve list. One slot per pair (a repeat detection refreshes it);
// approval re-validates against the current books; unanswered entries expire.

import { formatQty, formatUsd, logger } from '@parity/trading';
import type { Opportunity, Pair } from '../model.ts';
import type { ConfirmView, OpsHub } from './hub.ts';

const log = logger.child({ mod: 'confirm' });

export interface ConfirmOptions {
  enabled: boolean;
  /** Pair ids and league names that skip confirmation (case-insensitive). */
  autoApprove: readonly string[];
  timeoutMs: number;
  hub: OpsHub;
  pairOf(pairId: string): Pair | undefined;
  /** The same arb recomputed on the current books, or null when it no longer qualifies. */
  revalidate(opp: Opportunity): Opportunity | null;
  execute(opp: Opportunity): void;
  now?: () => number;
}

interface Entry {
  id: string;
  opp: Opportunity;
  queuedAt: number;
  expiresAt: number;
  detections: number;
}

export type Decision = 'accepted' | 'accepted_expired' | 'rejected' | 'expired' | 'unknown';

export class ConfirmGate {
  private readonly byPair = new Map<string, Entry>();
  private readonly auto: Set<string>;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  readonly decisions: { id: string; pairId: string; decision: Decision; at: number }[] = [];

  constructor(private readonly o: ConfirmOptions) {
    this.auto = new Set(o.autoApprove.map((s) => s.trim().toLowerCase()).filter(Boolean));
    this.now = o.now ?? Date.now;
    if (o.enabled) {
      this.timer = setInterval(() => this.expire(), 500);
      this.timer.unref();
    }
  }

  /** True when this pair's opportunities go straight to execution. */
  autoApproved(pairId: string): boolean {
    if (!this.o.enabled) return true;
    if (this.auto.has(pairId.toLowerCase())) return true;
    const league = this.o.pairOf(pairId)?.league;
    return league !== undefined && this.auto.has(league.toLowerCase());
  }

  /** Route an opportunity: executed now ('execute'), or held for the operator ('queued'). */
  offer(opp: Opportunity): 'execute' | 'queued' {
    if (this.autoApproved(opp.pairId)) {
      this.o.execute(opp);
      return 'execute';
    }
    const t = this.now();
    const prev = this.byPair.get(opp.pairId);
    if (prev) {
      prev.opp = opp;
      prev.detections++;
    } else {
      const id = `c${++this.seq}`;
      this.byPair.set(opp.pairId, { id, opp, queuedAt: t, expiresAt: t + this.o.timeoutMs, detections: 1 });
      log.info({ pairId: opp.pairId, type: opp.type }, 'opportunity awaiting confirmation in the dashboard');
    }
    this.publish();
    return 'queued';
  }

  async approve(id: string): Promise<Decision> {
    const e = this.take(id);
    if (!e) return 'unknown';
    const fresh = this.o.revalidate(e.opp);
    const decision: Decision = fresh ? 'accepted' : 'accepted_expired';
    this.record(e, decision);
    // Keep the approved opportunity's id on the re-priced one, so its outcome (executing, dropped)
    // lands on the row the operator approved, and the ledger names what was approved.
    if (fresh) this.o.execute({ ...fresh, id: e.opp.id });
    else log.warn({ pairId: e.opp.pairId }, 'approved but the arbitrage is gone on the current books: not executed');
    return decision;
  }

  reject(id: string): Decision {
    const e = this.take(id);
    if (!e) return 'unknown';
    this.record(e, 'rejected');
    return 'rejected';
  }

  pending(): ConfirmView[] {
    return [...this.byPair.values()].map((e) => ({
      id: e.id,
      pairId: e.opp.pairId,
      description: this.o.pairOf(e.opp.pairId)?.description ?? e.opp.pairId,
      type: e.opp.type,
      profitUsd: formatUsd(e.opp.expectedProfitMicros).replace('$', ''),
      contracts: formatQty(e.opp.contracts),
      queuedAt: e.queuedAt,
      expiresAt: e.expiresAt,
      detections: e.detections,
    }));
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private take(id: string): Entry | undefined {
    for (const [pairId, e] of this.byPair) {
      if (e.id === id) {
        this.byPair.delete(pairId);
        this.publish();
        return e;
      }
    }
    return undefined;
  }

  private record(e: Entry, decision: Decision): void {
    this.decisions.push({ id: e.id, pairId: e.opp.pairId, decision, at: this.now() });
    if (this.decisions.length > 1000) this.decisions.shift();
    this.o.hub.markOpportunity(e.opp.id, decision);
  }

  private expire(): void {
    const t = this.now();
    let changed = false;
    for (const [pairId, e] of this.byPair) {
      if (e.expiresAt <= t) {
        this.byPair.delete(pairId);
        this.record(e, 'expired');
        changed = true;
      }
    }
    if (changed) this.publish();
  }

  private publish(): void {
    this.o.hub.setConfirm(this.pending());
  }
}
