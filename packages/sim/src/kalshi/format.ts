// Kalshi wire shapes (spec kalshi.md §4, current fixed-point fields only: `*_dollars` strings,
// `*_fp` counts). Field sets follow kalshi-typescript 3.30.0's models.

import type { Micros, Px, Qty } from '@parity/trading';
import { PX_ONE, formatPx, formatQty } from '@parity/trading';
import type { SimContext } from '../context.ts';
import type { KalshiEventMeta, KalshiSeriesMeta, SimMarket } from '../markets.ts';
import type { SimFill, SimOrder } from '../orders.ts';
import type { SimPosition } from '../accounts.ts';

/** Dollars from micros: 4 decimals when exact to the centicent, else 6 (computed fields). */
export function dollars(m: Micros): string {
  const neg = m < 0;
  const a = Math.abs(m);
  const int = Math.floor(a / 1_000_000);
  const frac = a - int * 1_000_000;
  const body = frac % 100 === 0 ? `${int}.${String(frac / 100).padStart(4, '0')}` : `${int}.${String(frac).padStart(6, '0')}`;
  return neg ? `-${body}` : body;
}

/** Per-contract average (micros per contract) of a total over a quantity, as dollars. */
export function perContract(total: Micros, qty: Qty): string {
  // total micros / (qty / 100 contracts), rounded half-up to the micro.
  return dollars(Math.floor((total * 100 + Math.floor(qty / 2)) / qty));
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** The contract an order makes us long (§4.4): buy-yes / sell-no -> yes. */
export function outcomeSide(o: SimOrder): 'yes' | 'no' {
  return (o.action === 'buy') === (o.outcome === 'yes') ? 'yes' : 'no';
}

/** A cost summed in the order's own outcome, re-expressed in `side` terms. */
function costIn(o: SimOrder, side: 'yes' | 'no', cost: Micros, qty: Qty): Micros {
  return side === o.outcome ? cost : qty * PX_ONE - cost;
}

export function orderJson(o: SimOrder, ticker: string): Record<string, unknown> {
  const side = outcomeSide(o);
  const exp = o.venueData.expirationTs;
  return {
    order_id: o.id,
    user_id: o.accountId,
    client_order_id: o.clientOrderId ?? '',
    ticker,
    side: o.outcome,
    action: o.action,
    outcome_side: side,
    book_side: o.bookSide,
    type: 'limit',
    status: o.status,
    yes_price_dollars: formatPx(o.yesPx),
    no_price_dollars: formatPx(PX_ONE - o.yesPx),
    fill_count_fp: formatQty(o.filledQty),
    remaining_count_fp: formatQty(o.remainingQty),
    initial_count_fp: formatQty(o.qty),
    taker_fill_cost_dollars: dollars(costIn(o, side, o.takerCost, o.takerFilledQty)),
    maker_fill_cost_dollars: dollars(costIn(o, side, o.makerCost, o.makerFilledQty)),
    taker_fees_dollars: dollars(o.takerFees),
    maker_fees_dollars: dollars(o.makerFees),
    expiration_time: typeof exp === 'number' ? iso(exp * 1000) : null,
    created_time: iso(o.createdTs),
    last_update_time: iso(o.updatedTs),
    self_trade_prevention_type: o.stp === 'cancel_maker' ? 'maker' : 'taker_at_cross',
    order_group_id: null,
    cancel_order_on_pause: false,
    subaccount_number: 0,
    exchange_index: 0,
  };
}

/** The V2 create answer (§4.2): immediate fills only, YES-leg average price. */
export function createV2Json(o: SimOrder): Record<string, unknown> {
  const out: Record<string, unknown> = {
    order_id: o.id,
    client_order_id: o.clientOrderId ?? '',
    fill_count: formatQty(o.filledQty),
    remaining_count: formatQty(o.remainingQty),
  };
  if (o.filledQty > 0) {
    const yesCost = costIn(o, 'yes', o.takerCost + o.makerCost, o.filledQty);
    out.average_fill_price = perContract(yesCost, o.filledQty);
    out.average_fee_paid = perContract(o.takerFees + o.makerFees, o.filledQty);
  }
  out.ts_ms = o.updatedTs;
  return out;
}

export function fillJson(f: SimFill, ticker: string, bookSide: 'bid' | 'ask'): Record<string, unknown> {
  const side = (f.action === 'buy') === (f.outcome === 'yes') ? 'yes' : 'no';
  return {
    fill_id: f.id,
    trade_id: f.id,
    order_id: f.orderId,
    ticker,
    market_ticker: ticker,
    side: f.outcome,
    action: f.action,
    outcome_side: side,
    book_side: bookSide,
    count_fp: formatQty(f.qty),
    yes_price_dollars: formatPx(f.yesPx),
    no_price_dollars: formatPx(PX_ONE - f.yesPx),
    is_taker: f.role === 'taker',
    created_time: iso(f.ts),
    fee_cost: dollars(f.fee),
    subaccount_number: 0,
    exchange_index: 0,
    ts: Math.floor(f.ts / 1000),
  };
}

export function positionJson(ticker: string, p: SimPosition): Record<string, unknown> {
  return {
    ticker,
    exchange_index: 0,
    total_traded_dollars: dollars(p.totalTraded),
    position_fp: formatQty(p.yes - p.no),
    market_exposure_dollars: dollars(p.yesCost + p.noCost),
    realized_pnl_dollars: dollars(p.realizedPnl),
    fees_paid_dollars: dollars(p.feesPaid),
    last_updated_ts: iso(p.lastUpdatedTs),
  };
}

const STATUS: Record<SimMarket['status'], string> = { open: 'active', closed: 'closed', settled: 'finalized' };

/** Market filter vocabulary (§10.3) -> our status. */
export const MARKET_FILTER: Record<string, SimMarket['status'] | 'none'> = { unopened: 'none', open: 'open', paused: 'none', closed: 'closed', settled: 'settled' };

function top(m: SimMarket): { yesBid: Px; yesBidSize: Qty; yesAsk: Px; yesAskSize: Qty } {
  const bid = m.book.bestBid();
  const ask = m.book.bestAsk();
  return {
    yesBid: bid ?? 0,
    yesBidSize: bid === null ? 0 : m.book.sizeAt('bid', bid),
    yesAsk: ask ?? PX_ONE,
    yesAskSize: ask === null ? 0 : m.book.sizeAt('ask', ask),
  };
}

export function marketJson(m: SimMarket): Record<string, unknown> {
  const k = m.kalshi!;
  const t = top(m);
  const last = m.lastTradePx ?? 0;
  return {
    ticker: k.ticker,
    event_ticker: k.eventTicker,
    market_type: 'binary',
    title: k.title,
    subtitle: '',
    yes_sub_title: k.yesSubTitle,
    no_sub_title: k.noSubTitle,
    created_time: k.openTime,
    updated_time: k.openTime,
    open_time: k.openTime,
    close_time: k.closeTime,
    expected_expiration_time: k.expectedExpirationTime ?? k.closeTime,
    latest_expiration_time: k.closeTime,
    settlement_timer_seconds: 300,
    status: STATUS[m.status],
    yes_bid_dollars: formatPx(t.yesBid),
    yes_bid_size_fp: formatQty(t.yesBidSize),
    yes_ask_dollars: formatPx(t.yesAsk),
    yes_ask_size_fp: formatQty(t.yesAskSize),
    no_bid_dollars: formatPx(PX_ONE - t.yesAsk),
    no_ask_dollars: formatPx(PX_ONE - t.yesBid),
    last_price_dollars: formatPx(last),
    previous_yes_bid_dollars: formatPx(t.yesBid),
    previous_yes_ask_dollars: formatPx(t.yesAsk),
    previous_price_dollars: formatPx(last),
    volume_fp: formatQty(m.volume),
    volume_24h_fp: formatQty(m.volume),
    open_interest_fp: formatQty(0),
    notional_value_dollars: '1.0000',
    liquidity_dollars: '0.0000',
    // Settled (finalized): `result` names the side that paid $1, with when and how much (§10.4).
    result: m.result ?? '',
    ...(m.result ? { settlement_value_dollars: m.result === 'yes' ? '1.0000' : '0.0000', settlement_ts: iso(m.settledTs ?? 0) } : {}),
    can_close_early: true,
    expiration_value: '',
    early_close_condition: 'This market will close and expire early if the event occurs.',
    strike_type: 'structured',
    ...(k.floorStrike !== undefined ? { floor_strike: k.floorStrike } : {}),
    ...(k.mveCollectionTicker ? { mve_collection_ticker: k.mveCollectionTicker } : {}),
    rules_primary: k.rulesPrimary ?? `If ${k.yesSubTitle} wins, the market resolves to Yes.`,
    rules_secondary: '',
    price_level_structure: k.priceLevelStructure,
    price_ranges: m.grid.ranges.map((r) => ({ start: formatPx(r.start), end: formatPx(r.end), step: formatPx(r.step) })),
    fractional_trading_enabled: k.fractionalTradingEnabled,
    fee_waiver_expiration_time: null,
    is_provisional: false,
    exchange_index: 0,
  };
}

export function eventJson(ctx: SimContext, e: KalshiEventMeta, withMarkets: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    event_ticker: e.eventTicker,
    series_ticker: e.seriesTicker,
    sub_title: e.subTitle,
    title: e.title,
    collateral_return_type: 'MECNET',
    mutually_exclusive: e.mutuallyExclusive,
    category: ctx.kalshiCatalog.series.get(e.seriesTicker)?.category ?? 'Sports',
    strike_date: e.strikeDate,
    strike_period: null,
    settlement_sources: [],
    fee_type_override: e.feeTypeOverride ?? null,
    fee_multiplier_override: e.feeMultiplierOverride ?? null,
    exchange_index: 0,
  };
  if (withMarkets) out.markets = eventMarkets(ctx, e.eventTicker).map(marketJson);
  return out;
}

