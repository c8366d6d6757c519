// `parity trader`: a remote trader. Configuration from the environment; flags override it.

import type { Command } from 'commander';
import { logger } from '@parity/trading';

interface TraderOpts {
  url?: string;
  platform?: string;
  db?: string;
  oneShot?: boolean;
}

export function registerTrader(program: Command): void {
  program
    .command('trader')
    .description('remote trader: connects to the controller (WEBSOCKET_URL), authenticates with TRADER_SECRET, executes legs within its own limits (honors DRY_RUN, default on)')
    .option('--url <ws-url>', 'controller trader server URL (overrides WEBSOCKET_URL)')
    .option('--platform <venues>', 'venues to serve: kalshi, polymarket/poly, comma-separated (overrides TRADER_PLATFORM)')
    .option('--db <path>', 'SQLite file of legs seen (overrides TRADER_DB)')
    .option('--one-shot', 'exit after the first leg (ONE_SHOT)')
    .action(async (o: TraderOpts) => {
      const env = { ...process.env };
      if (o.url !== undefined) env.WEBSOCKET_URL = o.url;
      if (o.platform !== undefined) env.TRADER_PLATFORM = o.platform;
      if (o.db !== undefined) env.TRADER_DB = o.db;
      if (o.oneShot) env.ONE_SHOT = '1';
      // Loaded on use, so other subcommands do not pay for the trader's modules at start-up.
      const { runTrader } = await import('@parity/trader');
      const code = await runTrader(env);
      // Let pino write out before exiting.
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
      process.exit(code);
    });
}
