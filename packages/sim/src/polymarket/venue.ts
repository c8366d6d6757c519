// The simulated Polymarket CLOB's state and order pipeline, on top of SimContext:
// order records keyed by EIP-712 hash, trades with settlement states, the POST /order checks
// (auth owner, signer/maker wallet, signature under the market's exchange, duplicates, §6.5
// rules, funds) and the §7.3 response. HTTP routing lives in clob-routes.ts.

import { createHash } from 'node:crypto';
import { getAddress, type Address, type Hex } from 'viem';
import { PX_ONE, type Px, type Qty } from '@parity/trading';
import { available, type SimAccount } from '../accounts.ts';
import type { SimContext } from '../context.ts';
import type { TimeInForce } from '../engine/index.ts';
import type { SimEvent } from '../events.ts';
import { numParam, type ActiveFault } from '../faults.ts';
import type { PolymarketMarketMeta, SimMarket } from '../markets.ts';
import type { Outcome, PlaceOrderResult, SimOrder } from '../orders.ts';
import { formatBase, formatPxTrim } from './amounts.ts';
import { PolyApiKeys, type Authenticated } from './api-keys.ts';
import { POLYGON_CHAIN_ID, SIG_EOA, SIG_POLY_1271 } from './constants.ts';
import { ClobError, MSG, balanceMessage, duplicatedMessage, minSizeMessage, tickMessage } from './errors.ts';
import { feeRateBps } from './fees.ts';
import { checkOrderRules } from './order-rules.ts';
import { checkOrderSignature, exchangeDomain } from './order-signature.ts';
import { parsePostOrderBody, type OrderSide, type OrderType, type PostOrderBody } from './order-wire.ts';

/** Shares base units (1e-6) per Qty (1e-2). */
const BASE_PER_QTY = 10_000n;

export type TradeStatus = 'MATCHED' | 'MINED' | 'CONFIRMED' | 'RETRYING' | 'FAILED';

export interface PolyOrderRecord {
  /** EIP-712 order hash = orderID = the SimOrder id once placed. */
  readonly id: Hex;
  readonly apiKey: string;
  readonly accountId: string;
  readonly marketId: string;
  readonly tokenId: string;
  readonly outcome: Outcome;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly pricePx: Px;
  readonly sizeQty: Qty;
  readonly maker: Address;
  readonly expiration: string;
  readonly createdAtSecs: number;
  /** `delayed` while held in a delay window; `placed` once the engine has it. */
  phase: 'delayed' | 'placed' | 'invalid';
  /** Set when a delayed marketable order reached the book and matched nothing. */
  unmatched: boolean;
  tradeIds: string[];
  /** Trades of this order stay unsettled (fault). */
  unsettled: ActiveFault | null;
}

export interface PolyTrade {
  readonly id: string;
  readonly marketId: string;
  readonly takerOrderId: string;
  readonly takerAccountId: string;
  readonly takerOutcome: Outcome;
  readonly takerSide: OrderSide;
  /** Taker's outcome price of this match (the maker's price). */
  readonly px: Px;
  readonly qty: Qty;
  readonly maker: {
    orderId: string;
    accountId: string;
    outcome: Outcome;
    side: OrderSide;
    px: Px;
  };
  readonly matchTimeMs: number;
  status: TradeStatus;
  txHash: string | null;
  lastUpdateMs: number;
}

export interface PolyVenueOptions {
  chainId?: number;
  /** Largest accepted clock skew of POLY_TIMESTAMP, seconds (real window unconfirmed). */
  maxAuthSkewSecs?: number;
  /** Settlement timeline of a normal trade, simulated ms after the match. */
  minedAfterMs?: number;
  confirmedAfterMs?: number;
  /** Delay window of an `order_delayed` fault when its params give no `ms` (spec §9: 250 ms, later 50 ms). */
  defaultDelayMs?: number;
  /** Largest batch of POST /orders (spec §7.5). */
  maxBatch?: number;
}

export interface OrderAnswer {
  status: number;
  body: Record<string, unknown>;
}

export const toEngineTif = (t: OrderType): TimeInForce => (t === 'FAK' ? 'ioc' : t === 'FOK' ? 'fok' : 'gtc');

