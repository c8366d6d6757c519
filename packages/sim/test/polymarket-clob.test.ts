// The simulated Polymarket CLOB driven by the OFFICIAL @polymarket/clob-client-v2, unpatched, over
// real sockets: create/derive API key, a FAK order that fills, reading it back; and the
// rejections (forged signature, wrong HMAC, wrong exchange contract, off the tick grid).

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

const PK = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' as const;
const account = privateKeyToAccount(PK);
// A viem wallet client that signs locally and has no network at all.
const signer = createWalletClient({
  account,
  transport: custom({
    request: async () => {
      throw new Error('no network in tests');
    },
  }),
});

let ctx: SimContext;
let pm: PolymarketVenueHandle;
let nba: SimMarket; // tick 0.01, ordinary exchange
let nr: SimMarket; // tick 0.01, neg-risk exchange
let fine: SimMarket; // tick 0.005
let trader: SimAccount;
let mm: SimAccount;

/** Resting liquidity from a market maker: a YES bid and (as a NO bid) a YES ask. */
function quote(m: SimMarket, bidPx: number, askPx: number, qty: number): void {
  for (const [outcome, px] of [['yes', bidPx], ['no', 10_000 - askPx]] as const) {
    const r = ctx.placeOrder({ venue: 'polymarket', accountId: mm.id, marketId: m.id, action: 'buy', outcome, px, qty, tif: 'gtc', stp: 'none', silent: true });
    assert.ok(r.ok);
  }
}

before(async () => {
  ctx = new SimContext({ seed: 42 });
  nba = ctx.addMarket(
    newPolymarketMarket(ctx.rng, {
      question: 'Lakers vs. Celtics',
      slug: 'nba-lal-bos-2026-11-25',
      outcomes: ['Lakers', 'Celtics'],
      feeRate: 0.05,
      eventSlug: 'nba-lal-bos-2026-11-25',
      gameStartTime: '2026-11-26 00:30:00+00',
      sportsMarketType: 'moneyline',
    }),
  );
  nr = ctx.addMarket(newPolymarketMarket(ctx.rng, { question: 'Will Arsenal win on 2026-11-28?', slug: 'epl-ars-che-2026-11-28-ars', outcomes: ['Yes', 'No'], negRisk: true }));
  fine = ctx.addMarket(newPolymarketMarket(ctx.rng, { question: 'World Cup: Brazil vs. Japan', slug: 'fifwc-bra-jpn-2026-11-30', outcomes: ['Brazil', 'Japan'], tickSize: '0.005' }));
  mm = ctx.addAccount({ id: 'mm', venue: 'polymarket', cash: 1_000_000_000_000, marketMaker: true });
  trader = ctx.addAccount({ id: 'trader', venue: 'polymarket', cash: 1_000_000_000, polymarket: { address: account.address.toLowerCase(), signatureType: 0, apiKeys: [] } });
  quote(nba, 5000, 5500, 10_000); // 100 shares each side
  quote(nr, 3000, 3200, 10_000);
  quote(fine, 4950, 5050, 10_000);
  pm = await startPolymarketVenue(ctx, { host: '127.0.0.1', onRequest: (_s, method, path) => calls.push(`${method} ${path}`) });
});

/** Every request the official client made, in order. */
const calls: string[] = [];

after(async () => {
  await pm.close();
  ctx.close();
});

let creds: { key: string; secret: string; passphrase: string };

test('official client: create, derive and create-or-derive give the same deterministic API key', async () => {
  const l1 = new ClobClient({ host: pm.clobUrl, chain: 137, signer });
  creds = await l1.createApiKey();
  assert.match(creds.key, /^[0-9a-f-]{36}$/);
  const derived = await l1.deriveApiKey();
  assert.deepEqual(derived, creds);
  // create again -> 400 "Could not create api key" -> the client derives.
  assert.deepEqual(await l1.createOrDeriveApiKey(), creds);
  // The key belongs to the simulator's account of that wallet.
  assert.equal(pm.venue.keys.lookup(creds.key)?.account.id, trader.id);
  // Another nonce is another key.
  const other = await l1.createApiKey(1);
  assert.notEqual(other.key, creds.key);
});

