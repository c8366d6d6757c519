// The controller hook: run discovery at start and every DISCOVERY_INTERVAL_MINS, and turn each
// result into pair additions and removals. Manual PAIRS_FILE entries always win (a discovered
// pair with the same id or Kalshi ticker is dropped), only "paired" candidates are ever added,
// and a pair is never removed because a venue lookup failed (only because its market is gone or
// no longer passes the equivalence check).

import type { Logger } from '@parity/trading';
import { logger as rootLogger } from '@parity/trading';
import type { Pair } from '../model.ts';
import type { PairRegistry } from '../pairs/registry.ts';
import { discoveryConfigFromEnv } from './config.ts';
import { candidateToPair } from './pairs-out.ts';
import { createDiscoveryRunner, type DiscoveryRunner, type RunOutcome } from './runner.ts';
import type { DiscoveryResult } from './types.ts';

export interface DiscoveryUpdate {
  added: Pair[];
  removed: Pair[];
  /** Every discovered pair now in force (after manual entries won). */
  current: Pair[];
  result: DiscoveryResult;
  fromCache: boolean;
}

/** Compare the previous discovered set with a new result. Pure: no I/O. */
export function diffDiscovery(previous: ReadonlyMap<string, Pair>, result: DiscoveryResult, manual: readonly Pair[]): { added: Pair[]; removed: Pair[]; next: Map<string, Pair> } {
  const manualIds = new Set(manual.map((p) => p.id));
  const manualTickers = new Set(manual.map((p) => p.kalshiTicker));
  const failedSeries = result.issues.filter((i) => i.item.startsWith('Kalshi series ')).map((i) => i.item.slice('Kalshi series '.length));
  const next = new Map<string, Pair>();
  const unsure = new Set<string>();
  for (const c of result.candidates) {
    if (c.lookupFailed) unsure.add(c.kalshiTicker);
    const p = candidateToPair(c);
    if (!p || manualIds.has(p.id) || manualTickers.has(p.kalshiTicker)) continue;
    next.set(p.id, p);
  }
  // Keep what we cannot re-check this time (a failed lookup or series) — unless a manual entry took it.
  for (const [id, p] of previous) {
    if (next.has(id) || manualIds.has(id) || manualTickers.has(p.kalshiTicker)) continue;
    if (unsure.has(p.kalshiTicker) || failedSeries.some((s) => p.kalshiTicker.startsWith(`${s}-`))) next.set(id, p);
  }
  const added: Pair[] = [];
  const removed: Pair[] = [];
  for (const [id, p] of next) {
    const old = previous.get(id);
    if (!old) added.push(p);
    else if (old.polyYesToken !== p.polyYesToken || old.polyNoToken !== p.polyNoToken || old.kalshiTicker !== p.kalshiTicker) {
      removed.push(old);
      added.push(p);
    }
  }
  for (const [id, p] of previous) if (!next.has(id)) removed.push(p);
  return { added, removed, next };
}

export interface DiscoveryRefreshOptions {
  /** One discovery run; `force` is false only for the first run (a fresh cache may serve it). */
  run: (force: boolean) => Promise<RunOutcome>;
  /** 0 = run once at start only. */
  intervalMs: number;
  /** The manual (PAIRS_FILE) pairs as they are now. */
  manualPairs: () => readonly Pair[];
  onUpdate: (u: DiscoveryUpdate) => void | Promise<void>;
  onError?: (err: unknown) => void;
}

export interface DiscoveryRefresh {
  /** Resolves after the first run has been applied (or failed). */
  readonly ready: Promise<void>;
  /** Run now (serialized with the timer), returning the update applied. */
  refreshNow(): Promise<DiscoveryUpdate | null>;
  /** Discovered pairs currently in force. */
  current(): Pair[];
  stop(): Promise<void>;
}

export function startDiscoveryRefresh(opts: DiscoveryRefreshOptions): DiscoveryRefresh {
  let state = new Map<string, Pair>();
  let stopped = false;
  let first = true;
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<unknown> = Promise.resolve();

  const once = async (): Promise<DiscoveryUpdate | null> => {
    if (stopped) return null;
    try {
      const outcome = await opts.run(!first);
      first = false;
      if (stopped) return null;
      const { added, removed, next } = diffDiscovery(state, outcome.result, opts.manualPairs());
      state = next;
      const u: DiscoveryUpdate = { added, removed, current: [...next.values()], result: outcome.result, fromCache: outcome.fromCache };
      await opts.onUpdate(u);
      return u;
    } catch (err) {
      first = false;
      opts.onError?.(err);
      return null;
    }
  };
  const serial = (): Promise<DiscoveryUpdate | null> => {
    const p = chain.then(once);
    chain = p.catch(() => undefined);
    return p;
  };
  const schedule = (): void => {
    if (stopped || opts.intervalMs <= 0) return;
    timer = setTimeout(() => {
      void serial().finally(schedule);
    }, opts.intervalMs);
    timer.unref?.();
  };
  const ready = serial().then(() => schedule());
  return {
    ready,
    refreshNow: serial,
    current: () => [...state.values()],
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await chain;
    },
  };
}

/** Apply an update to the controller's pair registry (feeds subscribe/unsubscribe through it). */
export function applyDiscoveryUpdate(registry: PairRegistry, u: Pick<DiscoveryUpdate, 'added' | 'removed'>): { added: number; removed: number } {
  let removed = 0;
  let added = 0;
  for (const p of u.removed) {
    if (registry.get(p.id)?.source === 'discovery' && registry.remove(p.id)) removed++;
  }
  for (const p of u.added) if (registry.add(p)) added++;
  return { added, removed };
}

export interface ControllerDiscoveryOptions {
  env?: NodeJS.ProcessEnv;
  registry: PairRegistry;
  log?: Logger;
  /** Injected for tests (default: built from the environment). */
  runner?: DiscoveryRunner;
}

/**
 * Discovery for the controller, from the environment: runs at start (a fresh cache may serve it)
 * and every DISCOVERY_INTERVAL_MINS, adding and removing discovered pairs in `registry`. Manual
 * pairs are the registry's `source: 'file'` entries.
 */
export function startControllerDiscovery(opts: ControllerDiscoveryOptions): DiscoveryRefresh & { runner: DiscoveryRunner } {
  const log = opts.log ?? rootLogger.child({ mod: 'discovery' });
  const runner = opts.runner ?? createDiscoveryRunner(discoveryConfigFromEnv(opts.env ?? process.env));
  const refresh = startDiscoveryRefresh({
    run: (force) => runner.run({ force }),
    intervalMs: runner.config.intervalMins * 60_000,
    manualPairs: () => opts.registry.list().filter((p) => p.source === 'file'),
    onUpdate: (u) => {
      const applied = applyDiscoveryUpdate(opts.registry, u);
      const review = u.result.candidates.filter((c) => c.verdict === 'needs_review').length;
      log.info({ ...applied, discovered: u.current.length, review, issues: u.result.issues.length, fromCache: u.fromCache, seconds: u.result.stats.seconds }, 'discovery applied');
      for (const i of u.result.issues.slice(0, 20)) log.warn({ item: i.item }, i.message);
    },
    onError: (err) => log.error({ err: (err as Error).message }, 'discovery failed; keeping the current pairs'),
  });
  return {
    ...refresh,
    runner,
    async stop() {
      await refresh.stop();
      await runner.close();
    },
  };
}
