// `parity discover`: find the markets listed on both Kalshi and Polymarket, prove each pair is the
// same contract, and print the verdicts with their reasons; --out writes a PAIRS_FILE.
// Venues from KALSHI_API_BASE / POLY_GAMMA_URL (the simulator's env file, or the real venues).

import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { ConfigError } from '@parity/trading';
import {
  createDiscoveryRunner,
  discoveryConfigFromEnv,
  writePairsFile,
  MARKET_TYPES,
  type Candidate,
  type DiscoveryProgress,
  type MarketType,
  type PairMarketType,
} from '@parity/controller/discovery/index.ts';

interface DiscoverOpts {
  leagues?: string;
  marketType?: string;
  kalshiTicker?: string;
  review?: boolean;
  all?: boolean;
  out?: string;
  force?: boolean;
  json?: boolean;
  reasons?: boolean;
}

const PAIR_TYPES: readonly PairMarketType[] = [...MARKET_TYPES, 'esports'];

function parseTypes(raw: string | undefined): PairMarketType[] {
  if (!raw) return [];
  const out: PairMarketType[] = [];
  for (const t of raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (!(PAIR_TYPES as readonly string[]).includes(t)) throw new ConfigError(`--market-type ${JSON.stringify(t)} is not a market type: use ${PAIR_TYPES.join(', ')} (comma-separated)`);
    out.push(t as PairMarketType);
  }
  return out;
}

/** A progress bar on stderr, only when stderr is a terminal: Kalshi series and Gamma lookups overlap. */
function progressBar(): { update: (p: DiscoveryProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    { stream: process.stderr, format: ' discovering [{bar}] Kalshi series {k} | Gamma lookups {g} | esports {e}', hideCursor: true, clearOnComplete: true },
    Presets.shades_classic,
  );
  const state: Record<DiscoveryProgress['phase'], { done: number; total: number }> = {
    kalshi: { done: 0, total: 0 },
    gamma: { done: 0, total: 0 },
    esports: { done: 0, total: 0 },
  };
  let started = false;
  return {
    update(p) {
      state[p.phase] = { done: p.done, total: Math.max(p.total, p.done) };
      const done = state.kalshi.done + state.gamma.done + state.esports.done;
      const total = Math.max(1, state.kalshi.total + state.gamma.total + state.esports.total);
      const payload = { k: `${state.kalshi.done}/${state.kalshi.total}`, g: `${state.gamma.done}/${state.gamma.total}`, e: `${state.esports.done}/${state.esports.total}` };
      if (!started) {
        bar.start(total, done, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function table(rows: string[][], maxWidth: number): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => {
      const line = r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
      return line.length > maxWidth ? `${line.slice(0, maxWidth - 1)}…` : line;
    })
    .join('\n');
}

const VERDICT_TEXT: Record<Candidate['verdict'], string> = { paired: 'PAIRED', needs_review: 'REVIEW', rejected: 'rejected' };

export function registerDiscover(program: Command): void {
  program
    .command('discover')
    .description('find markets listed on both venues, check each candidate pair (teams, date, type, line, orientation) and print verdicts with reasons')
    .option('--leagues <list>', 'league codes or Polymarket prefixes, comma-separated (default ENABLED_LEAGUES, else all enabled in leagues.yaml)')
    .option('--market-type <list>', `only these market types: ${PAIR_TYPES.join(', ')} (comma-separated)`)
    .option('--kalshi-ticker <event>', 'single-event mode: one Kalshi event ticker, e.g. KXNBAGAME-26JAN24MIAUTA (never cached)')
    .option('--review', 'list only the candidates that need a human, with all their reasons')
    .option('--all', 'also list rejected candidates')
    .option('--reasons', 'print every reason of each listed candidate (default: the first)')
    .option('--out <file>', 'write the paired candidates as a PAIRS_FILE (YAML) the controller accepts')
    .option('--force', 'ignore a cached result (the new result is cached)')
    .option('--json', 'print the full result as JSON instead of a table')
    .action(async (o: DiscoverOpts) => {
      const types = parseTypes(o.marketType);
      const config = discoveryConfigFromEnv(process.env);
      const runner = createDiscoveryRunner(config);
      let leagues = o.leagues ? o.leagues.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
      const fetchTypes = [...new Set(types.map((t): MarketType => (t === 'esports' ? 'moneyline' : t)))];
      if (types.length > 0 && types.every((t) => t === 'esports') && !leagues) leagues = runner.data.leagues.filter((l) => l.enabled && l.kind === 'esports').map((l) => l.code);
      const bar = progressBar();
      let outcome;
      try {
        outcome = await runner.run({
          ...(leagues ? { leagues } : {}),
          ...(fetchTypes.length > 0 ? { marketTypes: fetchTypes } : {}),
          ...(o.kalshiTicker ? { kalshiEvent: o.kalshiTicker } : {}),
          force: o.force === true,
          onProgress: (p) => bar.update(p),
        });
      } finally {
        bar.stop();
        await runner.close();
      }
      const { result } = outcome;
      const inType = (c: Candidate): boolean => types.length === 0 || types.includes(c.marketType);
      const cands = result.candidates.filter(inType);
      const count = (v: Candidate['verdict']): number => cands.filter((c) => c.verdict === v).length;

      if (o.json) {
        process.stdout.write(`${JSON.stringify({ ...result, candidates: cands, fromCache: outcome.fromCache }, null, 2)}\n`);
      } else {
        const shown = cands.filter((c) => (o.review ? c.verdict === 'needs_review' : o.all || c.verdict !== 'rejected'));
        const rows = [['VERDICT', 'LEAGUE', 'TYPE', 'KALSHI', 'POLYMARKET', 'KALSHI YES =', 'REASONS']];
        const all = o.reasons || o.review;
        for (const c of shown) {
          const yes = c.orientation ? `"${c.orientation.yesOutcome}"` : '-';
          const reasons = all ? c.reasons.join(' | ') : (c.reasons[0] ?? '');
          rows.push([VERDICT_TEXT[c.verdict], c.league, c.marketType + (c.line !== null ? ` ${c.line}` : ''), c.kalshiTicker, c.polySlug ?? '-', yes, reasons]);
        }
        const width = process.stdout.isTTY && !all ? Math.max(80, process.stdout.columns ?? 160) : Infinity;
        if (shown.length > 0) process.stdout.write(`${table(rows, width)}\n`);
        else process.stdout.write(o.review ? 'nothing needs review\n' : 'no candidates to show\n');
      }
      for (const i of result.issues) process.stderr.write(`issue: ${i.item}: ${i.message}\n`);
      const s = result.stats;
      const cacheNote = outcome.fromCache ? `cached ${Math.round(outcome.cacheAgeMs / 60_000)} min ago (--force to refresh)` : `${s.kalshiRequests} Kalshi + ${s.gammaRequests} Gamma requests in ${s.seconds.toFixed(2)} s`;
      process.stderr.write(
        `${count('paired')} paired, ${count('needs_review')} need review, ${count('rejected')} rejected of ${cands.length} Kalshi markets; ${result.issues.length} issues; ${cacheNote}\n`,
      );
      if (o.out) {
        const n = writePairsFile(o.out, { ...result, candidates: cands });
        process.stderr.write(`wrote ${n} pairs to ${o.out} (use it as PAIRS_FILE)\n`);
      }
      if (o.kalshiTicker && count('paired') === 0) {
        throw new ConfigError(`--kalshi-ticker ${o.kalshiTicker}: no pair found${cands.length === 0 ? ' (Kalshi lists no open market for this event)' : '; run with --all --reasons to see why'}`);
      }
    });
}
