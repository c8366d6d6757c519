import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, ScenarioError, loadScenario, startSim } from '../src/index.ts';
import type { Json } from './helpers/kalshi.ts';

const YAML_SCENARIO = `
name: scripted
market_maker: { enabled: true, interval_ms: 250, levels: 3, half_spread: 0.02, size: 100, volatility: 0 }
arbs: { enabled: false }
balances: { kalshi: 500, polymarket: 250 }
pairs:
  - id: lakers-celtics
    description: "Lakers at Celtics: Lakers win"
    fair: 0.6
    kalshi: { ticker: KXNBAGAME-26NOV25LALBOS-LAL, fee_type: quadratic_with_maker_fees }
    polymarket: { question: "Lakers vs. Celtics", outcomes: [Lakers, Celtics], tick_size: "0.01", fee_rate: 0.05 }
    kalshi_yes_pays_with: poly_yes
  - id: static-pair
    kalshi: { ticker: KXSTATIC-26-X }
    polymarket: { outcomes: ["Yes", "No"], tick_size: "0.001" }
    kalshi_yes_pays_with: poly_no
    books:
      kalshi: { bids: [[0.30, 10]], asks: [[0.35, 20]] }
      polymarket: { bids: [["0.640", "15"]], asks: [[0.702, 5]] }
faults:
  - { venue: kalshi, kind: latency, params: { ms: 1 } }
events:
  - { at_ms: 200, type: inject_arb, pair: lakers-celtics, edge: 0.01, size: 20, duration_ms: 300 }
  - { at_ms: 1000, type: set_fair, pair: lakers-celtics, fair: 0.7 }
  - { at_ms: 2000, type: fault, fault: { venue: kalshi, kind: http_5xx, count: 1 } }
  - { at_ms: 3000, type: market_status, venue: kalshi, pair: 0, status: closed }
`;

test('a YAML scenario file: static books, market maker, balances, faults and timed events', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parity-scn-'));
  const file = join(dir, 'scripted.yaml');
  await writeFile(file, YAML_SCENARIO);
  const clock = new ManualClock();
  const sim = await startSim({ scenario: file, clock, seed: 2 });
  try {
    assert.equal(sim.scenario.name, 'scripted');
    assert.equal(sim.accounts.kalshi.account.cash, 500_000_000);
    assert.equal(sim.accounts.polymarket.account.cash, 250_000_000);
    assert.deepEqual(sim.pairs.map((p) => [p.id, p.kalshi_yes_pays_with]), [
      ['lakers-celtics', 'poly_yes'],
      ['static-pair', 'poly_no'],
    ]);
    const lal = sim.ctx.market('KXNBAGAME-26NOV25LALBOS-LAL')!;
    // fair 0.60, half spread 0.02 -> 0.58 / 0.62 on a cent grid, three levels each side.
    assert.equal(lal.book.bestBid(), 5800);
    assert.equal(lal.book.bestAsk(), 6200);
    assert.equal(lal.book.levels('bid').length, 3);
    const stat = sim.ctx.market('KXSTATIC-26-X')!;
    assert.deepEqual(stat.book.levels('bid'), [[3000, 1000]]);
    assert.deepEqual(stat.book.levels('ask'), [[3500, 2000]]);
    const polyStatic = sim.ctx.marketByToken(sim.pairs[1]!.poly_yes_token)!.market;
    assert.equal(polyStatic.grid.isOnGrid(6400), true);
    assert.equal(polyStatic.grid.isOnGrid(6405), false);
    assert.equal(polyStatic.grid.isOnGrid(7020), true);
    assert.deepEqual(polyStatic.book.levels('ask'), [[7020, 500]]);
    assert.equal(sim.faults.list().filter((f) => f.kind === 'latency').length, 1);

    clock.advance(250);
    const arb = (await (await fetch(`${sim.urls.admin}/admin/arbs`)).json()) as Json;
    assert.equal(arb.windows.length, 1);
    assert.equal(arb.windows[0].state, 'open');
    assert.equal(arb.windows[0].size, 2000);
    assert.ok(arb.windows[0].edgePx >= 100);
    clock.advance(350);
    assert.equal(sim.ctx.pairs.length, 2);
    assert.equal(((await (await fetch(`${sim.urls.admin}/admin/arbs`)).json()) as Json).windows[0].state, 'expired');
    clock.advance(400);
    assert.equal(lal.book.bestBid(), 6800, 'set_fair moved the quotes');
    clock.advance(1000);
    assert.equal(sim.faults.list().filter((f) => f.kind === 'http_5xx').length, 1);
    clock.advance(1000);
    assert.equal(lal.status, 'closed');
    assert.equal(lal.book.bestBid(), null, 'closing cancelled the resting orders');
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('scenario errors say what is wrong and where', async () => {
  assert.throws(() => loadScenario('nosuch'), (e: Error) => e instanceof ScenarioError && /unknown scenario "nosuch".*demo/.test(e.message));
  assert.throws(() => loadScenario({ pairs: [{ kalshi: { ticker: 'X' }, fair: 2 }] }), (e: Error) => /pairs\.0\.fair/.test(e.message));
  // An unknown key (as from a hand-written file) is an error, not silently ignored.
  assert.throws(() => loadScenario(JSON.parse('{"pairs":[{"kalshi":{"ticker":"X","bogus":1}}]}')), (e: Error) => /bogus/.test(e.message));
  assert.throws(() => loadScenario('/nonexistent/dir/s.yaml'), (e: Error) => /cannot read scenario file/.test(e.message));
  await assert.rejects(startSim({ scenario: { pairs: [{ kalshi: { ticker: 'DUP-1' } }, { kalshi: { ticker: 'DUP-1' } }] }, polymarket: false, clock: new ManualClock() }), /duplicate/);
});
