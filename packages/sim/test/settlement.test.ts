// Resolving markets: both venues' market objects show the result the way the venues do, holders
// are paid $1 per winning contract, new orders are refused; over the admin API and SimHandle.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildExecutionClients, executeLeg, type VenueClients } from '@parity/trading';
import { ManualClock, startSim, type SimHandle } from '../src/index.ts';

let sim: SimHandle;
let clients: VenueClients;

const books = {
  kalshi: { bids: [[0.4, 100]] as [number, number][], asks: [[0.45, 100]] as [number, number][] },
  polymarket: { bids: [[0.4, 100]] as [number, number][], asks: [[0.46, 100]] as [number, number][] },
};

before(async () => {
  sim = await startSim({
    seed: 9,
    clock: new ManualClock(),
    scenario: {
      name: 'settle',
      market_maker: { enabled: false },
      arbs: { enabled: false },
      pairs: [
        { id: 'settle-a', kalshi: { ticker: 'KXSET-26NOV25-A', fee_type: 'quadratic' }, polymarket: { outcomes: ['Yes', 'No'], tick_size: '0.01', fee_rate: 0, min_order_size: 5 }, books },
        { id: 'settle-b', kalshi: { ticker: 'KXSET-26NOV25-B', fee_type: 'quadratic' }, polymarket: { outcomes: ['Yes', 'No'], tick_size: '0.01', fee_rate: 0, min_order_size: 5 }, books },
      ],
    },
  });
  clients = await buildExecutionClients(sim.env, { platforms: ['kalshi', 'polymarket'] });
});
after(async () => {
  await clients?.close();
  await sim?.close();
});

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url}: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

