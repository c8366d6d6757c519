// Settlement decision rules, the venues' market objects read as verdicts, the public reader's
// CLOB -> Gamma fallback over real sockets, and the SETTLEMENT_* configuration.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@parity/trading';
import { decide, type VenueVerdict } from '../src/settlement/verdict.ts';
import { HttpResolutionReader, clobVerdict, gammaVerdict, kalshiVerdict } from '../src/settlement/venue-reads.ts';
import { parseSettlementConfig } from '../src/config/settlement.ts';

const yes = (detail = 'x'): VenueVerdict => ({ state: 'resolved', winner: 'yes', detail });
const no = (detail = 'x'): VenueVerdict => ({ state: 'resolved', winner: 'no', detail });
const open: VenueVerdict = { state: 'open', detail: 'trading' };
const voided: VenueVerdict = { state: 'void', detail: 'scalar' };
const unknown: VenueVerdict = { state: 'unknown', detail: 'unreachable' };
const both = new Set(['kalshi', 'polymarket'] as const);
const base = { required: both, pendingSinceMs: null, nowMs: 1_000_000, mismatchAlertMs: 60_000 };

test('decide: settles only on agreement of every venue holding positions; disagreement alerts at once; one-sided resolution waits, then alerts', () => {
  assert.deepEqual(decide({ ...base, kalshi: yes(), polymarket: yes() }), { action: 'settle', winner: 'yes' });
  assert.deepEqual(decide({ ...base, kalshi: no(), polymarket: no() }), { action: 'settle', winner: 'no' });
  assert.deepEqual(decide({ ...base, kalshi: open, polymarket: open }), { action: 'wait', reason: 'unresolved' });
  assert.deepEqual(decide({ ...base, kalshi: unknown, polymarket: open }), { action: 'wait', reason: 'unresolved' });
  const d = decide({ ...base, kalshi: yes(), polymarket: no() });
  assert.equal(d.action, 'alert');
  assert.equal(d.action === 'alert' && d.reason, 'venues_disagree');
  for (const other of [open, voided, unknown]) {
    assert.deepEqual(decide({ ...base, kalshi: yes(), polymarket: other }), { action: 'wait', reason: 'pending_other_venue' }, other.state);
    const late = decide({ ...base, kalshi: yes(), polymarket: other, pendingSinceMs: base.nowMs - 60_000 });
    assert.equal(late.action === 'alert' && late.reason, 'resolution_mismatch', other.state);
  }
  // Positions on Kalshi only: Kalshi's result settles them; Polymarket still open does not block...
  const kOnly = new Set(['kalshi'] as const);
  assert.deepEqual(decide({ ...base, required: kOnly, kalshi: yes(), polymarket: open }), { action: 'settle', winner: 'yes' });
  assert.deepEqual(decide({ ...base, required: kOnly, kalshi: yes(), polymarket: null }), { action: 'settle', winner: 'yes' });
  // ...but a contradicting Polymarket answer does, and a Polymarket-only result never settles Kalshi positions.
  assert.equal(decide({ ...base, required: kOnly, kalshi: yes(), polymarket: no() }).action, 'alert');
  assert.deepEqual(decide({ ...base, required: kOnly, kalshi: yes(), polymarket: voided }), { action: 'wait', reason: 'pending_other_venue' });
  assert.deepEqual(decide({ ...base, required: kOnly, kalshi: open, polymarket: yes() }), { action: 'wait', reason: 'pending_other_venue' });
});

test('Kalshi market objects: finalized/settled with yes|no resolve; determined waits; scalar or empty results are void', () => {
  assert.deepEqual(kalshiVerdict({ status: 'finalized', result: 'yes' }), { state: 'resolved', winner: 'yes', detail: 'status finalized, result yes' });
  assert.equal(kalshiVerdict({ status: 'settled', result: 'no' }).state, 'resolved');
  assert.equal(kalshiVerdict({ status: 'active', result: '' }).state, 'open');
  assert.equal(kalshiVerdict({ status: 'determined', result: 'yes' }).state, 'open', 'result known but not paid yet (and may be disputed)');
  assert.equal(kalshiVerdict({ status: 'finalized', result: 'scalar' }).state, 'void');
  assert.equal(kalshiVerdict({ status: 'finalized', result: '' }).state, 'void');
  assert.equal(kalshiVerdict({}).state, 'unknown');
});

