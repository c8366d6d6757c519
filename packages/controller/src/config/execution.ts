// Execution, risk and ledger configuration, read once from the environment at start.
//
// Strict: a value that cannot be parsed is a startup error (ConfigError) naming the variable and
// saying what is expected; an unknown venue in CONTROLLER_PLATFORMS is an error, never dropped.
// Money limits are given in dollars and held as integer micro-dollars.

import { z } from 'zod';
import { ConfigError, parseBool, parseMicros, parsePx, type Micros, type Platform, type Px } from '@parity/trading';

export interface BreakerConfig {
  enabled: boolean;
  maxPositionPerPairMicros: Micros;
  maxTotalPositionMicros: Micros;
  maxDailyLossMicros: Micros;
  maxConsecutiveErrors: number;
  cooldownMs: number;
  /** Smallest size worth trading after the exposure cap, in whole contracts. */
  minContracts: number;
  blacklistThreshold: number;
  blacklistMs: number;
  /** Minutes after 00:00 UTC at which the daily loss counter resets. */
  dailyResetMinuteUtc: number;
}

export interface ExecutionConfig {
  dryRun: boolean;
  /** Venues this controller may trade itself; empty = pure router (every leg goes to a trader). */
  localPlatforms: ReadonlySet<Platform>;
  dbPath: string;
  /** 'normal' survives a process crash; 'full' also survives power loss (one fsync per commit). */
  dbSync: 'normal' | 'full';
  /** How long a leg may take before its outcome is treated as unknown and looked up. */
  legTimeoutMs: number;
  /** Longest wait between two look-ups of an unresolved leg. */
  lookupMaxBackoffMs: number;
  /** A look-up that finds no order only counts as "never arrived" once the leg is this old. */
  notFoundGraceMs: number;
  /** An unresolved leg older than this is reported and counted as an error by the breaker. */
  unresolvedAlertMs: number;
  /** Lowest price an unwind sells at; below it the remaining excess is left open and reported. */
  unwindFloorPx: Px;
  /** Price step of an unwind when the venue's tick is not known, in Px. */
  unwindTickPx: Px;
  unwindStepDelayMs: number;
  /** Same-price retries of a Polymarket unwind refused for balance (shares not settled yet). */
  unwindSettlementRetries: number;
  /** First wait before re-reading the trades of a `matched` Polymarket leg; doubles per read (spec polymarket.md §8.2). */
  polyTradeFollowMs: number;
  /** Give up following a Polymarket leg's trades after this long: error log, alert, the attempt stays open. */
  polyTradeFollowMaxMs: number;
  breaker: BreakerConfig;
}

