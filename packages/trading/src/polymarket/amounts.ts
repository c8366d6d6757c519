// Polymarket order amounts (spec polymarket.md §6): price/size -> makerAmount/takerAmount in
// base units (1e-6 pUSD or 1e-6 share), integer-exact.
//
// The official client does this on IEEE doubles with per-tick rounding configs; here the same
// rules run on integers, so the result is the client's intended value without float drift:
//   limit  (GTC/GTD, price + size in shares): price half-up to P decimals, size floored to 2;
//          BUY maker = size × price, SELL taker = size × price (always exact: ≤ P+2 = A decimals).
//   market (FOK/FAK, price cap + amount): price floored to P decimals, amount floored to 2
//          (pUSD for BUY, shares for SELL); BUY taker = amount / price, SELL taker = amount × price.
//   Every derived amount is "fit to A decimals": ceil at A+4 decimals (the client's float-noise
//   cleaner), then floor at A. Only a market BUY's quotient can actually need it.
//
// The server accepts less than the client emits (§6.5): polyCheckServerRules rejects what the
// CLOB rejects, and polyLegAmounts builds FAK/FOK legs that pass it.

import { VenueError } from '../errors.ts';
import type { Micros, Px, Qty } from '../units.ts';
import { PX_ONE, formatScaled, parseScaled } from '../units.ts';

export type PolySide = 'BUY' | 'SELL';
export type PolyOrderType = 'GTC' | 'GTD' | 'FOK' | 'FAK';
export type PolyTickSize = '0.1' | '0.01' | '0.005' | '0.0025' | '0.001' | '0.0001';

/** Decimals of price, size and derived amount per tick (the client's ROUNDING_CONFIG). */
export interface PolyRoundingConfig {
  price: number;
  size: number;
  amount: number;
}

export const POLY_ROUNDING: Readonly<Record<PolyTickSize, PolyRoundingConfig>> = Object.freeze({
  '0.1': { price: 1, size: 2, amount: 3 },
  '0.01': { price: 2, size: 2, amount: 4 },
  '0.005': { price: 3, size: 2, amount: 5 },
  '0.0025': { price: 4, size: 2, amount: 6 },
  '0.001': { price: 3, size: 2, amount: 5 },
  '0.0001': { price: 4, size: 2, amount: 6 },
});

const TICK_PX: Readonly<Record<PolyTickSize, Px>> = Object.freeze({
  '0.1': 1000,
  '0.01': 100,
  '0.005': 50,
  '0.0025': 25,
  '0.001': 10,
  '0.0001': 1,
});

/** A tick size as the CLOB sends it (number 0.01 or string "0.01") -> the typed tick; throws on unknown ticks. */
export function polyTickSize(x: unknown): PolyTickSize {
  let s = typeof x === 'number' ? String(x) : typeof x === 'string' ? x.trim() : '';
  // Tolerate ".01" and trailing zeros ("0.010") from other sources.
  if (/^0?\.\d+$/.test(s)) s = s.replace(/0+$/, '').replace(/^\./, '0.');
  if (Object.hasOwn(TICK_PX, s)) return s as PolyTickSize;
  throw new VenueError('venue', `unsupported Polymarket tick size ${JSON.stringify(x)} (known: ${Object.keys(TICK_PX).join(', ')})`, {
    platform: 'polymarket',
  });
}

/** The tick in Px (1/10,000 dollar). */
export const polyTickPx = (tick: PolyTickSize): Px => TICK_PX[tick];

/** Base units (1e-6) per dollar or share. */
export const POLY_BASE_UNITS = 1_000_000;

export interface PolyRawAmounts {
  side: PolySide;
  /** What the maker gives, in base units: pUSD for BUY, shares for SELL. */
  makerAmount: number;
  /** What the maker receives at least, in base units: shares for BUY, pUSD for SELL. */
  takerAmount: number;
}

const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000] as const;
const pow10 = (n: number): number => POW10[n] ?? 10 ** n;

/** Number of decimals of a base-unit amount seen as a 6-decimal number. */
export function baseUnitDecimals(v: number): number {
  let d = 6;
  while (d > 0 && v % 10 === 0) {
    v /= 10;
    d--;
  }
  return d;
}

