// A price-time-priority limit order book for one binary market's YES contract.
//
// Levels are arrays indexed by price (0..10,000 Px), so finding a level is O(1) and the best
// price moves by scanning at most the grid. Each level is a FIFO of resting orders. Matching is
// synchronous and deterministic: the same sequence of calls yields the same fills and changes.

import type { Px, Qty } from '@parity/trading';
import { PX_ONE } from '@parity/trading';
import type {
  BookSide,
  EngineOrder,
  LevelChange,
  MatchResult,
  RestingOrder,
} from './types.ts';

interface Level {
  orders: RestingOrder[];
  /** Index of the first live order in `orders` (FIFO without shifting on every fill). */
  head: number;
  total: Qty;
}

const NO_BID = -1;
const NO_ASK = PX_ONE + 1;

export class OrderBook {
  private readonly bids: (Level | undefined)[] = new Array(PX_ONE + 1);
  private readonly asks: (Level | undefined)[] = new Array(PX_ONE + 1);
  private readonly byId = new Map<string, RestingOrder>();
  private bestBidPx = NO_BID;
  private bestAskPx = NO_ASK;
  private seq = 0;
  /** Number of non-empty levels per side (an emptied side skips the best-price scan). */
  private bidLevels = 0;
  private askLevels = 0;

  /** Best bid as a YES price, or null. */
  bestBid(): Px | null {
    return this.bestBidPx === NO_BID ? null : this.bestBidPx;
  }
  /** Best ask as a YES price, or null. */
  bestAsk(): Px | null {
    return this.bestAskPx === NO_ASK ? null : this.bestAskPx;
  }

  /** Total resting size at a level. */
  sizeAt(side: BookSide, px: Px): Qty {
    return (side === 'bid' ? this.bids : this.asks)[px]?.total ?? 0;
  }

  /** Levels best-first as [px, size] pairs (a snapshot; safe to keep). */
  levels(side: BookSide, depth = Infinity): [Px, Qty][] {
    const out: [Px, Qty][] = [];
    if (side === 'bid') {
      for (let p = this.bestBidPx; p >= 0 && out.length < depth; p--) {
        const l = this.bids[p];
        if (l && l.total > 0) out.push([p, l.total]);
      }
    } else {
      for (let p = this.bestAskPx; p <= PX_ONE && out.length < depth; p++) {
        const l = this.asks[p];
        if (l && l.total > 0) out.push([p, l.total]);
      }
    }
    return out;
  }

  /** A resting order by id (live view), or undefined once filled/cancelled. */
  get(id: string): RestingOrder | undefined {
    return this.byId.get(id);
  }

  /** Resting orders of one owner (for cancel-all and tests). */
  ordersOf(owner: string): RestingOrder[] {
    const out: RestingOrder[] = [];
    for (const o of this.byId.values()) if (o.owner === owner) out.push(o);
    return out;
  }

  /** Number of resting orders. */
  get orderCount(): number {
    return this.byId.size;
  }

  /**
   * Match an incoming order, then rest any gtc remainder. Never throws for market reasons:
   * FOK that cannot fill fully and post-only orders that would cross come back `accepted: false`
   * with nothing changed.
   */
  submit(o: EngineOrder): MatchResult {
    const res: MatchResult = {
      orderId: o.id,
      accepted: true,
      filledQty: 0,
      restingQty: 0,
      cancelledQty: 0,
      selfTradeStopped: false,
      fills: [],
      makersCancelled: [],
      changes: [],
    };
    if (!(o.qty > 0) || !Number.isSafeInteger(o.qty) || !Number.isSafeInteger(o.px) || o.px < 0 || o.px > PX_ONE || this.byId.has(o.id)) {
      res.accepted = false;
      res.rejectReason = 'invalid_order';
      return res;
    }
    const isBid = o.side === 'bid';
    const crosses = isBid ? this.bestAskPx <= o.px : this.bestBidPx >= o.px;
    if (o.postOnly && crosses) {
      res.accepted = false;
      res.rejectReason = 'post_only_cross';
      return res;
    }
    const stp = o.stp ?? 'cancel_taker';
    const cap = Math.min(o.qty, o.maxFillQty ?? o.qty);
    if (o.tif === 'fok' && this.fillable(o, stp, o.qty) < o.qty) {
      res.accepted = false;
      res.rejectReason = 'fok_not_filled';
      return res;
    }

    let remaining = o.qty;
    let budget = cap;
    const opp = isBid ? this.asks : this.bids;
    const oppSide: BookSide = isBid ? 'ask' : 'bid';
    outer: while (budget > 0) {
      const p = isBid ? this.bestAskPx : this.bestBidPx;
      if (isBid ? p > o.px : p < o.px) break;
      const level = opp[p]!;
      while (level.head < level.orders.length && budget > 0) {
        const m = level.orders[level.head]!;
        if (m.owner === o.owner && stp !== 'none') {
          if (stp === 'cancel_taker') {
            res.selfTradeStopped = true;
            break outer;
          }
          // cancel_maker: drop our resting order and keep matching.
          level.head++;
          level.total -= m.remaining;
          this.byId.delete(m.id);
          res.makersCancelled.push({ id: m.id, owner: m.owner, remaining: m.remaining });
          res.changes.push({ side: oppSide, px: p, size: level.total, delta: -m.remaining });
          m.remaining = 0;
          continue;
        }
        const q = m.remaining < budget ? m.remaining : budget;
        m.remaining -= q;
        level.total -= q;
        remaining -= q;
        budget -= q;
        res.filledQty += q;
        res.fills.push({
          takerId: o.id,
          takerOwner: o.owner,
          takerSide: o.side,
          makerId: m.id,
          makerOwner: m.owner,
          px: p,
          qty: q,
          makerRemaining: m.remaining,
        });
        res.changes.push({ side: oppSide, px: p, size: level.total, delta: -q });
        if (m.remaining === 0) {
          level.head++;
          this.byId.delete(m.id);
        }
      }
      if (level.head >= level.orders.length) {
        level.orders.length = 0;
        level.head = 0;
        if (isBid) this.askLevels--;
        else this.bidLevels--;
        this.advanceBest(oppSide);
      } else if (level.head > 32 && level.head * 2 > level.orders.length) {
        level.orders.splice(0, level.head);
        level.head = 0;
      }
    }

    if (remaining > 0) {
      if (o.tif === 'gtc' && !res.selfTradeStopped && budget > 0) {
        this.rest(o, remaining, res.changes);
        res.restingQty = remaining;
      } else {
        res.cancelledQty = remaining;
      }
    }
    return res;
  }

