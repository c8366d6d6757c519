// The whole market-data pipeline against the simulator over real sockets: the app built from the
// simulator's environment (pairs file, venue URLs, Kalshi key), injected arbitrage windows, and
// venue faults (seq gap, silent freeze, dropped socket). Timings are kept short through the
// documented knobs (KALSHI_WS_STALE_MS, POLY_WS_*, ARB_MAX_BOOK_AGE_MS, the sim's heartbeat);
// the measured detection latencies are reported as diagnostics, never asserted (shared machine).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type SimHandle } from '@parity/sim';
import { createMarketDataApp, type MarketDataApp } from '../src/app.ts';
import type { Opportunity } from '../src/model.ts';
import type { PairState } from '../src/books/pair-state.ts';
import { waitFor } from './marketdata-helpers.ts';

type Ev =
  | { kind: 'invalidate'; venue: 'kalshi' | 'polymarket'; markets: readonly string[]; at: number }
  | { kind: 'snapshot'; venue: 'kalshi' | 'polymarket'; market: string; ok: boolean; at: number }
  | { kind: 'opportunity'; opp: Opportunity; tradeable: boolean; at: number };

let sim: SimHandle;
let app: MarketDataApp;
const events: Ev[] = [];
const opps: Opportunity[] = [];

before(async () => {
  sim = await startSim({ seed: 11, scenario: 'demo', arbs: false, kalshiHeartbeatMs: 200 });
  app = createMarketDataApp({
    env: {
      ...sim.env,
      KALSHI_WS_PING_MS: '200',
      KALSHI_WS_STALE_MS: '1500',
      POLY_WS_PING_MS: '200',
      POLY_WS_STALE_MS: '1500',
      ARB_MAX_BOOK_AGE_MS: '1500',
      MD_RESYNC_TIMEOUT_MS: '3000',
      MD_RECONNECT_MAX_MS: '500',
      ARB_REPEAT_MS: '0',
    },
    sink: (opp) => {
      // At emission, every book the opportunity uses must be in sync and fresh.
      const ps = app.store.pairs.get(opp.pairId)!;
      opps.push(opp);
      events.push({ kind: 'opportunity', opp, tradeable: usesTradeableBooks(ps, opp), at: Date.now() });
    },
  });
  // Record the book lifecycle around the sink calls (order of events, not timing).
  const s = app.store;
  const kInv = s.kalshiInvalidate.bind(s);
  s.kalshiInvalidate = (t, r) => {
    events.push({ kind: 'invalidate', venue: 'kalshi', markets: [...t], at: Date.now() });
    kInv(t, r);
  };
  const pInv = s.polyInvalidate.bind(s);
  s.polyInvalidate = (a, r) => {
    events.push({ kind: 'invalidate', venue: 'polymarket', markets: [...a], at: Date.now() });
    pInv(a, r);
  };
  const kSnap = s.kalshiSnapshot.bind(s);
  s.kalshiSnapshot = (t, y, n, at, live) => {
    const ok = kSnap(t, y, n, at, live);
    events.push({ kind: 'snapshot', venue: 'kalshi', market: t, ok, at: Date.now() });
    return ok;
  };
  const pBook = s.polyBook.bind(s);
  s.polyBook = (a, b, k, at, live) => {
    const ok = pBook(a, b, k, at, live);
    events.push({ kind: 'snapshot', venue: 'polymarket', market: a, ok, at: Date.now() });
    return ok;
  };
  app.start();
  await waitFor(() => app.tradeablePairs() === app.store.pairs.size && app.fees.pending().poly.length === 0 && app.fees.pending().kalshi.length === 0, 'all pairs tradeable with venue fees', 20_000);
});

after(async () => {
  await app?.stop();
  await sim?.close();
});

function usesTradeableBooks(ps: PairState, opp: Opportunity): boolean {
  const now = Date.now();
  const max = app.config.detection.maxBookAgeMs;
  return opp.legs.every((l) => {
    const b = l.platform === 'kalshi' ? ps.kalshi : l.polyToken === ps.pair.polyYesToken ? ps.polyYesBook : ps.polyNoBook;
    return b.tradeable && now - b.confirmedAtMs() <= max;
  });
}

/**
 * No opportunity for `pairId` using `venue` between an invalidation of that venue's book and the
 * next good snapshot of it.
 */
