// Rig for the operator-surface tests: the simulator in-process, the whole controller process
// (startController, HTTP on a free port, CONTROLLER_PLATFORMS=kalshi, live against the simulator)
// and a real remote trader for Polymarket connected to its trader server, over real sockets.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type SimHandle, type StartSimOptions } from '@parity/sim';
import { startController, type ControllerProcess } from '../src/controller-process.ts';
import { SECRET, inProcessTrader, until } from './hybrid-sim-rig.ts';

export { until };

export interface OpsRig {
  sim: SimHandle;
  ctl: ControllerProcess;
  /** The dashboard's base URL, ending in '/'. */
  base: string;
  dir: string;
  /** Start the remote Polymarket trader (resolves once it registered with the controller). */
  startTrader(): Promise<void>;
  /** Orders the simulator received from the test accounts (the market maker's are not logged). */
  orders(): ReturnType<SimHandle['orderLog']>;
  done(): Promise<void>;
}

export async function opsRig(o: { sim?: StartSimOptions; env?: Record<string, string> } = {}): Promise<OpsRig> {
  const sim = await startSim({ scenario: 'quiet', seed: 5, pairs: 3, ...o.sim });
  const dir = mkdtempSync(join(tmpdir(), 'parity-ops-'));
  const env: Record<string, string> = {
    ...sim.env,
    CONTROLLER_PLATFORMS: 'kalshi',
    DRY_RUN: '0',
    HTTP_PORT: '0',
    TRADER_BIND: '127.0.0.1:0',
    TRADER_SECRET: SECRET,
    PARITY_DB: join(dir, 'parity.db'),
    HEARTBEAT_INTERVAL_SECS: '0',
    UNWIND_STEP_DELAY_MS: '5',
    ...o.env,
  };
  // Like `parity demo`: the controller holds no Polymarket keys, the remote trader does.
  for (const k of ['POLY_PRIVATE_KEY', 'POLY_API_KEY', 'POLY_API_SECRET', 'POLY_API_PASSPHRASE', 'POLY_FUNDER']) delete env[k];
  let ctl: ControllerProcess;
  try {
    ctl = await startController({ env });
    await ctl.ready;
  } catch (e) {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  if (!ctl.http) throw new Error('the controller started without its HTTP server');
  const stops: Array<() => Promise<void>> = [];
  const accounts = new Set([sim.accounts.kalshi.account.id, sim.accounts.polymarket.account.id]);
  return {
    sim,
    ctl,
    base: ctl.http.url,
    dir,
    async startTrader() {
      const t = await inProcessTrader(ctl.traders, sim.env, 'polymarket', dir, 'ops-poly-trader');
      stops.push(t.stop);
    },
    orders: () => sim.orderLog().filter((e) => e.accountId !== null && accounts.has(e.accountId)),
    async done() {
      await ctl.stop();
      for (const s of stops.reverse()) await s();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function getJson<T = Record<string, unknown>>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

export async function postJson<T = Record<string, unknown>>(url: string, body: unknown): Promise<T> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`POST ${url}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

/** Like until(), for conditions that need I/O; polls every 100 ms. */
export async function untilAsync(cond: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface StateView {
  pairs: { id: string; tradeable: boolean }[];
  breaker: { tripped: boolean; killSwitch: boolean; reason: string | null };
  traders: { connected: Record<string, number> };
  opportunities: { id: string; pairId: string; outcome: string }[];
  executions: { attemptId: string; pairId: string; status: string; legs: { platform: string; route: string; status: string; role: string }[] }[];
  confirm: { id: string; pairId: string }[];
}

export const state = (rig: OpsRig): Promise<StateView> => getJson<StateView>(`${rig.base}api/state`);

/** Wait until the market data of every pair is tradeable (books on both venues). */
export async function untilTradeable(rig: OpsRig, ms = 60_000): Promise<void> {
  await untilAsync(async () => {
    const s = await state(rig);
    return s.pairs.length > 0 && s.pairs.every((p) => p.tradeable);
  }, 'every pair to be tradeable', ms);
}