function checkSide(side: PolySide): void {
  if (side !== 'BUY' && side !== 'SELL') throw new RangeError(`side must be BUY or SELL, got ${JSON.stringify(side)}`);
}

function checkPx(price: Px): void {
  if (!Number.isSafeInteger(price) || price <= 0 || price >= PX_ONE)
    throw new VenueError('invalid_price', `price ${formatPxLoose(price)} is outside (0, 1)`, { platform: 'polymarket' });
}

function formatPxLoose(price: number): string {
  return Number.isSafeInteger(price) ? formatScaled(price, 4) : String(price);
}

/** Rounds a Px to `dec` (≤ 4) decimals: 'half-up' or 'floor'. */
function roundPx(price: Px, dec: number, mode: 'half-up' | 'floor'): Px {
  const unit = pow10(4 - dec);
  if (unit === 1) return price;
  const q = Math.floor(price / unit);
  const r = price - q * unit;
  return (mode === 'half-up' && r * 2 >= unit ? q + 1 : q) * unit;
}

/**
 * "Fit to A decimals" of the exact value num/den base units: ceil at A+4 decimals, then floor at A.
 * Exact rational arithmetic with BigInt (numerators exceed 2^53 for large orders).
 */
function fitQuotient(num: bigint, den: bigint, amountDecimals: number): number {
  // value in units of 10^-(A+4), rounded up
  const scaleUp = 10n ** BigInt(amountDecimals + 4);
  const n = num * scaleUp;
  let v = n / (den * 1_000_000n);
  if (v * den * 1_000_000n !== n) v += 1n;
  const a = v / 10_000n; // floor at A decimals
  return Number(a * 10n ** BigInt(6 - amountDecimals));
}

/**
 * Limit order (GTC/GTD) amounts from price (Px) and size (Qty, shares) — the client's
 * getOrderRawAmounts: price rounded half-up to the tick's price decimals, size floored to 2
 * decimals (a Qty already is). Exact: price × size in Px × Qty is micro-dollars.
 */
export function polyLimitAmounts(side: PolySide, price: Px, size: Qty, tick: PolyTickSize): PolyRawAmounts {
  checkSide(side);
  checkPx(price);
  if (!Number.isSafeInteger(size) || size <= 0) throw new VenueError('invalid_size', `size ${size} must be a positive number of 1/100 shares`, { platform: 'polymarket' });
  const p = roundPx(price, POLY_ROUNDING[tick].price, 'half-up');
  const shares = size * 10_000; // Qty -> base units
  const notional = size * p; // Px × Qty = micros, ≤ A decimals by construction
  return side === 'BUY'
    ? { side, makerAmount: notional, takerAmount: shares }
    : { side, makerAmount: shares, takerAmount: notional };
}

/**
 * Market order (FOK/FAK) amounts from a price cap (Px) and an amount in base units (pUSD micros for
 * BUY, share micros for SELL) — the client's getMarketOrderRawAmounts: price floored to the tick's
 * price decimals, amount floored to 2 decimals, BUY taker = amount / price fitted to A decimals.
 */
export function polyMarketAmounts(side: PolySide, price: Px, amount: number, tick: PolyTickSize): PolyRawAmounts {
  checkSide(side);
  checkPx(price);
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new VenueError('invalid_size', `amount ${amount} must be a positive number of base units`, { platform: 'polymarket' });
  const cfg = POLY_ROUNDING[tick];
  const p = roundPx(price, cfg.price, 'floor');
  if (p <= 0) throw new VenueError('invalid_price', `price ${formatPxLoose(price)} floors to 0 at tick ${tick}`, { platform: 'polymarket' });
  const maker = Math.floor(amount / 10_000) * 10_000; // 2 decimals
  if (maker <= 0) throw new VenueError('invalid_size', `amount ${formatScaled(amount, 6)} is below 0.01`, { platform: 'polymarket' });
  if (side === 'BUY') {
    // shares = maker / (p / 1e4), in base units: maker × 1e4 / p
    const taker = fitQuotient(BigInt(maker) * 10_000n, BigInt(p), cfg.amount);
    return { side, makerAmount: maker, takerAmount: taker };
  }
  // pUSD = shares × p: (maker/1e6 shares) × (p/1e4) × 1e6 base units; ≤ 2 + P ≤ A decimals, exact
  const takerNum = BigInt(maker) * BigInt(p);
  return { side, makerAmount: maker, takerAmount: fitQuotient(takerNum, 10_000n, cfg.amount) };
}