function assertNoOpportunityWhileInvalid(pairId: string, venue: 'kalshi' | 'polymarket', markets: string[]): void {
  const invalid = new Set<string>();
  for (const e of events) {
    if (e.kind === 'invalidate' && e.venue === venue) for (const m of e.markets) if (markets.includes(m)) invalid.add(m);
    if (e.kind === 'snapshot' && e.venue === venue && e.ok) invalid.delete(e.market);
    if (e.kind === 'opportunity' && e.opp.pairId === pairId) {
      const used = e.opp.legs.filter((l) => l.platform === venue).map((l) => l.kalshiTicker ?? l.polyToken!);
      assert.ok(!used.some((m) => invalid.has(m)), `opportunity ${e.opp.id} emitted while its ${venue} book was invalid`);
    }
  }
}

function pairUnderTest(i: number): PairState {
  const id = sim.pairs[i]!.id ?? sim.pairs[i]!.kalshi_ticker;
  return app.store.pairs.get(id)!;
}

test('a consistent market (fees included) yields no opportunity', () => {
  assert.equal(opps.length, 0, `unexpected: ${JSON.stringify(opps[0])}`);
  assert.equal(app.store.badFrames.total, 0);
});

test('injected arbitrage windows are detected with the expected type, size and profit', async (t) => {
  for (const [i, type, venue] of [
    [0, 'kalshi_yes_poly_no', 'kalshi'],
    [1, 'poly_yes_kalshi_no', 'kalshi'],
    [2, 'kalshi_yes_poly_no', 'polymarket'],
  ] as const) {
    const ps = pairUnderTest(i);
    const before = opps.length;
    const t0 = Date.now();
    const w = sim.injectArb({ pairIndex: i, type, venue, durationMs: 4_000 });
    await waitFor(() => opps.slice(before).some((o) => o.pairId === ps.pair.id), `opportunity on ${ps.pair.id}`);
    const o = opps.slice(before).find((x) => x.pairId === ps.pair.id)!;
    assert.equal(o.type, type);
    assert.equal(o.contracts, w.size, 'size = the window size');
    const kLeg = o.legs.find((l) => l.platform === 'kalshi')!;
    const pLeg = o.legs.find((l) => l.platform === 'polymarket')!;
    assert.equal(kLeg.side, w.kalshiLeg.side);
    assert.equal(kLeg.price, w.kalshiLeg.px);
    assert.equal(pLeg.polyToken, w.polyLeg.token);
    assert.equal(pLeg.price, w.polyLeg.px);
    // The simulator charges the venues' fees; our estimate must agree to the cent.
    assert.ok(Math.abs(o.expectedProfitMicros - w.profitMicros) <= 10_000, `profit ${o.expectedProfitMicros} vs window ${w.profitMicros}`);
    assert.ok(o.feesMicros > 0, 'fees are charged on both venues');
    assert.ok(o.bookAgeMs.kalshi >= 0 && o.bookAgeMs.polymarket >= 0);
    t.diagnostic(`window ${w.id} detected after ${Date.now() - t0} ms`);
  }
  assert.ok(events.filter((e) => e.kind === 'opportunity').every((e) => e.kind !== 'opportunity' || e.tradeable));
});

test('a Kalshi seq gap: books untradeable on the next frame, resynced, no opportunity in between', async (t) => {
  const ps = pairUnderTest(3);
  const w = sim.injectArb({ pairIndex: 3, type: 'kalshi_yes_poly_no', durationMs: 8_000 });
  await waitFor(() => opps.some((o) => o.pairId === ps.pair.id && o.detectedAtMs >= w.openedAt), 'arb seen before the gap');
  const inv = app.store.invalidations.kalshi;
  const snaps = events.filter((e) => e.kind === 'snapshot' && e.venue === 'kalshi').length;
  const t0 = Date.now();
  sim.faults.seqGap(1);
  await waitFor(() => app.store.invalidations.kalshi > inv, 'gap detected');
  const tGap = Date.now() - t0;
  await waitFor(() => ps.kalshi.tradeable && events.filter((e) => e.kind === 'snapshot' && e.venue === 'kalshi').length >= snaps + app.store.kalshiBooks.size, 'resynced');
  const before = opps.length;
  await waitFor(() => opps.slice(before).some((o) => o.pairId === ps.pair.id), 'the still-open arb is seen again after the resync');
  t.diagnostic(`gap -> untradeable in ${tGap} ms`);
  assertNoOpportunityWhileInvalid(ps.pair.id, 'kalshi', [ps.pair.kalshiTicker]);
});

