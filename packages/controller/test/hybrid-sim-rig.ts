// Integration rig: the simulator (both venues on 127.0.0.1), real venue clients built from its
// env, the real trader server, real traders (in-process, or as `parity trader` child processes),
// and attachExecution on a real SQLite file in a temp dir.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Platform } from '@parity/trading';
import { startSim, type SimHandle, type ArbWindow, type StartSimOptions } from '@parity/sim';
import { Trader, LegStore, traderConfigFromEnv } from '@parity/trader';
import { TraderServer } from '../src/traders/server.ts';
import type { Opportunity } from '../src/model.ts';
import { parseExecutionConfig } from '../src/config/execution.ts';
import { attachExecution, type ExecutionHandle } from '../src/execution/attach.ts';
import { venueClients } from './hybrid-sim-clients.ts';

export { venueClients };

export const SECRET = 'hybrid-sim-test-secret-0123456789';
export const REPO_ROOT = resolve(new URL('../../..', import.meta.url).pathname);

export async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A trader in this process serving `platform` with real clients against the simulator. */
export async function inProcessTrader(server: TraderServer, env: Record<string, string>, platform: Platform, dir: string, id: string) {
  const config = traderConfigFromEnv({
    WEBSOCKET_URL: server.url, TRADER_SECRET: SECRET, TRADER_ID: id, TRADER_PLATFORM: platform, DRY_RUN: 'off',
    TRADER_DB: join(dir, `${id}.db`),
  });
  const clients = await venueClients(env, [platform]);
  const trader = new Trader({ config, clients, served: [platform], store: new LegStore(config.dbPath) });
  await trader.start();
  await until(() => server.isConnected(platform), `the ${platform} trader to register`);
  return {
    trader,
    stop: async () => {
      await trader.stop();
      await clients.close();
    },
  };
}

/** The trader's own main (runTrader) as a child process, so it can be killed like a real one. */
export function childTrader(server: TraderServer, env: Record<string, string>, platform: Platform, dir: string, id: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'packages/controller/test/hybrid-sim-trader.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env, ...env, WEBSOCKET_URL: server.url, TRADER_SECRET: SECRET, TRADER_ID: id, TRADER_PLATFORM: platform,
      DRY_RUN: 'off', TRADER_DB: join(dir, `${id}.db`), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** The opportunity an injected arbitrage window offers, for `qty` contracts. */
export function oppFromWindow(sim: SimHandle, w: ArbWindow, qty: number): Opportunity {
  const pair = sim.pairs[w.pairIndex]!;
  const kalshiSide = w.kalshiLeg.side;
  const polySide = kalshiSide === 'yes' ? 'no' : 'yes';
  const kLeg = {
    platform: 'kalshi' as const, side: kalshiSide, price: w.kalshiLeg.px, contracts: qty, kalshiTicker: pair.kalshi_ticker,
    costMicros: w.kalshiLeg.px * qty, feesMicros: 0,
  };
  const pLeg = {
    platform: 'polymarket' as const, side: polySide as 'yes' | 'no', price: w.polyLeg.px, contracts: qty, polyToken: w.polyLeg.token,
    costMicros: w.polyLeg.px * qty, feesMicros: 0,
  };
  const legs: Opportunity['legs'] = kalshiSide === 'yes' ? [kLeg, pLeg] : [pLeg, kLeg];
  const cost = kLeg.costMicros + pLeg.costMicros;
  return {
    id: `opp-${w.id}`, pairId: w.pairId, type: kalshiSide === 'yes' ? 'kalshi_yes_poly_no' : 'poly_yes_kalshi_no', contracts: qty, legs,
    totalCostMicros: cost, feesMicros: 0, expectedProfitMicros: qty * 10_000 - cost, detectedAtMs: Date.now(), bookAgeMs: { kalshi: 0, polymarket: 0 },
  };
}

export interface SimRig {
  sim: SimHandle;
  server: TraderServer;
  dir: string;
  exec: ExecutionHandle | null;
  /** attachExecution with real local clients for CONTROLLER_PLATFORMS and the trader server. */
  attach(env?: Record<string, string>): Promise<ExecutionHandle>;
  done(): Promise<void>;
}

export async function simRig(o: StartSimOptions = {}): Promise<SimRig> {
  const sim = await startSim({ scenario: 'static', seed: 11, ...o });
  const server = await TraderServer.start({ host: '127.0.0.1', port: 0, secret: SECRET, dryRun: false, heartbeatMs: 100, livenessTimeoutMs: 800 });
  const dir = mkdtempSync(join(tmpdir(), 'parity-hybrid-sim-'));
  const closers: Array<() => Promise<void>> = [];
  const rig: SimRig = {
    sim, server, dir, exec: null,
    async attach(env = {}) {
      const config = parseExecutionConfig({
        DRY_RUN: 'off', PARITY_DB: join(dir, 'parity.db'), LEG_TIMEOUT_MS: '2000', LEG_LOOKUP_MAX_BACKOFF_MS: '100',
        LEG_NOT_FOUND_GRACE_MS: '1500', UNWIND_STEP_DELAY_MS: '5', POLY_TRADE_FOLLOW_MS: '50', ...env,
      });
      const clients = await venueClients(sim.env, [...config.localPlatforms]);
      const h = attachExecution({ config, router: server, clients });
      closers.push(async () => {
        await h.close();
        await clients.close();
      });
      await h.ready;
      rig.exec = h;
      return h;
    },
    async done() {
      for (const c of closers.reverse()) await c();
      await server.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}
