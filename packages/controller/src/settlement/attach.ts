// The settlement watcher inside the controller process: built from the environment, fed the
// execution's ledger and breaker, started once start-up reconciliation is done, and connected to
// the operator surfaces: a settlement appears on the dashboard as an execution row (status
// "settled", realised P&L) plus a "settlement" push; an alert as a row with status
// "settlement_alert" plus a "settlement_alert" push, the error log and the metrics below.
//
//   parity_settlements_total{winner}        pairs settled
//   parity_settlement_alerts                pairs currently waiting for an operator
//   parity_settlement_alerts_total{reason}  alerts raised (venues_disagree, resolution_mismatch, ...)

import { Counter, Gauge, type Registry } from 'prom-client';
import { formatQty, formatUsd, type Logger, type Micros } from '@parity/trading';
import { parseSettlementConfig, type SettlementConfig } from '../config/settlement.ts';
import type { ExecutionHandle } from '../execution/attach.ts';
import type { Pair } from '../model.ts';
import type { ExecutionView, OpsHub } from '../ops/hub.ts';
import { SettlementWatcher, type SettlementAlert, type SettledEvent } from './watcher.ts';

export interface SettlementMetrics {
  settlements: Counter<'winner'>;
  alertsOpen: Gauge;
  alerts: Counter<'reason'>;
}

function metric<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function settlementMetrics(registry: Registry): SettlementMetrics {
  const r = [registry];
  return {
    settlements: metric(registry, 'parity_settlements_total', () => new Counter({ name: 'parity_settlements_total', help: 'Pairs settled after their market resolved, per winning side', labelNames: ['winner'], registers: r })),
    alertsOpen: metric(registry, 'parity_settlement_alerts', () => new Gauge({ name: 'parity_settlement_alerts', help: 'Pairs whose settlement waits for an operator (venues disagree or one never confirms)', registers: r })),
    alerts: metric(registry, 'parity_settlement_alerts_total', () => new Counter({ name: 'parity_settlement_alerts_total', help: 'Settlement alerts raised, per reason', labelNames: ['reason'], registers: r })),
  };
}

const usd = (m: Micros): string => formatUsd(m).replace('$', '');

function row(pairId: string, at: number, status: string, contracts: string, realizedUsd: string | null, note: string): ExecutionView {
  return { attemptId: `settlement:${pairId}`, pairId, at, status, contracts, legs: [], realizedUsd, lockedUsd: null, note, dryRun: false };
}

/** Show settlements and alerts on the dashboard and in /metrics. Returns the unwiring function. */
export function wireSettlementOps(w: SettlementWatcher, hub: OpsHub | null, registry: Registry | null): () => void {
  const m = registry ? settlementMetrics(registry) : null;
  const onSettled = (e: SettledEvent): void => {
    m?.settlements.inc({ winner: e.winner });
    m?.alertsOpen.set(w.alerts().length);
    if (!hub) return;
    hub.upsertExecution(row(e.pairId, e.atMs, 'settled', formatQty(Math.min(e.yesContracts, e.noContracts)), usd(e.realizedMicros), `market resolved ${e.winner.toUpperCase()} (${e.detail})`));
    hub.emit('push', 'settlement', e);
  };
  const onAlert = (a: SettlementAlert): void => {
    m?.alerts.inc({ reason: a.reason });
    m?.alertsOpen.set(w.alerts().length);
    if (!hub) return;
    hub.upsertExecution(row(a.pairId, a.atMs, 'settlement_alert', '', null, `${a.reason}: ${a.detail}`));
    hub.emit('push', 'settlement_alert', a);
  };
  const onCleared = (): void => {
    m?.alertsOpen.set(w.alerts().length);
  };
  w.on('settled', onSettled);
  w.on('alert', onAlert);
  w.on('cleared', onCleared);
  m?.alertsOpen.set(w.alerts().length);
  return () => {
    w.off('settled', onSettled);
    w.off('alert', onAlert);
    w.off('cleared', onCleared);
  };
}

export interface SettlementHandle {
  /** null when SETTLEMENT_ENABLED is off. */
  watcher: SettlementWatcher | null;
  stop(): Promise<void>;
}

/**
 * Build, wire and start (after `execution.ready`) the watcher for the controller. `config` is
 * read from `env` unless given (controller-process reads it up front with the others).
 */
export function startSettlement(o: {
  env?: NodeJS.ProcessEnv;
  config?: SettlementConfig;
  execution: Pick<ExecutionHandle, 'ledger' | 'breaker' | 'ready'>;
  hub?: OpsHub | null;
  registry?: Registry | null;
  pairOf?: (pairId: string) => Pair | undefined;
  log?: Logger;
}): SettlementHandle {
  const config = o.config ?? parseSettlementConfig(o.env);
  if (!config.enabled) {
    o.log?.info('settlement watcher off (SETTLEMENT_ENABLED=off): resolved markets are not settled in the ledger');
    return { watcher: null, stop: async () => {} };
  }
  const watcher = new SettlementWatcher({ config, ledger: o.execution.ledger, breaker: o.execution.breaker, pairOf: o.pairOf, log: o.log });
  const unwire = wireSettlementOps(watcher, o.hub ?? null, o.registry ?? null);
  let stopped = false;
  void o.execution.ready.then(
    () => {
      if (!stopped) watcher.start();
    },
    () => undefined,
  );
  return {
    watcher,
    async stop() {
      stopped = true;
      await watcher.stop();
      unwire();
    },
  };
}
