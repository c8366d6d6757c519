import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, startSim, type SimEvent } from '../src/index.ts';

/** Run the demo scenario on a manual clock with a fixed script of taker orders; return what happened. */
async function run(seed: number): Promise<{ events: string[]; fills: string[] }> {
  const clock = new ManualClock();
  const sim = await startSim({ seed, scenario: 'demo', pairs: 4, clock });
  try {
    const events: string[] = [];
    sim.ctx.bus.on((e: SimEvent) => {
      if (e.type === 'book') events.push(`${e.ts} book ${e.marketId} ${e.changes.map((c) => `${c.side}${c.px}:${c.size}`).join(',')}`);
      else if (e.type === 'trade') events.push(`${e.ts} trade ${e.marketId} ${e.yesPx}x${e.qty} ${e.takerOrderId}/${e.makerOrderId}`);
    });
    const k = sim.accounts.kalshi.account.id;
    const p = sim.accounts.polymarket.account.id;
    const pair = sim.ctx.pairs[0]!;
    for (let i = 0; i < 200; i++) {
      clock.advance(100);
      if (i % 10 === 5) {
        const kb = sim.ctx.market(pair.kalshiMarketId)!.book;
        const ask = kb.bestAsk();
        if (ask !== null) sim.ctx.placeOrder({ venue: 'kalshi', accountId: k, marketId: pair.kalshiMarketId, action: 'buy', outcome: 'yes', px: ask, qty: 300, tif: 'ioc', clientOrderId: `k${i}` });
        const pb = sim.ctx.market(pair.polyMarketId)!.book;
        const bid = pb.bestBid();
        if (bid !== null) sim.ctx.placeOrder({ venue: 'polymarket', accountId: p, marketId: pair.polyMarketId, action: 'buy', outcome: 'no', px: 10_000 - bid, qty: 500, tif: 'ioc' });
      }
    }
    const fills = sim.ctx.fills.map((f) => `${f.ts} ${f.orderId} ${f.accountId} ${f.yesPx}x${f.qty} fee ${f.fee}`);
    return { events, fills };
  } finally {
    await sim.close();
  }
}

test('same seed and scenario give the same market data and fills; another seed does not', async () => {
  const a = await run(1234);
  const b = await run(1234);
  const c = await run(999);
  assert.ok(a.events.length > 100, `expected a busy market, got ${a.events.length} events`);
  assert.ok(a.fills.length > 0, 'the script traded');
  assert.ok(a.events.some((e) => e.includes(' trade ')));
  assert.deepEqual(b.events, a.events);
  assert.deepEqual(b.fills, a.fills);
  assert.notDeepEqual(c.events, a.events);
});
