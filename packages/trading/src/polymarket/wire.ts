// CLOB wire shapes (spec polymarket.md §7.3, §8.1, §9, §10) parsed into typed values in integer
// units, and turned into the VenueOrderReport executeLeg understands.
//
// Amounts on these answers are human-unit decimal strings ("2.65", "4.999999"); they become base
// units (1e-6) here. Prices become Px. A `matched` status is provisional on-chain (§8.2) but is
// what the leg reports: a full match is 'filled', a partial FAK match 'partial'.

import { VenueError } from '../errors.ts';
import type { VenueOrderReport } from '../execution/types.ts';
import type { Micros, Px, Qty } from '../units.ts';
import { PX_ONE, parseScaled } from '../units.ts';
import type { PolySide, PolyTickSize } from './amounts.ts';
import { polyTickSize } from './amounts.ts';
import { polyFeeParamsFromWire, polyTakerFeeMicros, type PolyFeeParams } from './fees.ts';

const bad = (what: string, detail: string): VenueError =>
  new VenueError('venue', `unexpected Polymarket ${what} answer: ${detail}`, { platform: 'polymarket' });

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** "2.65" / 2.65 / "" -> base units (1e-6), floored past 6 decimals; empty or absent -> null. */
export function parseBaseUnits(v: unknown, what: string): number | null {
  if (v === undefined || v === null || v === '') return null;
  const s = typeof v === 'number' ? (Number.isFinite(v) ? v.toFixed(6) : '') : typeof v === 'string' ? v.trim() : '';
  if (s === '') throw bad(what, `not a number: ${JSON.stringify(v)}`);
  try {
    return parseScaled(s, 6, what, 'floor');
  } catch {
    throw bad(what, `not a decimal amount: ${JSON.stringify(v)}`);
  }
}

/** "0.53" -> 5300 (Px), rounded half-up past 4 decimals. */
export function parsePolyPrice(v: unknown, what = 'price'): Px {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  try {
    return parseScaled(s.startsWith('.') ? '0' + s : s, 4, what, 'half-up');
  } catch {
    throw bad(what, `not a price: ${JSON.stringify(v)}`);
  }
}

const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

// ---- POST /order ----

export interface PolyPostOrderResult {
  success: boolean;
  /** Empty when accepted. */
  errorMsg: string;
  /** Order hash. */
  orderID: string;
  /** live | matched | delayed | unmatched (lower case), or '' when absent. */
  status: string;
  /** What filled in this call, base units: BUY = pUSD spent, SELL = shares sold; null when empty. */
  makingAmount: number | null;
  /** BUY = shares received, SELL = pUSD received; null when empty. */
  takingAmount: number | null;
  tradeIDs: string[];
  transactionsHashes: string[];
}

export function parsePolyPostOrderResponse(body: unknown): PolyPostOrderResult {
  if (!isObj(body)) throw bad('POST /order', `expected an object, got ${JSON.stringify(body)?.slice(0, 200)}`);
  return {
    success: body.success === true,
    errorMsg: typeof body.errorMsg === 'string' ? body.errorMsg : '',
    orderID: typeof body.orderID === 'string' ? body.orderID : typeof body.orderId === 'string' ? body.orderId : '',
    status: typeof body.status === 'string' ? body.status.toLowerCase() : '',
    makingAmount: parseBaseUnits(body.makingAmount, 'makingAmount'),
    takingAmount: parseBaseUnits(body.takingAmount, 'takingAmount'),
    tradeIDs: strList(body.tradeIDs),
    transactionsHashes: strList(body.transactionsHashes),
  };
}

// ---- GET /data/order/{id} ----

export interface PolyOrderRecord {
  id: string;
  /** LIVE, MATCHED, DELAYED, UNMATCHED, CANCELED, CANCELED_MARKET_RESOLVED, INVALID (upper case). */
  status: string;
  owner: string;
  makerAddress: string;
  /** Condition id. */
  market: string;
  assetId: string;
  side: PolySide;
  /** Shares, base units. */
  originalSize: number;
  sizeMatched: number;
  price: Px;
  outcome: string;
  expiration: string;
  /** GTC, GTD, FOK, FAK. */
  orderType: string;
  associateTrades: string[];
  /** Unix seconds, or null. */
  createdAt: number | null;
}

