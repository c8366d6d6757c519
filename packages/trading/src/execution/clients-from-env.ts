// Builds the venue clients this process may trade with, from the environment. A venue with no
// credentials configured is simply absent; half a configuration is a ConfigError.

import { createKalshiClient, kalshiConfigFromEnv } from '../kalshi/config.ts';
import { createPolymarketClient, polymarketConfigFromEnv } from '../polymarket/config.ts';
import type { KalshiClient } from '../kalshi/client.ts';
import type { PolymarketClient } from '../polymarket/client.ts';
import type { ExecutionClients, Platform } from './types.ts';

export interface BuiltClients extends ExecutionClients {
  /** Close keep-alive pools and background signers. */
  close: () => Promise<void>;
}

/** What buildExecutionClients returns: the concrete venue clients (null = not configured). */
export interface VenueClients extends BuiltClients {
  kalshi: KalshiClient | null;
  polymarket: PolymarketClient | null;
}

export interface BuildOptions {
  /** Only these venues get a client (the rest stay null even when configured). */
  platforms: readonly Platform[];
  /** Pre-sign Kalshi order auth and open connections now (long-running roles). Default false. */
  warm?: boolean;
}

export async function buildExecutionClients(env: NodeJS.ProcessEnv, opts: BuildOptions): Promise<VenueClients> {
  const kcfg = opts.platforms.includes('kalshi') ? kalshiConfigFromEnv(env) : null;
  const pcfg = opts.platforms.includes('polymarket') ? polymarketConfigFromEnv(env) : null;
  const kalshi = kcfg ? createKalshiClient(kcfg) : null;
  let polymarket: PolymarketClient | null = null;
  try {
    if (pcfg) polymarket = await createPolymarketClient(pcfg);
    if (opts.warm) await Promise.all([kalshi?.warm(), polymarket?.warm()]);
  } catch (err) {
    await kalshi?.close();
    await polymarket?.close();
    throw err;
  }
  return {
    kalshi,
    polymarket,
    close: async () => {
      await Promise.all([kalshi?.close(), polymarket?.close()]);
    },
  };
}
