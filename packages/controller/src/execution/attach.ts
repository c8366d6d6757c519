// attachExecution: everything after detection, wired in one call. Opens the ledger, restores the
// circuit breaker from it (exposure from open positions, today's realised P&L, kill switch and
// trips), builds the HybridExecutor, and starts start-up reconciliation. Opportunities given to
// `sink` before reconciliation finishes are dropped ('reconciling').

import { logger as rootLogger, type ExecutionClients, type Logger, type Platform, type Px } from '@parity/trading';
import type { Opportunity } from '../model.ts';
import { describeMode, type ExecutionConfig } from '../config/execution.ts';
import type { RemoteLegRouter } from '../traders/router.ts';
import { Ledger } from '../ledger/ledger.ts';
import { CircuitBreaker, dailyWindowStart, type PersistedBreaker } from '../risk/circuit-breaker.ts';
import { HybridExecutor } from './hybrid-executor.ts';

export interface AttachOptions {
  config: ExecutionConfig;
  /** The trader server (null: no remote traders at all). */
  router: RemoteLegRouter | null;
  /** Venue clients for CONTROLLER_PLATFORMS (buildExecutionClients(env, {platforms})). */
  clients: ExecutionClients;
  /** An already open ledger (tests); default: open config.dbPath. Closed by close() only if opened here. */
  ledger?: Ledger | undefined;
  tickFor?: ((platform: Platform, instrument: string) => Px | undefined) | undefined;
  now?: (() => number) | undefined;
  log?: Logger | undefined;
}

export interface ExecutionHandle {
  /** The OpportunitySink to give detection: synchronous, never throws. */
  sink: (opp: Opportunity) => void;
  executor: HybridExecutor;
  breaker: CircuitBreaker;
  ledger: Ledger;
  /** Resolves when start-up reconciliation is done and new opportunities are traded. */
  ready: Promise<void>;
  /** Stop trading, leave unfinished attempts for the next start, close the ledger. */
  close: () => Promise<void>;
}

const BREAKER_META_KEY = 'breaker';

export function attachExecution(o: AttachOptions): ExecutionHandle {
  const log = o.log ?? rootLogger.child({ mod: 'execution' });
  const now = o.now ?? Date.now;
  const ownLedger = !o.ledger;
  const ledger = o.ledger ?? Ledger.open(o.config.dbPath, { sync: o.config.dbSync });
  const windowStart = dailyWindowStart(now(), o.config.breaker.dailyResetMinuteUtc);
  const breaker = new CircuitBreaker(o.config.breaker, {
    now,
    exposures: ledger.exposures(),
    dailyPnlMicros: ledger.realizedSince(windowStart),
    persisted: ledger.getMeta<PersistedBreaker>(BREAKER_META_KEY),
  });
  breaker.on('change', (p) => ledger.setMeta(BREAKER_META_KEY, p));
  breaker.on('trip', (s) => log.error({ reason: s.tripReason, detail: s.tripDetail }, 'circuit breaker tripped: new opportunities are refused (unwinds continue)'));
  breaker.on('reset', () => log.warn('circuit breaker reset: trading resumes'));

  const executor = new HybridExecutor({ config: o.config, router: o.router, clients: o.clients, ledger, breaker, tickFor: o.tickFor, now, log });
  log.info(`execution: ${describeMode(o.config)}; ledger ${ledger.path}`);
  const halt = breaker.haltReason();
  if (halt) log.warn(`execution starts halted: ${halt}`);
  const ready = executor.start();

  return {
    sink: (opp) => {
      try {
        executor.submit(opp);
      } catch (err) {
        log.error({ err, opportunityId: opp.id }, 'executor refused an opportunity with an internal error');
      }
    },
    executor,
    breaker,
    ledger,
    ready,
    close: async () => {
      await executor.close();
      if (ownLedger) ledger.close();
    },
  };
}
