// The seam between the HybridExecutor and the trader server: what the executor may ask of
// remote traders. The trader server (traders/server.ts) implements it.

import type { LegRequest, LegResult, Platform } from '@parity/trading';

export interface RemoteLegRouter {
  /** True when an authenticated, live trader serves this venue right now. */
  isConnected(platform: Platform): boolean;
  /**
   * Send the leg to a trader serving its venue and resolve with the trader's leg_result.
   * Never rejects: when no trader answers by the deadline, or the trader goes away first,
   * it resolves with status 'unknown' (errorKind 'timeout'); the caller then uses lookupLeg.
   */
  sendLeg(req: LegRequest, opts: { deadlineMs: number }): Promise<LegResult>;
  /**
   * Ask a trader serving the venue to look the leg's order up at the venue by its client order id
   * (resolveLeg on the trader). Resolves 'unknown' when no trader can answer by the deadline.
   */
  lookupLeg(req: LegRequest, opts: { deadlineMs: number }): Promise<LegResult>;
  /** Traders connected per venue (for heartbeat, metrics, dashboard). */
  connectedCount(platform: Platform): number;
}
