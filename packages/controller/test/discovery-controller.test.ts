// The controller with discovery instead of a PAIRS_FILE, against the simulator: a game whose
// Polymarket outcome names cannot be mapped to Kalshi's teams (orientation not established) is
// sent to review and never reaches the pair registry, the feeds or detection — an arbitrage
// window on it produces nothing, while the same window on a proven pair is detected.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type SimHandle } from '@parity/sim';
import { createMarketDataApp, type MarketDataApp } from '../src/app.ts';
import type { Opportunity } from '../src/model.ts';
import { startControllerDiscovery, type DiscoveryRefresh, type DiscoveryUpdate } from '../src/discovery/refresh.ts';

let sim: SimHandle;
let app: MarketDataApp;
let hook: DiscoveryRefresh;
let dir: string;
const opps: Opportunity[] = [];
let latest: DiscoveryUpdate | null = null;

async function waitFor(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let unsure: { index: number; tickers: string[] };
let proven: { index: number; ticker: string; yesToken: string };

before(async () => {
  sim = await startSim({ seed: 21, scenario: 'demo', arbs: false, kalshiHeartbeatMs: 200 });
  // Two NBA/NFL games of the scenario (their codes are the same on both venues).
  const nba = sim.pairs.map((p, i) => ({ p, i })).filter(({ p }) => p.league === 'nba' || p.league === 'nfl');
  const games = [...new Set(nba.map(({ p }) => p.poly_yes_token))];
  assert.ok(games.length >= 2, 'the demo scenario has two NBA/NFL games');
  const unsureGame = nba.filter(({ p }) => p.poly_yes_token === games[0]);
  const provenPair = nba.find(({ p }) => p.poly_yes_token === games[1])!;
  unsure = { index: unsureGame[0]!.i, tickers: unsureGame.map(({ p }) => p.kalshi_ticker) };
  const pp = provenPair.p;
  proven = { index: provenPair.i, ticker: pp.kalshi_ticker, yesToken: pp.kalshi_yes_pays_with === 'poly_yes' ? pp.poly_yes_token : pp.poly_no_token };
  // Polymarket renames one outcome of the first game to an abbreviation nothing maps: the teams
  // no longer map one-to-one, so which token pays for which Kalshi team is not established.
  const market = sim.ctx.marketByToken(games[0]!)!.market;
  market.polymarket!.outcomes = ['XYZ', market.polymarket!.outcomes[1]];

  dir = mkdtempSync(join(tmpdir(), 'parity-discovery-controller-'));
  const env = {
    ...sim.env,
    KALSHI_WS_PING_MS: '200',
    POLY_WS_PING_MS: '200',
    ARB_REPEAT_MS: '0',
    DISCOVERY_CACHE_FILE: join(dir, 'cache.json'),
    DISCOVERY_CACHE_TTL_MINS: '0',
    DISCOVERY_INTERVAL_MINS: '0',
    ENABLED_LEAGUES: 'nba,nfl,nhl',
  };
  app = createMarketDataApp({ env, pairs: [], sink: (o) => void opps.push(o) });
  app.start();
  hook = startControllerDiscovery({ env, registry: app.registry });
  await hook.ready;
  latest = await hook.refreshNow();
  await waitFor(() => app.store.pairs.size > 0 && app.tradeablePairs() === app.store.pairs.size, 'discovered pairs subscribed and tradeable');
});

after(async () => {
  await hook?.stop();
  await app?.stop();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('discovery feeds the controller: proven pairs in, the unorientable game to review and out', () => {
  assert.ok(latest, 'discovery ran');
  const candidates = latest.result.candidates;
  for (const t of unsure.tickers) {
    const c = candidates.find((x) => x.kalshiTicker === t)!;
    assert.equal(c.verdict, 'needs_review', `${t}: ${c.reasons.join(' | ')}`);
    assert.equal(c.orientation, null);
    assert.equal(app.registry.list().find((p) => p.kalshiTicker === t), undefined, `${t} is not a pair`);
    assert.equal(app.store.pairs.has(t), false, `${t} has no books`);
  }
  const p = app.registry.get(proven.ticker);
  assert.equal(p?.source, 'discovery');
  assert.equal(p?.polyYesToken, proven.yesToken, 'orientation agrees with the scenario');
});

test('an arbitrage window on the unorientable game is never acted on; one on a proven pair is', async () => {
  const before = opps.length;
  sim.injectArb({ pairIndex: unsure.index, type: 'kalshi_yes_poly_no', durationMs: 6_000 });
  sim.injectArb({ pairIndex: proven.index, type: 'kalshi_yes_poly_no', durationMs: 6_000 });
  await waitFor(() => opps.slice(before).some((o) => o.pairId === proven.ticker), `opportunity on ${proven.ticker}`);
  const later = opps.slice(before);
  assert.ok(!later.some((o) => unsure.tickers.includes(o.pairId) || o.legs.some((l) => l.kalshiTicker !== undefined && unsure.tickers.includes(l.kalshiTicker))), 'no opportunity on the unproven pair');
});