// ---- decimal front end: JS numbers or decimal strings, as the official client takes them ----

/** A JS number or decimal string -> its shortest decimal text (what the client's decimal counting sees). */
function decimalText(x: number | string, what: string): string {
  if (typeof x === 'string') return x.trim();
  if (!Number.isFinite(x)) throw new RangeError(`${what} ${x} is not a finite number`);
  const s = String(x);
  if (/e/i.test(s)) throw new RangeError(`${what} ${s} is out of the supported range (write it as a decimal string)`);
  return s;
}

/** Limit order amounts from decimal inputs (e.g. price 0.5749999, size 10.129), as the client rounds them. */
export function polyLimitAmountsFromDecimal(side: PolySide, price: number | string, size: number | string, tick: PolyTickSize): PolyRawAmounts {
  const cfg = POLY_ROUNDING[tick];
  const p = parseScaled(decimalText(price, 'price'), cfg.price, 'price', 'half-up') * pow10(4 - cfg.price);
  const q = parseScaled(decimalText(size, 'size'), 2, 'size', 'floor');
  return polyLimitAmounts(side, p, q, tick);
}

/** Market order amounts from decimal inputs (price cap, amount in pUSD for BUY / shares for SELL). */
export function polyMarketAmountsFromDecimal(side: PolySide, price: number | string, amount: number | string, tick: PolyTickSize): PolyRawAmounts {
  const cfg = POLY_ROUNDING[tick];
  const p = parseScaled(decimalText(price, 'price'), cfg.price, 'price', 'floor') * pow10(4 - cfg.price);
  const a = parseScaled(decimalText(amount, 'amount'), 2, 'amount', 'floor') * 10_000;
  return polyMarketAmounts(side, p, a, tick);
}

// ---- server-side rules (§6.5) ----

export interface PolyServerCheck {
  side: PolySide;
  orderType: PolyOrderType;
  /** The order's price (limit price or market cap), Px. */
  price: Px;
  makerAmount: number;
  takerAmount: number;
  tick: PolyTickSize;
  /** The market's minimum order size in shares (Qty), when known (`mos` / `min_order_size`). */
  minOrderSize?: Qty | null | undefined;
}

const fmtBase = (v: number): string => {
  const s = formatScaled(v, 6);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
};

/**
 * Rejects what the CLOB rejects (spec §6.5), before anything is signed or sent:
 * - price a multiple of the tick and within [tick, 1 − tick]             -> VenueError 'invalid_price'
 * - FOK/FAK (market) orders: maker ≤ 2 decimals, taker ≤ 4 decimals        -> 'invalid_size'
 *   (quoted for BUY; applied to SELL too, whose limits are unconfirmed)
 * - GTC/GTD BUY: maker ≤ A decimals, taker ≤ 2; SELL: maker ≤ 2, taker ≤ A;
 *   the pUSD side must equal price × shares exactly (V1-era rule, assumed kept) -> 'invalid_size'
 * - shares ≥ the market's minimum order size                                -> 'invalid_size'
 */
