// `parity trader`: configuration, credential check, crash recovery, connect, run until stopped.

import { ConfigError, formatMicros, formatPx, formatQty, logger } from '@parity/trading';
import { traderConfigFromEnv, type TraderConfig } from './config.ts';
import { LegStore } from './store.ts';
import { Trader } from './trader.ts';
import { setupVenues, type BuildClients } from './venues.ts';

const log = logger.child({ mod: 'trader' });

export interface RunOptions {
  /** Venue client factory (default buildExecutionClients from the trading library). */
  build?: BuildClients;
  /** Install SIGINT/SIGTERM handlers (default true). */
  signals?: boolean;
}

function describe(c: TraderConfig): Record<string, unknown> {
  return {
    traderId: c.traderId,
    url: c.url,
    platforms: c.platforms,
    dryRun: c.dryRun,
    db: c.dbPath,
    oneShot: c.oneShot,
    limits: {
      maxContracts: formatQty(c.limits.maxContracts),
      maxNotionalUsd: formatMicros(c.limits.maxNotionalMicros),
      maxDailyNotionalUsd: formatMicros(c.limits.maxDailyNotionalMicros),
      price: `${formatPx(c.limits.minPrice)}-${formatPx(c.limits.maxPrice)}`,
    },
  };
}

/** Run a trader from the environment until SIGINT/SIGTERM (or ONE_SHOT); resolves with the exit code. */
export async function runTrader(env: NodeJS.ProcessEnv = process.env, opts: RunOptions = {}): Promise<number> {
  const config = traderConfigFromEnv(env);
  log.info(describe(config), 'trader starting');
  const venues = await setupVenues(env, config.platforms, { dryRun: config.dryRun, ...(opts.build ? { build: opts.build } : {}) });
  if (venues.served.length === 0) {
    await venues.close();
    throw new ConfigError(`no venue is usable, so this trader has nothing to serve: ${venues.unusable.map((u) => u.reason).join('; ')}`);
  }
  const store = new LegStore(config.dbPath);
  const trader = new Trader({ config, clients: venues.clients, served: venues.served, unusable: venues.unusable, store });

  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      log.error({ signal: sig }, 'second signal: exiting now; an unfinished leg is resolved at the next start');
      process.exit(130);
    }
    void trader.stop(`${sig} received`);
  };
  if (opts.signals !== false) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    await trader.start();
    return await trader.done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await venues.close();
  }
}
