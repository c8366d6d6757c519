// Polymarket faults from the shared fault controller, seen through the official client and raw
// HTTP: 429 with and without Retry-After, 5xx, latency, rejecting the next order, orders left
// `delayed`, matched-but-unsettled trades, and trade settlement states.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ClobClient, OrderType, Side, AssetType } from '@polymarket/clob-client-v2';
import { createWalletClient, custom } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { SimContext } from '../src/context.ts';
import { startPolymarketVenue, type PolymarketVenueHandle } from '../src/polymarket/index.ts';
import { newPolymarketMarket } from '../src/polymarket/catalog.ts';
import type { SimMarket } from '../src/markets.ts';
import type { SimAccount } from '../src/accounts.ts';

const account = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const signer = createWalletClient({ account, transport: custom({ request: async () => { throw new Error('no network in tests'); } }) });

let ctx: SimContext;
let pm: PolymarketVenueHandle;
let m: SimMarket;
let mm: SimAccount;
let client: ClobClient;

before(async () => {
  ctx = new SimContext({ seed: 3 });
  m = ctx.addMarket(newPolymarketMarket(ctx.rng, { question: 'Cowboys vs. Eagles', slug: 'nfl-dal-phi-2026-11-29', outcomes: ['Cowboys', 'Eagles'] }));
  mm = ctx.addAccount({ id: 'mm', venue: 'polymarket', cash: 1e12, marketMaker: true });
  ctx.addAccount({ id: 'trader', venue: 'polymarket', cash: 500_000_000, polymarket: { address: account.address.toLowerCase(), signatureType: 0, apiKeys: [] } });
  for (const [outcome, px] of [['yes', 4000], ['no', 5500]] as const) {
    assert.ok(ctx.placeOrder({ venue: 'polymarket', accountId: mm.id, marketId: m.id, action: 'buy', outcome, px, qty: 100_000, tif: 'gtc', stp: 'none', silent: true }).ok);
  }
  // Fast settlement so the client's trade polling resolves quickly.
  pm = await startPolymarketVenue(ctx, { host: '127.0.0.1', minedAfterMs: 20, confirmedAfterMs: 40, defaultDelayMs: 30 });
  const creds = await new ClobClient({ host: pm.clobUrl, chain: 137, signer }).createOrDeriveApiKey();
  client = new ClobClient({ host: pm.clobUrl, chain: 137, signer, creds, signatureType: 0 });
});

after(async () => {
  await pm.close();
  ctx.close();
});

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('http_429 with and without Retry-After, http_5xx, latency: each answered once, then normal service', async () => {
  ctx.faults.add({ venue: 'polymarket', kind: 'http_429', count: 1, params: { retryAfterSecs: 3 } });
  const r1 = await fetch(`${pm.clobUrl}/tick-size?token_id=${m.polymarket!.yesTokenId}`);
  assert.equal(r1.status, 429);
  assert.equal(r1.headers.get('retry-after'), '3');
  assert.deepEqual(await r1.json(), { error: 'Too Many Requests' });

  ctx.faults.add({ venue: 'polymarket', kind: 'http_429', count: 1 });
  const r2 = await fetch(`${pm.clobUrl}/tick-size?token_id=${m.polymarket!.yesTokenId}`);
  assert.equal(r2.status, 429);
  assert.equal(r2.headers.get('retry-after'), null);

  ctx.faults.add({ venue: 'polymarket', kind: 'http_5xx', count: 1, params: { status: 503 } });
  const r3 = await fetch(`${pm.clobUrl}/book?token_id=${m.polymarket!.yesTokenId}`);
  assert.equal(r3.status, 503);
  assert.equal(typeof ((await r3.json()) as { error: string }).error, 'string');

  // A rule scoped to Gamma leaves the CLOB alone.
  const g = ctx.faults.add({ venue: 'polymarket', kind: 'http_5xx', params: { service: 'gamma' } });
  assert.equal((await fetch(`${pm.clobUrl}/version`)).status, 200);
  assert.equal((await fetch(`${pm.gammaUrl}/markets`)).status, 500);
  ctx.faults.remove(g.id);

  const lat = ctx.faults.add({ venue: 'polymarket', kind: 'latency', params: { ms: 30 } });
  const r4 = await fetch(`${pm.clobUrl}/version`);
  assert.deepEqual(await r4.json(), { version: 2 });
  ctx.faults.remove(lat.id);
  assert.equal((await fetch(`${pm.clobUrl}/tick-size?token_id=${m.polymarket!.yesTokenId}`)).status, 200);
});

test('reject_order: the next order is refused with the fault`s status and message; the book is untouched', async () => {
  ctx.faults.add({ venue: 'polymarket', kind: 'reject_order', count: 1, params: { status: 500, message: 'order timed out' } });
  const r = (await client.createAndPostMarketOrder({ tokenID: m.polymarket!.yesTokenId, amount: 5, side: Side.BUY, price: 0.46 }, undefined, OrderType.FAK)) as unknown as { error?: string; status?: number };
  assert.deepEqual([r.status, r.error], [500, 'order timed out']);
  assert.equal(m.book.sizeAt('ask', 4500), 100_000);
});