test('official client: a FAK market BUY fills against the book; the order and trade read back', async () => {
  const client = new ClobClient({ host: pm.clobUrl, chain: 137, signer, creds, signatureType: 0 });
  const cashBefore = trader.cash;
  calls.length = 0;
  const res = await client.createAndPostMarketOrder({ tokenID: nba.polymarket!.yesTokenId, amount: 10, side: Side.BUY, price: 0.56 }, undefined, OrderType.FAK);
  assert.equal(res.success, true, JSON.stringify(res));
  assert.equal(res.errorMsg, '');
  assert.equal(res.status, 'matched');
  assert.match(res.orderID, /^0x[0-9a-f]{64}$/);
  // $10 at a 0.56 cap buys 17.8571 shares (floored to 17.85 on the engine grid) at the 0.55 ask.
  assert.equal(res.takingAmount, '17.85');
  assert.equal(res.makingAmount, '9.8175');
  assert.equal(res.tradeIDs?.length, 1);
  assert.equal(res.transactionsHashes?.length, 1);
  // What the unpatched client needed for it: the order version, market info by token, the POST.
  assert.deepEqual(calls, [
    'GET /version',
    `GET /markets-by-token/${nba.polymarket!.yesTokenId}`,
    `GET /clob-markets/${nba.polymarket!.conditionId}`,
    'POST /order',
  ]);
  // Taker fee: 17.85 x 0.05 x 0.55 x 0.45 = 0.22089375 -> 0.22089 (5 decimals).
  assert.equal(cashBefore - trader.cash, 9_817_500 + 220_890);
  assert.equal(trader.positions.get(nba.id)?.yes, 1785);

  const order = await client.getOrder(res.orderID);
  assert.equal(order.id, res.orderID);
  assert.equal(order.status, 'MATCHED');
  assert.equal(order.size_matched, '17.85');
  assert.equal(order.original_size, '17.85');
  assert.equal(order.price, '0.56');
  assert.equal(order.order_type, 'FAK');
  assert.equal(order.outcome, 'Lakers');
  assert.equal(order.owner, creds.key);
  assert.deepEqual(order.associate_trades, res.tradeIDs);

  const trades = await client.getTrades({ id: res.tradeIDs![0]! });
  assert.equal(trades.length, 1);
  const t = trades[0]!;
  assert.equal(t.taker_order_id, res.orderID);
  assert.equal(t.size, '17.85');
  assert.equal(t.price, '0.55');
  assert.equal(t.side, 'BUY');
  assert.equal(t.trader_side, 'TAKER');
  assert.equal(t.fee_rate_bps, '500');
  assert.equal(t.maker_orders[0]?.asset_id, nba.polymarket!.noTokenId);
  assert.equal(t.maker_orders[0]?.side, 'BUY');
  assert.equal(t.maker_orders[0]?.price, '0.45');
  assert.equal(t.transaction_hash, res.transactionsHashes![0]);

  const bal = await client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL });
  assert.equal(bal.balance, String(trader.cash));
  const shares = await client.getBalanceAllowance({ asset_type: AssetType.CONDITIONAL, token_id: nba.polymarket!.yesTokenId });
  assert.equal(shares.balance, '17850000');
});

test('official client: GTC rests (live), shows in open orders, cancels; a re-post of the same order is Duplicated', async () => {
  const client = new ClobClient({ host: pm.clobUrl, chain: 137, signer, creds, signatureType: 0 });
  const order = await client.createOrder({ tokenID: nba.polymarket!.yesTokenId, price: 0.48, size: 10, side: Side.BUY });
  const res = await client.postOrder(order, OrderType.GTC);
  assert.equal(res.status, 'live');
  assert.equal(res.makingAmount, '');
  const open = await client.getOpenOrders({ market: nba.polymarket!.conditionId });
  assert.deepEqual(open.map((o) => o.id), [res.orderID]);
  assert.equal(open[0]!.status, 'LIVE');
  const dup = (await client.postOrder(order, OrderType.GTC)) as unknown as { error: string; status: number };
  assert.equal(dup.status, 400);
  assert.equal(dup.error, `order ${res.orderID} is invalid. Duplicated.`);
  const c = await client.cancelOrder({ orderID: res.orderID });
  assert.deepEqual(c, { canceled: [res.orderID], not_canceled: {} });
  assert.equal((await client.getOrder(res.orderID)).status, 'CANCELED');
  assert.deepEqual(await client.getOpenOrders(), []);
});

test('official client on a neg-risk market signs for the neg-risk exchange and fills', async () => {
  const client = new ClobClient({ host: pm.clobUrl, chain: 137, signer, creds, signatureType: 0 });
  const res = await client.createAndPostOrder({ tokenID: nr.polymarket!.noTokenId, price: 0.7, size: 5, side: Side.BUY }, undefined, OrderType.GTC);
  assert.equal(res.status, 'matched', JSON.stringify(res));
  // NO asks = YES bids mirrored: best YES bid 0.30 -> NO ask 0.70.
  assert.equal(res.makingAmount, '3.5');
  assert.equal(res.takingAmount, '5');
});

