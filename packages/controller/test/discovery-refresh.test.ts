// The cache, the pairs file discovery writes (read back by the controller's own loader), and the
// controller hook: additions/removals applied to the pair registry, manual entries winning, only
// "paired" candidates ever becoming pairs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GammaClient } from '@parity/trading/polymarket/gamma.ts';
import { generateCatalog, startCatalogServer, type CatalogServer, type SimCatalog } from '@parity/sim/catalog/index.ts';
import type { Pair } from '../src/model.ts';
import { parsePairsText } from '../src/pairs/pairs-file.ts';
import { PairRegistry } from '../src/pairs/registry.ts';
import type { DiscoveryConfig } from '../src/discovery/config.ts';
import { discoveryConfigFromEnv } from '../src/discovery/config.ts';
import { PacedKalshiMarkets } from '../src/discovery/kalshi-markets.ts';
import { DEFAULT_LEAGUES_FILE, loadLeagues } from '../src/discovery/leagues.ts';
import { pairsFileText } from '../src/discovery/pairs-out.ts';
import { diffDiscovery, startControllerDiscovery, startDiscoveryRefresh } from '../src/discovery/refresh.ts';
import { createDiscoveryRunner, type DiscoveryRunner } from '../src/discovery/runner.ts';
import type { Candidate, DiscoveryResult } from '../src/discovery/types.ts';

const data = loadLeagues();
let catalog: SimCatalog;
let server: CatalogServer;
let dir: string;
const runners: DiscoveryRunner[] = [];

