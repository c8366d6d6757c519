// The scenario market maker: keeps every paired market quoted around one fair value per game
// (a seeded random walk), consistent between the venues (so nothing is arbitrageable after fees),
// and opens arbitrage windows of known edge and size on request.
//
// Prices are worked out in each market's own YES terms: a market either follows the game's fair
// value or its complement (`flip`), e.g. the home team's Kalshi market or a Polymarket market
// whose first token pays when Kalshi NO pays.

import type { Micros, Px, Qty } from '@parity/trading';
import { PX_ONE } from '@parity/trading';
import type { SimAccount } from '../accounts.ts';
import type { TimerHandle } from '../clock.ts';
import type { SimContext } from '../context.ts';
import type { BookSide } from '../engine/index.ts';
import type { SimMarket } from '../markets.ts';
import type { Outcome, SimOrder } from '../orders.ts';
import type { Rng } from '../rng.ts';
import type { ArbType } from './spec.ts';

export interface MarketMakerParams {
  intervalMs: number;
  levels: number;
  halfSpread: Px;
  size: Qty;
  volatility: Px;
}

export interface Game {
  id: string;
  /** Fair probability (Px) of the game's reference outcome. */
  fair: Px;
  /** Frozen while an arbitrage window is open on one of its pairs. */
  frozen: number;
}

/** One quoted market. */
export interface QuotedMarket {
  market: SimMarket;
  game: Game;
  /** This market's YES = the complement of the game's reference outcome. */
  flip: boolean;
  account: SimAccount;
  /** Small persistent venue-specific offset (Px) so the venues look related, not identical. */
  noise: Px;
  /** Dislocation (Px) applied while an arbitrage window is open on this market. */
  offset: Px;
  /** Arbitrage level override: the side takers consume, its price and what is left of its size. */
  arb: { side: BookSide; px: Px; remaining: Qty; gapTicks: number } | null;
  /** Minimum size of the top level on `side` (the other leg of an open window). */
  minTop: { side: BookSide; size: Qty } | null;
  orders: SimOrder[];
  /** Orders of the arbitrage level (to count what takers consumed). */
  arbOrders: SimOrder[];
  lastKey: string;
  /** Quoted by the market maker (false: static scenario book). */
  live: boolean;
}

export interface ArbWindow {
  id: string;
  pairIndex: number;
  pairId: string;
  type: ArbType;
  /** The venue whose quotes were moved. */
  venue: 'kalshi' | 'polymarket';
  /** Contracts available at the stated edge (Qty). */
  size: Qty;
  /** Guaranteed edge per contract after both venues' taker fees (Px), at the prices below. */
  edgePx: Px;
  /** What each leg costs per contract at the top of book when the window opens. */
  kalshiLeg: { side: Outcome; px: Px };
  polyLeg: { token: string; px: Px };
  /** Total profit buying `size` of both legs, after fees (Micros). */
  profitMicros: Micros;
  openedAt: number;
  endsAt: number;
  state: 'open' | 'consumed' | 'expired';
}

export interface ArbPair {
  id: string;
  kalshi: QuotedMarket;
  poly: QuotedMarket;
  /** Polymarket token paying when Kalshi YES pays. */
  polyYesToken: string;
  polyNoToken: string;
}

