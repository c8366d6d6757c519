// Discovery settings from the environment (README "Discovery"):
//
//   DISCOVERY_ENABLED          the controller runs discovery (default off; `parity discover` ignores it)
//   KALSHI_API_BASE            Kalshi REST base (default the real venue; the simulator's env file overrides)
//   POLY_GAMMA_URL             Gamma API base (default https://gamma-api.polymarket.com)
//   LEAGUES_FILE               league + team-alias data (default packages/controller/data/leagues.yaml)
//   ENABLED_LEAGUES            comma list of league codes or Polymarket prefixes (empty = all enabled)
//   DISCOVERY_CACHE_FILE       cache of discovery results (default ./data/discovery-cache.json)
//   DISCOVERY_CACHE_TTL_MINS   how long a cached result is reused (default 120; 0 = never)
//   DISCOVERY_INTERVAL_MINS    controller refresh period (default 15; 0 = only at start)
//   KALSHI_DISCOVERY_RPS       Kalshi listing requests per second (default 20)

import { ConfigError, envBool, envNumber, envString } from '@parity/trading';
import { kalshiEndpointsFromEnv } from '@parity/trading/kalshi/config.ts';
import { GAMMA_DEFAULT_URL } from '@parity/trading/polymarket/gamma.ts';
import { DEFAULT_LEAGUES_FILE } from './leagues.ts';

export const DEFAULT_DISCOVERY_CACHE_FILE = './data/discovery-cache.json';

export interface DiscoveryConfig {
  /** DISCOVERY_ENABLED: whether the controller should start its discovery refresh. */
  enabled: boolean;
  kalshiApiBase: string;
  gammaUrl: string;
  leaguesFile: string;
  enabledLeagues: string[];
  cacheFile: string;
  cacheTtlMins: number;
  intervalMins: number;
  kalshiRps: number;
}

export function discoveryConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DiscoveryConfig {
  const gamma = envString('POLY_GAMMA_URL', env) ?? GAMMA_DEFAULT_URL;
  let u: URL;
  try {
    u = new URL(gamma);
  } catch {
    throw new ConfigError(`POLY_GAMMA_URL=${JSON.stringify(gamma)} is not a URL: use e.g. ${GAMMA_DEFAULT_URL}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(`POLY_GAMMA_URL=${gamma} must be an http(s) URL`);
  return {
    enabled: envBool('DISCOVERY_ENABLED', false, env),
    kalshiApiBase: kalshiEndpointsFromEnv(env).apiBase,
    gammaUrl: gamma.replace(/\/+$/, ''),
    leaguesFile: envString('LEAGUES_FILE', env) ?? DEFAULT_LEAGUES_FILE,
    enabledLeagues: (envString('ENABLED_LEAGUES', env) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    cacheFile: envString('DISCOVERY_CACHE_FILE', env) ?? DEFAULT_DISCOVERY_CACHE_FILE,
    cacheTtlMins: envNumber('DISCOVERY_CACHE_TTL_MINS', 120, { min: 0 }, env),
    intervalMins: envNumber('DISCOVERY_INTERVAL_MINS', 15, { min: 0 }, env),
    kalshiRps: envNumber('KALSHI_DISCOVERY_RPS', 20, { min: 0.1 }, env),
  };
}