export class PolyVenue {
  readonly keys: PolyApiKeys;
  readonly orders = new Map<string, PolyOrderRecord>();
  readonly trades = new Map<string, PolyTrade>();
  /** Trades per account (taker or maker), oldest first. */
  private readonly tradesByAccount = new Map<string, PolyTrade[]>();
  readonly chainId: number;
  readonly maxAuthSkewSecs: number;
  readonly maxBatch: number;
  private readonly minedAfterMs: number;
  private readonly confirmedAfterMs: number;
  private readonly defaultDelayMs: number;
  private readonly unsubscribe: () => void;

  constructor(readonly ctx: SimContext, opts: PolyVenueOptions = {}) {
    this.chainId = opts.chainId ?? POLYGON_CHAIN_ID;
    this.maxAuthSkewSecs = opts.maxAuthSkewSecs ?? 60;
    this.minedAfterMs = opts.minedAfterMs ?? 500;
    this.confirmedAfterMs = opts.confirmedAfterMs ?? 2_000;
    this.defaultDelayMs = opts.defaultDelayMs ?? 250;
    this.maxBatch = opts.maxBatch ?? 15;
    this.keys = new PolyApiKeys(ctx);
    this.unsubscribe = ctx.bus.on((e) => this.onEvent(e));
  }

  close(): void {
    this.unsubscribe();
  }

  // ---- market lookups ------------------------------------------------------------------------

  /** Token id -> market + outcome, or a CLOB 400 `Invalid token id`. */
  tokenOrThrow(tokenId: string | null | undefined): { market: SimMarket; meta: PolymarketMarketMeta; outcome: Outcome } {
    if (!tokenId || !/^\d{1,78}$/.test(tokenId)) throw new ClobError(400, MSG.invalidTokenId);
    const hit = this.ctx.marketByToken(BigInt(tokenId).toString());
    if (!hit?.market.polymarket) throw new ClobError(404, MSG.noOrderbook);
    return { market: hit.market, meta: hit.market.polymarket, outcome: hit.outcome };
  }

  marketByCondition(conditionId: string): SimMarket | undefined {
    const m = this.ctx.market(conditionId) ?? this.ctx.market(conditionId.toLowerCase());
    if (m?.polymarket) return m;
    for (const x of this.ctx.markets.values()) if (x.polymarket && x.polymarket.conditionId.toLowerCase() === conditionId.toLowerCase()) return x;
    return undefined;
  }

  /** Order version of a market: Gamma `version: "v2"` markets take ExchangeV3 orders (spec §0). */
  orderVersionOf(meta: PolymarketMarketMeta): 2 | 3 {
    return meta.extra?.version === 'v2' ? 3 : 2;
  }

  // ---- placing orders ------------------------------------------------------------------------

