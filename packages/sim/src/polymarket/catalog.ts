// Building Polymarket markets for the simulator's catalog: realistic ids (0x condition ids,
// 77-digit token ids) from the seeded RNG, the tick as both the metadata string and the engine
// grid, and the Polymarket fee model.

import type { Rng } from '../rng.ts';
import { newMarket, PriceGrid, type PolymarketMarketMeta, type SimMarket } from '../markets.ts';
import { tickPx } from './amounts.ts';
import { polymarketFeeModel } from './fees.ts';

export interface PolyMarketInit {
  question: string;
  slug: string;
  /** Outcome labels in venue order; the first one's token is the "YES" token of the engine book. */
  outcomes: [string, string];
  tickSize?: '0.1' | '0.01' | '0.005' | '0.0025' | '0.001' | '0.0001';
  negRisk?: boolean;
  /** Minimum order size in shares (default 5). */
  minOrderSize?: number;
  /** Fee curve (spec §15); default sports 0.05, exponent 1, taker only. */
  feeRate?: number;
  feeExponent?: number;
  takerOnly?: boolean;
  eventSlug?: string;
  eventTitle?: string;
  /** "2026-11-26 00:30:00+00" as Gamma writes it. */
  gameStartTime?: string;
  sportsMarketType?: string;
  conditionId?: string;
  yesTokenId?: string;
  noTokenId?: string;
  /** Extra Gamma fields (id, questionID, version: "v2" for ExchangeV3 orders, seriesId, ...). */
  extra?: Record<string, unknown>;
  pairId?: string;
}

export function newPolymarketMarket(rng: Rng, init: PolyMarketInit): SimMarket {
  const tickSize = init.tickSize ?? '0.01';
  const meta: PolymarketMarketMeta = {
    conditionId: init.conditionId ?? `0x${rng.hex(32)}`,
    yesTokenId: init.yesTokenId ?? rng.digits(77),
    noTokenId: init.noTokenId ?? rng.digits(77),
    negRisk: init.negRisk ?? false,
    tickSize,
    minOrderSize: Math.round((init.minOrderSize ?? 5) * 100),
    question: init.question,
    slug: init.slug,
    outcomes: init.outcomes,
    feeRate: init.feeRate ?? 0.05,
    feeExponent: init.feeExponent ?? 1,
    takerOnly: init.takerOnly ?? true,
    ...(init.eventSlug !== undefined ? { eventSlug: init.eventSlug } : {}),
    ...(init.eventTitle !== undefined ? { eventTitle: init.eventTitle } : {}),
    ...(init.gameStartTime !== undefined ? { gameStartTime: init.gameStartTime } : {}),
    ...(init.sportsMarketType !== undefined ? { sportsMarketType: init.sportsMarketType } : {}),
    ...(init.extra !== undefined ? { extra: init.extra } : {}),
  };
  const m = newMarket({
    id: meta.conditionId,
    venue: 'polymarket',
    grid: PriceGrid.uniform(tickPx(tickSize)),
    status: 'open',
    fees: polymarketFeeModel(meta),
    netting: false,
    ...(init.pairId !== undefined ? { pairId: init.pairId } : {}),
  });
  m.polymarket = meta;
  return m;
}

/** Change a market's tick size live (engine grid + metadata), then tell subscribers (tick_size_change). */
export function setTickSize(ctx: { marketChanged(id: string): void }, m: SimMarket, tick: NonNullable<PolyMarketInit['tickSize']>): void {
  if (!m.polymarket) throw new Error(`market ${m.id} is not a Polymarket market`);
  m.polymarket.tickSize = tick;
  m.grid = PriceGrid.uniform(tickPx(tick));
  ctx.marketChanged(m.id);
}
