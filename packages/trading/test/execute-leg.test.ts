import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeLeg, resolveLeg } from '../src/execution/leg.ts';
import { VenueError } from '../src/errors.ts';
import type { LegRequest, LegVenueClient, VenueOrderReport } from '../src/execution/types.ts';

const kalshiLeg: LegRequest = {
  legId: 'test-leg', platform: 'kalshi', action: 'buy', side: 'yes', price: 5000, contracts: 1000, kalshiTicker: 'TEST-TICKER',
};
const polyLeg: LegRequest = {
  legId: 'test-leg', platform: 'polymarket', action: 'buy', side: 'no', price: 4500, contracts: 500, polyToken: '123',
};

/** A venue client double that answers with a fixed report (or error) and records calls. */
function fakeClient(answer: VenueOrderReport | VenueError, lookup: VenueOrderReport | null = null): LegVenueClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    platform: 'kalshi',
    calls,
    clientOrderIdFor: (r) => `p-${r.legId}`,
    submitLeg: async (r) => {
      calls.push(`submit ${r.legId}`);
      if (answer instanceof VenueError) throw answer;
      return answer;
    },
    lookupLeg: async (r) => {
      calls.push(`lookup ${r.legId}`);
      return lookup;
    },
  };
}

test('dry run succeeds without clients (seed semantics)', async () => {
  for (const leg of [kalshiLeg, polyLeg]) {
    const r = await executeLeg(leg, {}, { dryRun: true });
    assert.equal(r.success, true);
    assert.equal(r.status, 'dry_run');
    assert.equal(r.filledContracts, 0);
  }
});

test('missing ticker / token and missing clients are errors, not successes', async () => {
  const a = await executeLeg({ ...kalshiLeg, kalshiTicker: undefined }, {}, { dryRun: false });
  assert.equal(a.success, false);
  assert.match(a.error!, /Missing kalshi_ticker/);
  assert.equal(a.errorKind, 'validation');
  const b = await executeLeg({ ...polyLeg, polyToken: undefined }, {}, { dryRun: true });
  assert.match(b.error!, /Missing poly_token/);
  const c = await executeLeg(kalshiLeg, {}, { dryRun: false });
  assert.match(c.error!, /Kalshi client not available/);
  assert.equal(c.errorKind, 'no_client');
  const d = await executeLeg(polyLeg, { kalshi: fakeClient(new VenueError('auth', 'x')) }, { dryRun: false });
  assert.match(d.error!, /Polymarket client not available/);
});

test('bad prices, sizes and platforms are refused before any client is called', async () => {
  const client = fakeClient(new VenueError('venue', 'should not be called'));
  for (const bad of [
    { price: 0 }, { price: 10000 }, { price: -5 }, { price: 12.5 }, { contracts: 0 }, { contracts: -100 },
    { platform: 'binance' as never }, { side: 'maybe' as never }, { action: 'hold' as never },
  ]) {
    const r = await executeLeg({ ...kalshiLeg, ...bad }, { kalshi: client }, { dryRun: false });
    assert.equal(r.success, false, JSON.stringify(bad));
    assert.equal(r.errorKind, 'validation');
  }
  assert.deepEqual(client.calls, []);
});

test('a partial fill is reported as partial, never as filled', async () => {
  const client = fakeClient({ status: 'partial', filledContracts: 500, costMicros: 500 * 5000, feesMicros: 90_000, venueOrderId: 'o1', clientOrderId: 'p-test-leg' });
  const r = await executeLeg(kalshiLeg, { kalshi: client }, { dryRun: false });
  assert.equal(r.success, false);
  assert.equal(r.status, 'partial');
  assert.equal(r.filledContracts, 500);
  assert.equal(r.avgPrice, 5000);
  assert.equal(r.feesMicros, 90_000);
  assert.equal(r.clientOrderId, 'p-test-leg');
});

test('a full fill succeeds and carries the venue details', async () => {
  const client = fakeClient({ status: 'filled', filledContracts: 1000, costMicros: 4_900_000, feesMicros: 180_000, venueOrderId: 'o2', clientOrderId: 'p-test-leg' });
  const r = await executeLeg(kalshiLeg, { kalshi: client }, { dryRun: false });
  assert.equal(r.success, true);
  assert.equal(r.avgPrice, 4900);
  assert.equal(r.venueOrderId, 'o2');
});

test('venue errors keep their kind; a timeout leaves the outcome unknown and lookup resolves it', async () => {
  const rej = await executeLeg(kalshiLeg, { kalshi: fakeClient(new VenueError('insufficient_balance', 'insufficient balance')) }, { dryRun: false });
  assert.equal(rej.status, 'rejected');
  assert.equal(rej.errorKind, 'insufficient_balance');
  const found: VenueOrderReport = { status: 'filled', filledContracts: 1000, costMicros: 5_000_000, feesMicros: 0, venueOrderId: 'o3', clientOrderId: 'p-test-leg' };
  const client = fakeClient(new VenueError('timeout', 'no answer in 5000 ms'), found);
  const t = await executeLeg(kalshiLeg, { kalshi: client }, { dryRun: false });
  assert.equal(t.status, 'unknown');
  assert.equal(t.clientOrderId, 'p-test-leg');
  const resolved = await resolveLeg(kalshiLeg, { kalshi: client });
  assert.equal(resolved.status, 'filled');
  assert.deepEqual(client.calls, ['submit test-leg', 'lookup test-leg']);
  const none = await resolveLeg(kalshiLeg, { kalshi: fakeClient(new VenueError('timeout', 't'), null) });
  assert.equal(none.status, 'unfilled');
});