/** Every variable this module reads, with its default and meaning (README and `parity doctor`). */
export const EXECUTION_ENV_DOC: ReadonlyArray<{ name: string; default: string; meaning: string }> = [
  { name: 'DRY_RUN', default: 'on', meaning: 'paper trading: legs are routed and logged but no order is placed (1/true/yes/on, 0/false/no/off)' },
  { name: 'CONTROLLER_PLATFORMS', default: '(empty: pure router)', meaning: 'venues the controller trades itself: kalshi, polymarket (or poly), comma-separated, any case' },
  { name: 'PARITY_DB', default: './data/parity.db', meaning: 'SQLite ledger file (created with its directory)' },
  { name: 'PARITY_DB_SYNC', default: 'normal', meaning: 'normal: durable across process crashes; full: also across power loss (slower)' },
  { name: 'LEG_TIMEOUT_MS', default: '5000', meaning: 'deadline for a leg result; after it the order is looked up at the venue' },
  { name: 'LEG_LOOKUP_MAX_BACKOFF_MS', default: '2000', meaning: 'longest wait between look-ups of an unresolved leg' },
  { name: 'LEG_NOT_FOUND_GRACE_MS', default: '15000', meaning: 'a look-up that finds no order means "never placed" only once the leg is this old' },
  { name: 'LEG_UNRESOLVED_ALERT_MS', default: '60000', meaning: 'an unresolved leg older than this is logged as an error and counts against the breaker' },
  { name: 'UNWIND_FLOOR_PRICE', default: '0.01', meaning: 'lowest price (dollars) an unwind sells at; anything left is reported as open exposure' },
  { name: 'UNWIND_TICK', default: '0.01', meaning: 'price step (dollars) of an unwind, one step per attempt' },
  { name: 'UNWIND_STEP_DELAY_MS', default: '100', meaning: 'pause between two unwind steps' },
  { name: 'UNWIND_SETTLEMENT_RETRIES', default: '50', meaning: 'same-price retries of a Polymarket unwind refused for balance (unsettled shares)' },
  { name: 'POLY_TRADE_FOLLOW_MS', default: '2000', meaning: 'first wait before re-reading the trades of a matched Polymarket leg until CONFIRMED or FAILED (doubles, at most 30 s)' },
  { name: 'POLY_TRADE_FOLLOW_MAX_MS', default: '600000', meaning: 'stop following unsettled Polymarket trades after this long: error log and alert, the attempt stays open for the next start' },
  { name: 'CB_ENABLED', default: 'on', meaning: 'circuit breaker on/off (strict boolean)' },
  { name: 'CB_MAX_POSITION_PER_MARKET', default: '500', meaning: 'dollars of open cost per pair (from actual fills)' },
  { name: 'CB_MAX_TOTAL_POSITION', default: '1000', meaning: 'dollars of open cost across all pairs' },
  { name: 'CB_MAX_DAILY_LOSS', default: '500', meaning: 'dollars of realised loss per day before trading halts until the daily reset' },
  { name: 'CB_MAX_CONSECUTIVE_ERRORS', default: '5', meaning: 'errors in a row (rejections, mismatches, unresolved legs) that halt trading' },
  { name: 'CB_COOLDOWN_SECS', default: '300', meaning: 'how long an error halt lasts' },
  { name: 'CB_MIN_CONTRACTS', default: '1', meaning: 'smallest size (contracts) worth trading after the exposure cap' },
  { name: 'CB_MARKET_BLACKLIST_THRESHOLD', default: '3', meaning: 'consecutive mismatched fills on a pair that blacklist it' },
  { name: 'CB_MARKET_BLACKLIST_SECS', default: '300', meaning: 'how long a blacklisted pair is skipped' },
  { name: 'CB_DAILY_RESET_UTC', default: '00:00', meaning: 'time of day (HH:MM, UTC) the daily loss resets' },
];

/**
 * CONTROLLER_PLATFORMS, as the seed parses it (kalshi, polymarket or poly; comma-separated; any
 * case; whitespace ignored; unset or empty = pure router), except that an unknown name is an error.
 */
export function parseControllerPlatforms(raw: string | undefined): Set<Platform> {
  const out = new Set<Platform>();
  if (raw === undefined) return out;
  for (const part of raw.split(',')) {
    const v = part.trim().toLowerCase();
    if (v === '') continue;
    if (v === 'kalshi') out.add('kalshi');
    else if (v === 'polymarket' || v === 'poly') out.add('polymarket');
    else
      throw new ConfigError(
        `CONTROLLER_PLATFORMS contains unknown venue ${JSON.stringify(part.trim())}: use kalshi, polymarket (or poly), comma-separated, or leave it empty for a pure router`,
      );
  }
  return out;
}

// Each field reads one raw env string; a refinement failure becomes a ConfigError naming it.
type Raw = string | undefined;
const raw = z.string().optional();

function field<T>(name: string, parse: (v: string) => T, dflt: T) {
  return raw.transform((v: Raw, ctx): T => {
    if (v === undefined || v.trim() === '') return dflt;
    try {
      return parse(v.trim());
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err), path: [name] });
      return z.NEVER;
    }
  });
}

function int(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    if (!/^[0-9]+$/.test(v)) throw new Error(`${name}=${JSON.stringify(v)} must be a whole number`);
    const n = Number(v);
    if (n < min || n > max) throw new Error(`${name}=${v} must be between ${min} and ${max}`);
    return n;
  };
}

function dollars(name: string, { positive }: { positive: boolean }) {
  return (v: string): Micros => {
    let m: Micros;
    try {
      m = parseMicros(v);
    } catch {
      throw new Error(`${name}=${JSON.stringify(v)} is not an amount in dollars (e.g. 500 or 12.50)`);
    }
    if (m < 0 || (positive && m === 0)) throw new Error(`${name}=${v} must be ${positive ? 'greater than' : 'at least'} 0 dollars`);
    return m;
  };
}

