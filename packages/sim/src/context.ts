// SimContext: everything a venue front-end (Kalshi REST/WS, Polymarket CLOB/WS/Gamma) needs.
//
// How a front-end uses it:
// - Find the market:      ctx.market(id) / ctx.marketByKalshiTicker(t) / ctx.marketByToken(tokenId)
//                         (the last returns {market, outcome}).
// - Authenticate:         ctx.accountByKalshiKey(keyId) / ctx.accountByPolyApiKey(key) /
//                         ctx.accountByAddress(addr); then check the signature itself.
// - Place an order:       ctx.placeOrder({venue, accountId, marketId, action, outcome, px, qty, tif,
//                         clientOrderId, ...}) -> {ok:true, order, fills} | {ok:false, reason, message}.
//                         It validates (market open, on grid, size, duplicate client id, funds),
//                         reserves funds, matches, settles both sides (cash, positions, fees through
//                         market.fees), emits events and writes the order log. Map `reason` to the
//                         venue's error shape. Requests rejected before this call (bad auth, bad
//                         JSON) should be written with ctx.orderLog.record(...) by the front-end.
//                         `order.cancelReason` tells why an accepted order ended canceled
//                         ('fok_not_filled', 'post_only_cross', 'ioc_remainder', 'self_trade', ...).
// - Cancel:               ctx.cancelOrder(accountId, orderId).
// - Read a book:          market.book.levels('bid' | 'ask', depth) -> [[yesPx, size], ...] best first
//                         (YES book; NO bids = YES asks at 1 - px).
// - Subscribe to changes: ctx.bus.onMarket(marketId, fn) / ctx.bus.on(fn): 'book' (level changes of
//                         one engine operation), 'trade', 'order', 'fill', 'market'.
// - Charge fees:          set market.fees (a FeeModel); placeOrder calls fees.reserve() when
//                         reserving a buy and fees.charge() on every fill, and debits the result.
// - Faults:               ctx.faults.active/take(venue, kind, ...marketAliases) (see faults.ts).
// - Time / randomness:    ctx.clock.now(), ctx.rng (seeded: ids and data are reproducible).

import type { Micros, Px, Qty } from '@parity/trading';
import { PX_ONE } from '@parity/trading';
import { emptyPosition, available, type KalshiCredentials, type PolymarketCredentials, type SimAccount, type SimPosition } from './accounts.ts';
import type { SimClock } from './clock.ts';
import { RealClock } from './clock.ts';
import type { BookSide, EngineFill, LevelChange } from './engine/index.ts';
import { EventBus } from './events.ts';
import { FaultController, numParam, type ActiveFault, type Venue } from './faults.ts';
import type { FeeRole, KalshiEventMeta, KalshiSeriesMeta, MarketStatus, SimMarket } from './markets.ts';
import { OrderLog } from './order-log.ts';
import type { Outcome, PlaceOrderRequest, PlaceOrderResult, RejectReason, SimFill, SimOrder } from './orders.ts';
import { Rng } from './rng.ts';

/** A Kalshi market paired with a Polymarket market (one line of the pairs file). */
export interface SimPair {
  id: string;
  description: string;
  kalshiMarketId: string;
  polyMarketId: string;
  /** Which Polymarket token pays when Kalshi YES pays. */
  kalshiYesPaysWith: 'poly_yes' | 'poly_no';
  league?: string;
  marketType?: string;
}

/** One account's payout when a market settled (what Kalshi's GET /portfolio/settlements reports). */
export interface SimSettlement {
  marketId: string;
  venue: Venue;
  accountId: string;
  /** The winning outcome in the market's own terms. */
  result: Outcome;
  yesQty: Qty;
  noQty: Qty;
  /** Cost of the holdings that settled, Micros. */
  cost: Micros;
  /** $1 per winning contract, Micros. */
  payout: Micros;
  ts: number;
}

