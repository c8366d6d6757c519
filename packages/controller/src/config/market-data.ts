// Market-data and detection configuration from the environment, validated at startup (zod).
// Venue URLs and credentials come from the trading package's config helpers; this file owns the
// pairs file, feed timings and detection thresholds.
//
//   variable                      default   meaning
//   PAIRS_FILE                    (required) pairs to follow (YAML or JSON)
//   ARB_MIN_EDGE_BPS              100       minimum edge per contract after fees, in bps of the $1
//                                           payout (100 = 1¢), on every walked level and on average
//   ARB_MIN_PROFIT_USD            0.01      minimum expected profit of one arb, dollars
//   ARB_MIN_CONTRACTS             1         minimum contracts per arb
//   ARB_MAX_CONTRACTS             100       per-arb contract cap
//   ARB_MAX_COST_USD              500       per-arb cap on both legs' cost, dollars (0 = no cap)
//   ARB_MAX_LEVELS                20        book levels walked per leg
//   ARB_MAX_BOOK_AGE_MS           15000     a book not confirmed for this long is not used
//   ARB_REPEAT_MS                 1000      hold back an identical repeat of a pair's last opportunity
//   ARB_POLY_MIN_NOTIONAL_USD     1         Polymarket minimum order value (size × limit price)
//   ARB_POLY_MIN_SIZE             5         Polymarket minimum shares until the venue states the token's
//   ARB_POLY_FEE_FALLBACK_RATE    0.07      Polymarket fee rate assumed until a token's curve is fetched
//   KALSHI_WS_PING_MS             5000      our WebSocket ping period (Kalshi pings every 10 s itself)
//   KALSHI_WS_STALE_MS            15000     no server frame for this long -> books untradeable, reconnect
//   POLY_WS_PING_MS               10000     text PING period
//   POLY_WS_STALE_MS              15000     no frame (PONG included) for this long -> untradeable, reconnect
//   POLY_WS_MAX_ASSETS            500       assets per Polymarket connection (1..500)
//   MD_RESYNC_TIMEOUT_MS          5000      a resync not answered by a snapshot in time -> reconnect
//   MD_RECONNECT_MAX_MS           10000     longest reconnect backoff (exponential from 250 ms, jittered)
//   DETECTION_WARM_UP_ROUNDS      4000      synthetic arbitrages run through detection at start so the
//                                           rare sizing path is JIT-optimised before it matters (0 = off)

import { z } from 'zod';
import { ConfigError, parseBool, parseMicros, parseQty, type Micros, type Qty } from '@parity/trading';
import { polyRateToPpm, type PolyFeeParams } from '@parity/trading/polymarket/fees.ts';
import type { DetectionConfig } from '../detection/detector.ts';

export interface FeedTimings {
  kalshiPingMs: number;
  kalshiStaleMs: number;
  polyPingMs: number;
  polyStaleMs: number;
  polyMaxAssetsPerConnection: number;
  resyncTimeoutMs: number;
  reconnectMaxMs: number;
}

export interface MarketDataConfig {
  /** null: no manual pairs (discovery finds them). */
  pairsFile: string | null;
  detection: DetectionConfig;
  feeds: FeedTimings;
  polyFeeFallback: PolyFeeParams;
  polyDefaultMinSize: Qty;
  /** Detection warm-up rounds at start (0 = none). */
  warmUpRounds: number;
}

const int = (name: string, dflt: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return dflt;
      if (!/^\d+$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: `${name}=${JSON.stringify(v)} must be a whole number between ${min} and ${max}` });
        return z.NEVER;
      }
      const n = Number(v);
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name}=${v} is out of range: use ${min}..${max}` });
        return z.NEVER;
      }
      return n;
    });

/** A decimal with at most `scale` decimals parsed exactly (dollars -> micros, contracts -> Qty). */
const decimal = (name: string, dflt: string, parse: (s: string) => number, unit: string, min = 0) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      const s = v === undefined || v === '' ? dflt : v;
      let n: number;
      try {
        n = parse(s);
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name}=${JSON.stringify(s)} is not a valid ${unit} (e.g. ${dflt})` });
        return z.NEVER;
      }
      if (n < min) {
        ctx.addIssue({ code: 'custom', message: `${name}=${s} must be at least ${min === 0 ? '0' : 'a positive amount'}` });
        return z.NEVER;
      }
      return n;
    });

