// The simulated Gamma API over a real socket: batched slug lookups, ids, condition ids, the
// JSON-encoded array fields, events, and the error shape of a malformed query.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { SimContext } from '../src/context.ts';
import { startPolymarketVenue, type PolymarketVenueHandle } from '../src/polymarket/index.ts';
import { newPolymarketMarket } from '../src/polymarket/catalog.ts';
import type { SimMarket } from '../src/markets.ts';

let ctx: SimContext;
let pm: PolymarketVenueHandle;
const markets: SimMarket[] = [];

before(async () => {
  ctx = new SimContext({ seed: 5 });
  const teams: [string, string, string, string][] = [
    ['bos', 'atl', 'Boston Celtics', 'Atlanta Hawks'],
    ['lal', 'gsw', 'Los Angeles Lakers', 'Golden State Warriors'],
    ['nyk', 'mia', 'New York Knicks', 'Miami Heat'],
  ];
  for (const [a, b, an, bn] of teams) {
    const slug = `nba-${a}-${b}-2026-11-25`;
    markets.push(ctx.addMarket(newPolymarketMarket(ctx.rng, { question: `${an} vs. ${bn}`, slug, outcomes: [an, bn], eventSlug: slug, gameStartTime: '2026-11-26 00:30:00+00', sportsMarketType: 'moneyline' })));
  }
  // A 3-way soccer event: one neg-risk yes/no market per outcome.
  for (const o of ['ars', 'che', 'draw']) {
    markets.push(ctx.addMarket(newPolymarketMarket(ctx.rng, { question: o === 'draw' ? 'Arsenal vs. Chelsea: draw?' : `Will ${o} win?`, slug: `epl-ars-che-2026-11-28-${o}`, outcomes: ['Yes', 'No'], negRisk: true, eventSlug: 'epl-ars-che-2026-11-28', eventTitle: 'Arsenal vs. Chelsea', extra: { seriesId: 10188 } })));
  }
  ctx.setMarketStatus(markets[2]!.id, 'closed');
  pm = await startPolymarketVenue(ctx, { host: '127.0.0.1' });
});

after(async () => {
  await pm.close();
  ctx.close();
});

const get = async (path: string): Promise<{ status: number; body: unknown }> => {
  const r = await fetch(`${pm.gammaUrl}${path}`);
  return { status: r.status, body: await r.json() };
};

test('GET /markets?slug=a&slug=b batches many slugs; unknown slugs are simply absent', async () => {
  const slugs = [...markets.map((m) => m.polymarket!.slug), 'nba-xxx-yyy-2026-11-25'];
  const { status, body } = await get(`/markets?${slugs.map((s) => `slug=${encodeURIComponent(s)}`).join('&')}`);
  assert.equal(status, 200);
  const list = body as Record<string, unknown>[];
  assert.equal(list.length, markets.length);
  const bos = list.find((x) => x.slug === 'nba-bos-atl-2026-11-25')!;
  // Arrays arrive as JSON-encoded strings, clobTokenIds[i] aligned with outcomes[i].
  assert.equal(typeof bos.outcomes, 'string');
  assert.deepEqual(JSON.parse(bos.outcomes as string), ['Boston Celtics', 'Atlanta Hawks']);
  assert.deepEqual(JSON.parse(bos.clobTokenIds as string), [markets[0]!.polymarket!.yesTokenId, markets[0]!.polymarket!.noTokenId]);
  assert.equal(JSON.parse(bos.outcomePrices as string).length, 2);
  assert.equal(bos.conditionId, markets[0]!.polymarket!.conditionId);
  assert.equal(bos.negRisk, false);
  assert.equal(bos.active, true);
  assert.equal(bos.closed, false);
  assert.equal(bos.gameStartTime, '2026-11-26 00:30:00+00');
  assert.equal(bos.orderPriceMinTickSize, 0.01);
  assert.equal(bos.orderMinSize, 5);
  assert.deepEqual(bos.feeSchedule, { rate: 0.05, exponent: 1, takerOnly: true, rebateRate: 0.25 });
  assert.match(bos.id as string, /^\d+$/);
  const closed = list.find((x) => x.slug === 'nba-nyk-mia-2026-11-25')!;
  assert.deepEqual([closed.active, closed.closed, closed.acceptingOrders], [false, true, false]);
  const ars = list.find((x) => x.slug === 'epl-ars-che-2026-11-28-ars')!;
  assert.equal(ars.negRisk, true);
  assert.match(ars.negRiskMarketID as string, /^0x[0-9a-f]{64}$/);
  // Comma-separated is accepted too; filters combine.
  const open = await get(`/markets?slug=${slugs.slice(0, 3).join(',')}&closed=false`);
  assert.deepEqual((open.body as { slug: string }[]).map((x) => x.slug).sort(), ['nba-bos-atl-2026-11-25', 'nba-lal-gsw-2026-11-25']);
  assert.deepEqual((await get('/markets?slug=nope')).body, []);
});

test('lookups by id, condition id, token id and /markets/slug/{slug}', async () => {
  const all = (await get(`/markets?slug=${markets[1]!.polymarket!.slug}`)).body as { id: string }[];
  const id = all[0]!.id;
  const byId = await get(`/markets/${id}`);
  assert.equal((byId.body as { slug: string }).slug, markets[1]!.polymarket!.slug);
  const byIds = await get(`/markets?id=${id}`);
  assert.equal((byIds.body as unknown[]).length, 1);
  const byCond = await get(`/markets?condition_ids=${markets[3]!.polymarket!.conditionId}`);
  assert.equal((byCond.body as { slug: string }[])[0]!.slug, 'epl-ars-che-2026-11-28-ars');
  const byTok = await get(`/markets?clob_token_ids=${markets[4]!.polymarket!.noTokenId}`);
  assert.equal((byTok.body as { slug: string }[])[0]!.slug, 'epl-ars-che-2026-11-28-che');
  const bySlug = await get('/markets/slug/epl-ars-che-2026-11-28-draw');
  assert.equal((bySlug.body as { question: string }).question, 'Arsenal vs. Chelsea: draw?');
  const missing = await get('/markets/slug/nope');
  assert.equal(missing.status, 404);
  assert.deepEqual(Object.keys(missing.body as object).sort(), ['error', 'type']);
});

test('events group markets by event slug and series', async () => {
  const ev = await get('/events?slug=epl-ars-che-2026-11-28');
  const list = ev.body as { title: string; negRisk: boolean; markets: { slug: string }[] }[];
  assert.equal(list.length, 1);
  assert.equal(list[0]!.title, 'Arsenal vs. Chelsea');
  assert.equal(list[0]!.negRisk, true);
  assert.equal(list[0]!.markets.length, 3);
  const series = await get('/events?series_id=10188&closed=false&limit=100');
  assert.equal((series.body as unknown[]).length, 1);
  const closed = await get('/events?closed=true');
  assert.deepEqual((closed.body as { slug: string }[]).map((e) => e.slug), ['nba-nyk-mia-2026-11-25']);
});

test('a malformed query is answered in the Gamma error shape', async () => {
  for (const q of ['/markets?closed=maybe', '/markets?limit=-1', '/markets?id=abc', '/markets/abc', '/events?offset=x']) {
    const r = await get(q);
    assert.equal(r.status, 422, q);
    assert.equal((r.body as { type: string }).type, 'validation error');
    assert.equal(typeof (r.body as { error: string }).error, 'string');
  }
  const r = await get('/nope');
  assert.equal(r.status, 404);
});
