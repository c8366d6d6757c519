// startSim: the whole simulator in-process — context, scenario, Kalshi venue, Polymarket venue,
// admin endpoint, test accounts — bound to 127.0.0.1 on ephemeral ports.
//
//   const sim = await startSim({ seed: 7, scenario: 'demo' });
//   sim.urls.kalshiApiBase, sim.env, sim.injectArb({ pairIndex: 0 }), sim.faults.dropWs('kalshi')
//   await sim.close();

import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import YAML from 'yaml';
import type { Micros, Qty } from '@parity/trading';
import { logger } from '@parity/trading';
import { startAdmin } from './admin.ts';
import type { SimClock } from './clock.ts';
import { RealClock } from './clock.ts';
import { SimContext } from './context.ts';
import type { ActiveFault, FaultSpec, Venue } from './faults.ts';
import { startKalshiVenue, type KalshiVenue } from './kalshi/index.ts';
import type { OrderLogEntry } from './order-log.ts';
import { startPolymarketVenue } from './polymarket/index.ts';
import { buildScenario, type InjectArbOptions, type PairsFileEntry, type Scenario } from './scenario/build.ts';
import type { ArbWindow } from './scenario/market-maker.ts';
import { loadScenario, type ScenarioSpec, type ScenarioSpecInput } from './scenario/spec.ts';
import { settleTarget, type SettleOptions, type SettleResult } from './settlement.ts';
import { createTestAccounts, testRsaKey, type TestAccounts } from './test-accounts.ts';

const log = logger.child({ mod: 'sim' });

