// Build a scenario into a SimContext: Kalshi series/events/markets, Polymarket markets, pairs,
// the market maker (or static books), scheduled arbitrage windows, faults and timed events.

import type { Px, Qty } from '@parity/trading';
import { PX_ONE, logger, parsePx, parseQty } from '@parity/trading';
import type { SimAccount } from '../accounts.ts';
import type { SimContext, SimPair } from '../context.ts';
import { KalshiFeeModel } from '../kalshi/fees.ts';
import { NO_FEES, PriceGrid, newMarket, type SimMarket } from '../markets.ts';
import type { Rng } from '../rng.ts';
import { MarketMaker, type ArbPair, type ArbWindow, type Game, type QuotedMarket } from './market-maker.ts';
import type { ArbType, PairSpec, ScenarioSpec } from './spec.ts';
import { LEAGUES, isoDate, kalshiDate, type League } from './teams.ts';

const log = logger.child({ mod: 'sim-scenario' });

/** One line of the pairs file (README.md, "Pairs file"). */
export interface PairsFileEntry {
  id: string;
  description: string;
  kalshi_ticker: string;
  poly_yes_token: string;
  poly_no_token: string;
  kalshi_yes_pays_with: 'poly_yes' | 'poly_no';
  league?: string;
  market_type?: string;
  poly_neg_risk?: boolean;
}

export interface InjectArbOptions {
  /** Pair by index in the pairs file, or by id. */
  pairIndex?: number;
  pairId?: string;
  type?: ArbType;
  /** Edge per contract after both venues' taker fees (Px; default 200 = $0.02). */
  edgePx?: Px;
  /** Contracts available at that edge (Qty; default 5000 = 50 contracts). */
  size?: Qty;
  durationMs?: number;
  /** Which venue's quotes move (default kalshi: Kalshi markets belong to one pair each). */
  venue?: 'kalshi' | 'polymarket';
}

export interface Scenario {
  spec: ScenarioSpec;
  pairs: PairsFileEntry[];
  mm: MarketMaker;
  injectArb(o: InjectArbOptions): ArbWindow;
  /** Resolve a pair reference (index or id) to its index. */
  pairIndex(ref: number | string): number;
  stop(): void;
}

const px = (dollars: number): Px => Math.round(dollars * PX_ONE);

function polyIds(rng: Rng): { conditionId: string; yes: string; no: string } {
  return { conditionId: `0x${rng.hex(32)}`, yes: rng.digits(77), no: rng.digits(77) };
}

function kalshiGrid(p: PairSpec['kalshi']): PriceGrid {
  if (!p.price_ranges) return new PriceGrid([{ start: 100, end: 9900, step: 100 }]);
  return new PriceGrid(p.price_ranges.map((r) => ({ start: parsePx(r.start), end: parsePx(r.end), step: parsePx(r.step) })));
}

interface BuiltPair {
  entry: PairsFileEntry;
  kalshi: SimMarket;
  poly: SimMarket;
  game: Game;
  kalshiFlip: boolean;
  polyFlip: boolean;
  books?: PairSpec['books'];
}

