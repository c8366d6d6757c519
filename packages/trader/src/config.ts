// The trader's configuration, from the environment, validated at start (DESIGN.md: unknown
// values are startup errors). Its limits are its own: a controller cannot raise them.

import { hostname } from 'node:os';
import {
  ConfigError,
  envBool,
  envNumber,
  envString,
  formatPx,
  parseMicros,
  parsePx,
  parseQty,
  type Micros,
  type Platform,
  type Px,
  type Qty,
} from '@parity/trading';
import { readSecret } from '@parity/protocol';

export interface TraderLimits {
  /** Most contracts per leg (Qty). */
  maxContracts: Qty;
  /** Most notional (price x contracts) per leg. */
  maxNotionalMicros: Micros;
  /** Most notional per UTC day, over all legs this trader started. */
  maxDailyNotionalMicros: Micros;
  /** Allowed limit-price range, inclusive (Px). */
  minPrice: Px;
  maxPrice: Px;
}

export interface TraderConfig {
  url: string;
  secret: string;
  traderId: string;
  /** Venues this trader may serve (TRADER_PLATFORM, default both); credentials narrow it further. */
  platforms: Platform[];
  dryRun: boolean;
  dbPath: string;
  limits: TraderLimits;
  oneShot: boolean;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  /**
   * How long an order request from a previous life may still be in flight: a leg cut off by a
   * crash that the venue does not know yet is looked up again after this, before it is called
   * unfilled (the request may still arrive).
   */
  recoveryGraceMs: number;
}

export const TRADER_DEFAULTS = {
  dbPath: './data/trader.db',
  maxContracts: '100',
  maxNotionalUsd: '100',
  maxDailyNotionalUsd: '1000',
  minPrice: '0.01',
  maxPrice: '0.99',
  reconnectBaseMs: 250,
  reconnectMaxMs: 30_000,
  recoveryGraceMs: 10_000,
} as const;

/** TRADER_PLATFORM: kalshi | polymarket | poly, comma-separated, any case; unset = both. */
export function parsePlatforms(raw: string | undefined, name = 'TRADER_PLATFORM'): Platform[] {
  if (raw === undefined || raw.trim() === '') return ['kalshi', 'polymarket'];
  const out = new Set<Platform>();
  for (const part of raw.split(',')) {
    const v = part.trim().toLowerCase();
    if (v === '') continue;
    if (v === 'kalshi') out.add('kalshi');
    else if (v === 'polymarket' || v === 'poly') out.add('polymarket');
    else throw new ConfigError(`${name}=${JSON.stringify(raw)}: ${JSON.stringify(part.trim())} is not a venue (use kalshi, polymarket or poly, comma-separated)`);
  }
  if (out.size === 0) throw new ConfigError(`${name}=${JSON.stringify(raw)} names no venue (use kalshi, polymarket or poly)`);
  return [...out];
}

function parseWith<T>(name: string, raw: string, parse: (s: string) => T, what: string): T {
  try {
    return parse(raw.trim());
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not ${what}`);
  }
}

function positive(name: string, v: number, raw: string): number {
  if (v <= 0) throw new ConfigError(`${name}=${JSON.stringify(raw)} must be greater than zero`);
  return v;
}

export function traderLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): TraderLimits {
  const get = (name: string, dflt: string): string => envString(name, env) ?? dflt;
  const mc = get('TRADER_MAX_CONTRACTS', TRADER_DEFAULTS.maxContracts);
  const mn = get('TRADER_MAX_NOTIONAL_USD', TRADER_DEFAULTS.maxNotionalUsd);
  const md = get('TRADER_MAX_DAILY_NOTIONAL_USD', TRADER_DEFAULTS.maxDailyNotionalUsd);
  const lo = get('TRADER_MIN_PRICE', TRADER_DEFAULTS.minPrice);
  const hi = get('TRADER_MAX_PRICE', TRADER_DEFAULTS.maxPrice);
  const limits: TraderLimits = {
    maxContracts: positive('TRADER_MAX_CONTRACTS', parseWith('TRADER_MAX_CONTRACTS', mc, parseQty, 'a contract count with at most 2 decimals'), mc),
    maxNotionalMicros: positive('TRADER_MAX_NOTIONAL_USD', parseWith('TRADER_MAX_NOTIONAL_USD', mn, (s) => parseMicros(s), 'a dollar amount'), mn),
    maxDailyNotionalMicros: positive('TRADER_MAX_DAILY_NOTIONAL_USD', parseWith('TRADER_MAX_DAILY_NOTIONAL_USD', md, (s) => parseMicros(s), 'a dollar amount'), md),
    minPrice: parseWith('TRADER_MIN_PRICE', lo, parsePx, 'a price in dollars with at most 4 decimals (e.g. 0.01)'),
    maxPrice: parseWith('TRADER_MAX_PRICE', hi, parsePx, 'a price in dollars with at most 4 decimals (e.g. 0.99)'),
  };
  if (limits.minPrice <= 0 || limits.maxPrice >= 10_000 || limits.minPrice > limits.maxPrice) {
    throw new ConfigError(
      `TRADER_MIN_PRICE=${formatPx(limits.minPrice)} / TRADER_MAX_PRICE=${formatPx(limits.maxPrice)}: need 0 < min <= max < 1 (dollars)`,
    );
  }
  return limits;
}

/** trader-<host>-<venues>: stable across restarts (lookups prefer the trader that had the leg). */
function defaultTraderId(platforms: readonly Platform[]): string {
  const h = hostname().replace(/[^\x21-\x7e]/g, '').slice(0, 80);
  return `trader-${h || 'host'}-${platforms.join('+')}`;
}

export function traderConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TraderConfig {
  const url = envString('WEBSOCKET_URL', env);
  if (!url) {
    throw new ConfigError("WEBSOCKET_URL is not set: point it at the controller's trader server, e.g. ws://127.0.0.1:9001 (the controller's TRADER_BIND)");
  }
  if (!/^wss?:\/\/[^\s/]+/.test(url)) throw new ConfigError(`WEBSOCKET_URL=${JSON.stringify(url)} is not a ws:// or wss:// URL`);
  const secret = readSecret(env.TRADER_SECRET);
  if (!secret) {
    throw new ConfigError('TRADER_SECRET is not set: the trader and the controller authenticate each other with it; set the same value (>= 16 characters) on both');
  }
  const platforms = parsePlatforms(env.TRADER_PLATFORM);
  const traderId = envString('TRADER_ID', env) ?? defaultTraderId(platforms);
  if (!/^[\x21-\x7e]{1,128}$/.test(traderId)) throw new ConfigError(`TRADER_ID=${JSON.stringify(traderId)}: use 1-128 printable characters without spaces`);
  return {
    url,
    secret,
    traderId,
    platforms,
    dryRun: envBool('DRY_RUN', true, env),
    dbPath: envString('TRADER_DB', env) ?? TRADER_DEFAULTS.dbPath,
    limits: traderLimitsFromEnv(env),
    oneShot: envBool('ONE_SHOT', false, env),
    reconnectBaseMs: TRADER_DEFAULTS.reconnectBaseMs,
    reconnectMaxMs: envNumber('TRADER_RECONNECT_MAX_MS', TRADER_DEFAULTS.reconnectMaxMs, { min: 100, max: 600_000, integer: true }, env),
    recoveryGraceMs: envNumber('TRADER_RECOVERY_GRACE_MS', TRADER_DEFAULTS.recoveryGraceMs, { min: 0, max: 600_000, integer: true }, env),
  };
}