export interface SimContextOptions {
  seed?: number;
  clock?: SimClock;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

const opposite = (o: Outcome): Outcome => (o === 'yes' ? 'no' : 'yes');

export class SimContext {
  readonly seed: number;
  readonly clock: SimClock;
  readonly rng: Rng;
  readonly bus = new EventBus();
  readonly faults: FaultController;
  readonly orderLog = new OrderLog();
  readonly markets = new Map<string, SimMarket>();
  readonly accounts = new Map<string, SimAccount>();
  readonly orders = new Map<string, SimOrder>();
  readonly fills: SimFill[] = [];
  readonly pairs: SimPair[] = [];
  /** Payouts of settled markets, oldest first. */
  readonly settlements: SimSettlement[] = [];
  /** Kalshi series and events (markets reference them by ticker). */
  readonly kalshiCatalog = { series: new Map<string, KalshiSeriesMeta>(), events: new Map<string, KalshiEventMeta>() };

  private readonly byKalshiKey = new Map<string, SimAccount>();
  private readonly byPolyApiKey = new Map<string, SimAccount>();
  private readonly byAddress = new Map<string, SimAccount>();
  private readonly byToken = new Map<string, { market: SimMarket; outcome: Outcome }>();
  private readonly byClientId = new Map<string, string>();
  private readonly ordersByAccount = new Map<string, SimOrder[]>();
  private readonly fillsByAccount = new Map<string, SimFill[]>();
  /** Separate stream for ids so scenario randomness is not shifted by order traffic. */
  private readonly idRng: Rng;
  private tradeSeq = 0;

  constructor(opts: SimContextOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.clock = opts.clock ?? new RealClock();
    this.rng = new Rng(this.seed);
    this.idRng = new Rng(this.seed ^ 0x5eed1d5);
    this.faults = new FaultController(this.clock);
  }

  // ---- markets -------------------------------------------------------------------------------

  addMarket(m: SimMarket): SimMarket {
    if (this.markets.has(m.id)) throw new Error(`duplicate market id ${m.id}`);
    this.markets.set(m.id, m);
    if (m.polymarket) {
      this.byToken.set(m.polymarket.yesTokenId, { market: m, outcome: 'yes' });
      this.byToken.set(m.polymarket.noTokenId, { market: m, outcome: 'no' });
    }
    return m;
  }

  market(id: string): SimMarket | undefined {
    return this.markets.get(id);
  }

  marketByKalshiTicker(ticker: string): SimMarket | undefined {
    const m = this.markets.get(ticker);
    return m?.kalshi ? m : undefined;
  }

  /** A Polymarket token id -> its market and which outcome (yes = first-listed token). */
  marketByToken(tokenId: string): { market: SimMarket; outcome: Outcome } | undefined {
    return this.byToken.get(tokenId);
  }

  marketsOf(venue: Venue): SimMarket[] {
    return [...this.markets.values()].filter((m) => m.venue === venue);
  }

  /** Open/close a market; closing cancels its resting orders. */
  setMarketStatus(id: string, status: MarketStatus): void {
    const m = this.markets.get(id);
    if (!m) throw new Error(`unknown market ${id}`);
    m.status = status;
    if (status !== 'open') for (const o of [...this.orders.values()]) if (o.marketId === id && o.status === 'resting') this.cancelOrder(o.accountId, o.id, 'market_closed');
    this.bus.emit({ type: 'market', marketId: id, ts: this.clock.now() });
  }

  /**
   * Resolve a market: `winner` (this market's own YES or NO) pays $1 per contract into each
   * holder's cash, the other side nothing; holdings close, resting orders are cancelled and new
   * orders are refused (status 'settled'). Settling again with the same winner changes nothing;
   * with the other winner it throws.
   */
  settleMarket(id: string, winner: Outcome): SimSettlement[] {
    const m = this.markets.get(id);
    if (!m) throw new Error(`unknown market ${id}`);
    if (m.status === 'settled') {
      if (m.result === winner) return [];
      throw new Error(`market ${id} already settled with result ${m.result ?? 'none'}`);
    }
    const ts = this.clock.now();
    m.result = winner;
    m.settledTs = ts;
    this.setMarketStatus(id, 'settled');
    const out: SimSettlement[] = [];
    for (const a of this.accounts.values()) {
      const pos = a.positions.get(id);
      if (!pos || (pos.yes === 0 && pos.no === 0)) continue;
      const payout = PX_ONE * (winner === 'yes' ? pos.yes : pos.no);
      const cost = pos.yesCost + pos.noCost;
      a.cash += payout;
      pos.realizedPnl += payout - cost;
      out.push({ marketId: id, venue: m.venue, accountId: a.id, result: winner, yesQty: pos.yes, noQty: pos.no, cost, payout, ts });
      pos.yes = 0;
      pos.no = 0;
      pos.yesCost = 0;
      pos.noCost = 0;
      pos.lastUpdatedTs = ts;
    }
    this.settlements.push(...out);
    return out;
  }