const envSchema = z.object({
  PAIRS_FILE: z.string().trim().optional(),
  ARB_MIN_EDGE_BPS: int('ARB_MIN_EDGE_BPS', 100, 0, 10_000),
  ARB_MIN_PROFIT_USD: decimal('ARB_MIN_PROFIT_USD', '0.01', (s) => parseMicros(s), 'dollar amount'),
  ARB_MIN_CONTRACTS: decimal('ARB_MIN_CONTRACTS', '1', parseQty, 'contract count', 1),
  ARB_MAX_CONTRACTS: decimal('ARB_MAX_CONTRACTS', '100', parseQty, 'contract count', 1),
  ARB_MAX_COST_USD: decimal('ARB_MAX_COST_USD', '500', (s) => parseMicros(s), 'dollar amount'),
  ARB_MAX_LEVELS: int('ARB_MAX_LEVELS', 20, 1, 500),
  ARB_MAX_BOOK_AGE_MS: int('ARB_MAX_BOOK_AGE_MS', 15_000, 100, 600_000),
  ARB_REPEAT_MS: int('ARB_REPEAT_MS', 1_000, 0, 3_600_000),
  ARB_POLY_MIN_NOTIONAL_USD: decimal('ARB_POLY_MIN_NOTIONAL_USD', '1', (s) => parseMicros(s), 'dollar amount'),
  ARB_POLY_MIN_SIZE: decimal('ARB_POLY_MIN_SIZE', '5', parseQty, 'share count'),
  ARB_POLY_FEE_FALLBACK_RATE: decimal('ARB_POLY_FEE_FALLBACK_RATE', '0.07', (s) => polyRateToPpm(s), 'fee rate (e.g. 0.07)'),
  KALSHI_WS_PING_MS: int('KALSHI_WS_PING_MS', 5_000, 50, 600_000),
  KALSHI_WS_STALE_MS: int('KALSHI_WS_STALE_MS', 15_000, 100, 600_000),
  POLY_WS_PING_MS: int('POLY_WS_PING_MS', 10_000, 50, 600_000),
  POLY_WS_STALE_MS: int('POLY_WS_STALE_MS', 15_000, 100, 600_000),
  POLY_WS_MAX_ASSETS: int('POLY_WS_MAX_ASSETS', 500, 1, 500),
  MD_RESYNC_TIMEOUT_MS: int('MD_RESYNC_TIMEOUT_MS', 5_000, 100, 600_000),
  MD_RECONNECT_MAX_MS: int('MD_RECONNECT_MAX_MS', 10_000, 250, 600_000),
  DETECTION_WARM_UP_ROUNDS: int('DETECTION_WARM_UP_ROUNDS', 4_000, 0, 1_000_000),
});

/** Read and validate the market-data configuration. Throws ConfigError listing every problem. */
export function marketDataConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MarketDataConfig {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    const msgs = r.error.issues.map((i) => i.message);
    throw new ConfigError(msgs.length === 1 ? msgs[0]! : `invalid configuration:\n  ${msgs.join('\n  ')}`);
  }
  const e = r.data;
  const problems: string[] = [];
  // Without a pairs file the controller needs discovery to find its pairs.
  const pairsFile = e.PAIRS_FILE ? e.PAIRS_FILE : null;
  if (!pairsFile && !parseBool('DISCOVERY_ENABLED', env.DISCOVERY_ENABLED, false))
    throw new ConfigError('PAIRS_FILE is not set: point it at the pairs file (YAML or JSON; `parity sim --env-out FILE` writes one), or set DISCOVERY_ENABLED=1');
  if (e.ARB_MAX_CONTRACTS < e.ARB_MIN_CONTRACTS) problems.push(`ARB_MAX_CONTRACTS is below ARB_MIN_CONTRACTS`);
  if (e.ARB_MIN_CONTRACTS % 100 !== 0 || e.ARB_MAX_CONTRACTS % 100 !== 0) problems.push('ARB_MIN_CONTRACTS and ARB_MAX_CONTRACTS must be whole contracts (orders are sized in whole contracts)');
  if (e.KALSHI_WS_STALE_MS <= e.KALSHI_WS_PING_MS) problems.push('KALSHI_WS_STALE_MS must be longer than KALSHI_WS_PING_MS');
  if (e.POLY_WS_STALE_MS <= e.POLY_WS_PING_MS) problems.push('POLY_WS_STALE_MS must be longer than POLY_WS_PING_MS (PONGs prove the feed alive)');
  if (e.ARB_MAX_BOOK_AGE_MS <= e.POLY_WS_PING_MS)
    problems.push('ARB_MAX_BOOK_AGE_MS must be longer than POLY_WS_PING_MS, or quiet Polymarket books would go stale between keep-alives');
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  const detection: DetectionConfig = {
    minEdgeMicros: e.ARB_MIN_EDGE_BPS * 100,
    minProfitMicros: e.ARB_MIN_PROFIT_USD as Micros,
    minContracts: e.ARB_MIN_CONTRACTS,
    maxContracts: e.ARB_MAX_CONTRACTS,
    maxCostMicros: e.ARB_MAX_COST_USD,
    maxLevels: e.ARB_MAX_LEVELS,
    contractStep: 100,
    maxBookAgeMs: e.ARB_MAX_BOOK_AGE_MS,
    polyMinNotionalMicros: e.ARB_POLY_MIN_NOTIONAL_USD,
    repeatMs: e.ARB_REPEAT_MS,
  };
  return {
    pairsFile,
    detection,
    feeds: {
      kalshiPingMs: e.KALSHI_WS_PING_MS,
      kalshiStaleMs: e.KALSHI_WS_STALE_MS,
      polyPingMs: e.POLY_WS_PING_MS,
      polyStaleMs: e.POLY_WS_STALE_MS,
      polyMaxAssetsPerConnection: e.POLY_WS_MAX_ASSETS,
      resyncTimeoutMs: e.MD_RESYNC_TIMEOUT_MS,
      reconnectMaxMs: e.MD_RECONNECT_MAX_MS,
    },
    polyFeeFallback: { ratePpm: e.ARB_POLY_FEE_FALLBACK_RATE, exponent: 1, takerOnly: true },
    polyDefaultMinSize: e.ARB_POLY_MIN_SIZE,
    warmUpRounds: e.DETECTION_WARM_UP_ROUNDS,
  };
}