test('order_delayed: answered `delayed` with empty amounts, not cancellable in the window, then matched', async () => {
  // A manual clock makes the delay window last exactly until we advance it.
  const v = await manualVenue();
  try {
    v.ctx.faults.add({ venue: 'polymarket', kind: 'order_delayed', count: 1, params: { ms: 250 } });
    const order = await v.client.createMarketOrder({ tokenID: v.market.polymarket!.yesTokenId, amount: 9, side: Side.BUY, price: 0.46 });
    const res = await v.client.postOrder(order, OrderType.FAK);
    assert.equal(res.status, 'delayed');
    assert.deepEqual([res.makingAmount, res.takingAmount], ['', '']);
    assert.equal((await v.client.getOrder(res.orderID)).status, 'DELAYED');
    assert.deepEqual((await v.client.getOpenOrders()).map((o) => o.id), [res.orderID]);
    const c = await v.client.cancelOrder({ orderID: res.orderID });
    assert.deepEqual(c.canceled, []);
    assert.match(c.not_canceled[res.orderID]!, /delay/);
    v.clock.advance(249);
    assert.equal((await v.client.getOrder(res.orderID)).status, 'DELAYED');
    v.clock.advance(1);
    const o = await v.client.getOrder(res.orderID);
    assert.equal(o.status, 'MATCHED');
    assert.equal(o.size_matched, '19.56'); // $9 at a 0.46 cap: 19.5652 shares, floored to 19.56
    assert.equal(o.associate_trades.length, 1);
  } finally {
    await v.close();
  }
});

test('order_unsettled: the trade stays MATCHED without a hash, then FAILED; normal trades walk to CONFIRMED', async () => {
  ctx.faults.add({ venue: 'polymarket', kind: 'order_unsettled', count: 1, params: { failAfterMs: 150 } });
  const res = await client.postOrder(await client.createMarketOrder({ tokenID: m.polymarket!.yesTokenId, amount: 5, side: Side.BUY, price: 0.46 }), OrderType.FAK, false, true);
  assert.equal(res.status, 'matched');
  assert.deepEqual(res.transactionsHashes, []);
  const tradeId = res.tradeIDs![0]!;
  const t1 = (await client.getTrades({ id: tradeId }))[0]!;
  assert.equal(t1.status, 'MATCHED');
  assert.equal(t1.transaction_hash, '');
  await until(async () => (await client.getTrades({ id: tradeId }))[0]!.status === 'FAILED', 'FAILED');

  // Normal: a hash at once, MINED, then CONFIRMED.
  const ok = await client.postOrder(await client.createMarketOrder({ tokenID: m.polymarket!.yesTokenId, amount: 5, side: Side.BUY, price: 0.46 }), OrderType.FAK, false, true);
  assert.equal(ok.transactionsHashes?.length, 1);
  await until(async () => (await client.getTrades({ id: ok.tradeIDs![0]! }))[0]!.status === 'CONFIRMED', 'CONFIRMED');
  const bal = await client.getBalanceAllowance({ asset_type: AssetType.CONDITIONAL, token_id: m.polymarket!.yesTokenId });
  assert.ok(Number(bal.balance) > 0);
});

test('heartbeats: a started chain that lapses cancels the key`s open orders', async () => {
  const v = await manualVenue();
  try {
    const res = await v.client.createAndPostOrder({ tokenID: v.market.polymarket!.yesTokenId, price: 0.3, size: 10, side: Side.BUY }, undefined, OrderType.GTC);
    assert.equal(res.status, 'live');
    const hb = await v.client.postHeartbeat('');
    assert.equal(typeof hb.heartbeat_id, 'string');
    v.clock.advance(5_000);
    await v.client.postHeartbeat(hb.heartbeat_id);
    v.clock.advance(10_000);
    assert.equal((await v.client.getOrder(res.orderID)).status, 'LIVE');
    v.clock.advance(10_000);
    assert.equal((await v.client.getOrder(res.orderID)).status, 'CANCELED');
  } finally {
    await v.close();
  }
});

/** A venue on a ManualClock with some liquidity and the trader's client. */
async function manualVenue() {
  const { ManualClock } = await import('../src/clock.ts');
  const clock = new ManualClock();
  const c = new SimContext({ seed: 4, clock });
  const market = c.addMarket(newPolymarketMarket(c.rng, { question: 'X vs. Y', slug: 'nba-x-y-2026-11-25', outcomes: ['X', 'Y'] }));
  const maker = c.addAccount({ id: 'mm', venue: 'polymarket', cash: 1e12, marketMaker: true });
  assert.ok(c.placeOrder({ venue: 'polymarket', accountId: maker.id, marketId: market.id, action: 'buy', outcome: 'no', px: 5500, qty: 100_000, tif: 'gtc', stp: 'none', silent: true }).ok);
  c.addAccount({ id: 't', venue: 'polymarket', cash: 100_000_000, polymarket: { address: account.address.toLowerCase(), signatureType: 0, apiKeys: [] } });
  const v = await startPolymarketVenue(c, { host: '127.0.0.1' });
  const creds = await new ClobClient({ host: v.clobUrl, chain: 137, signer }).createOrDeriveApiKey();
  const cl = new ClobClient({ host: v.clobUrl, chain: 137, signer, creds, signatureType: 0 });
  return {
    ctx: c,
    clock,
    market,
    client: cl,
    async close() {
      await v.close();
      c.close();
    },
  };
}
