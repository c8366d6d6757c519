// The `parity` command: one entry point for every role (DESIGN.md "Operator interface").

import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerController } from './commands/controller.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDiscover } from './commands/discover.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerSim } from './commands/sim.ts';
import { registerTrade } from './commands/trade.ts';
import { registerTrader } from './commands/trader.ts';
import { reportFatal } from './fatal.ts';

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

registerTrade(program);
registerSim(program);
registerController(program);
registerTrader(program);
registerDemo(program);
registerDiscover(program);
registerDoctor(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  reportFatal(err);
}
