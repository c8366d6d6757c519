// `parity controller`: the whole controller (controller-process.ts) against whatever venue URLs the
// environment names (the simulator's env file, or the real venues; DRY_RUN is on by default).
// With --print-opportunities each opportunity is also one JSON line on stdout; logs go to stderr.

import type { Command } from 'commander';
import { ConfigError, formatPx, formatQty, formatUsd, logger } from '@parity/trading';
import { startController } from '@parity/controller/controller-process.ts';
import type { Opportunity } from '@parity/controller/model.ts';

interface ControllerOpts {
  envFile?: string;
  duration?: string;
  statusEvery: string;
  printOpportunities?: boolean;
}

function seconds(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${flag} ${JSON.stringify(v)} must be a positive number of seconds`);
  return n;
}

/** One JSON line per opportunity: the exact integer fields plus readable dollars. */
export function opportunityLine(o: Opportunity): string {
  return JSON.stringify({
    event: 'opportunity',
    ...o,
    readable: {
      contracts: formatQty(o.contracts),
      legs: o.legs.map((l) => `${l.platform} ${l.side} @ ${formatPx(l.price)}`),
      cost: formatUsd(o.totalCostMicros),
      fees: formatUsd(o.feesMicros),
      profit: formatUsd(o.expectedProfitMicros),
    },
  });
}

export function registerController(program: Command): void {
  program
    .command('controller')
    .description('the controller: live books, arbitrage detection, hybrid execution (local or via remote traders), ledger, dashboard and /metrics')
    .option('--env-file <file>', 'read variables from this dotenv file first (e.g. the one `parity sim --env-out` writes); they override the environment')
    .option('--duration <seconds>', 'stop after this many seconds')
    .option('--status-every <seconds>', 'log a status line this often (debug level)', '10')
    .option('--print-opportunities', 'also print every opportunity as one JSON line on stdout')
    .action(async (o: ControllerOpts) => {
      if (o.envFile) {
        try {
          process.loadEnvFile(o.envFile);
        } catch (e) {
          throw new ConfigError(`cannot read --env-file ${o.envFile}: ${(e as Error).message}`);
        }
      }
      const statusMs = seconds('--status-every', o.statusEvery) * 1000;
      const durationMs = o.duration !== undefined ? seconds('--duration', o.duration) * 1000 : null;
      const log = logger.child({ mod: 'controller' });
      const ctl = await startController({
        env: process.env,
        log,
        onOpportunity: o.printOpportunities ? (opp) => process.stdout.write(`${opportunityLine(opp)}\n`) : undefined,
      });
      const app = ctl.app;
      const status = setInterval(() => {
        log.debug(
          {
            pairs: app.store.pairs.size,
            tradeable: app.tradeablePairs(),
            opportunities: app.detector.stats.emitted,
            badFrames: app.store.badFrames.total,
            invalidations: app.store.invalidations,
            feesPending: app.fees.pending().poly.length + app.fees.pending().kalshi.length,
          },
          'controller status',
        );
      }, statusMs);
      status.unref();
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
        if (durationMs !== null) setTimeout(done, durationMs).unref();
      });
      clearInterval(status);
      log.info('controller stopping: finishing in-flight legs');
      await ctl.stop();
      log.info({ opportunities: app.detector.stats.emitted }, 'controller stopped');
    });
}