export function buildScenario(ctx: SimContext, spec: ScenarioSpec, opts: { rng: Rng; mmAccounts: { kalshi: SimAccount; polymarket: SimAccount } }): Scenario {
  const rng = opts.rng;
  const start = ctx.clock.now();
  const built: BuiltPair[] = [];
  const extraKalshi: { market: SimMarket; game: Game; flip: boolean }[] = [];
  const games: Game[] = [];

  const addSeries = (ticker: string, title: string, feeType: PairSpec['kalshi']['fee_type'], mult: number): void => {
    if (!ctx.kalshiCatalog.series.has(ticker)) {
      ctx.kalshiCatalog.series.set(ticker, { ticker, title, category: 'Sports', tags: ['Sports'], frequency: 'custom', feeType, feeMultiplier: mult });
    }
  };

  // ---- generated sports games ----
  if (spec.generate) {
    const leagues: League[] = (spec.generate.leagues ?? ['nba', 'nhl', 'nfl']).map((id) => LEAGUES.find((l) => l.id === id)!);
    const used = new Map<string, number>();
    const games_n = Math.ceil(spec.generate.pairs / 2);
    for (let gi = 0; gi < games_n; gi++) {
      const league = leagues[gi % leagues.length]!;
      const k = used.get(league.id) ?? 0;
      used.set(league.id, k + 1);
      const n = league.teams.length;
      const away = league.teams[(2 * k) % n]!;
      const home = league.teams[(2 * k + 1) % n]!;
      const day = start + 86_400_000 * (1 + Math.floor((2 * k) / n));
      const date = kalshiDate(day);
      const eventTicker = `${league.series}-${date}${away.code}${home.code}`;
      addSeries(league.series, league.seriesTitle, 'quadratic_with_maker_fees', 1);
      const title = `${away.kalshiName} at ${home.kalshiName} Winner?`;
      ctx.kalshiCatalog.events.set(eventTicker, { eventTicker, seriesTicker: league.series, title, subTitle: `${away.code} at ${home.code} (${isoDate(day)})`, mutuallyExclusive: true, strikeDate: new Date(day).toISOString() });
      const game: Game = { id: eventTicker, fair: 3500 + rng.int(0, 30) * 100, frozen: 0 };
      games.push(game);
      const closeTime = new Date(day + 6 * 3_600_000).toISOString();
      const mkKalshi = (team: typeof away, other: typeof away): SimMarket =>
        ctx.addMarket(
          newMarket({
            id: `${eventTicker}-${team.code}`,
            venue: 'kalshi',
            grid: new PriceGrid([{ start: 100, end: 9900, step: 100 }]),
            status: 'open',
            fees: new KalshiFeeModel('quadratic_with_maker_fees', 1),
            netting: true,
            kalshi: {
              ticker: `${eventTicker}-${team.code}`,
              eventTicker,
              seriesTicker: league.series,
              title,
              yesSubTitle: team.kalshiName,
              noSubTitle: team.kalshiName,
              priceLevelStructure: 'linear_cent',
              fractionalTradingEnabled: false,
              openTime: new Date(start - 86_400_000).toISOString(),
              closeTime,
              expectedExpirationTime: closeTime,
              rulesPrimary: `If ${team.kalshiName} wins the ${away.kalshiName} at ${home.kalshiName} game originally scheduled for ${isoDate(day)}, then the market resolves to Yes. (Not ${other.kalshiName}.)`,
            },
          }),
        );
      const kAway = mkKalshi(away, home);
      const kHome = mkKalshi(home, away);
      const ids = polyIds(rng);
      const slug = `${league.slug}-${away.code.toLowerCase()}-${home.code.toLowerCase()}-${isoDate(day)}`;
      const poly = ctx.addMarket(
        newMarket({
          id: ids.conditionId,
          venue: 'polymarket',
          grid: PriceGrid.uniform(100),
          status: 'open',
          fees: NO_FEES,
          netting: false,
          polymarket: {
            conditionId: ids.conditionId,
            yesTokenId: ids.yes,
            noTokenId: ids.no,
            negRisk: false,
            tickSize: '0.01',
            minOrderSize: 500,
            question: `${away.polyName} vs. ${home.polyName}`,
            slug,
            outcomes: [away.polyName, home.polyName],
            feeRate: 0.05,
            feeExponent: 1,
            takerOnly: true,
            eventSlug: slug,
            eventTitle: `${away.polyName} vs. ${home.polyName}`,
            gameStartTime: new Date(day + 3_600_000).toISOString().replace('T', ' ').replace('.000Z', '+00'),
            sportsMarketType: 'moneyline',
          },
        }),
      );
      const datePretty = new Date(day).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
      const mk = (km: SimMarket, team: typeof away, paysWith: 'poly_yes' | 'poly_no', flip: boolean): BuiltPair => ({
        entry: {
          id: km.id,
          description: `${away.polyName} at ${home.polyName}, ${datePretty}: ${team.polyName} win`,
          kalshi_ticker: km.id,
          poly_yes_token: ids.yes,
          poly_no_token: ids.no,
          kalshi_yes_pays_with: paysWith,
          league: league.id,
          market_type: 'moneyline',
          poly_neg_risk: false,
        },
        kalshi: km,
        poly,
        game,
        kalshiFlip: flip,
        polyFlip: false,
      });
      built.push(mk(kAway, away, 'poly_yes', false));
      if (built.length < spec.generate.pairs) built.push(mk(kHome, home, 'poly_no', true));
      else extraKalshi.push({ market: kHome, game, flip: true });
    }
  }

  // ---- explicit pairs ----
  for (const p of spec.pairs) {
    const k = p.kalshi;
    const eventTicker = k.event_ticker ?? (k.ticker.includes('-') ? k.ticker.slice(0, k.ticker.lastIndexOf('-')) : k.ticker);
    const seriesTicker = k.series_ticker ?? eventTicker.split('-')[0]!;
    addSeries(seriesTicker, seriesTicker, k.fee_type, k.fee_multiplier);
    if (!ctx.kalshiCatalog.events.has(eventTicker)) {
      ctx.kalshiCatalog.events.set(eventTicker, { eventTicker, seriesTicker, title: k.title ?? p.description ?? eventTicker, subTitle: '', mutuallyExclusive: false, strikeDate: null });
    }
    const closeTime = new Date(start + 7 * 86_400_000).toISOString();
    const km = ctx.addMarket(
      newMarket({
        id: k.ticker,
        venue: 'kalshi',
        grid: kalshiGrid(k),
        status: k.status,
        fees: new KalshiFeeModel(k.fee_type, k.fee_multiplier),
        netting: true,
        kalshi: {
          ticker: k.ticker,
          eventTicker,
          seriesTicker,
          title: k.title ?? p.description ?? k.ticker,
          yesSubTitle: k.yes_sub_title ?? 'Yes',
          noSubTitle: k.no_sub_title ?? k.yes_sub_title ?? 'Yes',
          priceLevelStructure: k.price_level_structure,
          fractionalTradingEnabled: k.fractional_trading_enabled,
          openTime: new Date(start - 86_400_000).toISOString(),
          closeTime,
        },
      }),
    );
    const pm = p.polymarket;
    const ids = polyIds(rng);
    const conditionId = pm.condition_id ?? ids.conditionId;
    const slug = pm.slug ?? k.ticker.toLowerCase();
    const poly = ctx.addMarket(
      newMarket({
        id: conditionId,
        venue: 'polymarket',
        grid: PriceGrid.uniform(parsePx(pm.tick_size)),
        status: pm.status,
        fees: NO_FEES,
        netting: false,
        polymarket: {
          conditionId,
          yesTokenId: pm.yes_token ?? ids.yes,
          noTokenId: pm.no_token ?? ids.no,
          negRisk: pm.neg_risk,
          tickSize: pm.tick_size,
          minOrderSize: Math.round(pm.min_order_size * 100),
          question: pm.question ?? p.description ?? k.ticker,
          slug,
          outcomes: pm.outcomes,
          feeRate: pm.fee_rate,
          feeExponent: pm.fee_exponent,
          takerOnly: true,
          eventSlug: slug,
          eventTitle: pm.question ?? p.description ?? k.ticker,
        },
      }),
    );
    const game: Game = { id: k.ticker, fair: px(p.fair ?? 0.5), frozen: 0 };
    games.push(game);
    built.push({
      entry: {
        id: p.id ?? k.ticker,
        description: p.description ?? k.title ?? k.ticker,
        kalshi_ticker: k.ticker,
        poly_yes_token: poly.polymarket!.yesTokenId,
        poly_no_token: poly.polymarket!.noTokenId,
        kalshi_yes_pays_with: p.kalshi_yes_pays_with,
        ...(p.league ? { league: p.league } : {}),
        ...(p.market_type ? { market_type: p.market_type } : {}),
        poly_neg_risk: pm.neg_risk,
      },
      kalshi: km,
      poly,
      game,
      kalshiFlip: false,
      polyFlip: p.kalshi_yes_pays_with === 'poly_no',
      ...(p.books ? { books: p.books } : {}),
    });
  }

  const ids = new Set<string>();
  for (const b of built) {
    if (ids.has(b.entry.id)) throw new RangeError(`duplicate pair id ${b.entry.id}`);
    ids.add(b.entry.id);
  }

  // ---- context pairs ----
  for (const b of built) {
    b.kalshi.pairId = b.entry.id;
    const pair: SimPair = {
      id: b.entry.id,
      description: b.entry.description,
      kalshiMarketId: b.kalshi.id,
      polyMarketId: b.poly.id,
      kalshiYesPaysWith: b.entry.kalshi_yes_pays_with,
    };
    if (b.entry.league) pair.league = b.entry.league;
    if (b.entry.market_type) pair.marketType = b.entry.market_type;
    ctx.pairs.push(pair);
  }

  // ---- market maker / static books ----
  const mmSpec = spec.market_maker;
  const mm = new MarketMaker(ctx, { intervalMs: mmSpec.interval_ms, levels: mmSpec.levels, halfSpread: px(mmSpec.half_spread), size: Math.round(mmSpec.size * 100), volatility: px(mmSpec.volatility) }, rng.fork());
  mm.games.push(...games);
  const quotedByMarket = new Map<string, QuotedMarket>();
  const quote = (market: SimMarket, game: Game, flip: boolean, live: boolean): QuotedMarket => {
    let q = quotedByMarket.get(market.id);
    if (!q) {
      q = { market, game, flip, account: opts.mmAccounts[market.venue], noise: 0, offset: 0, arb: null, minTop: null, orders: [], arbOrders: [], lastKey: '', live };
      quotedByMarket.set(market.id, q);
      mm.quoted.push(q);
    }
    return q;
  };
  for (const b of built) {
    const live = mmSpec.enabled && !b.books;
    const kq = quote(b.kalshi, b.game, b.kalshiFlip, live);
    const pq = quote(b.poly, b.game, b.polyFlip, live);
    const arbPair: ArbPair = {
      id: b.entry.id,
      kalshi: kq,
      poly: pq,
      polyYesToken: b.entry.kalshi_yes_pays_with === 'poly_yes' ? b.entry.poly_yes_token : b.entry.poly_no_token,
      polyNoToken: b.entry.kalshi_yes_pays_with === 'poly_yes' ? b.entry.poly_no_token : b.entry.poly_yes_token,
    };
    mm.pairs.push(arbPair);
    if (b.books) {
      placeStatic(ctx, opts.mmAccounts.kalshi, b.kalshi, b.books.kalshi);
      placeStatic(ctx, opts.mmAccounts.polymarket, b.poly, b.books.polymarket);
    }
  }
  for (const x of extraKalshi) quote(x.market, x.game, x.flip, mmSpec.enabled);
  mm.start();

  const pairIndex = (ref: number | string): number => {
    if (typeof ref === 'number') {
      if (!Number.isInteger(ref) || ref < 0 || ref >= built.length) throw new RangeError(`no pair #${ref} (the scenario has ${built.length})`);
      return ref;
    }
    const i = built.findIndex((b) => b.entry.id === ref || b.entry.kalshi_ticker === ref);
    if (i < 0) throw new RangeError(`no pair ${JSON.stringify(ref)}`);
    return i;
  };

  const injectArb = (o: InjectArbOptions): ArbWindow => {
    const idx = o.pairId !== undefined ? pairIndex(o.pairId) : pairIndex(o.pairIndex ?? 0);
    const w = mm.injectArb({
      pairIndex: idx,
      type: o.type ?? 'kalshi_yes_poly_no',
      edgePx: o.edgePx ?? 200,
      size: o.size ?? 5000,
      durationMs: o.durationMs ?? 3000,
      ...(o.venue ? { venue: o.venue } : {}),
    });
    log.info({ arb: w.id, pair: w.pairId, type: w.type, edgePx: w.edgePx, size: w.size, kalshi: w.kalshiLeg, poly: w.polyLeg }, 'arbitrage window opened');
    return w;
  };

  // ---- scheduled arbitrage, faults, timed events ----
  const arbs = spec.arbs;
  const live = built.map((_, i) => i).filter((i) => mm.pairs[i]!.kalshi.live && mm.pairs[i]!.poly.live);
  if (arbs.enabled && live.length > 0) {
    let n = rng.int(0, live.length - 1);
    let t = 0;
    const fire = (): void => {
      const idx = live[n++ % live.length]!;
      const type = arbs.types[t++ % arbs.types.length]!;
      try {
        injectArb({ pairIndex: idx, type, edgePx: px(arbs.edge), size: Math.round(arbs.size * 100), durationMs: arbs.duration_ms });
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'scheduled arbitrage window skipped');
      }
    };
    ctx.clock.after(arbs.first_at_ms, () => {
      fire();
      ctx.clock.every(arbs.every_ms, fire);
    });
  }
  for (const f of spec.faults) ctx.faults.add(f);
  for (const ev of spec.events) {
    ctx.clock.after(ev.at_ms, () => {
      try {
        switch (ev.type) {
          case 'inject_arb':
            injectArb({ pairIndex: pairIndex(ev.pair), type: ev.arb_type, edgePx: px(ev.edge), size: Math.round(ev.size * 100), durationMs: ev.duration_ms });
            break;
          case 'fault':
            ctx.faults.add(ev.fault);
            break;
          case 'clear_faults':
            ctx.faults.clear(ev.venue);
            break;
          case 'market_status': {
            const b = built[pairIndex(ev.pair)]!;
            ctx.setMarketStatus(ev.venue === 'kalshi' ? b.kalshi.id : b.poly.id, ev.status);
            break;
          }
          case 'set_fair': {
            const b = built[pairIndex(ev.pair)]!;
            b.game.fair = px(ev.fair);
            for (const q of mm.quoted) if (q.game === b.game && q.live) mm.requote(q, false);
            break;
          }
        }
      } catch (e) {
        log.warn({ err: (e as Error).message, event: ev.type }, 'scenario event failed');
      }
    });
  }

  return {
    spec,
    pairs: built.map((b) => b.entry),
    mm,
    injectArb,
    pairIndex,
    stop: () => mm.stop(),
  };
}

/** Static book levels: bids buy YES, asks buy NO at 1 - price (no inventory needed). */
function placeStatic(ctx: SimContext, account: SimAccount, m: SimMarket, book: { bids: [string, string][]; asks: [string, string][] } | undefined): void {
  if (!book) return;
  for (const [side, levels] of [['bid', book.bids], ['ask', book.asks]] as const) {
    for (const [p, q] of levels) {
      const yesPx = parsePx(p);
      const qty: Qty = parseQty(q);
      const r = ctx.placeOrder({ venue: m.venue, accountId: account.id, marketId: m.id, action: 'buy', outcome: side === 'bid' ? 'yes' : 'no', px: side === 'bid' ? yesPx : PX_ONE - yesPx, qty, tif: 'gtc', stp: 'cancel_maker', silent: true });
      if (!r.ok) throw new RangeError(`scenario book level ${side} ${p} x ${q} on ${m.id} rejected: ${r.message}`);
      if (r.order.filledQty > 0) throw new RangeError(`scenario book level ${side} ${p} on ${m.id} crosses the other side`);
    }
  }
}