test('rejections in the CLOB error shape: forged signature, wrong exchange, off-grid price, wrong HMAC, insufficient balance', async () => {
  const client = new ClobClient({ host: pm.clobUrl, chain: 137, signer, creds, signatureType: 0 });
  const logBefore = ctx.orderLog.size;
  const asErr = (x: unknown): { error: string; status: number } => x as { error: string; status: number };

  // Forged: one signature byte changed.
  const o1 = await client.createOrder({ tokenID: nba.polymarket!.yesTokenId, price: 0.4, size: 5, side: Side.BUY });
  const forged = { ...o1, signature: `${o1.signature.slice(0, 10)}${o1.signature[10] === 'a' ? 'b' : 'a'}${o1.signature.slice(11)}` };
  const r1 = asErr(await client.postOrder(forged, OrderType.GTC));
  assert.deepEqual([r1.status, r1.error], [400, 'invalid signature']);

  // Signed for the neg-risk exchange on an ordinary market.
  const o2 = await client.createOrder({ tokenID: nba.polymarket!.yesTokenId, price: 0.4, size: 5, side: Side.BUY }, { tickSize: '0.01', negRisk: true });
  const r2 = asErr(await client.postOrder(o2, OrderType.GTC));
  assert.deepEqual([r2.status, r2.error], [400, 'invalid signature']);

  // 0.007 on a 0.005 grid: the client signs it anyway, the CLOB rejects it.
  const o3 = await client.createOrder({ tokenID: fine.polymarket!.yesTokenId, price: 0.007, size: 10, side: Side.BUY });
  const r3 = asErr(await client.postOrder(o3, OrderType.GTC));
  assert.equal(r3.status, 400);
  assert.match(r3.error, /^order 0x[0-9a-f]{64} is invalid\. Price \(0\.007\) breaks minimum tick size rule: 0\.005$/);

  // Wrong HMAC secret: every private call is 401.
  const badSecret = Buffer.alloc(32, 7).toString('base64url') + '=';
  const bad = new ClobClient({ host: pm.clobUrl, chain: 137, signer, creds: { ...creds, secret: badSecret }, signatureType: 0 });
  const r4 = asErr(await bad.getBalanceAllowance({ asset_type: AssetType.COLLATERAL }));
  assert.deepEqual([r4.status, r4.error], [401, 'Unauthorized/Invalid api key']);
  const r5 = asErr(await bad.postOrder(o1, OrderType.GTC));
  assert.deepEqual([r5.status, r5.error], [401, 'Unauthorized/Invalid api key']);

  // More than the account can pay: 10,000 shares at 0.55.
  const o6 = await client.createOrder({ tokenID: nba.polymarket!.yesTokenId, price: 0.55, size: 10_000, side: Side.BUY });
  const r6 = asErr(await client.postOrder(o6, OrderType.GTC));
  assert.equal(r6.status, 400);
  assert.match(r6.error, /^not enough balance \/ allowance: the balance is not enough -> balance: \d+, order amount: \d+$/);

  // Selling shares it does not hold.
  const o7 = await client.createOrder({ tokenID: fine.polymarket!.noTokenId, price: 0.5, size: 5, side: Side.SELL });
  const r7 = asErr(await client.postOrder(o7, OrderType.GTC));
  assert.match(r7.error, /^not enough balance \/ allowance/);

  // Nothing of these reached the book, and the order log saw every one.
  assert.equal(nba.book.bestBid(), 5000);
  assert.deepEqual(await client.getOpenOrders(), []);
  assert.ok(ctx.orderLog.size - logBefore >= 5);
  assert.ok(ctx.orderLog.list({ result: 'rejected' }).some((e) => e.reason === 'invalid signature'));
});

test('FOK that cannot fill fully and FAK with nothing to match are clean no-fills', async () => {
  const client = new ClobClient({ host: pm.clobUrl, chain: 137, signer, creds, signatureType: 0 });
  const asErr = (x: unknown): { error: string; status: number; orderID?: string } => x as { error: string; status: number };
  // 500 pUSD at <= 0.56 needs more than the 82 shares left at 0.55.
  const r1 = asErr(await client.createAndPostMarketOrder({ tokenID: nba.polymarket!.yesTokenId, amount: 500, side: Side.BUY, price: 0.56 }, undefined, OrderType.FOK));
  assert.deepEqual([r1.status, r1.error], [400, "order couldn't be fully filled. FOK orders are fully filled or killed."]);
  // A FAK BUY capped below the best ask.
  const r2 = asErr(await client.createAndPostMarketOrder({ tokenID: nba.polymarket!.yesTokenId, amount: 5, side: Side.BUY, price: 0.52 }, undefined, OrderType.FAK));
  assert.equal(r2.status, 400);
  assert.match(r2.error, /^no orders found to match with FAK order/);
  assert.match(String(r2.orderID), /^0x[0-9a-f]{64}$/);
  assert.equal(nba.book.sizeAt('ask', 5500), 10_000 - 1785);
});