test('Polymarket CLOB and Gamma objects map the winning token to Kalshi terms, also when only one of the pair tokens is known', () => {
  const tokens = [{ token_id: 'A', winner: false }, { token_id: 'B', winner: true }];
  // A pays with Kalshi YES, B with Kalshi NO.
  assert.deepEqual(clobVerdict({ closed: true, tokens }, { yes: 'A', no: 'B' }), { state: 'resolved', winner: 'no', detail: 'CLOB market closed, winner flagged' });
  assert.equal((clobVerdict({ closed: true, tokens }, { yes: 'A' }) as { winner?: string }).winner, 'no');
  assert.equal((clobVerdict({ closed: true, tokens }, { no: 'A' }) as { winner?: string }).winner, 'yes');
  assert.equal(clobVerdict({ closed: true, tokens }, { yes: 'C' }).state, 'unknown');
  assert.equal(clobVerdict({ closed: false, tokens }, { yes: 'A' }).state, 'open');
  assert.equal(clobVerdict({ closed: true, tokens: [{ token_id: 'A', winner: false }, { token_id: 'B', winner: false }] }, { yes: 'A' }).state, 'open');
  const g = { closed: true, umaResolutionStatus: 'resolved', clobTokenIds: '["A","B"]', outcomePrices: '["1","0"]' };
  assert.equal((gammaVerdict(g, { yes: 'B' }) as { winner?: string }).winner, 'no');
  assert.equal((gammaVerdict(g, { yes: 'A' }) as { winner?: string }).winner, 'yes');
  assert.equal(gammaVerdict({ ...g, outcomePrices: '["0.5","0.5"]' }, { yes: 'A' }).state, 'void');
  assert.equal(gammaVerdict({ ...g, umaResolutionStatus: 'proposed' }, { yes: 'A' }).state, 'open');
  assert.equal(gammaVerdict({ ...g, closed: false }, { yes: 'A' }).state, 'open');
});

async function serve(routes: Record<string, unknown>): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = routes[req.url ?? ''];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits };
}

test('reader over HTTP: a closed CLOB market without a winner flag is asked of Gamma; an unreachable venue is unknown, never a result', async () => {
  const s = await serve({
    '/trade-api/v2/markets/KX-1': { market: { ticker: 'KX-1', status: 'finalized', result: 'no' } },
    '/markets-by-token/A': { condition_id: '0xc1', primary_token_id: 'A', secondary_token_id: 'B' },
    '/markets/0xc1': { condition_id: '0xc1', closed: true, tokens: [{ token_id: 'A', winner: false }, { token_id: 'B', winner: false }] },
    '/markets?clob_token_ids=A': [{ closed: true, umaResolutionStatus: 'resolved', clobTokenIds: '["A","B"]', outcomePrices: '["0","1"]' }],
  });
  const reader = new HttpResolutionReader({ kalshiApiBase: `${s.url}/trade-api/v2`, polyClobUrl: s.url, polyGammaUrl: s.url, timeoutMs: 2000 });
  const dead = new HttpResolutionReader({ kalshiApiBase: 'http://127.0.0.1:9/trade-api/v2', polyClobUrl: 'http://127.0.0.1:9', polyGammaUrl: 'http://127.0.0.1:9', timeoutMs: 2000 });
  try {
    assert.deepEqual(await reader.kalshi('KX-1'), { state: 'resolved', winner: 'no', detail: 'status finalized, result no' });
    assert.equal((await reader.kalshi('KX-404')).state, 'unknown');
    const p = await reader.polymarket({ yes: 'A', no: 'B' });
    assert.equal(p.state === 'resolved' && p.winner, 'no', JSON.stringify(p));
    assert.ok(s.hits.includes('/markets?clob_token_ids=A'), 'Gamma was asked');
    // The condition id is looked up once per token.
    await reader.polymarket({ yes: 'A', no: 'B' });
    assert.equal(s.hits.filter((h) => h === '/markets-by-token/A').length, 1);
    assert.equal((await dead.kalshi('KX-1')).state, 'unknown');
    assert.equal((await dead.polymarket({ yes: 'A' })).state, 'unknown');
  } finally {
    await reader.close();
    await dead.close();
    await new Promise((ok) => s.server.close(ok));
  }
});

test('SETTLEMENT_* configuration: defaults, overrides, and every bad value named in one error', () => {
  const d = parseSettlementConfig({});
  assert.deepEqual([d.enabled, d.pollMs, d.mismatchAlertMs, d.httpTimeoutMs], [true, 300_000, 21_600_000, 10_000]);
  assert.equal(d.kalshiApiBase, 'https://api.elections.kalshi.com/trade-api/v2');
  const c = parseSettlementConfig({ SETTLEMENT_ENABLED: 'off', SETTLEMENT_POLL_MS: '1000', POLY_CLOB_URL: 'http://127.0.0.1:1/' });
  assert.deepEqual([c.enabled, c.pollMs, c.polyClobUrl], [false, 1000, 'http://127.0.0.1:1']);
  assert.throws(
    () => parseSettlementConfig({ SETTLEMENT_ENABLED: 'maybe', SETTLEMENT_POLL_MS: '5', POLY_GAMMA_URL: 'ftp://x' }),
    (e: unknown) => e instanceof ConfigError && /SETTLEMENT_ENABLED/.test(e.message) && /SETTLEMENT_POLL_MS/.test(e.message) && /POLY_GAMMA_URL/.test(e.message),
  );
});
