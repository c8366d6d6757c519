// The Gamma client at the venue edge: batching, 429/Retry-After, malformed responses reported per
// item (and per request) while the rest of the batch is kept. Real HTTP on 127.0.0.1.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GammaClient, parseGammaMarket, parseRetryAfter } from '@parity/trading/polymarket/gamma.ts';

type Handler = (slugs: string[], url: URL) => { status: number; body: string; headers?: Record<string, string> };
let handler: Handler;
let server: Server;
let base: string;
const seen: string[][] = [];

const market = (slug: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: '1',
  slug,
  question: `${slug}?`,
  conditionId: '0xabc',
  outcomes: '["Yes", "No"]',
  clobTokenIds: `["${slug.length}111", "${slug.length}222"]`,
  active: true,
  closed: false,
  negRisk: false,
  ...extra,
});

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const slugs = url.searchParams.getAll('slug');
    seen.push(slugs);
    const r = handler(slugs, url);
    res.writeHead(r.status, { 'content-type': 'application/json', ...(r.headers ?? {}) });
    res.end(r.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const client = (sleeps: number[] = [], opts: { maxAttempts?: number } = {}): GammaClient =>
  new GammaClient({ baseUrl: base, sleep: async (ms) => void sleeps.push(ms), ...opts });

test('batches of at most 50 slugs, duplicates removed, only requested slugs kept', async () => {
  seen.length = 0;
  handler = (slugs) => ({ status: 200, body: JSON.stringify([...slugs.filter((s) => !s.endsWith('-7')).map((s) => market(s)), market('not-asked-for')]) });
  const slugs = Array.from({ length: 120 }, (_, i) => `s-${i}`);
  const r = await client().marketsBySlugs([...slugs, 's-1', 's-2']);
  assert.deepEqual(seen.map((s) => s.length), [50, 50, 20]);
  assert.equal(r.requests, 3);
  assert.equal(r.markets.size, 119);
  assert.ok(!r.markets.has('s-7') && !r.markets.has('not-asked-for'));
  assert.deepEqual(r.markets.get('s-3')!.outcomes, ['Yes', 'No']);
  assert.equal(r.issues.length, 0);
});

test('HTTP 429 waits for Retry-After, then succeeds', async () => {
  seen.length = 0;
  let n = 0;
  handler = (slugs) => (n++ < 2 ? { status: 429, body: '{"error":"rate limited"}', headers: { 'retry-after': '2' } } : { status: 200, body: JSON.stringify(slugs.map((s) => market(s))) });
  const sleeps: number[] = [];
  const r = await client(sleeps).marketsBySlugs(['a', 'b']);
  assert.deepEqual(sleeps, [2000, 2000]);
  assert.equal(r.requests, 3);
  assert.equal(r.markets.size, 2);
});

test('HTTP 429 without Retry-After backs off exponentially; giving up marks the slugs failed, not missing', async () => {
  handler = () => ({ status: 429, body: '' });
  const sleeps: number[] = [];
  const r = await client(sleeps, { maxAttempts: 4 }).marketsBySlugs(['x', 'y']);
  assert.deepEqual(sleeps, [250, 500, 1000]);
  assert.deepEqual([...r.failedSlugs].sort(), ['x', 'y']);
  assert.equal(r.markets.size, 0);
  assert.match(r.issues[0]!.message, /HTTP 429 after 4 attempts/);
});

test('a malformed response is reported naming the request; the other batches carry on', async () => {
  let call = 0;
  handler = (slugs) => (call++ === 0 ? { status: 200, body: '{"oops": true}' } : { status: 200, body: JSON.stringify(slugs.map((s) => market(s))) });
  const slugs = Array.from({ length: 60 }, (_, i) => `m-${i}`);
  const r = await new GammaClient({ baseUrl: base, concurrency: 1 }).marketsBySlugs(slugs);
  assert.equal(r.issues.length, 1);
  assert.match(r.issues[0]!.message, /Gamma \/markets lookup of 50 slug\(s\) starting with "m-0": response is not a JSON array \(got object\)/);
  assert.equal(r.failedSlugs.size, 50);
  assert.equal(r.markets.size, 10);
  call = 0;
  handler = () => ({ status: 200, body: 'not json at all' });
  const r2 = await client().marketsBySlugs(['q']);
  assert.match(r2.issues[0]!.message, /response is not JSON/);
  assert.ok(r2.failedSlugs.has('q'));
});

test('a malformed market is reported by slug; the rest of its batch is kept', async () => {
  handler = () => ({
    status: 200,
    body: JSON.stringify([
      market('good'),
      market('bad-json', { clobTokenIds: '[not json' }),
      market('bad-count', { clobTokenIds: '["1"]' }),
      market('bad-version', { version: 'v9' }),
      market('bad-token', { clobTokenIds: '["12a", "3"]' }),
      market('no-negrisk', { negRisk: undefined }),
      { slug: 'bad-active', outcomes: '["A","B"]', clobTokenIds: '["1","2"]', active: 'yes' },
      'garbage',
    ]),
  });
  const r = await client().marketsBySlugs(['good', 'bad-json', 'bad-count', 'bad-version', 'bad-token', 'no-negrisk', 'bad-active']);
  assert.deepEqual([...r.markets.keys()].sort(), ['good', 'no-negrisk']);
  assert.equal(r.markets.get('no-negrisk')!.negRisk, null, 'a missing negRisk is unknown, not false');
  const msgs = r.issues.map((i) => `${i.item}: ${i.message}`);
  assert.ok(msgs.some((m) => /^bad-json: malformed Gamma market "bad-json": "clobTokenIds" is not a JSON-encoded array/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /^bad-count: .*2 outcomes but 1 token ids/.test(m)));
  assert.ok(msgs.some((m) => /^bad-version: .*unknown "version" "v9"/.test(m)));
  assert.ok(msgs.some((m) => /^bad-token: .*token id "12a" is not a decimal integer/.test(m)));
  assert.ok(msgs.some((m) => /^bad-active: .*"active" is not a boolean/.test(m)));
  assert.ok(msgs.some((m) => /^item #7: .*not an object/.test(m)));
  assert.deepEqual([...r.failedSlugs].sort(), ['bad-active', 'bad-count', 'bad-json', 'bad-token', 'bad-version']);
});

test('v2 markets trade positionIds; gameStartTime in Gamma\'s format is an instant', () => {
  const p = parseGammaMarket(market('v2', { version: 'v2', positionIds: ['77', '88'], gameStartTime: '2026-01-18 00:30:00+00', line: '-3.5' }));
  assert.ok(p.ok);
  assert.deepEqual(p.market.tokenIds, ['77', '88']);
  assert.equal(p.market.orderVersion, 3);
  assert.equal(p.market.gameStartMs, Date.UTC(2026, 0, 18, 0, 30));
  assert.equal(p.market.line, -3.5);
  assert.equal(parseRetryAfter('7'), 7000);
  assert.equal(parseRetryAfter(new Date(Date.now() + 5000).toUTCString(), Date.now()) !== null, true);
  assert.equal(parseRetryAfter('soon'), null);
});

test('404 is "none listed"; other errors are reported, never silently "no match" (§5.2 #15)', async () => {
  handler = () => ({ status: 404, body: '{"error":"not found"}' });
  const r = await client().marketsBySlugs(['a']);
  assert.equal(r.issues.length, 0);
  assert.equal(r.failedSlugs.size, 0);
  handler = () => ({ status: 400, body: '{"error":"bad query"}' });
  const r2 = await client().marketsBySlugs(['a']);
  assert.match(r2.issues[0]!.message, /HTTP 400/);
  assert.ok(r2.failedSlugs.has('a'));
});
