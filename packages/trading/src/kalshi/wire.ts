// Kalshi REST wire shapes and their conversion to integer units (spec kalshi.md §3, §4).
//
// Current responses carry fixed-point strings (`*_dollars` prices/money, `*_fp` counts); the
// legacy integer fields (cents, whole contracts) were removed on 2026-03-12 but appear in the
// recorded fixtures, so both are read: the string wins when present, "" or missing means 0.
// Parsers are hand-written field checks (fast, no schema library) and throw KalshiWireError
// naming the field when the venue sends something unusable.

import {
  PX_ONE,
  parseMicros,
  parsePx,
  parseQty,
  type Micros,
  type Px,
  type Qty,
} from '../units.ts';
import type { OutcomeSide, OrderAction } from '../execution/types.ts';

export class KalshiWireError extends Error {
  constructor(what: string, why: string) {
    super(`unexpected Kalshi response: ${what}: ${why}`);
    this.name = 'KalshiWireError';
  }
}

export type KalshiBookSide = 'bid' | 'ask';
export type KalshiOrderStatus = 'resting' | 'canceled' | 'executed' | (string & {});
export type KalshiTimeInForce = 'fill_or_kill' | 'good_till_canceled' | 'immediate_or_cancel';
export type KalshiSelfTradePrevention = 'taker_at_cross' | 'maker';

type Obj = Record<string, unknown>;

// ---- field readers ------------------------------------------------------------------------------

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObject(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new KalshiWireError(what, `expected an object, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`);
  return v;
}

function wrap<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof KalshiWireError) throw err;
    throw new KalshiWireError(what, err instanceof Error ? err.message : String(err));
  }
}