test('a silent Kalshi freeze: untradeable by the watchdog, no opportunity while frozen, tradeable after reconnect', async (t) => {
  const ps = pairUnderTest(4);
  const connects = (app.feeds.kalshi as unknown as { connects: number }).connects;
  const t0 = Date.now();
  const fault = sim.faults.freeze('kalshi');
  await waitFor(() => !ps.kalshi.tradeable || Date.now() - ps.kalshi.confirmedAtMs() > app.config.detection.maxBookAgeMs, 'frozen book not usable', 15_000);
  t.diagnostic(`freeze -> unusable in ${Date.now() - t0} ms`);
  // An arb opens while we are blind to Kalshi (Polymarket quotes move): it must not be acted on.
  const w = sim.injectArb({ pairIndex: 4, type: 'poly_yes_kalshi_no', venue: 'polymarket', durationMs: 10_000 });
  const evals = ps.evaluations;
  await waitFor(() => ps.evaluations >= evals + 3, 'detection ran on Polymarket updates during the freeze');
  assert.ok(!opps.some((o) => o.pairId === ps.pair.id && o.detectedAtMs >= w.openedAt), 'no opportunity from a frozen book');
  await waitFor(() => (app.feeds.kalshi as unknown as { connects: number }).connects > connects, 'watchdog reconnects', 15_000);
  sim.faults.remove(fault.id);
  await waitFor(() => ps.kalshi.tradeable, 'tradeable after the freeze', 15_000);
  await waitFor(() => opps.some((o) => o.pairId === ps.pair.id && o.detectedAtMs >= w.openedAt), 'the arb is detected once Kalshi is back');
  assertNoOpportunityWhileInvalid(ps.pair.id, 'kalshi', [ps.pair.kalshiTicker]);
});

test('dropped sockets on both venues: invalidated, reconnected, resubscribed; a Polymarket freeze trips its watchdog', async () => {
  const ps = pairUnderTest(5);
  const kInv = app.store.invalidations.kalshi;
  sim.faults.dropWs('kalshi');
  await waitFor(() => app.store.invalidations.kalshi > kInv, 'Kalshi drop invalidates');
  await waitFor(() => ps.kalshi.tradeable, 'Kalshi back');
  const pInv = app.store.invalidations.polymarket;
  sim.faults.dropWs('polymarket');
  await waitFor(() => app.store.invalidations.polymarket > pInv, 'Polymarket drop invalidates');
  await waitFor(() => ps.polyYesBook.tradeable && ps.polyNoBook.tradeable, 'Polymarket back');
  const pInv2 = app.store.invalidations.polymarket;
  const fault = sim.faults.freeze('polymarket');
  await waitFor(() => app.store.invalidations.polymarket > pInv2, 'Polymarket freeze detected', 15_000);
  assert.equal(ps.polyYesBook.tradeable, false);
  sim.faults.remove(fault.id);
  await waitFor(() => app.tradeablePairs() === app.store.pairs.size, 'everything tradeable again', 15_000);
  for (const p of app.store.pairs.values()) {
    assertNoOpportunityWhileInvalid(p.pair.id, 'kalshi', [p.pair.kalshiTicker]);
    assertNoOpportunityWhileInvalid(p.pair.id, 'polymarket', [p.pair.polyYesToken, p.pair.polyNoToken]);
  }
  assert.ok(events.every((e) => e.kind !== 'opportunity' || e.tradeable), 'every opportunity used tradeable, fresh books');
  assert.equal(app.store.badFrames.total, 0);
});

test('pairs added and removed at run time follow the registry', async () => {
  const ps = pairUnderTest(0);
  const pair = ps.pair;
  assert.equal(app.registry.remove(pair.id), true);
  assert.equal(app.store.pairs.has(pair.id), false);
  assert.equal(app.store.kalshiBooks.has(pair.kalshiTicker), false);
  app.registry.add({ ...pair, id: `${pair.id}-again`, source: 'discovery' });
  await waitFor(() => app.store.pairs.get(`${pair.id}-again`)?.tradeable(Date.now(), app.config.detection.maxBookAgeMs) === true, 're-added pair tradeable');
});
