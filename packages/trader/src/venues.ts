// Which venues this trader can serve: those it has working credentials for (a balance call at
// start proves them), narrowed by TRADER_PLATFORM. Says which venue is unusable and why.

import {
  formatUsd,
  logger,
  platformLabel,
  type ExecutionClients,
  type LegVenueClient,
  type Micros,
  type Platform,
} from '@parity/trading';
import { buildExecutionClients, type BuiltClients } from '@parity/trading/execution/clients-from-env.ts';

const log = logger.child({ mod: 'trader-venues' });

/** A venue client that can prove its credentials with a read-only balance call (the Kalshi client). */
export interface BalanceCheck {
  balanceMicros(): Promise<Micros>;
}

/** The Polymarket client's collateral balance call (base units = micro-dollars). */
interface CollateralCheck {
  getBalanceAllowance(assetType?: 'COLLATERAL'): Promise<{ balance: number }>;
}

export type BuildClients = (env: NodeJS.ProcessEnv, opts: { platforms: readonly Platform[]; warm?: boolean }) => Promise<BuiltClients>;

export interface UnusableVenue {
  venue: Platform;
  reason: string;
}

export interface VenueSetup {
  clients: ExecutionClients;
  served: Platform[];
  unusable: UnusableVenue[];
  close(): Promise<void>;
}

const CREDENTIAL_HINT: Record<Platform, string> = {
  kalshi: 'set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH (or KALSHI_PRIVATE_KEY)',
  polymarket: 'set POLY_PRIVATE_KEY and POLY_FUNDER (POLY_API_KEY/SECRET/PASSPHRASE are derived when absent)',
};

/** The client's balance call, or null when it has none. */
function balanceCall(c: LegVenueClient): (() => Promise<Micros>) | null {
  const b = c as Partial<BalanceCheck> & Partial<CollateralCheck>;
  if (typeof b.balanceMicros === 'function') return () => b.balanceMicros!();
  if (typeof b.getBalanceAllowance === 'function') return async () => (await b.getBalanceAllowance!('COLLATERAL')).balance;
  return null;
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(t);
  }
}

/**
 * Build and check a client per candidate venue. With the trader's own DRY_RUN on, nothing can
 * reach a venue from this process, so every candidate is served (credential problems are only
 * warned about); live, a venue is served only when its balance call succeeds.
 */
export async function setupVenues(
  env: NodeJS.ProcessEnv,
  candidates: readonly Platform[],
  opts: { dryRun: boolean; build?: BuildClients; timeoutMs?: number },
): Promise<VenueSetup> {
  const build = opts.build ?? buildExecutionClients;
  const clients: ExecutionClients = {};
  const closers: (() => Promise<void>)[] = [];
  const served: Platform[] = [];
  const unusable: UnusableVenue[] = [];

  for (const venue of candidates) {
    const label = platformLabel(venue);
    let problem: string | null = null;
    let client: LegVenueClient | null | undefined;
    try {
      // Live traders pre-sign and open connections now, so the first leg pays no set-up.
      const built = await build(env, { platforms: [venue], warm: !opts.dryRun });
      if (built.close) closers.push(built.close);
      client = venue === 'kalshi' ? built.kalshi : built.polymarket;
      if (!client) {
        problem = `no ${label} credentials configured: ${CREDENTIAL_HINT[venue]}`;
      } else {
        const balance = balanceCall(client);
        if (balance) {
          const bal = await withTimeout(balance(), opts.timeoutMs ?? 10_000, `${label} balance call`);
          log.info({ venue, balance: formatUsd(bal) }, `${label} credentials work (balance ${formatUsd(bal)})`);
        } else {
          log.warn({ venue }, `${label} client has no balance call: credentials not verified at start`);
        }
      }
    } catch (err) {
      problem = `${label} credential check failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (problem === null) {
      served.push(venue);
      if (venue === 'kalshi') clients.kalshi = client;
      else clients.polymarket = client;
    } else if (opts.dryRun) {
      log.warn({ venue, reason: problem }, `${label}: served in dry run only (nothing is sent); live it would be unusable`);
      served.push(venue);
    } else {
      log.error({ venue, reason: problem }, `${label} is unusable: ${problem}`);
      unusable.push({ venue, reason: problem });
    }
  }
  return {
    clients,
    served,
    unusable,
    close: async () => {
      await Promise.allSettled(closers.map((c) => c()));
    },
  };
}
