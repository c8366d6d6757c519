// Scenario files (JSON or YAML, same structure): markets, initial books, market maker, scheduled
// arbitrage windows, faults and timed events. Validated with zod at load; see README / report
// for an example. Prices are dollars (0.45 or "0.45"), sizes contracts (100 or "100.00").

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import YAML from 'yaml';

const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform((v) => String(v));
const level = z.tuple([num, num]);
const book = z.object({ bids: z.array(level).default([]), asks: z.array(level).default([]) }).strict();
const feeType = z.enum(['quadratic', 'quadratic_with_maker_fees', 'quadratic_with_combo_maker_fees', 'flat']);
const venue = z.enum(['kalshi', 'polymarket']);
const arbType = z.enum(['kalshi_yes_poly_no', 'poly_yes_kalshi_no']);

const faultSpec = z
  .object({
    venue: z.enum(['kalshi', 'polymarket', '*']),
    kind: z.string().min(1),
    market: z.string().optional(),
    count: z.number().int().positive().optional(),
    durationMs: z.number().positive().optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const pairSpec = z
  .object({
    id: z.string().optional(),
    description: z.string().optional(),
    league: z.string().optional(),
    market_type: z.string().optional(),
    /** Fair probability of Kalshi YES (0..1); default 0.5. */
    fair: z.number().gt(0).lt(1).optional(),
    kalshi_yes_pays_with: z.enum(['poly_yes', 'poly_no']).default('poly_yes'),
    kalshi: z
      .object({
        ticker: z.string().min(1),
        event_ticker: z.string().optional(),
        series_ticker: z.string().optional(),
        title: z.string().optional(),
        yes_sub_title: z.string().optional(),
        no_sub_title: z.string().optional(),
        fee_type: feeType.default('quadratic_with_maker_fees'),
        fee_multiplier: z.number().nonnegative().default(1),
        price_level_structure: z.string().default('linear_cent'),
        price_ranges: z.array(z.object({ start: num, end: num, step: num }).strict()).optional(),
        fractional_trading_enabled: z.boolean().default(false),
        status: z.enum(['open', 'closed']).default('open'),
      })
      .strict(),
    polymarket: z
      .object({
        condition_id: z.string().regex(/^0x[0-9a-fA-F]{64}$/).optional(),
        yes_token: z.string().regex(/^\d+$/).optional(),
        no_token: z.string().regex(/^\d+$/).optional(),
        question: z.string().optional(),
        slug: z.string().optional(),
        outcomes: z.tuple([z.string(), z.string()]).default(['Yes', 'No']),
        tick_size: z.enum(['0.1', '0.01', '0.001', '0.0001']).default('0.01'),
        neg_risk: z.boolean().default(false),
        fee_rate: z.number().nonnegative().default(0.05),
        fee_exponent: z.number().nonnegative().default(1),
        min_order_size: z.number().positive().default(5),
        status: z.enum(['open', 'closed']).default('open'),
      })
      .strict()
      .default({ outcomes: ['Yes', 'No'], tick_size: '0.01', neg_risk: false, fee_rate: 0.05, fee_exponent: 1, min_order_size: 5, status: 'open' }),
    /** Static initial books (YES-book prices of each venue's market; Polymarket: the first-listed token). */
    books: z.object({ kalshi: book.optional(), polymarket: book.optional() }).strict().optional(),
  })
  .strict();

const event = z.discriminatedUnion('type', [
  z
    .object({
      at_ms: z.number().nonnegative(),
      type: z.literal('inject_arb'),
      pair: z.union([z.number().int().nonnegative(), z.string()]).default(0),
      arb_type: arbType.default('kalshi_yes_poly_no'),
      edge: z.number().positive().default(0.02),
      size: z.number().positive().default(50),
      duration_ms: z.number().positive().default(3000),
    })
    .strict(),
  z.object({ at_ms: z.number().nonnegative(), type: z.literal('fault'), fault: faultSpec }).strict(),
  z.object({ at_ms: z.number().nonnegative(), type: z.literal('clear_faults'), venue: venue.optional() }).strict(),
  z
    .object({
      at_ms: z.number().nonnegative(),
      type: z.literal('market_status'),
      venue,
      pair: z.union([z.number().int().nonnegative(), z.string()]),
      status: z.enum(['open', 'closed']),
    })
    .strict(),
  z.object({ at_ms: z.number().nonnegative(), type: z.literal('set_fair'), pair: z.union([z.number().int().nonnegative(), z.string()]), fair: z.number().gt(0).lt(1) }).strict(),
]);

export const scenarioSchema = z
  .object({
    name: z.string().default('custom'),
    description: z.string().optional(),
    seed: z.number().int().optional(),
    /** Generated sports pairs (two Kalshi team markets per game against one Polymarket market). */
    generate: z.object({ pairs: z.number().int().min(1).max(200), leagues: z.array(z.enum(['nba', 'nhl', 'nfl'])).optional() }).strict().optional(),
    pairs: z.array(pairSpec).default([]),
    market_maker: z
      .object({
        enabled: z.boolean().default(true),
        interval_ms: z.number().positive().default(500),
        levels: z.number().int().min(1).max(50).default(5),
        /** Half the quoted spread, dollars. */
        half_spread: z.number().positive().default(0.02),
        /** Base size per level, contracts. */
        size: z.number().positive().default(200),
        /** Random-walk step (dollars, standard deviation per interval). */
        volatility: z.number().nonnegative().default(0.004),
      })
      .strict()
      .default({ enabled: true, interval_ms: 500, levels: 5, half_spread: 0.02, size: 200, volatility: 0.004 }),
    arbs: z
      .object({
        enabled: z.boolean().default(true),
        first_at_ms: z.number().nonnegative().default(1500),
        every_ms: z.number().positive().default(6000),
        duration_ms: z.number().positive().default(3000),
        /** Edge per contract after both venues' taker fees, dollars. */
        edge: z.number().positive().default(0.02),
        /** Contracts available at that edge. */
        size: z.number().positive().default(50),
        types: z.array(arbType).default(['kalshi_yes_poly_no', 'poly_yes_kalshi_no']),
      })
      .strict()
      .default({ enabled: false, first_at_ms: 1500, every_ms: 6000, duration_ms: 3000, edge: 0.02, size: 50, types: ['kalshi_yes_poly_no', 'poly_yes_kalshi_no'] }),
    /** Test account balances, dollars. */
    balances: z.object({ kalshi: z.number().nonnegative().default(10_000), polymarket: z.number().nonnegative().default(10_000) }).strict().default({ kalshi: 10_000, polymarket: 10_000 }),
    faults: z.array(faultSpec).default([]),
    events: z.array(event).default([]),
  })
  .strict();

export type ScenarioSpecInput = z.input<typeof scenarioSchema>;
export type ScenarioSpec = z.output<typeof scenarioSchema>;
export type PairSpec = z.output<typeof pairSpec>;
export type ScenarioEvent = z.output<typeof event>;
export type ArbType = z.output<typeof arbType>;

/** Built-in scenarios by name. */
export const BUILTIN_SCENARIOS: Record<string, ScenarioSpecInput> = {
  /** What `parity demo` shows: sports pairs, moving books, real arbitrage every few seconds. */
  demo: {
    name: 'demo',
    description: 'Paired sports moneylines with a moving market maker and scheduled cross-venue arbitrage windows',
    generate: { pairs: 6 },
    market_maker: { enabled: true },
    arbs: { enabled: true },
  },
  /** Same markets, no injected arbitrage (a consistent, fee-tight market). */
  quiet: {
    name: 'quiet',
    description: 'Paired sports moneylines with a moving market maker and no arbitrage',
    generate: { pairs: 6 },
    market_maker: { enabled: true },
    arbs: { enabled: false },
  },
  /** Generated markets with static books and nothing moving (fast, for tests). */
  static: {
    name: 'static',
    description: 'Generated pairs, one book snapshot from the market maker, then nothing moves',
    generate: { pairs: 2 },
    market_maker: { enabled: true, interval_ms: 3_600_000, volatility: 0 },
    arbs: { enabled: false },
  },
};

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** Validate a scenario object; errors name the offending path. */
export function parseScenario(input: unknown, where = 'scenario'): ScenarioSpec {
  const r = scenarioSchema.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ScenarioError(`invalid ${where}: ${issues}`);
  }
  return r.data;
}

/** A built-in name, a .json/.yaml/.yml path, or a spec object. */
export function loadScenario(s: string | ScenarioSpecInput | undefined): ScenarioSpec {
  if (s === undefined) return parseScenario(BUILTIN_SCENARIOS.demo, 'built-in scenario demo');
  if (typeof s !== 'string') return parseScenario(s);
  const builtin = BUILTIN_SCENARIOS[s];
  if (builtin) return parseScenario(builtin, `built-in scenario ${s}`);
  if (!/\.(json|ya?ml)$/i.test(s)) {
    throw new ScenarioError(`unknown scenario ${JSON.stringify(s)}: use one of ${Object.keys(BUILTIN_SCENARIOS).join(', ')} or a .json/.yaml file`);
  }
  let text: string;
  try {
    text = readFileSync(s, 'utf8');
  } catch (e) {
    throw new ScenarioError(`cannot read scenario file ${s}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(s) ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw new ScenarioError(`scenario file ${s} is not valid ${/\.json$/i.test(s) ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  return parseScenario(data, `scenario file ${s}`);
}
