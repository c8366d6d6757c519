import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, NO_FEES, PriceGrid, SimContext, newMarket } from '../src/index.ts';

function setup() {
  const ctx = new SimContext({ seed: 7, clock: new ManualClock() });
  const m = ctx.addMarket(newMarket({ id: 'K-1', venue: 'kalshi', grid: PriceGrid.uniform(100), status: 'open', fees: NO_FEES, netting: true }));
  const p = ctx.addMarket(newMarket({ id: 'P-1', venue: 'polymarket', grid: PriceGrid.uniform(100), status: 'open', fees: NO_FEES, netting: false }));
  const a = ctx.addAccount({ id: 'a', venue: 'kalshi', cash: 100_000_000 });
  const b = ctx.addAccount({ id: 'b', venue: 'kalshi', cash: 100_000_000 });
  return { ctx, m, p, a, b };
}

test('buy YES vs buy NO mints a pair at the resting price; cash and positions move', () => {
  const { ctx, m, a, b } = setup();
  const r1 = ctx.placeOrder({ venue: 'kalshi', accountId: 'a', marketId: 'K-1', action: 'buy', outcome: 'yes', px: 4000, qty: 1000, tif: 'gtc' });
  assert.ok(r1.ok);
  assert.equal(a.reserved, 4000 * 1000);
  // buy NO at 0.65 = ask at YES 0.35 -> crosses the 0.40 bid, fills at 0.40 (NO pays 0.60).
  const r2 = ctx.placeOrder({ venue: 'kalshi', accountId: 'b', marketId: 'K-1', action: 'buy', outcome: 'no', px: 6500, qty: 400, tif: 'ioc' });
  assert.ok(r2.ok);
  assert.equal(r2.order.status, 'executed');
  assert.equal(r2.order.takerCost, 6000 * 400);
  assert.equal(b.cash, 100_000_000 - 6000 * 400);
  assert.equal(ctx.position(b, 'K-1').no, 400);
  assert.equal(ctx.position(a, 'K-1').yes, 400);
  assert.equal(a.cash, 100_000_000 - 4000 * 400);
  assert.equal(a.reserved, 4000 * 600);
  assert.deepEqual(m.book.levels('bid'), [[4000, 600]]);
  assert.equal(ctx.orderLog.size, 2);
});

test('netting: selling YES you hold returns cash; non-netting sell needs tokens', () => {
  const { ctx, a } = setup();
  ctx.placeOrder({ venue: 'kalshi', accountId: 'b', marketId: 'K-1', action: 'sell', outcome: 'yes', px: 5000, qty: 100, tif: 'gtc' });
  const buy = ctx.placeOrder({ venue: 'kalshi', accountId: 'a', marketId: 'K-1', action: 'buy', outcome: 'yes', px: 5000, qty: 100, tif: 'ioc' });
  assert.ok(buy.ok && buy.order.filledQty === 100);
  ctx.placeOrder({ venue: 'kalshi', accountId: 'b', marketId: 'K-1', action: 'buy', outcome: 'yes', px: 5500, qty: 100, tif: 'gtc' });
  const sell = ctx.placeOrder({ venue: 'kalshi', accountId: 'a', marketId: 'K-1', action: 'sell', outcome: 'yes', px: 5000, qty: 100, tif: 'ioc' });
  assert.ok(sell.ok && sell.order.filledQty === 100);
  assert.equal(ctx.position(a, 'K-1').yes, 0);
  assert.equal(ctx.position(a, 'K-1').no, 0);
  assert.equal(a.cash, 100_000_000 - 5000 * 100 + 5500 * 100);
  assert.equal(a.reserved, 0);
  const poly = ctx.addAccount({ id: 'p', venue: 'polymarket', cash: 1_000_000 });
  const r = ctx.placeOrder({ venue: 'polymarket', accountId: poly.id, marketId: 'P-1', action: 'sell', outcome: 'yes', px: 5000, qty: 100, tif: 'gtc' });
  assert.ok(!r.ok && r.reason === 'insufficient_position');
});

test('rejections: off-grid, closed, duplicate client id, insufficient balance', () => {
  const { ctx } = setup();
  const off = ctx.placeOrder({ venue: 'kalshi', accountId: 'a', marketId: 'K-1', action: 'buy', outcome: 'yes', px: 4050, qty: 100, tif: 'gtc' });
  assert.ok(!off.ok && off.reason === 'invalid_price');
  const ok = ctx.placeOrder({ venue: 'kalshi', accountId: 'a', marketId: 'K-1', action: 'buy', outcome: 'yes', px: 4000, qty: 100, tif: 'gtc', clientOrderId: 'c1' });
  assert.ok(ok.ok);
  const dup = ctx.placeOrder({ venue: 'kalshi', accountId: 'a', marketId: 'K-1', action: 'buy', outcome: 'yes', px: 4000, qty: 100, tif: 'gtc', clientOrderId: 'c1' });
  assert.ok(!dup.ok && dup.reason === 'duplicate_client_order_id');
  const big = ctx.placeOrder({ venue: 'kalshi', accountId: 'a', marketId: 'K-1', action: 'buy', outcome: 'yes', px: 9900, qty: 1_000_000, tif: 'gtc' });
  assert.ok(!big.ok && big.reason === 'insufficient_balance');
  ctx.setMarketStatus('K-1', 'closed');
  assert.equal(ctx.orders.get(ok.order.id)!.status, 'canceled');
  assert.equal(ctx.account('a')!.reserved, 0);
  const closed = ctx.placeOrder({ venue: 'kalshi', accountId: 'a', marketId: 'K-1', action: 'buy', outcome: 'yes', px: 4000, qty: 100, tif: 'gtc' });
  assert.ok(!closed.ok && closed.reason === 'market_closed');
  assert.equal(ctx.orderLog.list({ result: 'rejected' }).length, 4);
});