/** Parses a GET /data/order body; JSON null (briefly seen right after placement) -> null. */
export function parsePolyOrderRecord(body: unknown): PolyOrderRecord | null {
  if (body === null || body === undefined || body === '') return null;
  if (!isObj(body)) throw bad('GET /data/order', `expected an object, got ${JSON.stringify(body).slice(0, 200)}`);
  const side = typeof body.side === 'string' ? body.side.toUpperCase() : '';
  if (side !== 'BUY' && side !== 'SELL') throw bad('GET /data/order', `side ${JSON.stringify(body.side)}`);
  if (typeof body.id !== 'string') throw bad('GET /data/order', 'missing id');
  const createdRaw = body.created_at;
  const createdAt = typeof createdRaw === 'number' ? createdRaw : typeof createdRaw === 'string' && /^\d+$/.test(createdRaw) ? Number(createdRaw) : null;
  return {
    id: body.id,
    status: typeof body.status === 'string' ? body.status.toUpperCase() : '',
    owner: typeof body.owner === 'string' ? body.owner : '',
    makerAddress: typeof body.maker_address === 'string' ? body.maker_address : '',
    market: typeof body.market === 'string' ? body.market : '',
    assetId: typeof body.asset_id === 'string' ? body.asset_id : '',
    side,
    originalSize: parseBaseUnits(body.original_size, 'original_size') ?? 0,
    sizeMatched: parseBaseUnits(body.size_matched, 'size_matched') ?? 0,
    price: parsePolyPrice(body.price),
    outcome: typeof body.outcome === 'string' ? body.outcome : '',
    expiration: typeof body.expiration === 'string' ? body.expiration : String(body.expiration ?? '0'),
    orderType: typeof body.order_type === 'string' ? body.order_type.toUpperCase() : '',
    associateTrades: strList(body.associate_trades),
    createdAt,
  };
}

// ---- reports ----

/** Share dust (base units) below which a fill counts as complete: the CLOB's own division leaves e.g. 4.999999 for 5. */
export const POLY_FILL_DUST = 100; // 0.0001 share

export interface PolyReportContext {
  side: PolySide;
  /** Shares the leg asked for, Qty. */
  requestedContracts: Qty;
  clientOrderId: string;
  /** Fee curve of the market; null when unknown (fees then reported as 0). */
  fees: PolyFeeParams | null;
}

function filledQty(shares: number, requested: Qty): { qty: Qty; complete: boolean } {
  const complete = shares >= requested * 10_000 - POLY_FILL_DUST;
  const floor = Math.floor(shares / 10_000);
  return { qty: complete ? Math.max(requested, floor) : floor, complete };
}

function takerFee(cost: Micros, qty: Qty, fees: PolyFeeParams | null): Micros {
  if (!fees || qty <= 0) return 0;
  const avg = Math.round(cost / qty);
  if (avg <= 0 || avg >= PX_ONE) return 0;
  return polyTakerFeeMicros(avg, qty, fees);
}

/** What the POST /order answer says happened to an immediate (FAK/FOK) order. */
export function polyReportFromPost(r: PolyPostOrderResult, ctx: PolyReportContext): VenueOrderReport {
  const shares = (ctx.side === 'BUY' ? r.takingAmount : r.makingAmount) ?? 0;
  const cost = (ctx.side === 'BUY' ? r.makingAmount : r.takingAmount) ?? 0;
  const base = { venueOrderId: r.orderID || null, clientOrderId: ctx.clientOrderId };
  if (r.status === 'delayed' || r.status === 'live' || (r.status === 'matched' && shares === 0)) {
    // Held in a delay window, resting, or matched without amounts: not final, look it up later.
    return { ...base, status: 'pending', filledContracts: 0, costMicros: 0, feesMicros: 0 };
  }
  if (shares === 0) return { ...base, status: 'unfilled', filledContracts: 0, costMicros: 0, feesMicros: 0 };
  const { qty, complete } = filledQty(shares, ctx.requestedContracts);
  return {
    ...base,
    status: complete ? 'filled' : 'partial',
    filledContracts: qty,
    costMicros: cost,
    feesMicros: takerFee(cost, qty, ctx.fees),
  };
}

