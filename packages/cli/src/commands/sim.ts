// `parity sim`: the venue simulator (Kalshi + Polymarket, wire-compatible) on 127.0.0.1.
// Prints ONE JSON line with its URLs on stdout when ready; logs go to stderr; Ctrl-C / SIGTERM
// close it cleanly.

import type { Command } from 'commander';
import { ConfigError, logger } from '@parity/trading';
import { startSim } from '@parity/sim';

interface SimOpts {
  scenario: string;
  seed?: string;
  pairs?: string;
  envOut?: string;
  host: string;
  speed?: string;
  arbs?: boolean;
}

function int(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${flag} ${JSON.stringify(v)} must be an integer >= ${min}`);
  return n;
}

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('run the venue simulator (Kalshi + Polymarket) on 127.0.0.1; prints one JSON line with its URLs when ready')
    .option('--scenario <name|file>', 'built-in scenario (demo, quiet, static) or a .json/.yaml scenario file', 'demo')
    .option('--seed <n>', 'random seed (same seed + scenario = same market data and fills)')
    .option('--pairs <n>', 'number of generated market pairs (overrides the scenario)')
    .option('--env-out <file>', 'write an env file (venue URLs, test credentials, PAIRS_FILE) plus the Kalshi PEM and pairs file next to it')
    .option('--host <addr>', 'bind address', '127.0.0.1')
    .option('--speed <x>', 'run scenario time x times faster (default 1)')
    .option('--no-arbs', 'do not inject scheduled arbitrage windows')
    .action(async (o: SimOpts) => {
      const seed = int('--seed', o.seed, 0);
      const pairs = int('--pairs', o.pairs, 1);
      let speed: number | undefined;
      if (o.speed !== undefined) {
        speed = Number(o.speed);
        if (!(speed > 0)) throw new ConfigError(`--speed ${JSON.stringify(o.speed)} must be a number > 0`);
      }
      const log = logger.child({ mod: 'sim-cli' });
      const sim = await startSim({
        scenario: o.scenario,
        host: o.host,
        ...(seed !== undefined ? { seed } : {}),
        ...(pairs !== undefined ? { pairs } : {}),
        ...(speed !== undefined ? { speed } : {}),
        ...(o.arbs === false ? { arbs: false } : {}),
      });
      const written = o.envOut ? await sim.writeEnvFile(o.envOut) : null;
      let closing = false;
      const stop = (signal: string): void => {
        if (closing) return;
        closing = true;
        log.info({ signal }, 'closing the simulator');
        sim.close().then(
          () => process.exit(0),
          (e: unknown) => {
            log.error({ err: (e as Error).message }, 'error while closing');
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.stdout.write(
        `${JSON.stringify({
          ready: true,
          scenario: sim.scenario.name,
          seed: sim.ctx.seed,
          pairs: sim.pairs.length,
          urls: sim.urls,
          ...(written ? { envFile: written.envPath, pairsFile: written.pairsPath, kalshiKeyFile: written.pemPath } : {}),
        })}\n`,
      );
      log.info({ urls: sim.urls, pairs: sim.pairs.length }, 'simulator ready');
    });
}