test('POST /admin/settle: Kalshi finalized with result, CLOB closed with winner flags, Gamma prices 1/0; $1 per winning contract; new orders refused', async () => {
  const pair = sim.pairs.find((p) => p.id === 'settle-a')!;
  assert.equal(pair.kalshi_yes_pays_with, 'poly_yes');
  const k = await executeLeg({ legId: 'set-k', platform: 'kalshi', action: 'buy', side: 'yes', price: 4600, contracts: 1000, kalshiTicker: pair.kalshi_ticker }, clients, { dryRun: false });
  assert.equal(k.status, 'filled', k.error ?? '');
  const p = await executeLeg({ legId: 'set-p', platform: 'polymarket', action: 'buy', side: 'no', price: 6100, contracts: 1000, polyToken: pair.poly_no_token, createdAtMs: Date.now() }, clients, { dryRun: false });
  assert.equal(p.filledContracts, 1000, p.error ?? '');
  const kalshiCash = sim.accounts.kalshi.account.cash;
  const polyCash = sim.accounts.polymarket.account.cash;

  // Unresolved: nothing says a result yet.
  const before = (await getJson(`${sim.urls.kalshiApiBase}/markets/${pair.kalshi_ticker}`)).market as Record<string, unknown>;
  assert.deepEqual([before.status, before.result], ['active', '']);

  const res = await fetch(`${sim.urls.admin}/admin/settle`, { method: 'POST', body: JSON.stringify({ target: 'settle-a', winner: 'yes' }) });
  assert.equal(res.status, 201);
  const body = (await res.json()) as { settled: Array<{ venue: string; result: string; payouts: Array<{ accountId: string; payout: number }> }> };
  assert.deepEqual(body.settled.map((s) => [s.venue, s.result]), [['kalshi', 'yes'], ['polymarket', 'yes']]);

  const km = (await getJson(`${sim.urls.kalshiApiBase}/markets/${pair.kalshi_ticker}`)).market as Record<string, unknown>;
  assert.deepEqual([km.status, km.result, km.settlement_value_dollars], ['finalized', 'yes', '1.0000']);
  assert.equal(typeof km.settlement_ts, 'string');
  const settledList = (await getJson(`${sim.urls.kalshiApiBase}/markets?status=settled`)).markets as Array<{ ticker: string }>;
  assert.deepEqual(settledList.map((m) => m.ticker), [pair.kalshi_ticker]);

  const byToken = await getJson(`${sim.urls.polyClob}/markets-by-token/${pair.poly_yes_token}`);
  const cm = await getJson(`${sim.urls.polyClob}/markets/${String(byToken.condition_id)}`);
  assert.equal(cm.closed, true);
  assert.equal(cm.accepting_orders, false);
  const tokens = cm.tokens as Array<{ token_id: string; winner: boolean; price: number }>;
  assert.deepEqual(tokens.map((t) => [t.token_id, t.winner, t.price]), [[pair.poly_yes_token, true, 1], [pair.poly_no_token, false, 0]]);

  const gm = (await fetch(`${sim.urls.polyGamma}/markets?clob_token_ids=${pair.poly_yes_token}`).then((r) => r.json())) as Array<Record<string, unknown>>;
  assert.equal(gm.length, 1);
  assert.deepEqual([gm[0]!.closed, gm[0]!.outcomePrices, gm[0]!.umaResolutionStatus], [true, '["1","0"]', 'resolved']);

  // Kalshi YES won: $10 paid for 10 contracts; the Polymarket NO tokens are worth nothing.
  assert.equal(sim.accounts.kalshi.account.cash - kalshiCash, 10_000_000);
  assert.equal(sim.accounts.polymarket.account.cash, polyCash);
  assert.deepEqual([sim.ctx.position(sim.accounts.kalshi.account, pair.kalshi_ticker).yes, sim.ctx.position(sim.accounts.polymarket.account, sim.ctx.marketByToken(pair.poly_no_token)!.market.id).no], [0, 0]);
  const payouts = (await getJson(`${sim.urls.admin}/admin/settlements`)).settlements as Array<{ accountId: string; payout: number }>;
  assert.deepEqual(payouts.filter((s) => !s.accountId.endsWith('-mm')).map((s) => [s.accountId, s.payout]), [['kalshi-test', 10_000_000], ['polymarket-test', 0]]);

  // Trading a resolved market is refused by both venues.
  const k2 = await executeLeg({ legId: 'set-k2', platform: 'kalshi', action: 'buy', side: 'yes', price: 4600, contracts: 100, kalshiTicker: pair.kalshi_ticker }, clients, { dryRun: false });
  assert.equal(k2.status, 'rejected');
  assert.equal(k2.filledContracts, 0);
  const p2 = await executeLeg({ legId: 'set-p2', platform: 'polymarket', action: 'buy', side: 'yes', price: 4700, contracts: 1000, polyToken: pair.poly_yes_token, createdAtMs: Date.now() }, clients, { dryRun: false });
  assert.equal(p2.status, 'rejected');
  assert.deepEqual(sim.orderLog().filter((e) => e.clientOrderId !== null && e.result === 'rejected').map((e) => [e.venue, e.reason]).sort(), [['kalshi', 'market_closed']]);

  // Settling again with the same winner changes nothing; the other winner is refused.
  const again = await fetch(`${sim.urls.admin}/admin/settle`, { method: 'POST', body: JSON.stringify({ target: pair.kalshi_ticker, winner: 'yes' }) });
  assert.equal(again.status, 201);
  assert.deepEqual(((await again.json()) as { settled: Array<{ payouts: unknown[] }> }).settled.map((s) => s.payouts.length), [0, 0]);
  const bad = await fetch(`${sim.urls.admin}/admin/settle`, { method: 'POST', body: JSON.stringify({ target: 'settle-a', winner: 'no' }) });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /already settled/);
  assert.equal(sim.accounts.kalshi.account.cash - kalshiCash, 10_000_000);
});

test('SimHandle.settleMarket with a venue: only that side resolves (the venues can disagree); unknown targets are errors', () => {
  const pair = sim.pairs.find((p) => p.id === 'settle-b')!;
  const r = sim.settleMarket(pair.poly_no_token, 'no', { venue: 'polymarket' });
  assert.deepEqual(r.map((s) => [s.venue, s.result]), [['polymarket', 'no']], 'a token names its pair: the winner is in Kalshi terms, here the Polymarket NO token');
  assert.equal(sim.ctx.marketByToken(pair.poly_no_token)!.market.result, 'no');
  assert.equal(sim.ctx.market(pair.kalshi_ticker)!.status, 'open');
  const k = sim.settleMarket('settle-b', 'yes', { venue: 'kalshi' });
  assert.deepEqual(k.map((s) => [s.venue, s.result]), [['kalshi', 'yes']]);
  assert.equal(sim.ctx.market(pair.kalshi_ticker)!.result, 'yes');
  assert.throws(() => sim.settleMarket('no-such-thing', 'yes'), /no pair or market/);
  assert.throws(() => sim.settleMarket('settle-b', 'maybe' as 'yes'), /winner must be/);
});
