// Trades of an order and their settlement state (spec polymarket.md §8.1, §8.2): parsing the
// /data/trades shape, which shares belong to the order, and when the order counts as settled.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { PolymarketClient } from '../src/polymarket/client.ts';
import { PolyOrderSigner } from '../src/polymarket/order-signer.ts';
import { isPolyTradeReader, parsePolyTrade, polySettlementOf } from '../src/polymarket/trades.ts';
import { FakeClob } from './polymarket-test-server.ts';
import { TEST_ADDRESS, TEST_PRIVATE_KEY, loadVectors } from './polymarket-helpers.ts';

const ORDER = '0x300b00000000000000000000000000000000000000000000000000000000b80f';
const trade = (id: string, status: string, size: string, over: Record<string, unknown> = {}) => ({
  id, taker_order_id: ORDER, market: '0xc1', asset_id: '1', side: 'BUY', size, fee_rate_bps: '0', price: '0.53', status,
  match_time: '1768946115', last_update: '1768946120', outcome: 'Yes', bucket_index: 0, owner: 'k', maker_address: '0xabc',
  maker_orders: [{ order_id: '0xmaker', owner: 'm', maker_address: '0xdef', matched_amount: size, price: '0.47', fee_rate_bps: '0', asset_id: '2', outcome: 'No', side: 'BUY' }],
  transaction_hash: status === 'CONFIRMED' ? '0x6bcd' : '', err_msg: status === 'FAILED' ? 'transaction reverted' : null, trader_side: 'TAKER', ...over,
});

test('parsePolyTrade: sizes in base units, upper-case status, maker entries', () => {
  const t = parsePolyTrade(trade('t1', 'mined', '4.999999'));
  assert.deepEqual([t.id, t.status, t.size, t.price, t.traderSide], ['t1', 'MINED', 4_999_999, 5300, 'TAKER']);
  assert.deepEqual(t.makerOrders, [{ orderId: '0xmaker', matchedAmount: 4_999_999 }]);
  assert.throws(() => parsePolyTrade({ status: 'MATCHED' }), /trade without an id/);
});

test('polySettlementOf: confirmed only when every trade is CONFIRMED; FAILED only once nothing is pending', () => {
  const of = (...ts: unknown[]) => polySettlementOf(ORDER, ts.map(parsePolyTrade));
  assert.equal(of(trade('a', 'CONFIRMED', '5'), trade('b', 'CONFIRMED', '5')).state, 'confirmed');
  for (const pending of ['MATCHED', 'MINED', 'RETRYING', 'MATCHED_NOT_BROADCASTED']) {
    assert.equal(of(trade('a', 'CONFIRMED', '5'), trade('b', pending, '5')).state, 'pending', pending);
    assert.equal(of(trade('a', 'FAILED', '5'), trade('b', pending, '5')).state, 'pending', `FAILED + ${pending}`);
  }
  const s = of(trade('a', 'CONFIRMED', '3'), trade('b', 'FAILED', '2'));
  assert.deepEqual([s.state, s.confirmedShares, s.failedShares, s.pendingShares], ['failed', 3_000_000, 2_000_000, 0]);
  // As a maker, the order's share of a trade is its maker_orders entry.
  const m = polySettlementOf('0xMAKER', [parsePolyTrade(trade('c', 'FAILED', '7', { taker_order_id: '0xother', trader_side: 'MAKER' }))]);
  assert.deepEqual([m.state, m.failedShares], ['failed', 7_000_000]);
});

const v2 = loadVectors('polymarket-v2.json');
const CREDS = { key: v2.api_creds.key as string, secret: v2.api_creds.secret as string, passphrase: v2.api_creds.passphrase as string };
const YES = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const open: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
after(async () => {
  for (const x of open) await ('stop' in x ? x.stop() : x.close());
});

test('orderSettlement over HTTP: an order the CLOB does not know is null; a listed trade it cannot show yet stays pending, never assumed', async () => {
  const server = await new FakeClob({ creds: CREDS, address: TEST_ADDRESS, markets: [{ conditionId: '0xc1', tokens: [YES], tick: 0.01, negRisk: false }] }).start();
  open.push(server);
  const client = new PolymarketClient({ clobUrl: server.url, signer: new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY }), creds: CREDS, lookupNullDelayMs: 10 });
  open.push(client);
  assert.ok(isPolyTradeReader(client));
  assert.equal(await client.orderSettlement('0xnope'), null);
  const r = await client.submitLeg({ legId: 'l1', platform: 'polymarket', action: 'buy', side: 'yes', price: 5300, contracts: 1000, polyToken: YES, createdAtMs: 1_767_225_601_000 });
  assert.equal(r.status, 'filled');
  const s = await client.orderSettlement(r.venueOrderId!);
  assert.equal(s!.state, 'pending');
  assert.deepEqual(s!.trades.map((t) => [t.id, t.status]), [['trade-1', 'MATCHED']]);
});
