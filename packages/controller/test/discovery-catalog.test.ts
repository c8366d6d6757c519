// Discovery against the simulator's generated catalog served over loopback in the venues' shapes:
// every true pair found with the right orientation, no trap paired, and the request counts.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { GammaClient, GAMMA_MAX_SLUGS_PER_REQUEST } from '@parity/trading/polymarket/gamma.ts';
import { generateCatalog, startCatalogServer, type CatalogServer, type SimCatalog } from '@parity/sim/catalog/index.ts';
import { discover } from '../src/discovery/discover.ts';
import { PacedKalshiMarkets } from '../src/discovery/kalshi-markets.ts';
import { loadLeagues } from '../src/discovery/leagues.ts';
import type { Candidate, DiscoveryResult } from '../src/discovery/types.ts';

const data = loadLeagues();
let catalog: SimCatalog;
let server: CatalogServer;
const sources: PacedKalshiMarkets[] = [];

before(async () => {
  catalog = generateCatalog({ seed: 7 });
  server = await startCatalogServer(catalog);
});
after(async () => {
  for (const k of sources) await k.close();
  await server.close();
});

const clients = (sleeps: number[] = []): { kalshi: PacedKalshiMarkets; gamma: GammaClient } => {
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
  };
  const kalshi = new PacedKalshiMarkets({ baseUrl: server.kalshiBase, rps: Infinity, sleep });
  sources.push(kalshi);
  return { kalshi, gamma: new GammaClient({ baseUrl: server.gammaBase, sleep }) };
};

function byTicker(r: DiscoveryResult): Map<string, Candidate> {
  const m = new Map<string, Candidate>();
  for (const c of r.candidates) {
    assert.ok(!m.has(c.kalshiTicker), `one candidate per Kalshi market (${c.kalshiTicker})`);
    m.set(c.kalshiTicker, c);
  }
  return m;
}

/** Open markets per series as the catalog lists them (the Kalshi request count depends on it). */
function marketsPerSeries(): Map<string, number> {
  const seriesOf = new Map(catalog.kalshi.events.map((e) => [e.event_ticker, e.series_ticker]));
  const n = new Map<string, number>();
  for (const m of catalog.kalshi.markets) {
    const s = seriesOf.get(m.event_ticker) ?? m.event_ticker.split('-')[0]!;
    n.set(s, (n.get(s) ?? 0) + 1);
  }
  return n;
}

function assertTruth(r: DiscoveryResult): void {
  const got = byTicker(r);
  assert.ok(catalog.truth.pairs.length >= 500, `catalog has ${catalog.truth.pairs.length} true pairs`);
  for (const p of catalog.truth.pairs) {
    const c = got.get(p.kalshiTicker);
    assert.ok(c, `true pair ${p.kalshiTicker} has a candidate`);
    assert.equal(c.verdict, 'paired', `${p.kalshiTicker} (${p.tricky.join(',')}) should pair: ${c.reasons.join(' | ')}`);
    assert.equal(c.polySlug, p.polySlug, `${p.kalshiTicker} slug`);
    assert.equal(c.orientation?.yesToken, p.yesToken, `${p.kalshiTicker}: YES token (orientation)`);
    assert.equal(c.orientation?.noToken, p.noToken, `${p.kalshiTicker}: NO token`);
  }
  const trapTokens = new Set<string>();
  for (const t of catalog.truth.traps) {
    for (const k of t.kalshiTickers) {
      const c = got.get(k);
      assert.ok(c, `trap ${t.kind} ${k} has a candidate`);
      assert.notEqual(c.verdict, 'paired', `trap ${t.kind} ${k} must not pair`);
      assert.equal(c.verdict, t.expect, `trap ${t.kind} ${k}: ${c.reasons.join(' | ')}`);
      assert.ok(c.reasons.length > 0, `trap ${k} has reasons`);
    }
    for (const slug of t.polySlugs) {
      const gm = catalog.gamma.markets.find((m) => m.slug === slug);
      if (!gm) continue;
      try {
        for (const tok of JSON.parse(gm.clobTokenIds) as string[]) trapTokens.add(tok);
      } catch {
        /* the malformed one */
      }
    }
  }
  // No paired candidate uses a trap market's token (including Polymarket-only markets).
  for (const c of r.candidates) {
    if (c.verdict !== 'paired') continue;
    assert.ok(!trapTokens.has(c.orientation!.yesToken) && !trapTokens.has(c.orientation!.noToken), `${c.kalshiTicker} is paired with a trap market ${c.polySlug}`);
  }
  const paired = r.candidates.filter((c) => c.verdict === 'paired').length;
  assert.equal(paired, catalog.truth.pairs.length, 'exactly the true pairs are paired');
}