before(async () => {
  catalog = generateCatalog({ seed: 11 });
  server = await startCatalogServer(catalog);
  dir = mkdtempSync(join(tmpdir(), 'parity-discovery-'));
});
after(async () => {
  for (const r of runners) await r.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function config(over: Partial<DiscoveryConfig> = {}): DiscoveryConfig {
  return {
    ...discoveryConfigFromEnv({ KALSHI_API_BASE: server.kalshiBase, POLY_GAMMA_URL: server.gammaBase }),
    cacheFile: join(dir, 'data', 'discovery-cache.json'),
    ...over,
  };
}

function runner(cfg: DiscoveryConfig): DiscoveryRunner {
  const r = createDiscoveryRunner(cfg, { data, kalshi: new PacedKalshiMarkets({ baseUrl: cfg.kalshiApiBase, rps: Infinity }), gamma: new GammaClient({ baseUrl: cfg.gammaUrl }) });
  runners.push(r);
  return r;
}

test('environment: defaults and strict values', () => {
  const c = discoveryConfigFromEnv({});
  assert.equal(c.gammaUrl, 'https://gamma-api.polymarket.com');
  assert.match(c.kalshiApiBase, /^https:\/\/api\.elections\.kalshi\.com\/trade-api\/v2$/);
  assert.equal(c.cacheTtlMins, 120);
  assert.equal(c.intervalMins, 15);
  assert.equal(c.cacheFile, './data/discovery-cache.json');
  assert.equal(c.enabled, false);
  assert.equal(discoveryConfigFromEnv({ DISCOVERY_ENABLED: 'on' }).enabled, true);
  assert.throws(() => discoveryConfigFromEnv({ DISCOVERY_ENABLED: 'maybe' }), /DISCOVERY_ENABLED="maybe" is not a boolean/);
  assert.deepEqual(discoveryConfigFromEnv({ ENABLED_LEAGUES: 'nba, epl,' }).enabledLeagues, ['nba', 'epl']);
  assert.throws(() => discoveryConfigFromEnv({ DISCOVERY_INTERVAL_MINS: 'soon' }), /DISCOVERY_INTERVAL_MINS="soon" is not a number/);
  assert.throws(() => discoveryConfigFromEnv({ POLY_GAMMA_URL: 'gamma' }), /POLY_GAMMA_URL="gamma" is not a URL/);
});

test('cache: reused within the TTL per selection, bypassed by force, never for failed lookups', async () => {
  const r = runner(config());
  server.resetStats();
  const a = await r.run({ leagues: ['nba'] });
  assert.equal(a.fromCache, false);
  assert.ok(existsSync(join(dir, 'data', 'discovery-cache.json')));
  const before = server.stats.kalshiRequests + server.stats.gammaRequests;
  const b = await r.run({ leagues: ['nba'] });
  assert.equal(b.fromCache, true);
  assert.equal(server.stats.kalshiRequests + server.stats.gammaRequests, before, 'a cache hit makes no request');
  assert.deepEqual(b.result.candidates.map((c) => c.orientation?.yesToken), a.result.candidates.map((c) => c.orientation?.yesToken));
  // Another selection is not served by this entry (§5.2 #17).
  assert.equal((await r.run({ leagues: ['nba'], marketTypes: ['total'] })).fromCache, false);
  assert.equal((await r.run({ leagues: ['nba', 'nhl'] })).fromCache, false);
  assert.equal((await r.run({ leagues: ['nba'], force: true })).fromCache, false);
  assert.ok(server.stats.kalshiRequests > before);
  // TTL 0 disables the cache; another league file version ignores it.
  assert.equal((await runner(config({ cacheTtlMins: 0 })).run({ leagues: ['nba'] })).fromCache, false);
  const changed = createDiscoveryRunner(config(), { data: { ...data, hash: 'other' }, kalshi: new PacedKalshiMarkets({ baseUrl: server.kalshiBase, rps: Infinity }) });
  runners.push(changed);
  assert.equal((await changed.run({ leagues: ['nba'] })).fromCache, false);
  // MLB holds the malformed Gamma market: its result is not cached.
  await r.run({ leagues: ['mlb'] });
  assert.equal((await r.run({ leagues: ['mlb'] })).fromCache, false);
});

test('pairs file: only paired candidates, read back by the controller loader with the right orientation', async () => {
  const r = runner(config({ cacheTtlMins: 0 }));
  const { result } = await r.run({});
  const text = pairsFileText(result);
  const pairs = parsePairsText(text, 'discovered.yaml');
  const byTicker = new Map(pairs.map((p) => [p.kalshiTicker, p]));
  assert.equal(pairs.length, catalog.truth.pairs.length);
  for (const t of catalog.truth.pairs) {
    const p = byTicker.get(t.kalshiTicker);
    assert.ok(p, t.kalshiTicker);
    assert.equal(p.polyYesToken, t.yesToken, `${t.kalshiTicker}: token paying when Kalshi YES pays`);
    assert.equal(p.polyNoToken, t.noToken);
  }
  for (const t of catalog.truth.traps) for (const k of t.kalshiTickers) assert.ok(!byTicker.has(k), `trap ${t.kind} ${k} not in the pairs file`);
  assert.match(text, /poly_yes_token: "\d{60,}"/);
});

function cand(ticker: string, verdict: Candidate['verdict'], yes = `${ticker}-Y`, lookupFailed = false): Candidate {
  return {
    kalshiTicker: ticker,
    kalshiEventTicker: ticker.split('-').slice(0, 2).join('-'),
    kalshiTitle: ticker,
    league: 'nba',
    marketType: 'moneyline',
    line: null,
    polySlug: verdict === 'rejected' ? null : `slug-${ticker}`,
    polyQuestion: null,
    polyTokens: verdict === 'rejected' ? null : [yes, `${ticker}-N`],
    polyOutcomes: ['A', 'B'],
    polyNegRisk: false,
    orientation: verdict === 'rejected' ? null : { yesIndex: 0, yesToken: yes, noToken: `${ticker}-N`, yesOutcome: 'A', noOutcome: 'B' },
    verdict,
    reasons: ['test'],
    lookupFailed,
  };
}
function result(cands: Candidate[], issues: DiscoveryResult['issues'] = []): DiscoveryResult {
  return { startedAtMs: 0, candidates: cands, issues, stats: { kalshiRequests: 0, gammaRequests: 0, kalshiMarkets: 0, slugsLookedUp: 0, seconds: 0, byLeagueType: {} }, selection: { leagues: [], marketTypes: [], kalshiEvent: null } };
}
const manual = (ticker: string): Pair => ({ id: `manual-${ticker}`, description: 'm', kalshiTicker: ticker, polyYesToken: '1', polyNoToken: '2', source: 'file' });

test('diff: additions, removals, manual entries win, review never added, failed lookups keep pairs', () => {
  const r1 = result([cand('KXA-1-X', 'paired'), cand('KXB-1-X', 'paired'), cand('KXC-1-X', 'needs_review'), cand('KXD-1-X', 'rejected')]);
  const d1 = diffDiscovery(new Map(), r1, [manual('KXB-1-X')]);
  assert.deepEqual(d1.added.map((p) => p.id), ['KXA-1-X']);
  assert.equal(d1.added[0]!.source, 'discovery');
  assert.equal(d1.added[0]!.polyYesToken, 'KXA-1-X-Y');
  // A is gone, E appears, F's lookup failed (kept), G re-oriented (replaced).
  const prev = new Map(d1.next);
  prev.set('KXF-1-X', { ...d1.added[0]!, id: 'KXF-1-X', kalshiTicker: 'KXF-1-X' });
  prev.set('KXG-1-X', { ...d1.added[0]!, id: 'KXG-1-X', kalshiTicker: 'KXG-1-X', polyYesToken: 'old' });
  prev.set('KXH-1-X', { ...d1.added[0]!, id: 'KXH-1-X', kalshiTicker: 'KXH-1-X' });
  const r2 = result([cand('KXE-1-X', 'paired'), cand('KXF-1-X', 'rejected', undefined, true), cand('KXG-1-X', 'paired')], [{ item: 'Kalshi series KXH', message: 'HTTP 500' }]);
  const d2 = diffDiscovery(prev, r2, []);
  assert.deepEqual(d2.added.map((p) => p.id).sort(), ['KXE-1-X', 'KXG-1-X']);
  assert.deepEqual(d2.removed.map((p) => p.id).sort(), ['KXA-1-X', 'KXG-1-X']);
  assert.ok(d2.next.has('KXF-1-X') && d2.next.has('KXH-1-X'), 'unverifiable pairs are kept');
});

test('refresh loop: first run may use the cache, later runs force; errors keep the current pairs', async () => {
  const forces: boolean[] = [];
  let n = 0;
  const updates: string[][] = [];
  const errors: string[] = [];
  const refresh = startDiscoveryRefresh({
    run: async (force) => {
      forces.push(force);
      n++;
      if (n === 2) throw new Error('venue down');
      return { result: result([cand(`KXA-${n}-X`, 'paired')]), fromCache: !force, cacheAgeMs: 0 };
    },
    intervalMs: 0,
    manualPairs: () => [],
    onUpdate: (u) => void updates.push(u.current.map((p) => p.id)),
    onError: (e) => void errors.push((e as Error).message),
  });
  await refresh.ready;
  assert.deepEqual(refresh.current().map((p) => p.id), ['KXA-1-X']);
  assert.equal(await refresh.refreshNow(), null);
  assert.deepEqual(errors, ['venue down']);
  assert.deepEqual(refresh.current().map((p) => p.id), ['KXA-1-X'], 'a failed run changes nothing');
  const u = await refresh.refreshNow();
  assert.deepEqual(u?.added.map((p) => p.id), ['KXA-3-X']);
  assert.deepEqual(u?.removed.map((p) => p.id), ['KXA-1-X']);
  assert.deepEqual(forces, [false, true, true]);
  await refresh.stop();
  assert.equal(await refresh.refreshNow(), null);
});

test('controller hook: the registry gets exactly the true pairs, live removals, manual entries win', async () => {
  const one = catalog.truth.pairs.find((p) => p.league === 'nhl' && p.marketType === 'moneyline')!;
  const fileEntry: Pair = { id: 'my-manual', description: 'hand-checked', kalshiTicker: one.kalshiTicker, polyYesToken: one.yesToken, polyNoToken: one.noToken, source: 'file' };
  const registry = new PairRegistry([fileEntry]);
  const changes: string[] = [];
  registry.listen({ pairAdded: (p) => void changes.push(`+${p.id}`), pairRemoved: (p) => void changes.push(`-${p.id}`) });
  const hook = startControllerDiscovery({ registry, runner: runner(config({ cacheTtlMins: 0, intervalMins: 0 })) });
  await hook.ready;
  const discovered = registry.list().filter((p) => p.source === 'discovery');
  assert.equal(discovered.length, catalog.truth.pairs.length - 1, 'every true pair but the manual one');
  assert.equal(registry.get('my-manual')?.source, 'file');
  assert.ok(!registry.list().some((p) => p.source === 'discovery' && p.kalshiTicker === one.kalshiTicker));
  const truth = new Map(catalog.truth.pairs.map((p) => [p.kalshiTicker, p]));
  for (const p of discovered) assert.equal(p.polyYesToken, truth.get(p.kalshiTicker)?.yesToken, `${p.kalshiTicker} orientation`);
  // Review candidates (orientation or identity not established) never reach the registry.
  for (const t of catalog.truth.traps) for (const k of t.kalshiTickers) assert.ok(!registry.list().some((p) => p.kalshiTicker === k), `trap ${k}`);

  // A Polymarket market closes: its pairs leave at the next refresh; nothing else moves.
  const victim = catalog.truth.pairs.find((p) => p.league === 'epl' && p.marketType === 'total')!;
  const gm = catalog.gamma.markets.find((m) => m.slug === victim.polySlug)!;
  gm.closed = true;
  changes.length = 0;
  const u = await hook.refreshNow();
  assert.ok(u);
  assert.deepEqual(changes, [`-${victim.kalshiTicker}`]);
  assert.equal(registry.get(victim.kalshiTicker), undefined);
  gm.closed = false;
  await hook.refreshNow();
  assert.equal(registry.get(victim.kalshiTicker)?.polyYesToken, victim.yesToken, 'and comes back when it reopens');
  await hook.stop();
});

test('a league entry with an unknown field is named, left out, and discovery carries on with the rest', async () => {
  const file = join(dir, 'bad-leagues.yaml');
  writeFileSync(file, readFileSync(DEFAULT_LEAGUES_FILE, 'utf8').replace('{ kalshi: LAL, names:', '{ kalshi: LAL, polyy: lal, names:'));
  assert.throws(() => loadLeagues(file), /\(nba\)\.teams\[13\] \(LAL\): unknown field "polyy"/, 'strict load refuses the file');
  const r = createDiscoveryRunner(config({ leaguesFile: file, cacheTtlMins: 0 }), { kalshi: new PacedKalshiMarkets({ baseUrl: server.kalshiBase, rps: Infinity }) });
  runners.push(r);
  assert.deepEqual(r.data.skipped.length, 1);
  const { result } = await r.run({});
  const issue = result.issues.find((i) => i.item === 'bad-leagues.yaml');
  assert.match(issue?.message ?? '', /league left out: leagues\[\d+\] \(nba\)\.teams\[13\] \(LAL\): unknown field "polyy"/);
  assert.ok(!result.candidates.some((c) => c.league === 'nba'), 'the bad league is not discovered');
  const nhl = catalog.truth.pairs.filter((p) => p.league === 'nhl');
  const got = new Map(result.candidates.map((c) => [c.kalshiTicker, c]));
  assert.ok(nhl.length > 0);
  for (const p of nhl) assert.equal(got.get(p.kalshiTicker)?.orientation?.yesToken, p.yesToken, `${p.kalshiTicker} still paired`);
});
