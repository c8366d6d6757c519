// Resolving markets by name: a pair id, a Kalshi ticker, a Polymarket condition id or token id.
// Used by SimHandle.settleMarket and POST /admin/settle.
//
// `winner` is in the pair's Kalshi terms when the target belongs to a pair (YES = the outcome
// Kalshi YES pays on; the Polymarket market settles on the token that pays with it), else in the
// market's own terms. `venue` settles one side only (to make the venues disagree or lag).

import type { SimContext, SimPair, SimSettlement } from './context.ts';
import type { Venue } from './faults.ts';
import type { SimMarket } from './markets.ts';
import type { Outcome } from './orders.ts';

export interface SettleOptions {
  /** Settle only this venue's market (default: both markets of the pair). */
  venue?: Venue | undefined;
}

export interface SettleResult {
  marketId: string;
  venue: Venue;
  /** The winner in the market's own terms. */
  result: Outcome;
  payouts: SimSettlement[];
}

const flip = (o: Outcome): Outcome => (o === 'yes' ? 'no' : 'yes');

function findPair(ctx: SimContext, m: SimMarket): SimPair | undefined {
  return ctx.pairs.find((p) => p.kalshiMarketId === m.id || p.polyMarketId === m.id);
}

/** The market a name refers to (pair ids are handled by the caller). */
function findMarket(ctx: SimContext, target: string): SimMarket | undefined {
  const direct = ctx.market(target) ?? ctx.marketByToken(target)?.market;
  if (direct) return direct;
  const t = target.toLowerCase();
  return ctx.marketsOf('polymarket').find((m) => m.polymarket?.conditionId.toLowerCase() === t);
}

export function settleTarget(ctx: SimContext, target: string, winner: Outcome, opts: SettleOptions = {}): SettleResult[] {
  if (winner !== 'yes' && winner !== 'no') throw new RangeError(`winner must be "yes" or "no", got ${JSON.stringify(winner)}`);
  if (opts.venue !== undefined && opts.venue !== 'kalshi' && opts.venue !== 'polymarket') throw new RangeError('venue must be kalshi or polymarket');
  let pair = ctx.pairs.find((p) => p.id === target);
  const market = pair ? undefined : findMarket(ctx, target);
  if (!pair && !market) throw new RangeError(`no pair or market ${JSON.stringify(target)} (use a pair id, Kalshi ticker, Polymarket condition id or token id)`);
  if (market) pair = findPair(ctx, market);
  const todo: Array<{ m: SimMarket; result: Outcome }> = [];
  if (pair) {
    const k = ctx.market(pair.kalshiMarketId)!;
    const p = ctx.market(pair.polyMarketId)!;
    if (opts.venue !== 'polymarket') todo.push({ m: k, result: winner });
    if (opts.venue !== 'kalshi') todo.push({ m: p, result: pair.kalshiYesPaysWith === 'poly_yes' ? winner : flip(winner) });
  } else {
    if (opts.venue !== undefined && opts.venue !== market!.venue) throw new RangeError(`market ${target} is on ${market!.venue}, not ${opts.venue}`);
    todo.push({ m: market!, result: winner });
  }
  // Check first so a conflicting request changes nothing at all.
  for (const t of todo) {
    if (t.m.status === 'settled' && t.m.result !== t.result) throw new RangeError(`market ${t.m.id} already settled with result ${t.m.result ?? 'none'}`);
  }
  return todo.map((t) => ({ marketId: t.m.id, venue: t.m.venue, result: t.result, payouts: ctx.settleMarket(t.m.id, t.result) }));
}
