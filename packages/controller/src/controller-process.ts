// The whole controller process: market data and detection (app.ts), the confirm gate, the
// HybridExecutor with its ledger and breaker (execution/attach.ts), the trader server, and the
// operator surfaces (dashboard, /metrics, heartbeat). `parity controller` runs this.
//
// Start order matters: the ledger reconciles unfinished legs before anything trades; the trader
// server listens before market data starts so traders can register while books fill.

import {
  buildExecutionClients,
  logger as rootLogger,
  type Logger,
  type VenueClients,
} from '@parity/trading';
import { createMarketDataApp, type MarketDataApp } from './app.ts';
import { describeMode, parseExecutionConfig } from './config/execution.ts';
import { attachExecution, type ExecutionHandle } from './execution/attach.ts';
import type { Opportunity, Pair } from './model.ts';
import { TraderServer } from './traders/server.ts';
import { traderServerConfigFromEnv } from './traders/config.ts';
import { ConfirmGate } from './ops/confirm.ts';
import { opsConfigFromEnv } from './ops/config.ts';
import { OpsHub } from './ops/hub.ts';
import { createMetrics, type ParityMetrics } from './ops/metrics.ts';
import { startHttpServer, type HttpHandle } from './ops/http-server.ts';
import { startHeartbeat } from './ops/heartbeat.ts';
import { wireOps } from './ops/wire.ts';
import { discoveryConfigFromEnv } from './discovery/config.ts';
import { startControllerDiscovery } from './discovery/refresh.ts';
import { parseSettlementConfig } from './config/settlement.ts';
import { startSettlement } from './settlement/attach.ts';

export interface ControllerProcess {
  app: MarketDataApp;
  execution: ExecutionHandle;
  traders: TraderServer;
  hub: OpsHub;
  metrics: ParityMetrics;
  http: HttpHandle | null;
  gate: ConfirmGate;
  /** Resolves when start-up reconciliation is done and opportunities are traded. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export interface ControllerOptions {
  env?: NodeJS.ProcessEnv;
  /** Also print each opportunity (the CLI's JSON lines). */
  onOpportunity?: (opp: Opportunity) => void;
  log?: Logger;
}

export async function startController(o: ControllerOptions = {}): Promise<ControllerProcess> {
  const env = o.env ?? process.env;
  const log = o.log ?? rootLogger.child({ mod: 'controller' });
  // Every configuration is read and validated before anything starts.
  const execCfg = parseExecutionConfig(env);
  const tsCfg = traderServerConfigFromEnv(env);
  const opsCfg = opsConfigFromEnv(env);
  const settleCfg = parseSettlementConfig(env);

  const hub = new OpsHub();
  const metrics = createMetrics();
  let gate: ConfirmGate | null = null;
  // Detection's sink: through the confirm gate to the executor (both built below).
  let execute: (opp: Opportunity) => void = () => {};
  const app = createMarketDataApp({
    env,
    log,
    sink: (opp) => {
      o.onOpportunity?.(opp);
      ops.onOpportunity(opp);
      const route = gate!.offer(opp);
      if (route === 'queued') hub.markOpportunity(opp.id, 'awaiting confirmation');
    },
  });

  let clients: VenueClients | null = null;
  let traders: TraderServer | null = null;
  let execution: ExecutionHandle | null = null;
  let http: HttpHandle | null = null;
  try {
    clients = await buildExecutionClients(env, { platforms: [...execCfg.localPlatforms], warm: true });
    for (const p of execCfg.localPlatforms) {
      if (!clients[p]) log.warn(`CONTROLLER_PLATFORMS includes ${p} but no ${p} credentials are configured: its legs need a remote trader`);
    }
    traders = await TraderServer.start({ host: tsCfg.bind.host, port: tsCfg.bind.port, secret: tsCfg.secret, dryRun: execCfg.dryRun });
    if (!tsCfg.secret) log.warn('TRADER_SECRET is not set: no remote trader will be accepted');
    execution = attachExecution({
      config: execCfg,
      router: traders,
      clients,
      tickFor: (platform, instrument) => {
        if (platform !== 'polymarket') return undefined;
        for (const ps of app.store.pairs.values()) {
          if (ps.pair.polyYesToken === instrument && ps.polyYesBook.tickSize > 0) return ps.polyYesBook.tickSize;
          if (ps.pair.polyNoToken === instrument && ps.polyNoBook.tickSize > 0) return ps.polyNoBook.tickSize;
        }
        return undefined;
      },
      log: log.child({ mod: 'execution' }),
    });
    const exec = execution;
    execute = (opp) => exec.sink(opp);
  } catch (err) {
    await execution?.close();
    await traders?.close();
    await clients?.close();
    await app.stop();
    throw err;
  }
  const exec = execution;
  const server = traders;

  gate = new ConfirmGate({
    enabled: opsCfg.confirmMode,
    autoApprove: opsCfg.confirmAutoApprove,
    timeoutMs: opsCfg.confirmTimeoutMs,
    hub,
    pairOf: (id) => app.registry.get(id) as Pair | undefined,
    revalidate: (opp) => {
      const ps = app.store.pairs.get(opp.pairId);
      if (!ps) return null;
      const fresh = app.detector.evaluate(ps, Date.now());
      return fresh && fresh.type === opp.type ? fresh : null;
    },
    execute: (opp) => execute(opp),
  });

  const ops = wireOps({ hub, metrics, app, execution: exec, traders: server, gate, execCfg });
  hub.mode = {
    mode: describeMode(execCfg),
    confirm: opsCfg.confirmMode ? `on (auto: ${opsCfg.confirmAutoApprove.join(',') || 'none'})` : 'off',
    traders: tsCfg.secret ? `${server.address.host}:${server.address.port}` : 'none accepted (no TRADER_SECRET)',
  };

  if (opsCfg.httpPort >= 0) {
    http = await startHttpServer({ host: opsCfg.httpHost, port: opsCfg.httpPort, token: opsCfg.dashboardToken, hub, metrics });
    log.info({ url: http.url }, `dashboard: ${http.url}  metrics: ${http.url}metrics`);
  }
  const stopHeartbeat = startHeartbeat(opsCfg.heartbeatMs, ops.heartbeat);
  // Resolved markets settle the ledger's positions (starts once reconciliation is done).
  const settlement = startSettlement({ config: settleCfg, execution: exec, hub, registry: metrics.registry, pairOf: (id) => app.registry.get(id), log: log.child({ mod: 'settlement' }) });

  log.info(`controller: ${describeMode(execCfg)}; ${app.registry.size} pairs`);
  app.start();
  // Discovery adds and removes pairs live (the feeds subscribe/unsubscribe); PAIRS_FILE entries win.
  const discovery = discoveryConfigFromEnv(env).enabled
    ? startControllerDiscovery({ env, registry: app.registry, log: log.child({ mod: 'discovery' }) })
    : null;

  let stopped = false;
  return {
    app,
    execution: exec,
    traders: server,
    hub,
    metrics,
    http,
    gate,
    ready: exec.ready,
    async stop() {
      if (stopped) return;
      stopped = true;
      stopHeartbeat();
      await settlement.stop();
      await discovery?.stop();
      gate.close();
      ops.close();
      await app.stop();
      await exec.close();
      await server.close();
      await clients.close();
      await http?.close();
    },
  };
}