  /** POST /order body (already JSON-parsed) from an authenticated key. */
  async placeOrder(auth: Authenticated, raw: unknown, endpoint: string): Promise<OrderAnswer> {
    let body: PostOrderBody;
    try {
      body = parsePostOrderBody(raw);
    } catch (e) {
      this.logRejected(auth, null, e);
      throw e;
    }
    const o = body.order;
    try {
      if (body.owner !== auth.creds.apiKey) throw new ClobError(400, MSG.ownerMismatch);
      const { market, meta, outcome } = this.tokenOrThrow(o.tokenIdStr);
      this.checkWallet(auth, o.signatureType, o.signer, o.maker);
      const domain = exchangeDomain(this.chainId, { orderVersion: this.orderVersionOf(meta), negRisk: meta.negRisk });
      const sig = await checkOrderSignature(o, domain, (w) => this.walletOwner(auth.account, w));
      if (!sig.ok) throw new ClobError(400, MSG.invalidSignature);
      const orderId = sig.orderId;
      if (this.orders.has(orderId) || this.ctx.orders.has(orderId)) throw new ClobError(400, duplicatedMessage(orderId));
      if (body.postOnly && (body.orderType === 'FOK' || body.orderType === 'FAK')) throw new ClobError(400, MSG.postOnlyType);
      const nowSecs = Math.floor(this.ctx.clock.now() / 1000);
      if (body.orderType === 'GTD' && o.expiration <= BigInt(nowSecs + 60)) throw new ClobError(400, MSG.invalidExpiration);
      const checked = checkOrderRules({
        orderId,
        side: o.side,
        orderType: body.orderType,
        makerAmount: o.makerAmount,
        takerAmount: o.takerAmount,
        tick: meta.tickSize,
        minSizeBase: BigInt(meta.minOrderSize) * BASE_PER_QTY,
      });
      // Engine sizes are 1/100 share: a market BUY's 4-decimal minimum is floored (spend stays <= maker).
      const sizeQty = Number(checked.sharesBase / BASE_PER_QTY);
      if (sizeQty <= 0) throw new ClobError(400, minSizeMessage(orderId, formatBase(checked.sharesBase), formatBase(BigInt(meta.minOrderSize) * BASE_PER_QTY)));
      if (market.status !== 'open') throw new ClobError(400, MSG.marketNotReady);
      const rec: PolyOrderRecord = {
        id: orderId,
        apiKey: auth.creds.apiKey,
        accountId: auth.account.id,
        marketId: market.id,
        tokenId: o.tokenIdStr,
        outcome,
        side: o.side,
        orderType: body.orderType,
        pricePx: checked.pricePx,
        sizeQty,
        maker: o.maker,
        expiration: o.expiration.toString(),
        createdAtSecs: nowSecs,
        phase: 'placed',
        unmatched: false,
        tradeIds: [],
        unsettled: null,
      };
      const aliases = [market.id, o.tokenIdStr, meta.conditionId];
      if (this.ctx.faults.any) rec.unsettled = this.ctx.faults.take('polymarket', 'order_unsettled', ...aliases) ?? null;
      const delay = this.ctx.faults.any ? this.ctx.faults.take('polymarket', 'order_delayed', ...aliases) : undefined;
      if (delay) {
        // Held in a delay window: funds are checked when it reaches the book.
        rec.phase = 'delayed';
        this.orders.set(orderId, rec);
        this.ctx.clock.after(numParam(delay, 'ms', this.defaultDelayMs), () => this.release(rec, body.postOnly, endpoint));
        return { status: 200, body: { errorMsg: '', orderID: orderId, takingAmount: '', makingAmount: '', status: 'delayed', transactionsHashes: [], tradeIDs: [], success: true } };
      }
      this.orders.set(orderId, rec);
      const res = this.submit(rec, body.postOnly, endpoint);
      if (!res.ok) {
        this.orders.delete(orderId);
        throw this.rejection(res, rec, auth.account, o.makerAmount);
      }
      this.scheduleExpiry(rec, o.expiration);
      return this.answer(rec, res.order);
    } catch (e) {
      if (e instanceof ClobError && !(e as { logged?: boolean }).logged) this.logRejected(auth, o.tokenIdStr, e);
      throw e;
    }
  }

  /** POST /orders: every entry answered in the §7.3 shape; rejections carry errorMsg. */
  async placeBatch(auth: Authenticated, raw: unknown, endpoint: string): Promise<Record<string, unknown>[]> {
    if (!Array.isArray(raw)) throw new ClobError(400, MSG.invalidPayload);
    if (raw.length > this.maxBatch) throw new ClobError(400, `Too many orders in payload: ${raw.length}, max allowed: ${this.maxBatch}`);
    const out: Record<string, unknown>[] = [];
    for (const entry of raw) {
      try {
        const ans = await this.placeOrder(auth, entry, endpoint);
        const b = ans.body;
        out.push(
          ans.status === 200
            ? b
            : { errorMsg: String(b.error ?? ''), orderID: (b.orderID as string | undefined) ?? '', takingAmount: '', makingAmount: '', status: '', success: true },
        );
      } catch (e) {
        if (!(e instanceof ClobError)) throw e;
        out.push({ errorMsg: e.message, orderID: (e.extra?.orderID as string | undefined) ?? '', takingAmount: '', makingAmount: '', status: '', success: true });
      }
    }
    return out;
  }