function price(name: string) {
  return (v: string): Px => {
    let p: Px;
    try {
      p = parsePx(v);
    } catch {
      throw new Error(`${name}=${JSON.stringify(v)} is not a price in dollars with at most 4 decimals (e.g. 0.01)`);
    }
    if (p <= 0 || p >= 10_000) throw new Error(`${name}=${v} must be strictly between 0 and 1 dollar`);
    return p;
  };
}

function timeOfDay(name: string) {
  return (v: string): number => {
    const m = /^([0-9]{1,2}):([0-9]{2})$/.exec(v);
    const h = m ? Number(m[1]) : NaN;
    const min = m ? Number(m[2]) : NaN;
    if (!m || h > 23 || min > 59) throw new Error(`${name}=${JSON.stringify(v)} must be a UTC time of day HH:MM (e.g. 00:00 or 13:30)`);
    return h * 60 + min;
  };
}

const bool = (name: string) => (v: string) => parseBool(name, v, false);

const schema = z.object({
  DRY_RUN: field('DRY_RUN', bool('DRY_RUN'), true),
  CONTROLLER_PLATFORMS: raw.transform((v: Raw, ctx) => {
    try {
      return parseControllerPlatforms(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message, path: ['CONTROLLER_PLATFORMS'] });
      return z.NEVER;
    }
  }),
  PARITY_DB: field('PARITY_DB', (v) => v, './data/parity.db'),
  PARITY_DB_SYNC: field('PARITY_DB_SYNC', (v) => {
    const s = v.toLowerCase();
    if (s !== 'normal' && s !== 'full') throw new Error(`PARITY_DB_SYNC=${JSON.stringify(v)} must be normal or full`);
    return s;
  }, 'normal' as 'normal' | 'full'),
  LEG_TIMEOUT_MS: field('LEG_TIMEOUT_MS', int('LEG_TIMEOUT_MS', 1, 600_000), 5000),
  LEG_LOOKUP_MAX_BACKOFF_MS: field('LEG_LOOKUP_MAX_BACKOFF_MS', int('LEG_LOOKUP_MAX_BACKOFF_MS', 1, 600_000), 2000),
  LEG_NOT_FOUND_GRACE_MS: field('LEG_NOT_FOUND_GRACE_MS', int('LEG_NOT_FOUND_GRACE_MS', 0, 3_600_000), 15_000),
  LEG_UNRESOLVED_ALERT_MS: field('LEG_UNRESOLVED_ALERT_MS', int('LEG_UNRESOLVED_ALERT_MS', 1, 86_400_000), 60_000),
  UNWIND_FLOOR_PRICE: field('UNWIND_FLOOR_PRICE', price('UNWIND_FLOOR_PRICE'), 100),
  UNWIND_TICK: field('UNWIND_TICK', price('UNWIND_TICK'), 100),
  UNWIND_STEP_DELAY_MS: field('UNWIND_STEP_DELAY_MS', int('UNWIND_STEP_DELAY_MS', 0, 60_000), 100),
  UNWIND_SETTLEMENT_RETRIES: field('UNWIND_SETTLEMENT_RETRIES', int('UNWIND_SETTLEMENT_RETRIES', 0, 10_000), 50),
  POLY_TRADE_FOLLOW_MS: field('POLY_TRADE_FOLLOW_MS', int('POLY_TRADE_FOLLOW_MS', 1, 600_000), 2000),
  POLY_TRADE_FOLLOW_MAX_MS: field('POLY_TRADE_FOLLOW_MAX_MS', int('POLY_TRADE_FOLLOW_MAX_MS', 1, 86_400_000), 600_000),
  CB_ENABLED: field('CB_ENABLED', bool('CB_ENABLED'), true),
  CB_MAX_POSITION_PER_MARKET: field('CB_MAX_POSITION_PER_MARKET', dollars('CB_MAX_POSITION_PER_MARKET', { positive: true }), 500_000_000),
  CB_MAX_TOTAL_POSITION: field('CB_MAX_TOTAL_POSITION', dollars('CB_MAX_TOTAL_POSITION', { positive: true }), 1_000_000_000),
  CB_MAX_DAILY_LOSS: field('CB_MAX_DAILY_LOSS', dollars('CB_MAX_DAILY_LOSS', { positive: true }), 500_000_000),
  CB_MAX_CONSECUTIVE_ERRORS: field('CB_MAX_CONSECUTIVE_ERRORS', int('CB_MAX_CONSECUTIVE_ERRORS', 1), 5),
  CB_COOLDOWN_SECS: field('CB_COOLDOWN_SECS', int('CB_COOLDOWN_SECS', 0, 7 * 86_400), 300),
  CB_MIN_CONTRACTS: field('CB_MIN_CONTRACTS', int('CB_MIN_CONTRACTS', 1), 1),
  CB_MARKET_BLACKLIST_THRESHOLD: field('CB_MARKET_BLACKLIST_THRESHOLD', int('CB_MARKET_BLACKLIST_THRESHOLD', 1), 3),
  CB_MARKET_BLACKLIST_SECS: field('CB_MARKET_BLACKLIST_SECS', int('CB_MARKET_BLACKLIST_SECS', 0, 30 * 86_400), 300),
  CB_DAILY_RESET_UTC: field('CB_DAILY_RESET_UTC', timeOfDay('CB_DAILY_RESET_UTC'), 0),
});