test('full catalog: every true pair with the right orientation, no trap paired, one request per series page', async () => {
  server.resetStats();
  const { kalshi, gamma } = clients();
  const r = await discover({ data, kalshi, gamma });
  assertTruth(r);

  // Kalshi: one request per series (each fits one 1000-market page), nothing else.
  const perSeries = marketsPerSeries();
  const seriesJobs = data.leagues.filter((l) => l.enabled).flatMap((l) => Object.values(l.series).flat());
  assert.equal(r.stats.kalshiRequests, seriesJobs.length);
  assert.equal(server.stats.kalshiRequests, seriesJobs.length);
  for (const s of seriesJobs) assert.equal(server.stats.kalshiMarketsRequestsBy.get(s), 1, `series ${s}: one request`);
  assert.equal(r.stats.kalshiMarkets, [...perSeries.values()].reduce((a, b) => a + b, 0));

  // Gamma: at most 50 slugs per request, and no more requests than ceil(slugs/50) per pass.
  assert.ok(server.stats.gammaSlugsPerRequest.every((n) => n >= 1 && n <= GAMMA_MAX_SLUGS_PER_REQUEST));
  const slugRequests = server.stats.gammaSlugsPerRequest.length;
  const slugs = server.stats.gammaSlugsPerRequest.reduce((a, b) => a + b, 0);
  assert.equal(slugs, r.stats.slugsLookedUp);
  assert.ok(slugRequests <= Math.ceil(slugs / GAMMA_MAX_SLUGS_PER_REQUEST) + 1, `${slugRequests} requests for ${slugs} slugs in two passes`);
  const esportsLeagues = data.leagues.filter((l) => l.enabled && l.kind === 'esports').length;
  assert.equal(server.stats.gammaEventsRequests, esportsLeagues, 'one events page per esports series');
  assert.equal(r.stats.gammaRequests, slugRequests + esportsLeagues);

  // Bad data is reported by name and the rest carries on.
  const issues = r.issues.map((i) => `${i.item}: ${i.message}`).join('\n');
  assert.match(issues, /KXNBAGAME-26XYZ17PHIDAL: cannot parse Kalshi event ticker: .*unknown month "XYZ"/);
  const bad = catalog.truth.traps.find((t) => t.kind === 'malformed_gamma')!;
  assert.match(issues, new RegExp(`${bad.polySlugs[0]}: malformed Gamma market "${bad.polySlugs[0]}": "clobTokenIds" is not a JSON-encoded array`));
  for (const k of bad.kalshiTickers) assert.equal(byTicker(r).get(k)!.lookupFailed, true);
});

test('pagination: small pages give exactly one request per series page and the same pairs', async () => {
  server.resetStats();
  const { kalshi, gamma } = clients();
  const pageSize = 7;
  const r = await discover({ data, kalshi, gamma, pageSize });
  assertTruth(r);
  const perSeries = marketsPerSeries();
  const seriesJobs = data.leagues.filter((l) => l.enabled).flatMap((l) => Object.values(l.series).flat());
  let expected = 0;
  for (const s of seriesJobs) {
    const pages = Math.max(1, Math.ceil((perSeries.get(s) ?? 0) / pageSize));
    assert.equal(server.stats.kalshiMarketsRequestsBy.get(s), pages, `series ${s}: ${pages} pages`);
    expected += pages;
  }
  assert.ok(expected > seriesJobs.length, 'some series span several pages');
  assert.equal(r.stats.kalshiRequests, expected);
});

test('429s: Kalshi backs off exponentially, Gamma honours Retry-After; nothing is lost', async () => {
  server.resetStats();
  server.faults.kalshi429 = 2;
  server.faults.gamma429 = 1;
  server.faults.gammaRetryAfter = '3';
  const sleeps: number[] = [];
  const { kalshi, gamma } = clients(sleeps);
  const r = await discover({ data, kalshi, gamma, leagues: ['nba', 'lol'] });
  assert.ok(sleeps.includes(3000), `Gamma waited Retry-After 3 s (waits: ${sleeps.join(',')})`);
  assert.ok(sleeps.includes(1000) && sleeps.includes(2000), `Kalshi backed off 1 s then 2 s (waits: ${sleeps.join(',')})`);
  const nba = catalog.truth.pairs.filter((p) => p.league === 'nba' || p.league === 'lol');
  const got = byTicker(r);
  for (const p of nba) assert.equal(got.get(p.kalshiTicker)?.orientation?.yesToken, p.yesToken, p.kalshiTicker);
  assert.equal(r.stats.kalshiRequests, 3 + 1 + 2, 'three NBA series + one LoL series + two retries');
});

test('selection: --leagues and --market-type limit the series fetched', async () => {
  server.resetStats();
  const { kalshi, gamma } = clients();
  const r = await discover({ data, kalshi, gamma, leagues: ['epl', 'nhl'], marketTypes: ['total'] });
  assert.deepEqual([...server.stats.kalshiMarketsRequestsBy.keys()].sort(), ['KXEPLTOTAL', 'KXNHLTOTAL']);
  const want = catalog.truth.pairs.filter((p) => (p.league === 'epl' || p.league === 'nhl') && p.marketType === 'total');
  const got = byTicker(r);
  assert.ok(want.length > 0);
  for (const p of want) assert.equal(got.get(p.kalshiTicker)?.orientation?.yesToken, p.yesToken, p.kalshiTicker);
  assert.ok(r.candidates.every((c) => c.marketType === 'total'));
});

test('single-event mode: one event, with the next-day retry and name-based orientation', async () => {
  const p = catalog.truth.pairs.find((x) => x.league === 'nba' && x.marketType === 'moneyline' && x.tricky.includes('next_day_slug'))!;
  const event = catalog.kalshi.markets.find((m) => m.ticker === p.kalshiTicker)!.event_ticker;
  server.resetStats();
  const { kalshi, gamma } = clients();
  const r = await discover({ data, kalshi, gamma, kalshiEvent: event });
  assert.deepEqual([...server.stats.kalshiMarketsRequestsBy.keys()], [event]);
  assert.equal(r.candidates.length, 2);
  for (const c of r.candidates) {
    const truth = catalog.truth.pairs.find((x) => x.kalshiTicker === c.kalshiTicker)!;
    assert.equal(c.verdict, 'paired');
    assert.equal(c.orientation?.yesToken, truth.yesToken);
  }
  await assert.rejects(discover({ data, kalshi, gamma, kalshiEvent: 'KXWHATEVER-26JAN01AB' }), /series KXWHATEVER is not in .*leagues\.yaml/);
});