  private submit(rec: PolyOrderRecord, postOnly: boolean, endpoint: string): PlaceOrderResult {
    return this.ctx.placeOrder({
      venue: 'polymarket',
      accountId: rec.accountId,
      marketId: rec.marketId,
      action: rec.side === 'BUY' ? 'buy' : 'sell',
      outcome: rec.outcome,
      px: rec.pricePx,
      qty: rec.sizeQty,
      tif: toEngineTif(rec.orderType),
      postOnly,
      // The CLOB does not prevent self-trades.
      stp: 'none',
      orderId: rec.id,
      endpoint,
      marketAlias: rec.tokenId,
      venueData: { polymarket: true, apiKey: rec.apiKey, maker: rec.maker },
    });
  }

  /** The end of a delay window: the order reaches the book now. */
  private release(rec: PolyOrderRecord, postOnly: boolean, endpoint: string): void {
    if (rec.phase !== 'delayed') return;
    const res = this.submit(rec, postOnly, endpoint);
    if (!res.ok) {
      rec.phase = 'invalid';
      return;
    }
    rec.phase = 'placed';
    if (res.order.filledQty === 0 && res.order.status !== 'resting') rec.unmatched = true;
  }

  private scheduleExpiry(rec: PolyOrderRecord, expiration: bigint): void {
    if (rec.orderType !== 'GTD' || expiration === 0n) return;
    // The CLOB expires GTD orders one minute before `expiration` (spec §7.2).
    const due = Number(expiration - 60n) * 1000 - this.ctx.clock.now();
    this.ctx.clock.after(Math.max(0, due), () => {
      const o = this.ctx.orders.get(rec.id);
      if (o?.status === 'resting') this.ctx.cancelOrder(o.accountId, o.id, 'expired');
    });
  }

  /** The §7.3 answer for a placed order. */
  private answer(rec: PolyOrderRecord, order: SimOrder): OrderAnswer {
    const reason = order.cancelReason;
    if (reason === 'fok_not_filled') return { status: 400, body: { error: MSG.fokNotFilled } };
    if (reason === 'post_only_cross') {
      return { status: 200, body: { errorMsg: MSG.postOnlyCrosses, orderID: rec.id, takingAmount: '', makingAmount: '', status: '', success: true } };
    }
    if ((rec.orderType === 'FAK' || rec.orderType === 'FOK') && order.filledQty === 0) {
      return { status: 400, body: { error: MSG.fakNoMatch, orderID: rec.id } };
    }
    const filled = order.takerFilledQty;
    const shares = formatBase(BigInt(filled) * BASE_PER_QTY);
    const cash = formatBase(BigInt(order.takerCost));
    const trades = rec.tradeIds.map((id) => this.trades.get(id)).filter((t): t is PolyTrade => t !== undefined);
    return {
      status: 200,
      body: {
        errorMsg: '',
        orderID: rec.id,
        takingAmount: filled === 0 ? '' : rec.side === 'BUY' ? shares : cash,
        makingAmount: filled === 0 ? '' : rec.side === 'BUY' ? cash : shares,
        status: filled > 0 ? 'matched' : 'live',
        transactionsHashes: trades.map((t) => t.txHash).filter((h): h is string => h !== null),
        tradeIDs: trades.map((t) => t.id),
        success: true,
      },
    };
  }

