// Where a leg goes: a connected remote trader for its venue first (seed precedence), else this
// controller if the venue is in CONTROLLER_PLATFORMS, else nowhere. Sending applies the leg
// deadline; looking up asks whoever can reach the venue (our own client, else a trader).

import {
  executeLeg,
  failedResult,
  resolveLeg,
  type ExecutionClients,
  type LegRequest,
  type LegResult,
  type Platform,
} from '@parity/trading';
import type { RemoteLegRouter } from '../traders/router.ts';
import type { Route } from '../ledger/ledger.ts';

export interface SentLeg {
  /** The first answer: the venue's (local), the trader's, or 'unknown' at the deadline. */
  result: Promise<LegResult>;
  /** A local call that outlives its deadline may still answer; null for remote legs. */
  late: Promise<LegResult> | null;
}

export interface RoutingOptions {
  router: RemoteLegRouter | null;
  localPlatforms: ReadonlySet<Platform>;
  clients: ExecutionClients;
  dryRun: boolean;
  legTimeoutMs: number;
}

export class LegRouting {
  private readonly o: RoutingOptions;

  constructor(o: RoutingOptions) {
    this.o = o;
  }

  get dryRun(): boolean {
    return this.o.dryRun;
  }

  remoteConnected(p: Platform): boolean {
    return this.o.router !== null && this.o.router.isConnected(p);
  }

  isLocal(p: Platform): boolean {
    return this.o.localPlatforms.has(p);
  }

  /** Remote trader if one is connected for the venue, else local if authorized, else null. */
  routeFor(p: Platform): Route | null {
    if (this.remoteConnected(p)) return 'remote';
    if (this.isLocal(p)) return 'local';
    return null;
  }

  /** Send a leg on the chosen route. Never rejects. */
  send(req: LegRequest, route: Route): SentLeg {
    const ms = this.o.legTimeoutMs;
    if (route === 'remote') {
      if (!this.o.router) return { result: Promise.resolve(unknown(req, 'no trader router configured')), late: null };
      return { result: this.o.router.sendLeg(req, { deadlineMs: ms }), late: null };
    }
    // The order is written inside executeLeg (same tick); the deadline is set up a microtask
    // later, so a second leg sent right after this one is not kept waiting for it.
    const venue = executeLeg(req, this.o.clients, { dryRun: this.o.dryRun });
    const result = Promise.resolve().then(() => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<LegResult>((resolve) => {
        timer = setTimeout(() => resolve(unknown(req, `no answer from ${req.platform} within LEG_TIMEOUT_MS=${ms}`)), ms);
      });
      return Promise.race([venue, deadline]).then((r) => {
        clearTimeout(timer);
        return r;
      });
    });
    return { result, late: venue };
  }

  /**
   * Look a leg's order up at its venue by client order id: with our own client when we have one,
   * else through a connected trader. 'unknown' when nobody can reach the venue right now.
   */
  lookup(req: LegRequest): Promise<LegResult> {
    const local = req.platform === 'kalshi' ? this.o.clients.kalshi : this.o.clients.polymarket;
    if (local) return resolveLeg(req, this.o.clients);
    if (this.remoteConnected(req.platform)) return this.o.router!.lookupLeg(req, { deadlineMs: this.o.legTimeoutMs });
    return Promise.resolve(unknown(req, `cannot look the ${req.platform} order up: no local client and no trader connected for it`));
  }
}

function unknown(req: LegRequest, why: string): LegResult {
  return failedResult(req, why, 'timeout', 0);
}

/**
 * A look-up that found no order at all. Right after a send the order may simply not be visible
 * yet (or a request may still be on its way), so this only means "never placed" after a grace.
 */
export function isNotFound(r: LegResult): boolean {
  return r.status === 'unfilled' && r.venueOrderId === null && r.filledContracts === 0 && r.error === null;
}