export interface StartSimOptions {
  /** Seed of every random choice (ids, books, walk). Default: the scenario's seed, else 1. */
  seed?: number;
  /** Built-in name ("demo", "quiet", "static"), a .json/.yaml path, or a spec object. Default "demo". */
  scenario?: string | ScenarioSpecInput;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Number of generated pairs (overrides the scenario's generate.pairs). */
  pairs?: number;
  /** Simulated-time speed for scenario timers (default 1). Ignored when `clock` is given. */
  speed?: number;
  /** A clock to drive scenario timers (tests: ManualClock for deterministic replays). */
  clock?: SimClock;
  /** Test-account balances in dollars (override the scenario's). */
  balances?: { kalshi?: number; polymarket?: number };
  /** Override the scenario's market maker / scheduled arbitrage switches. */
  marketMaker?: boolean;
  arbs?: boolean;
  /** Kalshi auth timestamp window (default 30 s) and WS heartbeat interval (default 10 s). */
  kalshiAuthWindowMs?: number;
  kalshiHeartbeatMs?: number;
  /** Start the Polymarket venue (default true; false serves Kalshi only, with empty POLY_* URLs). */
  polymarket?: boolean;
}

export interface SimUrls {
  kalshiApiBase: string;
  kalshiWs: string;
  polyClob: string;
  polyWs: string;
  polyGamma: string;
  admin: string;
}

export interface SimFaults {
  add(spec: FaultSpec): ActiveFault;
  remove(id: string): boolean;
  clear(venue?: Venue): void;
  list(): ActiveFault[];
  /** Close every market-data socket of the venue now. */
  dropWs(venue: Venue | '*'): void;
  /** Keep sockets open but send nothing (until removed, or for durationMs). */
  freeze(venue: Venue | '*', durationMs?: number): ActiveFault;
  /** Kalshi: skip `count` seq numbers on the next deltas (default 1). */
  seqGap(count?: number, market?: string): ActiveFault;
  duplicateFrames(venue: Venue | '*', count?: number): ActiveFault;
  reorderFrames(venue: Venue | '*', count?: number): ActiveFault;
  /** Answer 429 (`retryAfterSecs` -> Retry-After header; absent -> none) `count` times (default 1). */
  http429(venue: Venue | '*', opts?: { retryAfterSecs?: number; count?: number }): ActiveFault;
  http5xx(venue: Venue | '*', opts?: { status?: number; count?: number }): ActiveFault;
  latency(venue: Venue | '*', ms: number, durationMs?: number): ActiveFault;
  /** Cap the next order's fill (ratio of its size, or maxQty Qty). */
  partialFill(venue: Venue | '*', opts?: { ratio?: number; maxQty?: Qty; market?: string; count?: number }): ActiveFault;
  /** Reject the next order (optionally for one market) with the venue's shape; params may set status/code/message. */
  rejectNext(venue: Venue | '*', opts?: { market?: string; count?: number; params?: Record<string, unknown> }): ActiveFault;
}

export interface SimHandle {
  urls: SimUrls;
  /** Every variable of the env file (README.md, "Configuration"). */
  env: Record<string, string>;
  /** Write the env file, the Kalshi PEM and the pairs file (next to it); returns their paths. */
  writeEnvFile(path: string): Promise<{ envPath: string; pemPath: string; pairsPath: string }>;
  pairs: PairsFileEntry[];
  ctx: SimContext;
  scenario: ScenarioSpec;
  accounts: TestAccounts;
  orderLog(filter?: { venue?: Venue; accountId?: string; clientOrderId?: string; result?: 'accepted' | 'rejected' }): OrderLogEntry[];
  faults: SimFaults;
  injectArb(o: InjectArbOptions): ArbWindow;
  /**
   * Resolve a pair's markets (or one market): `target` is a pair id, Kalshi ticker, Polymarket
   * condition id or token id; `winner` is in Kalshi terms for a pair. Holders are paid $1 per
   * winning contract; the markets refuse new orders. `venue` settles only that side.
   */
  settleMarket(target: string, winner: 'yes' | 'no', opts?: SettleOptions): SettleResult[];
  close(): Promise<void>;
}

const dollarsToMicros = (d: number): Micros => Math.round(d * 1_000_000);

export async function startSim(opts: StartSimOptions = {}): Promise<SimHandle> {
  void testRsaKey(); // start the key generation first: it is the slowest part of start-up
  const spec = loadScenario(opts.scenario);
  if (opts.pairs !== undefined) {
    if (!Number.isInteger(opts.pairs) || opts.pairs < 1) throw new RangeError(`pairs must be a positive integer, got ${opts.pairs}`);
    spec.generate = { ...(spec.generate ?? {}), pairs: opts.pairs };
  }
  if (opts.marketMaker !== undefined) spec.market_maker.enabled = opts.marketMaker;
  if (opts.arbs !== undefined) spec.arbs.enabled = opts.arbs;
  const host = opts.host ?? '127.0.0.1';
  const seed = opts.seed ?? spec.seed ?? 1;
  const clock = opts.clock ?? new RealClock(opts.speed ?? 1);
  const ctx = new SimContext({ seed, clock });
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const c of closers.reverse()) {
      try {
        await c();
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'error while closing the simulator');
      }
    }
    closers.length = 0;
  };
  try {
    closers.push(() => ctx.close());
    const scenarioRng = ctx.rng.fork();
    const mmAccounts = {
      kalshi: ctx.addAccount({ id: 'kalshi-mm', venue: 'kalshi', label: 'Kalshi market maker', cash: 100_000_000 * 1_000_000, marketMaker: true }),
      polymarket: ctx.addAccount({
        id: 'polymarket-mm',
        venue: 'polymarket',
        label: 'Polymarket market maker',
        cash: 100_000_000 * 1_000_000,
        marketMaker: true,
        polymarket: { address: `0x${'5'.repeat(40)}`, signatureType: 0, apiKeys: [] },
      }),
    };
    const scenario: Scenario = buildScenario(ctx, spec, { rng: scenarioRng, mmAccounts });
    closers.push(() => scenario.stop());
    const accounts = await createTestAccounts(ctx, {
      kalshi: dollarsToMicros(opts.balances?.kalshi ?? spec.balances.kalshi),
      polymarket: dollarsToMicros(opts.balances?.polymarket ?? spec.balances.polymarket),
    });

    const kalshi: KalshiVenue = await startKalshiVenue(ctx, {
      host,
      ...(opts.kalshiAuthWindowMs !== undefined ? { authWindowMs: opts.kalshiAuthWindowMs } : {}),
      ...(opts.kalshiHeartbeatMs !== undefined ? { heartbeatMs: opts.kalshiHeartbeatMs } : {}),
    });
    closers.push(() => kalshi.close());
    let poly = { clobUrl: '', wsUrl: '', gammaUrl: '' };
    if (opts.polymarket !== false) {
      const pv = await startPolymarketVenue(ctx, { host });
      closers.push(() => pv.close());
      poly = pv;
    }
    const admin = await startAdmin(ctx, scenario, host);
    closers.push(() => admin.close());

    // PEM and pairs file live in a private temp dir until writeEnvFile copies them elsewhere.
    const dir = await mkdtemp(join(tmpdir(), 'parity-sim-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const pairsDoc = { version: 1, pairs: scenario.pairs };
    const pairsText = `# Pairs of the simulator scenario "${spec.name}" (seed ${seed})\n${YAML.stringify(pairsDoc)}`;
    const writeSide = async (pemPath: string, pairsPath: string): Promise<void> => {
      await writeFile(pemPath, accounts.kalshi.privateKeyPem, { mode: 0o600 });
      await chmod(pemPath, 0o600);
      await writeFile(pairsPath, pairsText);
    };
    const tmpPem = join(dir, 'kalshi-key.pem');
    const tmpPairs = join(dir, 'pairs.yaml');
    await writeSide(tmpPem, tmpPairs);

    const urls: SimUrls = {
      kalshiApiBase: kalshi.apiBase,
      kalshiWs: kalshi.wsUrl,
      polyClob: poly.clobUrl,
      polyWs: poly.wsUrl,
      polyGamma: poly.gammaUrl,
      admin: admin.url,
    };
    const envFor = (pemPath: string, pairsPath: string): Record<string, string> => ({
      KALSHI_API_BASE: urls.kalshiApiBase,
      KALSHI_WS_URL: urls.kalshiWs,
      KALSHI_API_KEY_ID: accounts.kalshi.keyId,
      KALSHI_PRIVATE_KEY_PATH: pemPath,
      POLY_CLOB_URL: urls.polyClob,
      POLY_WS_URL: urls.polyWs,
      POLY_GAMMA_URL: urls.polyGamma,
      POLY_PRIVATE_KEY: accounts.polymarket.privateKey,
      POLY_SIGNATURE_TYPE: '0',
      POLY_FUNDER: accounts.polymarket.address,
      POLY_API_KEY: accounts.polymarket.apiKey,
      POLY_API_SECRET: accounts.polymarket.apiSecret,
      POLY_API_PASSPHRASE: accounts.polymarket.passphrase,
      POLY_CHAIN_ID: '137',
      PAIRS_FILE: pairsPath,
      SIM_ADMIN_URL: urls.admin,
    });

    const add = (s: FaultSpec): ActiveFault => ctx.faults.add(s);
    const faults: SimFaults = {
      add,
      remove: (id) => ctx.faults.remove(id),
      clear: (venue) => ctx.faults.clear(venue),
      list: () => ctx.faults.list(),
      dropWs: (venue) => void add({ venue, kind: 'ws_drop' }),
      freeze: (venue, durationMs) => add({ venue, kind: 'ws_freeze', ...(durationMs ? { durationMs } : {}) }),
      seqGap: (count = 1, market) => add({ venue: 'kalshi', kind: 'seq_gap', count, ...(market ? { market } : {}) }),
      duplicateFrames: (venue, count = 1) => add({ venue, kind: 'ws_duplicate', count }),
      reorderFrames: (venue, count = 1) => add({ venue, kind: 'ws_reorder', count }),
      http429: (venue, o = {}) => add({ venue, kind: 'http_429', count: o.count ?? 1, params: o.retryAfterSecs !== undefined ? { retryAfterSecs: o.retryAfterSecs } : {} }),
      http5xx: (venue, o = {}) => add({ venue, kind: 'http_5xx', count: o.count ?? 1, params: { status: o.status ?? 500 } }),
      latency: (venue, ms, durationMs) => add({ venue, kind: 'latency', params: { ms }, ...(durationMs ? { durationMs } : {}) }),
      partialFill: (venue, o = {}) =>
        add({ venue, kind: 'partial_fill', count: o.count ?? 1, ...(o.market ? { market: o.market } : {}), params: { ...(o.ratio !== undefined ? { ratio: o.ratio } : {}), ...(o.maxQty !== undefined ? { maxQty: o.maxQty } : {}) } }),
      rejectNext: (venue, o = {}) => add({ venue, kind: 'reject_order', count: o.count ?? 1, ...(o.market ? { market: o.market } : {}), params: o.params ?? {} }),
    };

    let closed = false;
    const handle: SimHandle = {
      urls,
      env: envFor(tmpPem, tmpPairs),
      async writeEnvFile(path: string) {
        const envPath = resolve(path);
        const stem = basename(envPath, extname(envPath)) || 'sim';
        const pemPath = join(dirname(envPath), `${stem}.kalshi-key.pem`);
        const pairsPath = join(dirname(envPath), `${stem}.pairs.yaml`);
        await mkdir(dirname(envPath), { recursive: true });
        await writeSide(pemPath, pairsPath);
        const env = envFor(pemPath, pairsPath);
        const text = `# Written by \`parity sim\` (scenario ${spec.name}, seed ${seed}). Test credentials only.\n${Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n')}\n`;
        await writeFile(envPath, text, { mode: 0o600 });
        return { envPath, pemPath, pairsPath };
      },
      pairs: scenario.pairs,
      ctx,
      scenario: spec,
      accounts,
      orderLog: (filter) => ctx.orderLog.list(filter),
      faults,
      injectArb: (o) => scenario.injectArb(o),
      settleMarket: (target, winner, o) => settleTarget(ctx, target, winner, o),
      async close() {
        if (closed) return;
        closed = true;
        await closeAll();
      },
    };
    return handle;
  } catch (e) {
    await closeAll();
    throw e;
  }
}