  /** A core rejection in the CLOB's words. */
  private rejection(res: Extract<PlaceOrderResult, { ok: false }>, rec: PolyOrderRecord, account: SimAccount, makerAmount: bigint): ClobError {
    let e: ClobError;
    switch (res.reason) {
      case 'insufficient_balance': {
        const m = this.ctx.market(rec.marketId)!;
        const need = BigInt(rec.pricePx * rec.sizeQty + m.fees.reserve(rec.pricePx, rec.sizeQty));
        e = new ClobError(400, balanceMessage(BigInt(available(account)), need > makerAmount ? need : makerAmount));
        break;
      }
      case 'insufficient_position': {
        const pos = account.positions.get(rec.marketId);
        const free = pos ? (rec.outcome === 'yes' ? pos.yes - pos.yesReserved : pos.no - pos.noReserved) : 0;
        e = new ClobError(400, balanceMessage(BigInt(Math.max(0, free)) * BASE_PER_QTY, makerAmount));
        break;
      }
      case 'market_closed':
        e = new ClobError(400, MSG.marketNotReady);
        break;
      case 'invalid_price':
        e = new ClobError(400, tickMessage(rec.id, formatPxTrim(rec.pricePx), this.ctx.market(rec.marketId)?.polymarket?.tickSize ?? '?'));
        break;
      case 'invalid_size':
        e = new ClobError(400, minSizeMessage(rec.id, formatBase(BigInt(rec.sizeQty) * BASE_PER_QTY), '?'));
        break;
      case 'duplicate_client_order_id':
        e = new ClobError(400, duplicatedMessage(rec.id));
        break;
      case 'fault_injected': {
        const f = res.fault;
        const status = numParam(f, 'status', 400);
        const msg = typeof f?.params?.message === 'string' ? f.params.message : 'could not insert order';
        e = new ClobError(status, msg);
        break;
      }
      case 'market_not_found':
        e = new ClobError(400, MSG.invalidTokenId);
        break;
      default:
        e = new ClobError(401, MSG.invalidApiKey);
    }
    // placeOrder already wrote the order log entry.
    return Object.assign(e, { logged: true });
  }

  private logRejected(auth: Authenticated | null, tokenId: string | null, e: unknown): void {
    const hit = tokenId ? this.ctx.marketByToken(tokenId) : undefined;
    this.ctx.orderLog.record({
      ts: this.ctx.clock.now(),
      venue: 'polymarket',
      accountId: auth?.account.id ?? null,
      marketId: hit?.market.id ?? null,
      market: tokenId,
      clientOrderId: null,
      result: 'rejected',
      reason: e instanceof ClobError ? e.message : 'internal',
      endpoint: '/order',
    });
  }

  /**
   * Signer and maker must be this key's wallets (spec §5.5): types 0-2 are signed by the key's
   * EOA; type 0 trades from the EOA, 1/2 from the account's proxy/safe, 3 from its deposit
   * wallet (which is then also the signer).
   */
  private checkWallet(auth: Authenticated, signatureType: number, signer: Address, maker: Address): void {
    const pm = auth.account.polymarket!;
    const eoa = pm.address.toLowerCase();
    const funder = pm.funder?.toLowerCase();
    const s = signer.toLowerCase();
    const m = maker.toLowerCase();
    if (signatureType === SIG_POLY_1271) {
      if (s !== m || funder === undefined || m !== funder) throw new ClobError(400, MSG.signerMismatch);
      return;
    }
    if (s !== eoa) throw new ClobError(400, MSG.signerMismatch);
    const wallet = signatureType === SIG_EOA ? eoa : funder;
    if (m !== wallet) throw new ClobError(400, 'maker address not allowed');
  }

  private walletOwner(account: SimAccount, wallet: Address): Address | undefined {
    const pm = account.polymarket;
    if (!pm?.funder || pm.funder.toLowerCase() !== wallet.toLowerCase()) return undefined;
    return getAddress(pm.address);
  }

  // ---- cancels --------------------------------------------------------------------------------

  cancel(auth: Authenticated, ids: string[]): { canceled: string[]; not_canceled: Record<string, string> } {
    const canceled: string[] = [];
    const notCanceled: Record<string, string> = {};
    for (const id of new Set(ids)) {
      const rec = this.orders.get(id);
      if (!rec || rec.accountId !== auth.account.id) {
        notCanceled[id] = "order can't be found - already canceled or matched";
        continue;
      }
      if (rec.phase === 'delayed') {
        notCanceled[id] = 'order is in a delay window and cannot be canceled yet';
        continue;
      }
      const r = this.ctx.cancelOrder(auth.account.id, id, 'user');
      if (r.ok) canceled.push(id);
      else notCanceled[id] = "order can't be found - already canceled or matched";
    }
    return { canceled, not_canceled: notCanceled };
  }

  /** Resting orders of this account placed through the CLOB (optionally one market / token). */
  openOrders(account: SimAccount, filter: { market?: string | null; assetId?: string | null } = {}): PolyOrderRecord[] {
    const out: PolyOrderRecord[] = [];
    for (const rec of this.orders.values()) {
      if (rec.accountId !== account.id) continue;
      if (filter.market && this.ctx.market(rec.marketId)?.polymarket?.conditionId.toLowerCase() !== filter.market.toLowerCase()) continue;
      if (filter.assetId && rec.tokenId !== filter.assetId) continue;
      if (rec.phase === 'delayed' || this.ctx.orders.get(rec.id)?.status === 'resting') out.push(rec);
    }
    return out;
  }

