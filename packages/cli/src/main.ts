// The `parity` command: one entry point for every role (DESIGN.md "Operator interface").

import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { reportFatal } from './fatal.ts';

type Register = (program: Command) => void;

/**
 * Subcommands, loaded on demand: each pulls in its own part of the product (the simulator, the
 * controller, SQLite, crypto), so `parity sim` does not pay for the controller's modules. Help
 * and unknown names load them all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  trade: async () => (await import('./commands/trade.ts')).registerTrade,
  sim: async () => (await import('./commands/sim.ts')).registerSim,
  controller: async () => (await import('./commands/controller.ts')).registerController,
  trader: async () => (await import('./commands/trader.ts')).registerTrader,
  demo: async () => (await import('./commands/demo.ts')).registerDemo,
  discover: async () => (await import('./commands/discover.ts')).registerDiscover,
  doctor: async () => (await import('./commands/doctor.ts')).registerDoctor,
};

// A .env file in the working directory supplies defaults; the real environment wins.
if (existsSync('.env')) {
  const before = { ...process.env };
  process.loadEnvFile('.env');
  Object.assign(process.env, before);
}

const program = new Command()
  .name('parity')
  .description('Parity: cross-venue prediction-market arbitrage between Kalshi and Polymarket')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

try {
  const name = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const wanted = name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
  for (const register of await Promise.all(wanted.map((n) => COMMANDS[n]!()))) register(program);

  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  reportFatal(err);
}