  /** Cancel a resting order; returns its removed remainder and the level change, or null. */
  cancel(id: string): { order: RestingOrder; removed: Qty; change: LevelChange } | null {
    const m = this.byId.get(id);
    if (!m) return null;
    const book = m.side === 'bid' ? this.bids : this.asks;
    const level = book[m.px]!;
    const i = level.orders.indexOf(m, level.head);
    if (i >= 0) level.orders.splice(i, 1);
    const removed = m.remaining;
    level.total -= removed;
    m.remaining = 0;
    this.byId.delete(id);
    if (level.total === 0) {
      level.orders.length = 0;
      level.head = 0;
      if (m.side === 'bid') this.bidLevels--;
      else this.askLevels--;
      if ((m.side === 'bid' && m.px === this.bestBidPx) || (m.side === 'ask' && m.px === this.bestAskPx)) this.advanceBest(m.side);
    }
    return { order: m, removed, change: { side: m.side, px: m.px, size: level.total, delta: -removed } };
  }

  /**
   * Reduce a resting order's remaining size in place (keeps its time priority, as venues do
   * for decreases). Returns the level change, or null if unknown / not a decrease.
   */
  reduce(id: string, newRemaining: Qty): LevelChange | null {
    const m = this.byId.get(id);
    if (!m || newRemaining >= m.remaining || newRemaining < 0) return null;
    if (newRemaining === 0) return this.cancel(id)!.change;
    const level = (m.side === 'bid' ? this.bids : this.asks)[m.px]!;
    const cut = m.remaining - newRemaining;
    level.total -= cut;
    m.remaining = newRemaining;
    return { side: m.side, px: m.px, size: level.total, delta: -cut };
  }

  /** How much of `o` could fill right now (stops at `want`), honouring self-trade rules. */
  private fillable(o: EngineOrder, stp: string, want: Qty): Qty {
    let sum = 0;
    const isBid = o.side === 'bid';
    const opp = isBid ? this.asks : this.bids;
    const start = isBid ? this.bestAskPx : this.bestBidPx;
    const step = isBid ? 1 : -1;
    for (let p = start; isBid ? p <= o.px : p >= o.px; p += step) {
      const level = opp[p];
      if (!level || level.total === 0) continue;
      for (let i = level.head; i < level.orders.length; i++) {
        const m = level.orders[i]!;
        if (m.owner === o.owner && stp !== 'none') {
          if (stp === 'cancel_taker') return sum;
          continue;
        }
        sum += m.remaining;
        if (sum >= want) return sum;
      }
    }
    return sum;
  }

  private rest(o: EngineOrder, qty: Qty, changes: LevelChange[]): void {
    const book = o.side === 'bid' ? this.bids : this.asks;
    let level = book[o.px];
    if (!level) {
      level = { orders: [], head: 0, total: 0 };
      book[o.px] = level;
    }
    const r: RestingOrder = { id: o.id, owner: o.owner, side: o.side, px: o.px, qty: o.qty, remaining: qty, seq: ++this.seq };
    if (level.total === 0) {
      if (o.side === 'bid') this.bidLevels++;
      else this.askLevels++;
    }
    level.orders.push(r);
    level.total += qty;
    this.byId.set(o.id, r);
    if (o.side === 'bid') {
      if (o.px > this.bestBidPx) this.bestBidPx = o.px;
    } else if (o.px < this.bestAskPx) this.bestAskPx = o.px;
    changes.push({ side: o.side, px: o.px, size: level.total, delta: qty });
  }

  private advanceBest(side: BookSide): void {
    if (side === 'bid' && this.bidLevels === 0) {
      this.bestBidPx = NO_BID;
      return;
    }
    if (side === 'ask' && this.askLevels === 0) {
      this.bestAskPx = NO_ASK;
      return;
    }
    if (side === 'bid') {
      let p = this.bestBidPx;
      while (p >= 0 && !(this.bids[p]?.total)) p--;
      this.bestBidPx = p < 0 ? NO_BID : p;
    } else {
      let p = this.bestAskPx;
      while (p <= PX_ONE && !(this.asks[p]?.total)) p++;
      this.bestAskPx = p > PX_ONE ? NO_ASK : p;
    }
  }
}