/** What GET /data/order says about an order (lookup after an unknown outcome). */
export function polyReportFromOrder(o: PolyOrderRecord, ctx: PolyReportContext): VenueOrderReport {
  const base = { venueOrderId: o.id, clientOrderId: ctx.clientOrderId };
  const shares = o.sizeMatched;
  if (o.status === 'LIVE' || o.status === 'DELAYED' || (o.status === 'MATCHED' && shares === 0)) {
    return { ...base, status: 'pending', filledContracts: 0, costMicros: 0, feesMicros: 0 };
  }
  if (shares === 0) return { ...base, status: 'unfilled', filledContracts: 0, costMicros: 0, feesMicros: 0 };
  const { qty, complete } = filledQty(shares, ctx.requestedContracts);
  // The order record carries its limit price, not the fill prices: cost at the limit price is an
  // upper bound for a BUY and a lower bound for a SELL (trades give the exact figure).
  const cost = Math.round((shares * o.price) / 10_000);
  return {
    ...base,
    status: complete ? 'filled' : 'partial',
    filledContracts: qty,
    costMicros: cost,
    feesMicros: takerFee(cost, qty, ctx.fees),
  };
}

// ---- market metadata ----

export interface PolyMarketInfo {
  tokenId: string;
  conditionId: string | null;
  tickSize: PolyTickSize;
  negRisk: boolean;
  /** null when the market's fee curve is unknown (metadata from /tick-size + /neg-risk only). */
  fees: PolyFeeParams | null;
  /** Minimum order size in shares (Qty), when known. */
  minOrderSize: Qty | null;
}

/** GET /clob-markets/{condition_id} -> info per token of the market. */
export function parsePolyClobMarket(body: unknown, conditionId: string): PolyMarketInfo[] {
  if (!isObj(body) || !Array.isArray(body.t)) throw bad(`GET /clob-markets/${conditionId}`, 'missing token list `t`');
  const tickSize = polyTickSize(body.mts);
  const negRisk = body.nr === true;
  const fees = polyFeeParamsFromWire(isObj(body.fd) ? body.fd : null);
  const mos = body.mos;
  const minOrderSize = typeof mos === 'number' || (typeof mos === 'string' && mos.trim() !== '') ? parseScaled(String(mos), 2, 'min order size', 'ceil') : null;
  const out: PolyMarketInfo[] = [];
  for (const t of body.t) {
    if (!isObj(t) || typeof t.t !== 'string') continue;
    out.push({ tokenId: t.t, conditionId: typeof body.c === 'string' ? body.c : conditionId, tickSize, negRisk, fees, minOrderSize });
  }
  return out;
}

// ---- balances ----

export interface PolyBalanceAllowance {
  /** Base units (pUSD micros, or share micros for CONDITIONAL). */
  balance: number;
  /** Allowance per spender, base units (unlimited approvals exceed 2^53, hence bigint). */
  allowances: Record<string, bigint>;
}

export function parsePolyBalanceAllowance(body: unknown): PolyBalanceAllowance {
  if (!isObj(body)) throw bad('GET /balance-allowance', 'expected an object');
  const toBig = (v: unknown): bigint => {
    const s = typeof v === 'number' ? String(Math.trunc(v)) : typeof v === 'string' ? v.trim() : '';
    if (!/^\d+$/.test(s)) throw bad('GET /balance-allowance', `not an integer amount: ${JSON.stringify(v)}`);
    return BigInt(s);
  };
  const bal = toBig(body.balance ?? '0');
  const allowances: Record<string, bigint> = {};
  if (isObj(body.allowances)) for (const [k, v] of Object.entries(body.allowances)) allowances[k] = toBig(v);
  else if (body.allowance !== undefined) allowances['*'] = toBig(body.allowance); // V1 servers
  return { balance: bal > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(bal), allowances };
}

/** A paginated `/data/*` page: {data, next_cursor}. */
export function parsePolyPage(body: unknown, what: string): { data: unknown[]; nextCursor: string } {
  if (!isObj(body) || !Array.isArray(body.data)) throw bad(what, 'expected {data: [...], next_cursor}');
  return { data: body.data, nextCursor: typeof body.next_cursor === 'string' ? body.next_cursor : 'LTE=' };
}