  // ---- views ------------------------------------------------------------------------------------

  /** GET /data/order shape (spec §8.1). */
  orderView(rec: PolyOrderRecord): Record<string, unknown> {
    const m = this.ctx.market(rec.marketId)!;
    const meta = m.polymarket!;
    const o = this.ctx.orders.get(rec.id);
    return {
      id: rec.id,
      status: this.orderStatus(rec, o),
      owner: rec.apiKey,
      maker_address: getAddress(rec.maker),
      market: meta.conditionId,
      asset_id: rec.tokenId,
      side: rec.side,
      original_size: formatBase(BigInt(rec.sizeQty) * BASE_PER_QTY),
      size_matched: formatBase(BigInt(o?.filledQty ?? 0) * BASE_PER_QTY),
      price: formatPxTrim(rec.pricePx),
      outcome: meta.outcomes[rec.outcome === 'yes' ? 0 : 1],
      expiration: rec.expiration,
      order_type: rec.orderType,
      associate_trades: [...rec.tradeIds],
      created_at: rec.createdAtSecs,
    };
  }

  orderStatus(rec: PolyOrderRecord, o: SimOrder | undefined): string {
    if (rec.phase === 'delayed') return 'DELAYED';
    if (rec.phase === 'invalid') return 'INVALID';
    if (rec.unmatched) return 'UNMATCHED';
    if (!o) return 'MATCHED';
    if (o.status === 'resting') return 'LIVE';
    if (o.status === 'executed') return 'MATCHED';
    if (o.cancelReason === 'market_closed') return 'CANCELED_MARKET_RESOLVED';
    if (o.cancelReason === 'user' || o.cancelReason === 'expired' || o.cancelReason === 'heartbeat') return 'CANCELED';
    return o.filledQty > 0 ? 'MATCHED' : 'CANCELED';
  }

  /** GET /data/trades shape (spec §8.1), as seen by `account`. */
  tradeView(t: PolyTrade, account: SimAccount): Record<string, unknown> {
    const m = this.ctx.market(t.marketId)!;
    const meta = m.polymarket!;
    const tok = (o: Outcome): string => (o === 'yes' ? meta.yesTokenId : meta.noTokenId);
    const label = (o: Outcome): string => meta.outcomes[o === 'yes' ? 0 : 1];
    const takerRec = this.orders.get(t.takerOrderId);
    const makerRec = this.orders.get(t.maker.orderId);
    const makerAcct = this.ctx.account(t.maker.accountId);
    const takerAcct = this.ctx.account(t.takerAccountId);
    return {
      id: t.id,
      taker_order_id: t.takerOrderId,
      market: meta.conditionId,
      asset_id: tok(t.takerOutcome),
      side: t.takerSide,
      size: formatBase(BigInt(t.qty) * BASE_PER_QTY),
      fee_rate_bps: feeRateBps(meta),
      price: formatPxTrim(t.px),
      status: t.status,
      match_time: String(Math.floor(t.matchTimeMs / 1000)),
      match_time_nano: `${t.matchTimeMs}000000`,
      last_update: String(Math.floor(t.lastUpdateMs / 1000)),
      outcome: label(t.takerOutcome),
      bucket_index: 0,
      owner: takerRec?.apiKey ?? ownerKeyOf(takerAcct),
      maker_address: takerRec ? getAddress(takerRec.maker) : walletOf(takerAcct),
      maker_orders: [
        {
          order_id: t.maker.orderId,
          owner: makerRec?.apiKey ?? ownerKeyOf(makerAcct),
          maker_address: makerRec ? getAddress(makerRec.maker) : walletOf(makerAcct),
          matched_amount: formatBase(BigInt(t.qty) * BASE_PER_QTY),
          price: formatPxTrim(t.maker.px),
          fee_rate_bps: '0',
          asset_id: tok(t.maker.outcome),
          outcome: label(t.maker.outcome),
          side: t.maker.side,
        },
      ],
      transaction_hash: t.txHash ?? '',
      err_msg: t.status === 'FAILED' ? 'transaction reverted' : null,
      trader_side: t.takerAccountId === account.id ? 'TAKER' : 'MAKER',
    };
  }