  /** Tell subscribers that a market's metadata (grid, tick size) changed. */
  marketChanged(id: string): void {
    this.bus.emit({ type: 'market', marketId: id, ts: this.clock.now() });
  }

  // ---- accounts ------------------------------------------------------------------------------

  addAccount(init: { id?: string; venue: Venue; label?: string; cash: Micros; kalshi?: KalshiCredentials; polymarket?: PolymarketCredentials; marketMaker?: boolean }): SimAccount {
    const id = init.id ?? `${init.venue}-${this.idRng.hex(6)}`;
    if (this.accounts.has(id)) throw new Error(`duplicate account id ${id}`);
    const a: SimAccount = { id, venue: init.venue, label: init.label ?? id, cash: init.cash, reserved: 0, positions: new Map() };
    if (init.kalshi) a.kalshi = init.kalshi;
    if (init.polymarket) a.polymarket = init.polymarket;
    if (init.marketMaker) a.marketMaker = true;
    this.accounts.set(id, a);
    if (a.kalshi) this.byKalshiKey.set(a.kalshi.keyId, a);
    if (a.polymarket) {
      this.byAddress.set(a.polymarket.address.toLowerCase(), a);
      if (a.polymarket.funder) this.byAddress.set(a.polymarket.funder.toLowerCase(), a);
      for (const k of a.polymarket.apiKeys) this.byPolyApiKey.set(k.key, a);
    }
    return a;
  }

  /** Register another L2 API key for a Polymarket account (create/derive API key). */
  addPolyApiKey(accountId: string, creds: { key: string; secret: string; passphrase: string }): void {
    const a = this.accounts.get(accountId);
    if (!a?.polymarket) throw new Error(`account ${accountId} is not a Polymarket account`);
    a.polymarket.apiKeys.push(creds);
    this.byPolyApiKey.set(creds.key, a);
  }

  account(id: string): SimAccount | undefined {
    return this.accounts.get(id);
  }
  accountByKalshiKey(keyId: string): SimAccount | undefined {
    return this.byKalshiKey.get(keyId);
  }
  accountByPolyApiKey(key: string): SimAccount | undefined {
    return this.byPolyApiKey.get(key);
  }
  accountByAddress(address: string): SimAccount | undefined {
    return this.byAddress.get(address.toLowerCase());
  }

  /** The account's position in a market (created empty on first use). */
  position(a: SimAccount, marketId: string): SimPosition {
    let p = a.positions.get(marketId);
    if (!p) {
      p = emptyPosition(this.clock.now());
      a.positions.set(marketId, p);
    }
    return p;
  }

  /** Credit (or debit) cash, e.g. a deposit from a test. */
  fund(accountId: string, amount: Micros): void {
    const a = this.accounts.get(accountId);
    if (!a) throw new Error(`unknown account ${accountId}`);
    a.cash += amount;
  }

  // ---- orders --------------------------------------------------------------------------------

  /** A fresh seeded UUID (order ids, fill ids). */
  newId(): string {
    return this.idRng.uuid();
  }

  orderByClientId(accountId: string, clientOrderId: string): SimOrder | undefined {
    const id = this.byClientId.get(`${accountId}\u0000${clientOrderId}`);
    return id === undefined ? undefined : this.orders.get(id);
  }

