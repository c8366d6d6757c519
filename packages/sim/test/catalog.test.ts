// The discovery catalog: deterministic from its seed, big enough, every trap present, the venues'
// shapes, and the listing server's pagination and filters.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCatalog, startCatalogServer, type TrapKind } from '../src/catalog/index.ts';

test('same seed, same catalog; another seed, other ids', () => {
  const a = generateCatalog({ seed: 3 });
  const b = generateCatalog({ seed: 3 });
  const c = generateCatalog({ seed: 4 });
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  assert.notEqual(a.truth.pairs[0]!.yesToken, c.truth.pairs[0]!.yesToken);
});

test('at least 500 true pairs across leagues and types, and every kind of trap', () => {
  const cat = generateCatalog({ seed: 1 });
  assert.ok(cat.truth.pairs.length >= 500, `${cat.truth.pairs.length} pairs`);
  const types = new Set(cat.truth.pairs.map((p) => p.marketType));
  assert.deepEqual([...types].sort(), ['btts', 'esports', 'moneyline', 'spread', 'total']);
  assert.ok(new Set(cat.truth.pairs.map((p) => p.league)).size >= 17);
  const tricky = new Set(cat.truth.pairs.flatMap((p) => p.tricky));
  for (const t of ['nickname_outcomes', 'reversed_outcomes', 'next_day_slug', 'code_alias', 'ticker_split', 'neg_risk_leg', 'esports_alias', 'mve_collection', 'code_collision']) assert.ok(tricky.has(t), t);
  const kinds = new Set(cat.truth.traps.map((t) => t.kind));
  const all: TrapKind[] = ['other_date', 'next_day_without_start_time', 'different_line', 'line_on_one_venue', 'unnamed_subject', 'other_teams', 'code_collision', 'multi_outcome', 'wrong_outcome', 'one_venue_only', 'malformed_ticker', 'malformed_gamma', 'closed', 'spread_other_team', 'neg_risk_missing', 'duplicate_listing'];
  for (const k of all) assert.ok(kinds.has(k), `trap ${k}`);
  assert.ok(cat.truth.traps.every((t) => t.expect !== ('paired' as string)));
});

test('venue shapes: Gamma arrays as JSON strings, 70+ digit token ids, unique tickers, truth consistent', () => {
  const cat = generateCatalog({ seed: 1 });
  const tickers = new Set<string>();
  for (const m of cat.kalshi.markets) {
    assert.ok(!tickers.has(m.ticker), `duplicate ${m.ticker}`);
    tickers.add(m.ticker);
    assert.equal(m.status, 'active');
    assert.match(m.yes_bid_dollars, /^0\.\d{4}$/);
  }
  const slugs = new Map(cat.gamma.markets.map((m) => [m.slug, m]));
  assert.equal(slugs.size, cat.gamma.markets.length, 'unique slugs');
  for (const p of cat.truth.pairs) {
    assert.ok(tickers.has(p.kalshiTicker), p.kalshiTicker);
    const gm = slugs.get(p.polySlug)!;
    assert.equal(typeof gm.outcomes, 'string');
    const tokens = JSON.parse(gm.clobTokenIds) as string[];
    assert.ok(tokens.includes(p.yesToken) && tokens.includes(p.noToken) && p.yesToken !== p.noToken);
    for (const t of tokens) assert.match(t, /^\d{70,}$/);
  }
  const esports = cat.gamma.events.filter((e) => e.series.length > 0);
  assert.ok(esports.length > 0 && esports.every((e) => e.markets.length === 3));
});

test('listing server: Kalshi cursor pages and filters, Gamma slug batches and series events', async () => {
  const cat = generateCatalog({ seed: 1 });
  const srv = await startCatalogServer(cat);
  try {
    const get = async (url: string): Promise<{ status: number; body: Record<string, unknown> & unknown[] }> => {
      const r = await fetch(url);
      return { status: r.status, body: (await r.json()) as Record<string, unknown> & unknown[] };
    };
    const all: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const r = await get(`${srv.kalshiBase}/markets?series_ticker=KXNBAGAME&status=open&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      pages++;
      for (const m of r.body.markets as { ticker: string }[]) all.push(m.ticker);
      cursor = r.body.cursor as string;
    } while (cursor);
    const want = cat.kalshi.markets.filter((m) => m.ticker.startsWith('KXNBAGAME-') && m.status === 'active').map((m) => m.ticker);
    assert.deepEqual(all, want);
    assert.equal(pages, Math.ceil(want.length / 4));
    assert.equal((await get(`${srv.kalshiBase}/markets?series_ticker=KXNBAGAME&limit=5000`)).status, 400);
    assert.equal((await get(`${srv.kalshiBase}/markets/NOPE`)).body.error !== undefined, true);
    const slugs = cat.gamma.markets.slice(0, 3).map((m) => m.slug);
    const g = await get(`${srv.gammaBase}/markets?${slugs.map((s) => `slug=${s}`).join('&')}&slug=missing`);
    assert.deepEqual((g.body as { slug: string }[]).map((m) => m.slug), slugs);
    assert.deepEqual(srv.stats.gammaSlugsPerRequest, [4]);
    const ev = await get(`${srv.gammaBase}/events?series_id=10311&closed=false&limit=100`);
    assert.ok((ev.body as { slug: string }[]).length > 0 && (ev.body as { slug: string }[]).every((e) => e.slug.startsWith('lol-')));
    srv.faults.gamma429 = 1;
    srv.faults.gammaRetryAfter = '1';
    const r429 = await fetch(`${srv.gammaBase}/markets?slug=x`);
    assert.equal(r429.status, 429);
    assert.equal(r429.headers.get('retry-after'), '1');
    await r429.body?.cancel();
  } finally {
    await srv.close();
  }
});