/** Read the execution configuration; throws ConfigError listing every bad variable. */
export function parseExecutionConfig(env: NodeJS.ProcessEnv = process.env): ExecutionConfig {
  const input: Record<string, string | undefined> = {};
  for (const k of Object.keys(schema.shape)) input[k] = env[k];
  const res = schema.safeParse(input);
  if (!res.success) {
    throw new ConfigError(res.error.issues.map((i) => i.message).join('; '));
  }
  const c = res.data;
  if (c.UNWIND_TICK >= 10_000) throw new ConfigError('UNWIND_TICK must be below 1 dollar');
  return {
    dryRun: c.DRY_RUN,
    localPlatforms: c.CONTROLLER_PLATFORMS,
    dbPath: c.PARITY_DB,
    dbSync: c.PARITY_DB_SYNC,
    legTimeoutMs: c.LEG_TIMEOUT_MS,
    lookupMaxBackoffMs: c.LEG_LOOKUP_MAX_BACKOFF_MS,
    notFoundGraceMs: c.LEG_NOT_FOUND_GRACE_MS,
    unresolvedAlertMs: c.LEG_UNRESOLVED_ALERT_MS,
    unwindFloorPx: c.UNWIND_FLOOR_PRICE,
    unwindTickPx: c.UNWIND_TICK,
    unwindStepDelayMs: c.UNWIND_STEP_DELAY_MS,
    unwindSettlementRetries: c.UNWIND_SETTLEMENT_RETRIES,
    polyTradeFollowMs: c.POLY_TRADE_FOLLOW_MS,
    polyTradeFollowMaxMs: c.POLY_TRADE_FOLLOW_MAX_MS,
    breaker: {
      enabled: c.CB_ENABLED,
      maxPositionPerPairMicros: c.CB_MAX_POSITION_PER_MARKET,
      maxTotalPositionMicros: c.CB_MAX_TOTAL_POSITION,
      maxDailyLossMicros: c.CB_MAX_DAILY_LOSS,
      maxConsecutiveErrors: c.CB_MAX_CONSECUTIVE_ERRORS,
      cooldownMs: c.CB_COOLDOWN_SECS * 1000,
      minContracts: c.CB_MIN_CONTRACTS,
      blacklistThreshold: c.CB_MARKET_BLACKLIST_THRESHOLD,
      blacklistMs: c.CB_MARKET_BLACKLIST_SECS * 1000,
      dailyResetMinuteUtc: c.CB_DAILY_RESET_UTC,
    },
  };
}

/** One line for the start-up log: how legs will be routed. */
export function describeMode(cfg: Pick<ExecutionConfig, 'localPlatforms' | 'dryRun'>): string {
  const local = [...cfg.localPlatforms].sort();
  const mode = local.length === 0 ? 'pure router (every leg goes to a remote trader)' : `local execution for ${local.join(', ')}; remote traders preferred when connected`;
  return `${mode}${cfg.dryRun ? ' [DRY RUN]' : ' [LIVE]'}`;
}