  /** See the header comment. Never throws for market reasons. */
  placeOrder(req: PlaceOrderRequest & { silent?: boolean }): PlaceOrderResult {
    const ts = this.clock.now();
    const market = this.markets.get(req.marketId);
    const reject = (reason: RejectReason, message: string, fault?: ActiveFault): PlaceOrderResult => {
      if (!req.silent) this.logRequest(req, ts, market, 'rejected', reason);
      return fault ? { ok: false, reason, message, fault } : { ok: false, reason, message };
    };
    const account = this.accounts.get(req.accountId);
    if (!account) return reject('account_not_found', `unknown account ${req.accountId}`);
    if (!market) return reject('market_not_found', `market ${req.marketAlias ?? req.marketId} not found`);
    const injected = this.faults.any ? this.faults.take(req.venue, 'reject_order', ...this.aliases(market, req.marketAlias)) : undefined;
    if (injected) return reject('fault_injected', 'order rejected by an injected fault', injected);
    if (market.status !== 'open') return reject('market_closed', `market ${req.marketAlias ?? market.id} is ${market.status}`);
    if (!Number.isSafeInteger(req.qty) || req.qty <= 0) return reject('invalid_size', `order size must be a positive number of contracts`);
    if (!Number.isSafeInteger(req.px) || req.px <= 0 || req.px >= PX_ONE) return reject('invalid_price', `price must be strictly between 0 and 1`);
    const yesPx = req.outcome === 'yes' ? req.px : PX_ONE - req.px;
    if (!market.grid.isOnGrid(yesPx)) return reject('invalid_price', `price is not on the market's price grid`);
    if (req.clientOrderId && this.byClientId.has(`${account.id}\u0000${req.clientOrderId}`)) {
      return reject('duplicate_client_order_id', `client order id ${req.clientOrderId} was already used`);
    }

    // Economics: netting markets (Kalshi) turn "sell X" into "buy the other side" (it closes X
    // holdings first, else opens the other side); non-netting markets sell held tokens.
    const pos = this.position(account, market.id);
    const buying = req.action === 'buy' || market.netting;
    const effOutcome: Outcome = req.action === 'buy' ? req.outcome : opposite(req.outcome);
    const effPx = req.action === 'buy' ? req.px : PX_ONE - req.px;
    let qty = req.qty;
    let reservedCash = 0;
    let reservedQty = 0;
    if (buying) {
      const closeSide = opposite(effOutcome);
      const freeClose = closeSide === 'yes' ? pos.yes - pos.yesReserved : pos.no - pos.noReserved;
      if (req.reduceOnly) {
        qty = Math.min(qty, Math.max(0, freeClose));
        if (qty === 0) return reject('insufficient_position', 'reduce-only order but no position to reduce');
      }
      reservedQty = market.netting ? Math.min(qty, Math.max(0, freeClose)) : 0;
      reservedCash = effPx * (qty - reservedQty) + market.fees.reserve(effPx, qty);
      if (available(account) < reservedCash) return reject('insufficient_balance', 'insufficient balance');
    } else {
      const free = req.outcome === 'yes' ? pos.yes - pos.yesReserved : pos.no - pos.noReserved;
      if (free < qty) return reject('insufficient_position', 'not enough shares to sell');
      reservedQty = qty;
    }

    const order: SimOrder = {
      id: req.orderId ?? this.idRng.uuid(),
      venue: req.venue,
      accountId: account.id,
      marketId: market.id,
      clientOrderId: req.clientOrderId ?? null,
      action: req.action,
      outcome: req.outcome,
      px: req.px,
      bookSide: (req.action === 'buy') === (req.outcome === 'yes') ? 'bid' : 'ask',
      yesPx,
      qty,
      tif: req.tif,
      postOnly: req.postOnly ?? false,
      stp: req.stp ?? 'cancel_taker',
      status: 'resting',
      cancelReason: null,
      filledQty: 0,
      takerFilledQty: 0,
      makerFilledQty: 0,
      takerCost: 0,
      makerCost: 0,
      takerFees: 0,
      makerFees: 0,
      remainingQty: qty,
      createdTs: ts,
      updatedTs: ts,
      reservedCash,
      reservedQty,
      feeState: {},
      venueData: req.venueData ?? {},
    };
    if (this.orders.has(order.id)) return reject('duplicate_client_order_id', `order id ${order.id} already exists`);
    account.reserved += reservedCash;
    if (reservedQty > 0) this.adjustReservedQty(pos, order, reservedQty);
    this.orders.set(order.id, order);
    if (!account.marketMaker) push(this.ordersByAccount, account.id, order);
    if (order.clientOrderId) this.byClientId.set(`${account.id}\u0000${order.clientOrderId}`, order.id);

    let maxFillQty: Qty | undefined;
    if (this.faults.any) {
      const f = this.faults.take(req.venue, 'partial_fill', ...this.aliases(market, req.marketAlias));
      if (f) maxFillQty = Math.min(qty, numParam(f, 'maxQty', Math.floor(qty * numParam(f, 'ratio', 0.5))));
    }

    const res = market.book.submit({ id: order.id, owner: account.id, side: order.bookSide, px: yesPx, qty, tif: req.tif, postOnly: order.postOnly, stp: order.stp, ...(maxFillQty !== undefined ? { maxFillQty } : {}) });
    const myFills: SimFill[] = [];
    if (!res.accepted) {
      order.cancelReason = res.rejectReason ?? 'invalid_order';
      this.finish(order, 'canceled', ts);
    } else {
      for (const f of res.fills) myFills.push(this.settleTrade(market, order, f, ts));
      for (const mc of res.makersCancelled) {
        const mo = this.orders.get(mc.id);
        if (mo) {
          mo.cancelReason = 'self_trade';
          mo.remainingQty = 0;
          this.finish(mo, 'canceled', ts);
        }
      }
      order.remainingQty = res.restingQty;
      if (res.restingQty > 0) {
        order.status = 'resting';
        order.updatedTs = ts;
      } else if (order.filledQty === qty) {
        this.finish(order, 'executed', ts);
      } else {
        order.cancelReason = res.selfTradeStopped ? 'self_trade' : maxFillQty !== undefined ? 'forced_partial' : 'ioc_remainder';
        this.finish(order, 'canceled', ts);
      }
    }
    if (res.changes.length > 0) this.bus.emit({ type: 'book', marketId: market.id, changes: res.changes, ts, causeOrderId: order.id });
    this.bus.emit({ type: 'order', marketId: market.id, order, ts });
    if (!req.silent) this.logRequest(req, ts, market, 'accepted', order.cancelReason ?? undefined, order);
    return { ok: true, order, fills: myFills };
  }

