// One discovery run with its venue clients and the result cache: what `parity discover` and the
// controller's refresh both call.

import { basename } from 'node:path';
import { GammaClient } from '@parity/trading/polymarket/gamma.ts';
import { DiscoveryCache, selectionKey } from './cache.ts';
import type { DiscoveryConfig } from './config.ts';
import { discover, type DiscoveryProgress } from './discover.ts';
import { PacedKalshiMarkets, type KalshiMarketsSource } from './kalshi-markets.ts';
import { loadLeagues, selectLeagues, type LeagueData } from './leagues.ts';
import { MARKET_TYPES, type DiscoveryResult, type MarketType } from './types.ts';

export interface RunOptions {
  leagues?: readonly string[];
  marketTypes?: readonly MarketType[];
  kalshiEvent?: string;
  /** Ignore a fresh cached result (the fresh result is still cached). */
  force?: boolean;
  onProgress?: (p: DiscoveryProgress) => void;
}

export interface RunOutcome {
  result: DiscoveryResult;
  fromCache: boolean;
  /** Age of the cached result used, in ms (0 when fresh). */
  cacheAgeMs: number;
}

export interface DiscoveryRunner {
  readonly data: LeagueData;
  readonly config: DiscoveryConfig;
  run(opts?: RunOptions): Promise<RunOutcome>;
  close(): Promise<void>;
}

export function createDiscoveryRunner(
  config: DiscoveryConfig,
  parts: { data?: LeagueData; kalshi?: KalshiMarketsSource & { close?: () => Promise<void> }; gamma?: GammaClient } = {},
): DiscoveryRunner {
  // Lenient: a bad league entry is reported with every result and the other leagues still run.
  const data = parts.data ?? loadLeagues(config.leaguesFile, { lenient: true });
  const kalshi = parts.kalshi ?? new PacedKalshiMarkets({ baseUrl: config.kalshiApiBase, rps: config.kalshiRps });
  const gamma = parts.gamma ?? new GammaClient({ baseUrl: config.gammaUrl });
  const cache = new DiscoveryCache(config.cacheFile, config.cacheTtlMins * 60_000);
  return {
    data,
    config,
    async run(opts = {}) {
      const leagues = opts.leagues && opts.leagues.length > 0 ? opts.leagues : config.enabledLeagues;
      const single = opts.kalshiEvent !== undefined && opts.kalshiEvent !== '';
      // Single-event runs are never cached (§1.12).
      let key: string | null = null;
      if (!single) {
        key = selectionKey({
          leagues: selectLeagues(data, leagues).map((l) => l.code),
          marketTypes: opts.marketTypes && opts.marketTypes.length > 0 ? [...opts.marketTypes] : [...MARKET_TYPES],
          kalshiEvent: null,
        });
        if (!opts.force) {
          const hit = cache.get(key, data.hash);
          if (hit) return { result: hit.result, fromCache: true, cacheAgeMs: hit.ageMs };
        }
      }
      const result = await discover({
        data,
        kalshi,
        gamma,
        leagues,
        ...(opts.marketTypes ? { marketTypes: opts.marketTypes } : {}),
        ...(single ? { kalshiEvent: opts.kalshiEvent } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      });
      for (const problem of data.skipped) result.issues.unshift({ item: basename(data.source), message: `league left out: ${problem}` });
      if (key !== null) cache.put(key, data.hash, result);
      return { result, fromCache: false, cacheAgeMs: 0 };
    },
    async close() {
      await kalshi.close?.();
    },
  };
}
