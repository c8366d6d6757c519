// Settlement watcher configuration, read once from the environment at start (strict: a bad value
// is a ConfigError naming the variable; every bad variable is listed at once).
// The venue URLs are the ones the rest of Parity uses; the reads are public (no credentials).

import { ConfigError, envBool, envNumber, envString, kalshiEndpointsFromEnv } from '@parity/trading';
import { POLY_DEFAULT_CLOB_URL, POLY_DEFAULT_GAMMA_URL } from '@parity/trading/polymarket/config.ts';

export interface SettlementConfig {
  enabled: boolean;
  /** How often every pair with open positions is checked. */
  pollMs: number;
  /** One venue resolved while the other is not (open, void, unreachable) this long -> operator alert. */
  mismatchAlertMs: number;
  /** Timeout of one venue read. */
  httpTimeoutMs: number;
  kalshiApiBase: string;
  polyClobUrl: string;
  polyGammaUrl: string;
}

/** Every variable this module reads, with its default and meaning (README and `parity doctor`). */
export const SETTLEMENT_ENV_DOC: ReadonlyArray<{ name: string; default: string; meaning: string }> = [
  { name: 'SETTLEMENT_ENABLED', default: 'on', meaning: 'watch resolved markets and settle held positions in the ledger (strict boolean)' },
  { name: 'SETTLEMENT_POLL_MS', default: '300000', meaning: 'how often each pair with open positions is checked at both venues' },
  {
    name: 'SETTLEMENT_MISMATCH_ALERT_MS',
    default: '21600000',
    meaning: 'one venue resolved while the other is still open, void or unreachable for this long -> error log, alert metric and dashboard event (never settled by guess)',
  },
  { name: 'SETTLEMENT_HTTP_TIMEOUT_MS', default: '10000', meaning: 'timeout of one venue read (Kalshi market, Polymarket CLOB/Gamma market)' },
];

function httpUrl(name: string, dflt: string, env: NodeJS.ProcessEnv): string {
  const v = envString(name, env) ?? dflt;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(v)} is not a URL: use e.g. ${dflt}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(`${name}=${v} must be an http(s) URL, e.g. ${dflt}`);
  return v.replace(/\/+$/, '');
}

/** Read the settlement configuration; throws ConfigError listing every bad variable. */
export function parseSettlementConfig(env: NodeJS.ProcessEnv = process.env): SettlementConfig {
  const problems: string[] = [];
  const read = <T>(fn: () => T, dflt: T): T => {
    try {
      return fn();
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
      return dflt;
    }
  };
  const cfg: SettlementConfig = {
    enabled: read(() => envBool('SETTLEMENT_ENABLED', true, env), true),
    pollMs: read(() => envNumber('SETTLEMENT_POLL_MS', 300_000, { min: 10, max: 86_400_000, integer: true }, env), 300_000),
    mismatchAlertMs: read(() => envNumber('SETTLEMENT_MISMATCH_ALERT_MS', 21_600_000, { min: 0, max: 30 * 86_400_000, integer: true }, env), 21_600_000),
    httpTimeoutMs: read(() => envNumber('SETTLEMENT_HTTP_TIMEOUT_MS', 10_000, { min: 100, max: 120_000, integer: true }, env), 10_000),
    kalshiApiBase: read(() => kalshiEndpointsFromEnv(env).apiBase, ''),
    polyClobUrl: read(() => httpUrl('POLY_CLOB_URL', POLY_DEFAULT_CLOB_URL, env), ''),
    polyGammaUrl: read(() => httpUrl('POLY_GAMMA_URL', POLY_DEFAULT_GAMMA_URL, env), ''),
  };
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return cfg;
}