  tradesOf(account: SimAccount): readonly PolyTrade[] {
    return this.tradesByAccount.get(account.id) ?? [];
  }

  // ---- engine events -----------------------------------------------------------------------------

  private onEvent(e: SimEvent): void {
    if (e.type !== 'trade') return;
    const market = this.ctx.market(e.marketId);
    if (!market?.polymarket) return;
    const taker = this.ctx.orders.get(e.takerOrderId);
    const maker = this.ctx.orders.get(e.makerOrderId);
    if (!taker || !maker) return;
    const outPx = (o: SimOrder): Px => (o.outcome === 'yes' ? e.yesPx : PX_ONE - e.yesPx);
    const takerRec = this.orders.get(taker.id);
    const t: PolyTrade = {
      id: e.tradeId,
      marketId: market.id,
      takerOrderId: taker.id,
      takerAccountId: taker.accountId,
      takerOutcome: taker.outcome,
      takerSide: taker.action === 'buy' ? 'BUY' : 'SELL',
      px: outPx(taker),
      qty: e.qty,
      maker: { orderId: maker.id, accountId: maker.accountId, outcome: maker.outcome, side: maker.action === 'buy' ? 'BUY' : 'SELL', px: outPx(maker) },
      matchTimeMs: e.ts,
      status: 'MATCHED',
      txHash: null,
      lastUpdateMs: e.ts,
    };
    this.trades.set(t.id, t);
    takerRec?.tradeIds.push(t.id);
    this.orders.get(maker.id)?.tradeIds.push(t.id);
    this.index(taker.accountId, t);
    if (maker.accountId !== taker.accountId) this.index(maker.accountId, t);
    this.settle(t, takerRec?.unsettled ?? null);
  }

  private index(accountId: string, t: PolyTrade): void {
    const a = this.ctx.account(accountId);
    if (!a || a.marketMaker) return;
    let list = this.tradesByAccount.get(accountId);
    if (!list) this.tradesByAccount.set(accountId, (list = []));
    list.push(t);
  }

  /** Walk a trade through MATCHED -> MINED -> CONFIRMED, or hold / fail it under a fault. */
  private settle(t: PolyTrade, fault: ActiveFault | null): void {
    const set = (s: TradeStatus): void => {
      t.status = s;
      t.lastUpdateMs = this.ctx.clock.now();
    };
    if (fault) {
      // Matched but not settled: no hash; optionally fails or settles later.
      const failAfter = numParam(fault, 'failAfterMs', -1);
      const settleAfter = numParam(fault, 'settleAfterMs', -1);
      if (failAfter >= 0) this.ctx.clock.after(failAfter, () => set('FAILED'));
      else if (settleAfter >= 0) this.ctx.clock.after(settleAfter, () => this.settle(t, null));
      return;
    }
    t.txHash = `0x${createHash('sha256').update(`polymarket-sim-tx|${this.ctx.seed}|${t.id}`).digest('hex')}`;
    this.ctx.clock.after(this.minedAfterMs, () => {
      if (t.status === 'MATCHED') set('MINED');
    });
    this.ctx.clock.after(this.confirmedAfterMs, () => {
      if (t.status === 'MATCHED' || t.status === 'MINED') set('CONFIRMED');
    });
  }
}

const ownerKeyOf = (a: SimAccount | undefined): string => a?.polymarket?.apiKeys[0]?.key ?? a?.id ?? '';

/** The wallet an account trades from (funder for proxy/safe/deposit wallets). */
export function walletOf(a: SimAccount | undefined): string {
  const pm = a?.polymarket;
  if (pm) return getAddress(pm.funder ?? pm.address);
  // Scenario accounts without a wallet get a stable synthetic one.
  return getAddress(`0x${createHash('sha256').update(`sim-wallet|${a?.id ?? ''}`).digest('hex').slice(0, 40)}`);
}