  /** Cancel a resting order of `accountId`. */
  cancelOrder(accountId: string, orderId: string, reason = 'user'): { ok: true; order: SimOrder; removed: Qty } | { ok: false; reason: 'not_found' | 'not_resting' } {
    const o = this.orders.get(orderId);
    if (!o || o.accountId !== accountId) return { ok: false, reason: 'not_found' };
    if (o.status !== 'resting') return { ok: false, reason: 'not_resting' };
    const market = this.markets.get(o.marketId)!;
    const c = market.book.cancel(orderId);
    const ts = this.clock.now();
    const removed = c?.removed ?? o.remainingQty;
    o.remainingQty = 0;
    o.cancelReason = reason;
    this.finish(o, 'canceled', ts);
    if (c) this.bus.emit({ type: 'book', marketId: market.id, changes: [c.change], ts, causeOrderId: o.id });
    this.bus.emit({ type: 'order', marketId: market.id, order: o, ts });
    return { ok: true, order: o, removed };
  }

  /** Decrease a resting order to `newRemaining` (keeps time priority). */
  reduceOrder(accountId: string, orderId: string, newRemaining: Qty): { ok: true; order: SimOrder } | { ok: false; reason: 'not_found' | 'not_resting' | 'not_a_decrease' } {
    const o = this.orders.get(orderId);
    if (!o || o.accountId !== accountId) return { ok: false, reason: 'not_found' };
    if (o.status !== 'resting') return { ok: false, reason: 'not_resting' };
    if (newRemaining === 0) {
      const r = this.cancelOrder(accountId, orderId);
      return r.ok ? { ok: true, order: r.order } : r;
    }
    const market = this.markets.get(o.marketId)!;
    const change = market.book.reduce(orderId, newRemaining);
    if (!change) return { ok: false, reason: 'not_a_decrease' };
    // Release the reservation of the removed contracts (cash at the limit, held tokens first).
    const account = this.accounts.get(o.accountId)!;
    const cut = o.remainingQty - newRemaining;
    const qtyRelease = Math.min(cut, o.reservedQty);
    if (qtyRelease > 0) this.adjustReservedQty(this.position(account, o.marketId), o, -qtyRelease);
    const buying = o.action === 'buy' || market.netting;
    if (buying) {
      const effPx = o.action === 'buy' ? o.px : PX_ONE - o.px;
      const cash = Math.min(o.reservedCash, effPx * (cut - qtyRelease));
      o.reservedCash -= cash;
      account.reserved -= cash;
    }
    o.remainingQty = newRemaining;
    const ts = this.clock.now();
    o.updatedTs = ts;
    this.bus.emit({ type: 'book', marketId: market.id, changes: [change], ts, causeOrderId: o.id });
    this.bus.emit({ type: 'order', marketId: market.id, order: o, ts });
    return { ok: true, order: o };
  }