export function polyCheckServerRules(o: PolyServerCheck): void {
  const tickPx = TICK_PX[o.tick];
  const priceText = formatPxLoose(o.price);
  if (!Number.isSafeInteger(o.price) || o.price % tickPx !== 0)
    throw new VenueError('invalid_price', `order is invalid. Price (${priceText}) breaks minimum tick size rule: ${o.tick}`, {
      platform: 'polymarket', venueCode: 'INVALID_ORDER_MIN_TICK_SIZE',
    });
  if (o.price < tickPx || o.price > PX_ONE - tickPx)
    throw new VenueError('invalid_price', `invalid price (${priceText}), min: ${o.tick} - max: ${formatPxLoose(PX_ONE - tickPx)}`, {
      platform: 'polymarket',
    });
  for (const [name, v] of [['makerAmount', o.makerAmount], ['takerAmount', o.takerAmount]] as const)
    if (!Number.isSafeInteger(v) || v <= 0)
      throw new VenueError('invalid_size', `invalid amounts: ${name} ${v} must be a positive integer of base units`, { platform: 'polymarket' });

  const market = o.orderType === 'FOK' || o.orderType === 'FAK';
  const sideWord = o.side === 'BUY' ? 'buy' : 'sell';
  const amountDec = POLY_ROUNDING[o.tick].amount;
  const makerMax = market ? 2 : o.side === 'BUY' ? amountDec : 2;
  const takerMax = market ? 4 : o.side === 'BUY' ? 2 : amountDec;
  if (baseUnitDecimals(o.makerAmount) > makerMax || baseUnitDecimals(o.takerAmount) > takerMax)
    throw new VenueError(
      'invalid_size',
      `invalid amounts, the ${market ? 'market ' : ''}${sideWord} orders maker amount supports a max accuracy of ${makerMax} decimals, taker amount a max of ${takerMax} decimals`,
      { platform: 'polymarket' },
    );
  if (!market) {
    const shares = o.side === 'BUY' ? o.takerAmount : o.makerAmount;
    const usd = o.side === 'BUY' ? o.makerAmount : o.takerAmount;
    // shares (base units) × price (Px) / 1e4 must equal the pUSD side exactly
    if (BigInt(shares) * BigInt(o.price) !== BigInt(usd) * 10_000n)
      throw new VenueError('invalid_size', `invalid amounts: ${fmtBase(usd)} pUSD is not price ${priceText} × ${fmtBase(shares)} shares`, {
        platform: 'polymarket',
      });
  }
  if (o.minOrderSize !== null && o.minOrderSize !== undefined) {
    const shares = o.side === 'BUY' ? o.takerAmount : o.makerAmount;
    if (shares < o.minOrderSize * 10_000)
      throw new VenueError('invalid_size', `order is invalid. Size (${fmtBase(shares)}) lower than the minimum: ${formatScaled(o.minOrderSize, 2).replace(/\.?0+$/, '')}`, {
        platform: 'polymarket', venueCode: 'INVALID_ORDER_MIN_SIZE',
      });
  }
}

/**
 * Amounts for an immediate leg (FAK/FOK) of `contracts` shares at limit `price`, built with the
 * market path so the CLOB's market-order precision holds (§6.5):
 * - BUY: maker = price × contracts rounded UP to the cent (the CLOB wants ≤ 2 decimals), taker =
 *   maker / price floored to 4 decimals — never fewer shares than asked (at most 1 cent more spend,
 *   none when price × contracts is whole cents, the common case).
 * - SELL: maker = contracts, taker = contracts × price floored to 4 decimals (minimum proceeds).
 * The price must already be on the tick grid; polyCheckServerRules is applied to the result.
 */
export function polyLegAmounts(side: PolySide, price: Px, contracts: Qty, tick: PolyTickSize, minOrderSize?: Qty | null): PolyRawAmounts {
  checkSide(side);
  checkPx(price);
  if (!Number.isSafeInteger(contracts) || contracts <= 0)
    throw new VenueError('invalid_size', `contracts ${contracts} must be a positive number of 1/100 shares`, { platform: 'polymarket' });
  const tickPx = TICK_PX[tick];
  if (price % tickPx !== 0)
    throw new VenueError('invalid_price', `order is invalid. Price (${formatPxLoose(price)}) breaks minimum tick size rule: ${tick}`, {
      platform: 'polymarket', venueCode: 'INVALID_ORDER_MIN_TICK_SIZE',
    });
  let out: PolyRawAmounts;
  if (side === 'BUY') {
    const notional: Micros = price * contracts;
    const maker = Math.ceil(notional / 10_000) * 10_000;
    const m = polyMarketAmounts('BUY', price, maker, tick);
    out = { side, makerAmount: m.makerAmount, takerAmount: Math.floor(m.takerAmount / 100) * 100 };
  } else {
    const m = polyMarketAmounts('SELL', price, contracts * 10_000, tick);
    out = { side, makerAmount: m.makerAmount, takerAmount: Math.floor(m.takerAmount / 100) * 100 };
  }
  polyCheckServerRules({ side, orderType: 'FAK', price, makerAmount: out.makerAmount, takerAmount: out.takerAmount, tick, minOrderSize });
  return out;
}