export function eventMarkets(ctx: SimContext, eventTicker: string): SimMarket[] {
  return ctx.marketsOf('kalshi').filter((m) => m.kalshi?.eventTicker === eventTicker);
}

export function seriesJson(s: KalshiSeriesMeta): Record<string, unknown> {
  return {
    ticker: s.ticker,
    frequency: s.frequency,
    title: s.title,
    category: s.category,
    categories: [s.category],
    tags: s.tags,
    settlement_sources: [],
    contract_url: '',
    contract_terms_url: '',
    fee_type: s.feeType,
    fee_multiplier: s.feeMultiplier,
    additional_prohibitions: [],
    exchange_index: 0,
  };
}

/** Kalshi book levels (§4.9/§5.4): YES bids and NO bids, ascending, [price, count] strings. */
export function bookLevels(m: SimMarket, useYesPrice = false): { yes: [string, string][]; no: [string, string][] } {
  const yes = m.book.levels('bid').reverse().map(([p, q]) => [formatPx(p), formatQty(q)] as [string, string]);
  // A YES ask at p is a NO bid at 1 - p; ascending NO price = descending YES price.
  const asks = m.book.levels('ask');
  const no = useYesPrice
    ? asks.map(([p, q]) => [formatPx(p), formatQty(q)] as [string, string])
    : asks.reverse().map(([p, q]) => [formatPx(PX_ONE - p), formatQty(q)] as [string, string]);
  return { yes, no };
}