  /** Every order of a (non-market-maker) account, oldest first. */
  accountOrders(accountId: string): readonly SimOrder[] {
    return this.ordersByAccount.get(accountId) ?? [];
  }

  /** Every fill record of a (non-market-maker) account, oldest first. */
  accountFills(accountId: string): readonly SimFill[] {
    return this.fillsByAccount.get(accountId) ?? [];
  }

  /** Resting orders of an account (optionally in one market). */
  restingOrders(accountId: string, marketId?: string): SimOrder[] {
    const out: SimOrder[] = [];
    for (const o of this.orders.values()) if (o.accountId === accountId && o.status === 'resting' && (!marketId || o.marketId === marketId)) out.push(o);
    return out;
  }

  /** Stop scenario timers and listeners (servers are closed by their owners). */
  close(): void {
    this.clock.cancelAll();
    this.bus.clear();
  }

  // ---- internals -----------------------------------------------------------------------------

  private aliases(m: SimMarket, alias?: string): (string | undefined)[] {
    return [m.id, alias, m.kalshi?.ticker, m.polymarket?.yesTokenId, m.polymarket?.noTokenId, m.polymarket?.conditionId];
  }

  private logRequest(req: PlaceOrderRequest, ts: number, market: SimMarket | undefined, result: 'accepted' | 'rejected', reason?: string, order?: SimOrder): void {
    this.orderLog.record({
      ts,
      venue: req.venue,
      accountId: req.accountId,
      marketId: market?.id ?? null,
      market: req.marketAlias ?? req.marketId,
      clientOrderId: req.clientOrderId ?? null,
      action: req.action,
      outcome: req.outcome,
      px: req.px,
      qty: req.qty,
      tif: req.tif,
      result,
      ...(reason !== undefined ? { reason } : {}),
      ...(order ? { orderId: order.id, filledQty: order.filledQty } : {}),
      ...(req.endpoint !== undefined ? { endpoint: req.endpoint } : {}),
    });
  }

  private adjustReservedQty(pos: SimPosition, o: SimOrder, delta: Qty): void {
    const market = this.markets.get(o.marketId)!;
    // A sell reserves the tokens it sells; a netting buy reserves the opposite holdings it closes.
    const side: Outcome = o.action === 'sell' && !market.netting ? o.outcome : opposite(o.action === 'buy' ? o.outcome : opposite(o.outcome));
    if (side === 'yes') pos.yesReserved += delta;
    else pos.noReserved += delta;
    o.reservedQty += delta;
  }

  /** Terminal state: release whatever is still reserved. */
  private finish(o: SimOrder, status: 'executed' | 'canceled', ts: number): void {
    const account = this.accounts.get(o.accountId)!;
    account.reserved -= o.reservedCash;
    o.reservedCash = 0;
    if (o.reservedQty > 0) this.adjustReservedQty(this.position(account, o.marketId), o, -o.reservedQty);
    o.status = status;
    o.remainingQty = 0;
    o.updatedTs = ts;
    // Scenario market makers churn orders all day: forget their finished ones.
    if (account.marketMaker) this.orders.delete(o.id);
  }

  private settleTrade(market: SimMarket, taker: SimOrder, f: EngineFill, ts: number): SimFill {
    const tradeId = this.idRng.uuid();
    this.tradeSeq++;
    market.lastTradePx = f.px;
    market.volume += f.qty;
    this.bus.emit({ type: 'trade', marketId: market.id, tradeId, yesPx: f.px, qty: f.qty, takerSide: f.takerSide as BookSide, takerOrderId: taker.id, makerOrderId: f.makerId, ts });
    const maker = this.orders.get(f.makerId)!;
    const takerFill = this.settleSide(market, taker, 'taker', f.px, f.qty, tradeId, maker.id, ts);
    this.settleSide(market, maker, 'maker', f.px, f.qty, tradeId, taker.id, ts);
    maker.remainingQty = f.makerRemaining;
    if (f.makerRemaining === 0) this.finish(maker, 'executed', ts);
    this.bus.emit({ type: 'order', marketId: market.id, order: maker, ts });
    return takerFill;
  }

