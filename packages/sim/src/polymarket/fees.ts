// Polymarket fees as a SimContext FeeModel (spec §15): takers pay C x rate x (p(1-p))^e in pUSD,
// rounded to 5 decimals; makers pay nothing. The formula itself is the trading library's.

import { polyTakerFeeMicros, type PolyFeeParams } from '@parity/trading/polymarket/fees.ts';
import { PX_ONE, type Micros, type Px, type Qty } from '@parity/trading';
import type { FeeModel, PolymarketMarketMeta } from '../markets.ts';
import type { SimOrder } from '../orders.ts';

export function polyFeeParams(meta: PolymarketMarketMeta): PolyFeeParams {
  return {
    ratePpm: Math.round(meta.feeRate * 1_000_000),
    exponent: meta.feeExponent,
    takerOnly: meta.takerOnly,
  };
}

/** Fee model of one Polymarket market; reads the market's parameters at each call (they may change). */
export function polymarketFeeModel(meta: PolymarketMarketMeta): FeeModel {
  return {
    reserve(px: Px, qty: Qty): Micros {
      if (meta.feeRate === 0) return 0;
      return polyTakerFeeMicros(px, qty, polyFeeParams(meta), 'ceil');
    },
    charge(order: SimOrder, role, yesPx: Px, qty: Qty): Micros {
      if (role !== 'taker' || meta.feeRate === 0) return 0;
      const px = order.outcome === 'yes' ? yesPx : PX_ONE - yesPx;
      return polyTakerFeeMicros(px, qty, polyFeeParams(meta));
    },
  };
}

/** Fee rate in basis points as trades report it (`fee_rate_bps`), e.g. 0.05 -> "500". */
export const feeRateBps = (meta: PolymarketMarketMeta): string => String(Math.round(meta.feeRate * 10_000));
