// `npm run bench -- discovery [--seed N] [--runs N] [--rps N]`: discovery of the full simulator
// catalog over loopback (the catalog's listing server runs in this process). Prints one JSON line:
//   pairs, requests, seconds (first, cold run: what `parity discover` pays), plus the warm median,
//   request split, and how many pairs match the catalog's truth (right YES token).
// The Kalshi pacing is the production default (KALSHI_DISCOVERY_RPS, 20/s) unless --rps says otherwise.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCatalog, startCatalogServer } from '@parity/sim/catalog/index.ts';
import { discoveryConfigFromEnv } from '@parity/controller/discovery/config.ts';
import { createDiscoveryRunner } from '@parity/controller/discovery/runner.ts';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' }, runs: { type: 'string', default: '5' }, rps: { type: 'string' } } });
const catalog = generateCatalog({ seed: Number(values.seed) });
const server = await startCatalogServer(catalog);
const dir = mkdtempSync(join(tmpdir(), 'parity-bench-discovery-'));
const env = {
  KALSHI_API_BASE: server.kalshiBase,
  POLY_GAMMA_URL: server.gammaBase,
  DISCOVERY_CACHE_TTL_MINS: '0',
  DISCOVERY_CACHE_FILE: join(dir, 'cache.json'),
  ...(values.rps ? { KALSHI_DISCOVERY_RPS: values.rps } : {}),
};
const config = discoveryConfigFromEnv(env);
const truth = new Map(catalog.truth.pairs.map((p) => [p.kalshiTicker, p.yesToken]));

const runs = Math.max(1, Number(values.runs));
const seconds: number[] = [];
let last: Awaited<ReturnType<ReturnType<typeof createDiscoveryRunner>['run']>>['result'] | null = null;
for (let i = 0; i < runs; i++) {
  // A fresh runner each time: new connections and a fresh rate-limit bucket, like a new process.
  const runner = createDiscoveryRunner(config);
  const t0 = performance.now();
  const { result } = await runner.run({ force: true });
  seconds.push((performance.now() - t0) / 1000);
  await runner.close();
  last = result;
}
await server.close();
rmSync(dir, { recursive: true, force: true });

const r = last!;
const paired = r.candidates.filter((c) => c.verdict === 'paired');
const correct = paired.filter((c) => truth.get(c.kalshiTicker) === c.orientation?.yesToken).length;
const warm = seconds.slice(1).sort((a, b) => a - b);
const round = (x: number): number => Math.round(x * 1000) / 1000;
console.log(
  JSON.stringify({
    bench: 'discovery',
    pairs: paired.length,
    requests: r.stats.kalshiRequests + r.stats.gammaRequests,
    seconds: round(seconds[0]!),
    seconds_warm_median: warm.length > 0 ? round(warm[Math.floor(warm.length / 2)]!) : null,
    kalshi_requests: r.stats.kalshiRequests,
    gamma_requests: r.stats.gammaRequests,
    kalshi_markets: r.stats.kalshiMarkets,
    slugs: r.stats.slugsLookedUp,
    true_pairs: catalog.truth.pairs.length,
    correct,
    review: r.candidates.filter((c) => c.verdict === 'needs_review').length,
    rejected: r.candidates.filter((c) => c.verdict === 'rejected').length,
    kalshi_rps: config.kalshiRps,
    runs,
  }),
);
