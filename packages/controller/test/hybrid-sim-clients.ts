// Venue clients for the integration tests, built from the simulator's env the way production
// builds them: the trading library's buildExecutionClients, or, until every venue is wired into
// it, each venue's own config/create functions.

import type { ExecutionClients, Platform } from '@parity/trading';
import { buildExecutionClients } from '@parity/trading/execution/clients-from-env.ts';
import { createKalshiClient, kalshiConfigFromEnv } from '@parity/trading/kalshi/config.ts';
import { createPolymarketClient, polymarketConfigFromEnv } from '@parity/trading/polymarket/config.ts';

/** Venue clients for `platforms`, built from the simulator's env like production builds them. */
export async function venueClients(env: NodeJS.ProcessEnv, platforms: readonly Platform[]): Promise<ExecutionClients & { close: () => Promise<void> }> {
  const built = await buildExecutionClients(env, { platforms });
  if (platforms.every((p) => built[p])) return { ...built, close: async () => void (await built.close?.()) };
  await built.close?.();
  const out: ExecutionClients = {};
  const closers: Array<() => Promise<void>> = [];
  if (platforms.includes('kalshi')) {
    const k = createKalshiClient(kalshiConfigFromEnv(env)!);
    out.kalshi = k;
    closers.push(() => k.close());
  }
  if (platforms.includes('polymarket')) {
    const p = await createPolymarketClient(polymarketConfigFromEnv(env)!, { checkVersion: false });
    out.polymarket = p;
    closers.push(() => p.close());
  }
  return { ...out, close: async () => void (await Promise.all(closers.map((c) => c()))) };
}