  private settleSide(market: SimMarket, o: SimOrder, role: FeeRole, yesPx: Px, q: Qty, tradeId: string, counterId: string, ts: number): SimFill {
    const a = this.accounts.get(o.accountId)!;
    const pos = this.position(a, market.id);
    const outPx = o.outcome === 'yes' ? yesPx : PX_ONE - yesPx;
    const fee = market.fees.charge(o, role, yesPx, q);
    let release = 0;
    if (o.action === 'buy' || market.netting) {
      const eff: Outcome = o.action === 'buy' ? o.outcome : opposite(o.outcome);
      const effPx = o.action === 'buy' ? outPx : PX_ONE - outPx;
      const effLimit = o.action === 'buy' ? o.px : PX_ONE - o.px;
      const close = Math.min(q, o.reservedQty);
      if (close > 0) {
        // Closing held opposite contracts: each pair pays $1 now.
        this.adjustReservedQty(pos, o, -close);
        const held = eff === 'yes' ? pos.no : pos.yes;
        const heldCost = eff === 'yes' ? pos.noCost : pos.yesCost;
        const costOut = held > 0 ? Math.round((heldCost * close) / held) : 0;
        if (eff === 'yes') {
          pos.no -= close;
          pos.noCost -= costOut;
        } else {
          pos.yes -= close;
          pos.yesCost -= costOut;
        }
        const proceeds = (PX_ONE - effPx) * close;
        a.cash += proceeds;
        pos.realizedPnl += proceeds - costOut;
      }
      const open = q - close;
      if (open > 0) {
        a.cash -= effPx * open;
        if (eff === 'yes') {
          pos.yes += open;
          pos.yesCost += effPx * open;
        } else {
          pos.no += open;
          pos.noCost += effPx * open;
        }
        release = effLimit * open;
      }
    } else {
      // Non-netting sell of held tokens.
      this.adjustReservedQty(pos, o, -q);
      const held = o.outcome === 'yes' ? pos.yes : pos.no;
      const heldCost = o.outcome === 'yes' ? pos.yesCost : pos.noCost;
      const costOut = held > 0 ? Math.round((heldCost * q) / held) : 0;
      if (o.outcome === 'yes') {
        pos.yes -= q;
        pos.yesCost -= costOut;
      } else {
        pos.no -= q;
        pos.noCost -= costOut;
      }
      a.cash += outPx * q;
      pos.realizedPnl += outPx * q - costOut;
    }
    a.cash -= fee;
    pos.feesPaid += fee;
    pos.realizedPnl -= fee;
    release = Math.min(o.reservedCash, release + fee);
    o.reservedCash -= release;
    a.reserved -= release;
    pos.totalTraded += outPx * q;
    pos.lastUpdatedTs = ts;
    if (market.netting) this.net(a, pos);

    o.filledQty += q;
    if (role === 'taker') {
      o.takerFilledQty += q;
      o.takerCost += outPx * q;
      o.takerFees += fee;
    } else {
      o.makerFilledQty += q;
      o.makerCost += outPx * q;
      o.makerFees += fee;
    }
    o.updatedTs = ts;
    const fill: SimFill = {
      id: this.idRng.uuid(),
      tradeId,
      orderId: o.id,
      counterpartyOrderId: counterId,
      accountId: a.id,
      marketId: market.id,
      venue: market.venue,
      role,
      action: o.action,
      outcome: o.outcome,
      px: outPx,
      yesPx,
      qty: q,
      fee,
      ts,
    };
    if (!a.marketMaker) {
      this.fills.push(fill);
      push(this.fillsByAccount, a.id, fill);
    }
    this.bus.emit({ type: 'fill', marketId: market.id, fill, ts });
    return fill;
  }

  /** Netting markets: a free YES and a free NO of the same market pay out $1 together. */
  private net(a: SimAccount, pos: SimPosition): void {
    const m = Math.min(pos.yes - pos.yesReserved, pos.no - pos.noReserved);
    if (m <= 0) return;
    const yesCostOut = pos.yes > 0 ? Math.round((pos.yesCost * m) / pos.yes) : 0;
    const noCostOut = pos.no > 0 ? Math.round((pos.noCost * m) / pos.no) : 0;
    pos.yes -= m;
    pos.no -= m;
    pos.yesCost -= yesCostOut;
    pos.noCost -= noCostOut;
    a.cash += PX_ONE * m;
    pos.realizedPnl += PX_ONE * m - yesCostOut - noCostOut;
  }
}

export type { LevelChange };
