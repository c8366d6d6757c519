// `parity trade`: one leg through executeLeg, printed as JSON; exit 0 only on success.

import type { Command } from 'commander';
import {
  ConfigError,
  buildExecutionClients,
  envBool,
  executeLeg,
  parsePx,
  parseQty,
  validateLeg,
  type LegRequest,
  type Platform,
} from '@parity/trading';

interface TradeOpts {
  platform: string;
  action: string;
  side: string;
  price: string;
  contracts: string;
  ticker?: string;
  token?: string;
  legId?: string;
  fok?: boolean;
}

function parsePlatform(s: string): Platform {
  const v = s.trim().toLowerCase();
  if (v === 'kalshi') return 'kalshi';
  if (v === 'polymarket' || v === 'poly') return 'polymarket';
  throw new ConfigError(`--platform ${JSON.stringify(s)} is not a venue: use kalshi or polymarket`);
}

export function registerTrade(program: Command): void {
  program
    .command('trade')
    .description('execute one leg through executeLeg and print the LegResult as JSON (honors DRY_RUN, default on)')
    .requiredOption('--platform <venue>', 'kalshi | polymarket')
    .requiredOption('--action <action>', 'buy | sell')
    .requiredOption('--side <side>', 'yes | no')
    .requiredOption('--price <dollars>', 'limit price of the side, in dollars, e.g. 0.56')
    .requiredOption('--contracts <n>', 'contracts, up to 2 decimals')
    .option('--ticker <ticker>', 'Kalshi market ticker')
    .option('--token <tokenId>', 'Polymarket outcome token id')
    .option('--leg-id <id>', 'leg id (default: generated); the venue client order id derives from it')
    .option('--fok', 'fill-or-kill instead of immediate-or-cancel')
    .action(async (o: TradeOpts) => {
      const dryRun = envBool('DRY_RUN', true);
      let price: number;
      let contracts: number;
      try {
        price = parsePx(o.price.trim());
      } catch {
        throw new ConfigError(`--price ${JSON.stringify(o.price)} is not a price in dollars with at most 4 decimals (e.g. 0.56)`);
      }
      try {
        contracts = parseQty(o.contracts.trim());
      } catch {
        throw new ConfigError(`--contracts ${JSON.stringify(o.contracts)} is not a count with at most 2 decimals`);
      }
      const req: LegRequest = {
        legId: o.legId ?? `cli-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`,
        platform: parsePlatform(o.platform),
        action: o.action.trim().toLowerCase() as LegRequest['action'],
        side: o.side.trim().toLowerCase() as LegRequest['side'],
        price,
        contracts,
        kalshiTicker: o.ticker,
        polyToken: o.token,
        createdAtMs: Date.now(),
        timeInForce: o.fok ? 'fok' : 'ioc',
      };
      const invalid = validateLeg(req);
      if (invalid) throw new ConfigError(invalid);
      // Dry run builds no client at all: nothing can reach a venue.
      const clients = dryRun ? null : await buildExecutionClients(process.env, { platforms: [req.platform] });
      const result = await executeLeg(req, clients ?? {}, { dryRun });
      process.stdout.write(`${JSON.stringify({ dryRun, ...result }, null, 2)}\n`);
      await clients?.close();
      process.exitCode = result.success ? 0 : 1;
    });
}
