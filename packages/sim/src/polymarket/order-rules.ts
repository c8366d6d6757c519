// Server-side precision rules of the CLOB (spec §6.5): tick grid, amount decimals, minimum size,
// with the CLOB's own error strings. Prices are derived from the signed amounts, never trusted
// from anywhere else.

import type { Px } from '@parity/trading';
import { decimalsOf, formatBase, formatRatio, priceDecimals, tickPx } from './amounts.ts';
import { ClobError, minSizeMessage, tickMessage } from './errors.ts';
import type { OrderSide, OrderType } from './order-wire.ts';

export interface RuleInput {
  orderId: string;
  side: OrderSide;
  orderType: OrderType;
  makerAmount: bigint;
  takerAmount: bigint;
  /** The market's tick, e.g. "0.01". */
  tick: string;
  /** Minimum order size in shares, base units (5 shares = 5_000_000n). */
  minSizeBase: bigint;
}

export interface CheckedOrder {
  /** The grid price the order is worth: a BUY's cap, a SELL's floor. */
  pricePx: Px;
  /** Shares the order is for, base units: a BUY's (minimum) taker, a SELL's maker. */
  sharesBase: bigint;
  /** FOK/FAK are market orders on the CLOB (§6.5). */
  isMarket: boolean;
}

const invalidAmounts = (kind: string, makerMax: number, takerMax: number): ClobError =>
  new ClobError(
    400,
    `invalid amounts, the ${kind} orders maker amount supports a max accuracy of ${makerMax} decimals, taker amount a max of ${takerMax} decimals`,
  );

export function checkOrderRules(i: RuleInput): CheckedOrder {
  const t = tickPx(i.tick);
  const A = priceDecimals(i.tick) + 2;
  const isMarket = i.orderType === 'FOK' || i.orderType === 'FAK';
  const buy = i.side === 'BUY';
  // Amount precision. Market BUY is documented (2 / 4 regardless of tick); the market SELL taker
  // limit on fine ticks is unconfirmed, so allow what an exact price x size needs (A).
  const [makerMax, takerMax, kind] = isMarket
    ? buy
      ? [2, 4, 'market buy']
      : [2, Math.max(4, A), 'market sell']
    : buy
      ? [A, 2, 'buy']
      : [2, A, 'sell'];
  if (decimalsOf(i.makerAmount) > makerMax || decimalsOf(i.takerAmount) > takerMax) {
    throw invalidAmounts(kind, makerMax, takerMax);
  }
  // Price: pUSD per share, from the amounts.
  const usdc = buy ? i.makerAmount : i.takerAmount;
  const shares = buy ? i.takerAmount : i.makerAmount;
  const num = usdc * 10_000n; // price in Px units = num / shares
  const offGrid = (): never => {
    throw new ClobError(400, tickMessage(i.orderId, formatRatio(usdc, shares), i.tick));
  };
  let pricePx: bigint;
  if (!isMarket) {
    // Limit orders are exact: usdc = shares x price.
    if (num % shares !== 0n) return offGrid();
    pricePx = num / shares;
  } else {
    // Market orders: the derived amount was truncated (BUY taker, at most 4 decimals); the order is
    // worth the nearest grid price if the amounts sit within that truncation of it.
    const tb = BigInt(t);
    pricePx = ((num * 2n + shares * tb) / (2n * shares * tb)) * tb;
    const slackUnits = 10n ** BigInt(6 - Math.min(4, A)); // last kept decimal of the derived amount
    const dev = num - shares * pricePx; // in 1e-10 $
    const tol = buy ? slackUnits * pricePx : slackUnits * 10_000n;
    if (dev > tol || -dev > tol) return offGrid();
  }
  if (pricePx % BigInt(t) !== 0n) return offGrid();
  if (pricePx < BigInt(t) || pricePx > 10_000n - BigInt(t)) return offGrid();
  if (shares < i.minSizeBase) {
    throw new ClobError(400, minSizeMessage(i.orderId, formatBase(shares), formatBase(i.minSizeBase)));
  }
  return { pricePx: Number(pricePx), sharesBase: shares, isMarket };
}