export function str(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new KalshiWireError(`${what}.${key}`, `expected a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

export function optStr(o: Obj, key: string): string | null {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

function optInt(o: Obj, key: string): number | null {
  const v = o[key];
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
}

function optBool(o: Obj, key: string): boolean | null {
  const v = o[key];
  return typeof v === 'boolean' ? v : null;
}

/**
 * A count: `fpKey` (string, 2 decimals) preferred, else `legacyKey` (whole contracts as a number,
 * or — as in the V2 create answer's `fill_count` — an fp string). Missing/"" -> 0.
 */
export function qtyOf(o: Obj, fpKey: string, legacyKey: string | null, what: string): Qty {
  return wrap(`${what}.${fpKey}`, () => {
    for (const key of legacyKey ? [fpKey, legacyKey] : [fpKey]) {
      const v = o[key];
      if (typeof v === 'string' && v !== '') return parseQty(v);
      if (typeof v === 'number') {
        if (!Number.isSafeInteger(v)) throw new KalshiWireError(`${what}.${key}`, `not a whole contract count: ${v}`);
        return v * 100;
      }
    }
    return 0;
  });
}

/** Money: `dollarsKey` (string, up to 6 decimals) preferred, else `centsKey` (legacy integer cents). Missing/"" -> 0. */
export function microsOf(o: Obj, dollarsKey: string, centsKey: string | null, what: string): Micros {
  return wrap(`${what}.${dollarsKey}`, () => {
    const d = o[dollarsKey];
    if (typeof d === 'string' && d !== '') return parseMicros(d);
    if (centsKey) {
      const c = o[centsKey];
      if (typeof c === 'number') {
        if (!Number.isSafeInteger(c)) throw new KalshiWireError(`${what}.${centsKey}`, `not whole cents: ${c}`);
        return c * 10_000;
      }
    }
    return 0;
  });
}

/** A price: `dollarsKey` (string, <= 4 significant decimals) preferred, else legacy integer cents; null when absent. */
export function pxOf(o: Obj, dollarsKey: string, centsKey: string | null, what: string): Px | null {
  return wrap(`${what}.${dollarsKey}`, () => {
    const d = o[dollarsKey];
    if (typeof d === 'string' && d !== '') return parsePx(d);
    if (centsKey) {
      const c = o[centsKey];
      if (typeof c === 'number' && Number.isSafeInteger(c)) return c * 100;
    }
    return null;
  });
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[]): T | null {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

// ---- orders -------------------------------------------------------------------------------------

/** An order as Kalshi reports it (create answer on the legacy endpoint, GET, list, WS user_orders). */
export interface KalshiOrder {
  orderId: string;
  clientOrderId: string | null;
  ticker: string;
  status: KalshiOrderStatus;
  /** The contract the order makes us long: buy-yes and sell-no -> yes; buy-no and sell-yes -> no. */
  outcomeSide: OutcomeSide;
  /** YES-book side: bid = buy YES (outcome yes), ask = sell YES (outcome no). */
  bookSide: KalshiBookSide;
  /** Deprecated legacy direction fields, as sent (null when absent). */
  action: OrderAction | null;
  side: OutcomeSide | null;
  /** Limit price of YES, and of NO (always complementary). */
  yesPrice: Px;
  noPrice: Px;
  initialCount: Qty;
  fillCount: Qty;
  remainingCount: Qty;
  /** Fill costs are denominated in `outcomeSide`'s price (spec §4.4): for sell-YES they are NO terms. */
  takerFillCost: Micros;
  makerFillCost: Micros;
  takerFees: Micros;
  makerFees: Micros;
  createdTime: string | null;
  lastUpdateTime: string | null;
  exchangeIndex: number | null;
}

const SIDES = ['yes', 'no'] as const;
const ACTIONS = ['buy', 'sell'] as const;
const BOOK_SIDES = ['bid', 'ask'] as const;

/** Outcome side from the legacy side/action pair: buy-yes/sell-no -> yes, buy-no/sell-yes -> no. */
export function outcomeSideOf(action: OrderAction, side: OutcomeSide): OutcomeSide {
  return (action === 'buy') === (side === 'yes') ? 'yes' : 'no';
}

export function parseKalshiOrder(raw: unknown, what = 'order'): KalshiOrder {
  const o = asObject(raw, what);
  const action = oneOf(o.action, ACTIONS);
  const side = oneOf(o.side, SIDES);
  let outcomeSide = oneOf(o.outcome_side, SIDES);
  let bookSide = oneOf(o.book_side, BOOK_SIDES);
  if (!outcomeSide) {
    if (bookSide) outcomeSide = bookSide === 'bid' ? 'yes' : 'no';
    else if (action && side) outcomeSide = outcomeSideOf(action, side);
    else throw new KalshiWireError(what, 'no outcome_side, book_side or side/action: cannot tell the direction');
  }
  if (!bookSide) bookSide = outcomeSide === 'yes' ? 'bid' : 'ask';
  let yesPrice = pxOf(o, 'yes_price_dollars', 'yes_price', what);
  let noPrice = pxOf(o, 'no_price_dollars', 'no_price', what);
  if (yesPrice === null && noPrice === null) throw new KalshiWireError(what, 'no yes_price_dollars / no_price_dollars');
  if (yesPrice === null) yesPrice = PX_ONE - noPrice!;
  if (noPrice === null) noPrice = PX_ONE - yesPrice;
  const fillCount = qtyOf(o, 'fill_count_fp', 'fill_count', what);
  const remainingCount = qtyOf(o, 'remaining_count_fp', 'remaining_count', what);
  const hasInitial = o.initial_count_fp !== undefined || o.initial_count !== undefined;
  const initialCount = hasInitial ? qtyOf(o, 'initial_count_fp', 'initial_count', what) : fillCount + remainingCount;
  return {
    orderId: str(o, 'order_id', what),
    clientOrderId: optStr(o, 'client_order_id'),
    ticker: str(o, 'ticker', what),
    status: str(o, 'status', what),
    outcomeSide,
    bookSide,
    action,
    side,
    yesPrice,
    noPrice,
    initialCount,
    fillCount,
    remainingCount,
    takerFillCost: microsOf(o, 'taker_fill_cost_dollars', 'taker_fill_cost', what),
    makerFillCost: microsOf(o, 'maker_fill_cost_dollars', 'maker_fill_cost', what),
    takerFees: microsOf(o, 'taker_fees_dollars', 'taker_fees', what),
    makerFees: microsOf(o, 'maker_fees_dollars', 'maker_fees', what),
    createdTime: optStr(o, 'created_time'),
    lastUpdateTime: optStr(o, 'last_update_time'),
    exchangeIndex: optInt(o, 'exchange_index'),
  };
}

/** The V2 create-order answer (201): what filled immediately, no status, no per-side costs. */
export interface KalshiCreateOrderV2Answer {
  orderId: string;
  clientOrderId: string | null;
  fillCount: Qty;
  remainingCount: Qty;
  /** Volume-weighted fill price per contract in micro-dollars (YES leg: unconfirmed, spec §4.2); null when nothing filled. */
  averageFillPriceMicros: Micros | null;
  /** Volume-weighted fee per contract in micro-dollars; null when nothing filled. */
  averageFeePaidMicros: Micros | null;
  tsMs: number | null;
}

export function parseCreateOrderV2Answer(raw: unknown): KalshiCreateOrderV2Answer {
  const what = 'create order answer';
  const o = asObject(raw, what);
  const avg = optStr(o, 'average_fill_price');
  const fee = optStr(o, 'average_fee_paid');
  return {
    orderId: str(o, 'order_id', what),
    clientOrderId: optStr(o, 'client_order_id'),
    fillCount: qtyOf(o, 'fill_count_fp', 'fill_count', what),
    remainingCount: qtyOf(o, 'remaining_count_fp', 'remaining_count', what),
    averageFillPriceMicros: avg === null ? null : wrap(`${what}.average_fill_price`, () => parseMicros(avg, 'half-up')),
    averageFeePaidMicros: fee === null ? null : wrap(`${what}.average_fee_paid`, () => parseMicros(fee, 'ceil')),
    tsMs: optInt(o, 'ts_ms'),
  };
}

export interface KalshiCancelAnswer {
  orderId: string;
  clientOrderId: string | null;
  /** Contracts the cancel removed from the book. */
  reducedBy: Qty;
  /** The order after the cancel (legacy endpoint only). */
  order: KalshiOrder | null;
  tsMs: number | null;
}

export function parseCancelAnswer(raw: unknown): KalshiCancelAnswer {
  const what = 'cancel answer';
  const o = asObject(raw, what);
  if (isObj(o.order)) {
    const order = parseKalshiOrder(o.order, `${what}.order`);
    return { orderId: order.orderId, clientOrderId: order.clientOrderId, reducedBy: qtyOf(o, 'reduced_by_fp', 'reduced_by', what), order, tsMs: null };
  }
  return {
    orderId: str(o, 'order_id', what),
    clientOrderId: optStr(o, 'client_order_id'),
    reducedBy: qtyOf(o, 'reduced_by_fp', 'reduced_by', what),
    order: null,
    tsMs: optInt(o, 'ts_ms'),
  };
}

// ---- portfolio ----------------------------------------------------------------------------------

export interface KalshiBalance {
  /** Available cash, micro-dollars (from `balance_dollars`, else cents). */
  balance: Micros;
  /** Value of open positions, micro-dollars (cents field; no dollars field is documented). */
  portfolioValue: Micros;
  /** As sent; unit unconfirmed (spec §4.5). */
  updatedTs: number | null;
  /** Per exchange shard: collateral is per shard. */
  byExchangeIndex: { exchangeIndex: number; balance: Micros }[];
}

export function parseBalance(raw: unknown): KalshiBalance {
  const what = 'balance';
  const o = asObject(raw, what);
  const breakdown = Array.isArray(o.balance_breakdown) ? o.balance_breakdown : [];
  return {
    balance: microsOf(o, 'balance_dollars', 'balance', what),
    portfolioValue: microsOf(o, 'portfolio_value_dollars', 'portfolio_value', what),
    updatedTs: optInt(o, 'updated_ts'),
    byExchangeIndex: breakdown.map((b, i) => {
      const e = asObject(b, `${what}.balance_breakdown[${i}]`);
      return { exchangeIndex: optInt(e, 'exchange_index') ?? 0, balance: microsOf(e, 'balance', null, `${what}.balance_breakdown[${i}]`) };
    }),
  };
}

export interface KalshiMarketPosition {
  ticker: string;
  /** Signed: positive = long YES, negative = long NO (spec §4.6). */
  position: Qty;
  marketExposure: Micros;
  totalTraded: Micros;
  realizedPnl: Micros;
  feesPaid: Micros;
  exchangeIndex: number | null;
  lastUpdated: string | null;
}

export function parseMarketPosition(raw: unknown, what = 'market position'): KalshiMarketPosition {
  const o = asObject(raw, what);
  return {
    ticker: str(o, 'ticker', what),
    position: qtyOf(o, 'position_fp', 'position', what),
    marketExposure: microsOf(o, 'market_exposure_dollars', 'market_exposure', what),
    totalTraded: microsOf(o, 'total_traded_dollars', 'total_traded', what),
    realizedPnl: microsOf(o, 'realized_pnl_dollars', 'realized_pnl', what),
    feesPaid: microsOf(o, 'fees_paid_dollars', 'fees_paid', what),
    exchangeIndex: optInt(o, 'exchange_index'),
    lastUpdated: optStr(o, 'last_updated_ts'),
  };
}

export interface KalshiEventPosition {
  eventTicker: string;
  totalCost: Micros;
  eventExposure: Micros;
  realizedPnl: Micros;
  feesPaid: Micros;
}

export function parseEventPosition(raw: unknown, what = 'event position'): KalshiEventPosition {
  const o = asObject(raw, what);
  return {
    eventTicker: str(o, 'event_ticker', what),
    totalCost: microsOf(o, 'total_cost_dollars', 'total_cost', what),
    eventExposure: microsOf(o, 'event_exposure_dollars', 'event_exposure', what),
    realizedPnl: microsOf(o, 'realized_pnl_dollars', 'realized_pnl', what),
    feesPaid: microsOf(o, 'fees_paid_dollars', 'fees_paid', what),
  };
}

export interface KalshiFill {
  fillId: string;
  orderId: string;
  ticker: string;
  outcomeSide: OutcomeSide;
  bookSide: KalshiBookSide;
  count: Qty;
  yesPrice: Px;
  noPrice: Px;
  isTaker: boolean;
  fee: Micros;
  createdTime: string | null;
  /** Present on the WS fill channel; reportedly gone from REST fills (spec §4.7). */
  clientOrderId: string | null;
  exchangeIndex: number | null;
}

export function parseFill(raw: unknown, what = 'fill'): KalshiFill {
  const o = asObject(raw, what);
  const action = oneOf(o.action, ACTIONS);
  const side = oneOf(o.side, SIDES);
  let outcomeSide = oneOf(o.outcome_side, SIDES);
  const book = oneOf(o.book_side, BOOK_SIDES);
  if (!outcomeSide) {
    if (book) outcomeSide = book === 'bid' ? 'yes' : 'no';
    else if (action && side) outcomeSide = outcomeSideOf(action, side);
    else throw new KalshiWireError(what, 'no outcome_side, book_side or side/action');
  }
  let yesPrice = pxOf(o, 'yes_price_dollars', 'yes_price', what);
  let noPrice = pxOf(o, 'no_price_dollars', 'no_price', what);
  if (yesPrice === null && noPrice === null) throw new KalshiWireError(what, 'no yes_price_dollars / no_price_dollars');
  if (yesPrice === null) yesPrice = PX_ONE - noPrice!;
  if (noPrice === null) noPrice = PX_ONE - yesPrice;
  const fillId = optStr(o, 'fill_id') ?? optStr(o, 'trade_id');
  if (!fillId) throw new KalshiWireError(what, 'no fill_id / trade_id');
  const ticker = optStr(o, 'ticker') ?? optStr(o, 'market_ticker');
  if (!ticker) throw new KalshiWireError(what, 'no ticker / market_ticker');
  return {
    fillId,
    orderId: str(o, 'order_id', what),
    ticker,
    outcomeSide,
    bookSide: book ?? (outcomeSide === 'yes' ? 'bid' : 'ask'),
    count: qtyOf(o, 'count_fp', 'count', what),
    yesPrice,
    noPrice,
    isTaker: optBool(o, 'is_taker') ?? false,
    fee: microsOf(o, 'fee_cost', null, what),
    createdTime: optStr(o, 'created_time'),
    clientOrderId: optStr(o, 'client_order_id'),
    exchangeIndex: optInt(o, 'exchange_index'),
  };
}

// ---- markets, events, series -------------------------------------------------------------------

export interface KalshiPriceRange {
  start: Px;
  end: Px;
  step: Px;
}

export function parsePriceRanges(raw: unknown, what = 'price_ranges'): KalshiPriceRange[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new KalshiWireError(what, 'expected an array');
  return raw.map((r, i) => {
    const o = asObject(r, `${what}[${i}]`);
    const w = `${what}[${i}]`;
    const start = pxOf(o, 'start', null, w);
    const end = pxOf(o, 'end', null, w);
    const step = pxOf(o, 'step', null, w);
    if (start === null || end === null || step === null || step <= 0 || end < start)
      throw new KalshiWireError(w, `bad range ${JSON.stringify(r)}`);
    return { start, end, step };
  });
}

export interface KalshiMarket {
  ticker: string;
  eventTicker: string;
  marketType: string | null;
  /** Object vocabulary: initialized, inactive, active, closed, determined, finalized, ... (§10.3). */
  status: string;
  title: string | null;
  yesSubTitle: string | null;
  noSubTitle: string | null;
  openTime: string | null;
  closeTime: string | null;
  yesBid: Px | null;
  yesAsk: Px | null;
  noBid: Px | null;
  noAsk: Px | null;
  lastPrice: Px | null;
  volume: Qty;
  openInterest: Qty;
  result: string | null;
  canCloseEarly: boolean | null;
  priceLevelStructure: string | null;
  /** Empty when the venue did not send any (then only whole cents are known to be valid). */
  priceRanges: KalshiPriceRange[];
  fractionalTradingEnabled: boolean;
  exchangeIndex: number | null;
  mveCollectionTicker: string | null;
  feeWaiverExpirationTime: string | null;
  /** Everything as sent, for fields not modelled here. */
  raw: Record<string, unknown>;
}

export function parseMarket(raw: unknown, what = 'market'): KalshiMarket {
  const o = asObject(raw, what);
  return {
    ticker: str(o, 'ticker', what),
    eventTicker: optStr(o, 'event_ticker') ?? '',
    marketType: optStr(o, 'market_type'),
    status: optStr(o, 'status') ?? 'unknown',
    title: optStr(o, 'title'),
    yesSubTitle: optStr(o, 'yes_sub_title'),
    noSubTitle: optStr(o, 'no_sub_title'),
    openTime: optStr(o, 'open_time'),
    closeTime: optStr(o, 'close_time'),
    yesBid: pxOf(o, 'yes_bid_dollars', 'yes_bid', what),
    yesAsk: pxOf(o, 'yes_ask_dollars', 'yes_ask', what),
    noBid: pxOf(o, 'no_bid_dollars', 'no_bid', what),
    noAsk: pxOf(o, 'no_ask_dollars', 'no_ask', what),
    lastPrice: pxOf(o, 'last_price_dollars', 'last_price', what),
    volume: qtyOf(o, 'volume_fp', 'volume', what),
    openInterest: qtyOf(o, 'open_interest_fp', 'open_interest', what),
    result: optStr(o, 'result'),
    canCloseEarly: optBool(o, 'can_close_early'),
    priceLevelStructure: optStr(o, 'price_level_structure'),
    priceRanges: parsePriceRanges(o.price_ranges, `${what}.price_ranges`),
    fractionalTradingEnabled: optBool(o, 'fractional_trading_enabled') ?? false,
    exchangeIndex: optInt(o, 'exchange_index'),
    mveCollectionTicker: optStr(o, 'mve_collection_ticker'),
    feeWaiverExpirationTime: optStr(o, 'fee_waiver_expiration_time'),
    raw: o,
  };
}

export interface KalshiEvent {
  eventTicker: string;
  seriesTicker: string;
  title: string | null;
  subTitle: string | null;
  mutuallyExclusive: boolean;
  feeTypeOverride: string | null;
  feeMultiplierOverride: number | null;
  exchangeIndex: number | null;
  /** Present with `with_nested_markets=true`. */
  markets: KalshiMarket[] | null;
  raw: Record<string, unknown>;
}

export function parseEvent(raw: unknown, what = 'event'): KalshiEvent {
  const o = asObject(raw, what);
  const fm = o.fee_multiplier_override;
  return {
    eventTicker: str(o, 'event_ticker', what),
    seriesTicker: optStr(o, 'series_ticker') ?? '',
    title: optStr(o, 'title'),
    subTitle: optStr(o, 'sub_title'),
    mutuallyExclusive: optBool(o, 'mutually_exclusive') ?? false,
    feeTypeOverride: optStr(o, 'fee_type_override'),
    feeMultiplierOverride: typeof fm === 'number' ? fm : typeof fm === 'string' && fm !== '' ? Number(fm) : null,
    exchangeIndex: optInt(o, 'exchange_index'),
    markets: Array.isArray(o.markets) ? o.markets.map((m, i) => parseMarket(m, `${what}.markets[${i}]`)) : null,
    raw: o,
  };
}

export interface KalshiSeries {
  ticker: string;
  title: string | null;
  category: string | null;
  feeType: string | null;
  feeMultiplier: number | null;
  exchangeIndex: number | null;
  raw: Record<string, unknown>;
}

export function parseSeries(raw: unknown, what = 'series'): KalshiSeries {
  const o = asObject(raw, what);
  const fm = o.fee_multiplier;
  return {
    ticker: str(o, 'ticker', what),
    title: optStr(o, 'title'),
    category: optStr(o, 'category'),
    feeType: optStr(o, 'fee_type'),
    feeMultiplier: typeof fm === 'number' ? fm : typeof fm === 'string' && fm !== '' ? Number(fm) : null,
    exchangeIndex: optInt(o, 'exchange_index'),
    raw: o,
  };
}

/** One page of a cursor-paginated list; `cursor` null on the last page. */
export interface KalshiPage<T> {
  items: T[];
  cursor: string | null;
}

/** Read `{<key>: [...], cursor}` into a page, parsing each item. */
export function parsePage<T>(raw: unknown, key: string, parse: (x: unknown, what: string) => T): KalshiPage<T> {
  const o = asObject(raw, `${key} page`);
  const arr = o[key];
  if (arr !== undefined && arr !== null && !Array.isArray(arr)) throw new KalshiWireError(`${key} page.${key}`, 'expected an array');
  const items = (arr ?? []).map((x: unknown, i: number) => parse(x, `${key}[${i}]`));
  const c = o.cursor;
  return { items, cursor: typeof c === 'string' && c !== '' ? c : null };
}