/** Box-Muller normal sample. */
function gaussian(rng: Rng): number {
  const u = Math.max(rng.float(), 1e-12);
  const v = rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A taker fee for buying `qty` of `outcome` at `px` on `market` (exact, through its fee model). */
export function takerFee(market: SimMarket, outcome: Outcome, px: Px, qty: Qty): Micros {
  const probe = { outcome, takerFees: 0, makerFees: 0, feeState: {}, venueData: {} } as unknown as SimOrder;
  const yesPx = outcome === 'yes' ? px : PX_ONE - px;
  return market.fees.charge(probe, 'taker', yesPx, qty);
}

export class MarketMaker {
  readonly quoted: QuotedMarket[] = [];
  readonly games: Game[] = [];
  readonly windows: ArbWindow[] = [];
  private timer: TimerHandle | null = null;
  private windowSeq = 0;

  constructor(
    private readonly ctx: SimContext,
    private readonly p: MarketMakerParams,
    private readonly rng: Rng,
  ) {}

  start(): void {
    for (const q of this.quoted) if (q.live) this.requote(q, true);
    if (this.p.intervalMs > 0) this.timer = this.ctx.clock.every(this.p.intervalMs, () => this.step());
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /** One random-walk step, then requote whatever changed. */
  step(): void {
    for (const g of this.games) {
      if (g.frozen > 0 || this.p.volatility === 0) continue;
      const step = Math.round(gaussian(this.rng) * this.p.volatility);
      // Mean-revert gently toward the middle so prices stay tradeable for hours.
      const pull = Math.round((5000 - g.fair) * 0.002);
      g.fair = Math.min(9000, Math.max(1000, g.fair + step + pull));
    }
    for (const q of this.quoted) {
      if (!q.live) continue;
      if (q.game.frozen === 0 && this.rng.float() < 0.02) q.noise = this.rng.pick([-100, 0, 0, 100]);
      this.requote(q, false);
    }
  }

  /** The market's YES center (Px) before its own spread. */
  center(q: QuotedMarket): Px {
    const base = q.flip ? PX_ONE - q.game.fair : q.game.fair;
    return base + q.noise + q.offset;
  }

  /** Top of book the market maker would quote now (undislocated), as [bid, ask]. */
  normalTop(q: QuotedMarket): [Px, Px] {
    const base = (q.flip ? PX_ONE - q.game.fair : q.game.fair) + q.noise;
    return this.top(q.market, base);
  }

  private top(m: SimMarket, center: Px): [Px, Px] {
    const tick = m.grid.minTick;
    let bid = m.grid.snap(Math.max(tick, center - this.p.halfSpread), 'down') ?? tick;
    let ask = m.grid.snap(Math.min(PX_ONE - tick, center + this.p.halfSpread), 'up') ?? PX_ONE - tick;
    if (ask <= bid) {
      ask = m.grid.snap(bid + tick, 'up') ?? bid + tick;
      if (ask >= PX_ONE) {
        ask = PX_ONE - tick;
        bid = ask - tick;
      }
    }
    return [bid, ask];
  }

  /** Target quotes: [side, px, size][] (sizes drawn only when the prices change). */
  private target(q: QuotedMarket): { side: BookSide; px: Px; size: Qty; arb: boolean }[] {
    const m = q.market;
    const tick = m.grid.minTick;
    const [bid0, ask0] = this.top(m, this.center(q));
    const out: { side: BookSide; px: Px; size: Qty; arb: boolean }[] = [];
    for (const side of ['bid', 'ask'] as const) {
      let px = side === 'bid' ? bid0 : ask0;
      for (let i = 0; i < this.p.levels; i++) {
        if (px < tick || px > PX_ONE - tick) break;
        const isArb = q.arb !== null && q.arb.side === side && i === 0;
        if (isArb && q.arb!.remaining <= 0) {
          // consumed: leave the level out
        } else {
          const scale = 1 + i * 0.5;
          let size = Math.max(100, Math.round((this.p.size * scale * (0.7 + 0.6 * this.sizeNoise(m.id, side, i))) / 100) * 100);
          if (isArb) size = q.arb!.remaining;
          if (!isArb && i === 0 && q.minTop && q.minTop.side === side) size = Math.max(size, q.minTop.size);
          out.push({ side, px, size, arb: isArb });
        }
        let step = tick;
        if (i === 0 && q.arb && q.arb.side === side) step = tick * q.arb.gapTicks;
        const next = side === 'bid' ? m.grid.snap(px - step, 'down') : m.grid.snap(px + step, 'up');
        if (next === null || next === px) break;
        px = next;
      }
    }
    return out;
  }

  /** Deterministic per-level size variation that does not consume the walk's random stream. */
  private sizeNoise(marketId: string, side: string, level: number): number {
    let h = 2166136261;
    const s = `${marketId}|${side}|${level}|${this.windowSeq}`;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return ((h >>> 0) % 1000) / 1000;
  }

  /** Replace the market maker's quotes on one market when they differ from the target. */
  requote(q: QuotedMarket, force: boolean): void {
    if (q.market.status !== 'open') return;
    // Count what takers consumed of the arbitrage level since the last requote.
    if (q.arb) {
      let took = 0;
      for (const o of q.arbOrders) took += o.filledQty;
      q.arbOrders = [];
      q.arb.remaining = Math.max(0, q.arb.remaining - took);
      if (q.arb.remaining === 0) {
        const w = this.windows.find((x) => x.state === 'open' && (this.pairOf(x).kalshi === q || this.pairOf(x).poly === q));
        if (w) this.closeWindow(w, 'consumed');
      }
    }
    const tgt = this.target(q);
    const key = tgt.map((t) => `${t.side}${t.px}`).join(',');
    const touched = q.orders.some((o) => o.filledQty > 0 || o.status !== 'resting');
    if (!force && !touched && key === q.lastKey) return;
    for (const o of q.orders) if (o.status === 'resting') this.ctx.cancelOrder(q.account.id, o.id, 'requote');
    q.orders = [];
    q.lastKey = key;
    for (const t of tgt) {
      // Bids buy this market's YES; asks buy its NO (so no inventory is needed on either venue).
      const outcome: Outcome = t.side === 'bid' ? 'yes' : 'no';
      const px = t.side === 'bid' ? t.px : PX_ONE - t.px;
      const r = this.ctx.placeOrder({ venue: q.market.venue, accountId: q.account.id, marketId: q.market.id, action: 'buy', outcome, px, qty: t.size, tif: 'gtc', stp: 'cancel_maker', silent: true });
      if (r.ok && r.order.status === 'resting') {
        q.orders.push(r.order);
        if (t.arb) q.arbOrders.push(r.order);
      }
    }
  }

  pairs: ArbPair[] = [];

  private pairOf(w: ArbWindow): ArbPair {
    return this.pairs[w.pairIndex]!;
  }

  /**
   * Open an arbitrage window on a pair: move one venue's quotes so that buying `size` contracts
   * of both legs at the top of book earns at least `edgePx` per contract after both venues'
   * taker fees, and no more than `size` is available at a profit.
   */
  injectArb(opts: { pairIndex: number; type: ArbType; edgePx: Px; size: Qty; durationMs: number; venue?: 'kalshi' | 'polymarket' }): ArbWindow {
    const pair = this.pairs[opts.pairIndex];
    if (!pair) throw new RangeError(`no pair #${opts.pairIndex} (the scenario has ${this.pairs.length})`);
    if (!pair.kalshi.live || !pair.poly.live) throw new RangeError(`pair ${pair.id} has static books: arbitrage windows need market-maker pairs`);
    if (!(opts.edgePx > 0) || !Number.isInteger(opts.edgePx)) throw new RangeError(`edgePx must be a positive integer Px, got ${opts.edgePx}`);
    if (!(opts.size > 0) || !Number.isInteger(opts.size)) throw new RangeError(`size must be a positive integer Qty, got ${opts.size}`);
    if (this.windows.some((w) => w.state === 'open' && w.pairIndex === opts.pairIndex)) throw new RangeError(`pair ${pair.id} already has an open arbitrage window`);
    const venue = opts.venue ?? 'kalshi';
    // Legs: kalshi_yes_poly_no buys Kalshi YES (consumes Kalshi asks) and the Polymarket token that
    // pays on Kalshi NO; poly_yes_kalshi_no buys Kalshi NO (consumes Kalshi bids) and the token
    // paying on Kalshi YES.
    const kalshiOutcome: Outcome = opts.type === 'kalshi_yes_poly_no' ? 'no' : 'yes';
    const kalshiSide: Outcome = kalshiOutcome === 'no' ? 'yes' : 'no';
    const kSide: BookSide = kalshiSide === 'yes' ? 'ask' : 'bid';
    const polyToken = kalshiSide === 'yes' ? pair.polyNoToken : pair.polyYesToken;
    const polyOutcome: Outcome = polyToken === pair.poly.market.polymarket!.yesTokenId ? 'yes' : 'no';
    const pSide: BookSide = polyOutcome === 'yes' ? 'ask' : 'bid';
    // Cost per contract of consuming a side's top: asks cost their price, bids cost 1 - price.
    const cost = (side: BookSide, px: Px): Px => (side === 'ask' ? px : PX_ONE - px);
    const restPx = (side: BookSide, c: Px): Px => (side === 'ask' ? c : PX_ONE - c);
    const kTop = this.normalTop(pair.kalshi);
    const pTop = this.normalTop(pair.poly);
    const moved = venue === 'kalshi' ? pair.kalshi : pair.poly;
    const fixed = venue === 'kalshi' ? pair.poly : pair.kalshi;
    const movedSide = venue === 'kalshi' ? kSide : pSide;
    const fixedSide = venue === 'kalshi' ? pSide : kSide;
    const movedOutcome = venue === 'kalshi' ? kalshiSide : polyOutcome;
    const fixedOutcome = venue === 'kalshi' ? polyOutcome : kalshiSide;
    const fixedTop = venue === 'kalshi' ? pTop : kTop;
    const movedTop = venue === 'kalshi' ? kTop : pTop;
    const fixedCost = cost(fixedSide, fixedSide === 'ask' ? fixedTop[1] : fixedTop[0]);
    const size = opts.size;
    const fixedFee = takerFee(fixed.market, fixedOutcome, fixedCost, size);
    const grid = moved.market.grid;
    const tick = grid.minTick;
    const profitAt = (c: Px): Micros => PX_ONE * size - (c + fixedCost) * size - fixedFee - takerFee(moved.market, movedOutcome, c, size);
    let c: Px | null = cost(movedSide, movedSide === 'ask' ? movedTop[1] : movedTop[0]);
    while (c !== null && c >= tick && profitAt(c) < opts.edgePx * size) {
      const next = grid.snap(restPx(movedSide, c) + (movedSide === 'ask' ? -tick : tick), movedSide === 'ask' ? 'down' : 'up');
      if (next === null) {
        c = null;
        break;
      }
      c = cost(movedSide, next);
    }
    if (c === null || c < tick) throw new RangeError(`cannot open a ${opts.edgePx} Px edge on pair ${pair.id} at these prices`);
    const profit = profitAt(c);
    // Move the whole book of the dislocated market so its consumed-side top sits at the arb price.
    const normal = movedSide === 'ask' ? movedTop[1] : movedTop[0];
    const arbPx = restPx(movedSide, c);
    moved.offset = arbPx - normal;
    // Deeper levels on the arb side start beyond the edge, so only `size` is profitable.
    const gapTicks = Math.ceil((opts.edgePx + tick) / tick) + 1;
    moved.arb = { side: movedSide, px: arbPx, remaining: size, gapTicks };
    fixed.minTop = { side: fixedSide, size };
    moved.game.frozen++;
    const now = this.ctx.clock.now();
    const kPx = venue === 'kalshi' ? c : fixedCost;
    const pPx = venue === 'kalshi' ? fixedCost : c;
    const w: ArbWindow = {
      id: `arb-${++this.windowSeq}`,
      pairIndex: opts.pairIndex,
      pairId: pair.id,
      type: opts.type,
      venue,
      size,
      edgePx: Math.floor(profit / size),
      kalshiLeg: { side: kalshiSide, px: kPx },
      polyLeg: { token: polyToken, px: pPx },
      profitMicros: profit,
      openedAt: now,
      endsAt: now + opts.durationMs,
      state: 'open',
    };
    this.windows.push(w);
    this.ctx.clock.after(opts.durationMs, () => this.closeWindow(w, 'expired'));
    this.requote(moved, true);
    this.requote(fixed, true);
    return w;
  }

  private closeWindow(w: ArbWindow, state: 'consumed' | 'expired'): void {
    if (w.state !== 'open') return;
    w.state = state;
    const pair = this.pairOf(w);
    for (const q of [pair.kalshi, pair.poly]) {
      q.offset = 0;
      q.arb = null;
      q.minTop = null;
      q.arbOrders = [];
    }
    pair.kalshi.game.frozen = Math.max(0, pair.kalshi.game.frozen - 1);
    this.requote(pair.kalshi, true);
    this.requote(pair.poly, true);
  }
}