test('batch POST /orders answers each entry; post-only crossing comes back as errorMsg', async () => {
  const client = new ClobClient({ host: pm.clobUrl, chain: 137, signer, creds, signatureType: 0 });
  const a = await client.createOrder({ tokenID: nba.polymarket!.yesTokenId, price: 0.41, size: 5, side: Side.BUY });
  const b = await client.createOrder({ tokenID: nba.polymarket!.yesTokenId, price: 0.6, size: 5, side: Side.BUY });
  const res = (await client.postOrders(
    [
      { order: a, orderType: OrderType.GTC },
      { order: b, orderType: OrderType.GTC },
    ],
    true,
  )) as unknown as { status: string; errorMsg: string; orderID: string; success: boolean }[];
  assert.equal(res.length, 2);
  assert.equal(res[0]!.status, 'live');
  assert.equal(res[0]!.errorMsg, '');
  assert.equal(res[1]!.errorMsg, 'invalid post-only order: order crosses book');
  assert.equal(res[1]!.success, true);
  const c = await client.cancelAll();
  assert.deepEqual(c.canceled, [res[0]!.orderID]);

  // A FAK with nothing to match inside a batch: its error comes back as that entry's errorMsg.
  const fak = await client.createMarketOrder({ tokenID: nba.polymarket!.yesTokenId, amount: 5, side: Side.BUY, price: 0.52 });
  const res2 = (await client.postOrders([{ order: fak, orderType: OrderType.FAK }])) as unknown as { errorMsg: string; orderID: string }[];
  assert.match(res2[0]!.errorMsg, /^no orders found to match with FAK order/);
  assert.match(res2[0]!.orderID, /^0x[0-9a-f]{64}$/);

  // More than 15 orders in one payload.
  const many = await Promise.all(Array.from({ length: 16 }, (_, i) => client.createOrder({ tokenID: nba.polymarket!.yesTokenId, price: 0.2 + i / 100, size: 5, side: Side.BUY })));
  const res3 = (await client.postOrders(many.map((order) => ({ order, orderType: OrderType.GTC })))) as unknown as { error: string; status: number };
  assert.deepEqual([res3.status, res3.error], [400, 'Too many orders in payload: 16, max allowed: 15']);
});

test('metadata endpoints the client reads: /tick-size, /neg-risk, /fee-rate, /clob-markets, /book, /version, /time', async () => {
  const client = new ClobClient({ host: pm.clobUrl, chain: 137 });
  assert.equal(await client.getTickSize(fine.polymarket!.yesTokenId), '0.005');
  assert.equal(await client.getNegRisk(nr.polymarket!.yesTokenId), true);
  assert.equal(await client.getNegRisk(nba.polymarket!.yesTokenId), false);
  assert.equal(await client.getFeeRateBps(nba.polymarket!.yesTokenId), 1000);
  assert.equal(await client.getVersion(), 2);
  const now = Math.floor(Date.now() / 1000);
  assert.ok(Math.abs((await client.getServerTime()) - now) <= 2);
  const info = await client.getClobMarketInfo(nba.polymarket!.conditionId);
  assert.deepEqual(info.fd, { r: 0.05, e: 1, to: true });
  assert.equal(info.t[0].t, nba.polymarket!.yesTokenId);
  assert.equal(info.mos, 5);
  const book = await client.getOrderBook(nba.polymarket!.noTokenId);
  // NO book = YES book mirrored; REST lists the best level last.
  assert.deepEqual(book.bids.at(-1), { price: '0.45', size: '82.15' });
  assert.deepEqual(book.asks.at(-1), { price: '0.5', size: '100' });
  assert.equal(book.tick_size, '0.01');
  const hash = book.hash;
  assert.equal(await client.getOrderBookHash(book), hash);
  const unknown = (await client.getOrderBook('123')) as unknown as { error: string; status: number };
  assert.deepEqual([unknown.status, unknown.error], [404, 'No orderbook exists for the requested token id']);
});
