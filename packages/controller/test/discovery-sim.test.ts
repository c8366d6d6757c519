// Discovery against the full simulator (startSim: its Kalshi venue and Polymarket Gamma) serving
// the generated catalog next to the scenario's own markets: every true pair with the right
// orientation, no trap paired, and any scenario market that pairs agrees with the simulator's own
// pairs file.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { GammaClient } from '@parity/trading/polymarket/gamma.ts';
import { startSim, type SimHandle } from '@parity/sim';
import { generateCatalog, loadCatalog, type SimCatalog } from '@parity/sim/catalog/index.ts';
import { discover } from '../src/discovery/discover.ts';
import { PacedKalshiMarkets } from '../src/discovery/kalshi-markets.ts';
import { loadLeagues } from '../src/discovery/leagues.ts';

let sim: SimHandle;
let catalog: SimCatalog;
let kalshi: PacedKalshiMarkets;

before(async () => {
  sim = await startSim({ scenario: 'static', seed: 5 });
  catalog = generateCatalog({ seed: 5 });
  const loaded = loadCatalog(sim.ctx, catalog);
  assert.equal(loaded.kalshiMarkets, catalog.kalshi.markets.length);
  kalshi = new PacedKalshiMarkets({ baseUrl: sim.urls.kalshiApiBase, rps: Infinity });
});
after(async () => {
  await kalshi?.close();
  await sim?.close();
});

test('the simulator serves the catalog: every true pair found with the right orientation, no trap paired', async () => {
  const data = loadLeagues();
  const r = await discover({ data, kalshi, gamma: new GammaClient({ baseUrl: sim.urls.polyGamma }) });
  const byTicker = new Map(r.candidates.map((c) => [c.kalshiTicker, c]));
  for (const p of catalog.truth.pairs) {
    const c = byTicker.get(p.kalshiTicker);
    assert.equal(c?.verdict, 'paired', `${p.kalshiTicker}: ${c?.reasons.join(' | ')}`);
    assert.equal(c.orientation?.yesToken, p.yesToken, `${p.kalshiTicker} YES token`);
    assert.equal(c.orientation?.noToken, p.noToken);
  }
  for (const t of catalog.truth.traps) {
    for (const k of t.kalshiTickers) {
      const c = byTicker.get(k);
      assert.ok(c && c.verdict !== 'paired', `trap ${t.kind} ${k}`);
      assert.equal(c.verdict, t.expect, `trap ${t.kind} ${k}: ${c.reasons.join(' | ')}`);
    }
  }
  // Markets of the scenario itself: if discovery pairs one, it must agree with the simulator's pairs.
  const simPairs = new Map(sim.pairs.map((p) => [p.kalshi_ticker, p]));
  const truth = new Set(catalog.truth.pairs.map((p) => p.kalshiTicker));
  for (const c of r.candidates) {
    if (c.verdict !== 'paired' || truth.has(c.kalshiTicker)) continue;
    const sp = simPairs.get(c.kalshiTicker);
    assert.ok(sp, `${c.kalshiTicker} paired but is neither a catalog nor a scenario pair`);
    const yes = sp.kalshi_yes_pays_with === 'poly_yes' ? sp.poly_yes_token : sp.poly_no_token;
    assert.equal(c.orientation?.yesToken, yes, `${c.kalshiTicker}: orientation agrees with the scenario's pairs file`);
  }
});
