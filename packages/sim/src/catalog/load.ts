// Feed a generated catalog into a running simulator's SimContext, so its Kalshi venue
// (/series, /events, /markets) and Polymarket Gamma (/markets?slug=, /events?series_id=) serve it
// alongside the scenario's own markets. Every catalog market becomes a tradable engine market.
//
//   const sim = await startSim({ scenario: 'static' });
//   loadCatalog(sim.ctx, generateCatalog({ seed: 1 }));

import type { SimContext } from '../context.ts';
import { KalshiFeeModel } from '../kalshi/fees.ts';
import { newMarket, PriceGrid } from '../markets.ts';
import { newPolymarketMarket } from '../polymarket/catalog.ts';
import type { SimCatalog } from './generate.ts';

export interface LoadCatalogResult {
  kalshiMarkets: number;
  polymarketMarkets: number;
}

/** Adds the catalog's series, events and markets; a ticker or condition id already present is an error. */
export function loadCatalog(ctx: SimContext, catalog: SimCatalog): LoadCatalogResult {
  for (const s of catalog.kalshi.series) {
    if (ctx.kalshiCatalog.series.has(s.ticker)) continue;
    ctx.kalshiCatalog.series.set(s.ticker, { ticker: s.ticker, title: s.title, category: s.category, tags: s.tags, frequency: s.frequency, feeType: 'quadratic', feeMultiplier: s.fee_multiplier });
  }
  const seriesOfEvent = new Map<string, string>();
  for (const e of catalog.kalshi.events) {
    seriesOfEvent.set(e.event_ticker, e.series_ticker);
    if (ctx.kalshiCatalog.events.has(e.event_ticker)) continue;
    ctx.kalshiCatalog.events.set(e.event_ticker, {
      eventTicker: e.event_ticker,
      seriesTicker: e.series_ticker,
      title: e.title,
      subTitle: e.sub_title,
      mutuallyExclusive: e.mutually_exclusive,
      strikeDate: e.strike_date ?? null,
    });
  }
  const kalshiFees = new KalshiFeeModel('quadratic', 1);
  for (const m of catalog.kalshi.markets) {
    if (ctx.markets.has(m.ticker)) throw new Error(`loadCatalog: Kalshi market ${m.ticker} already exists in the simulator`);
    ctx.addMarket(
      newMarket({
        id: m.ticker,
        venue: 'kalshi',
        grid: new PriceGrid([{ start: 100, end: 9900, step: 100 }]),
        status: m.status === 'active' ? 'open' : 'closed',
        fees: kalshiFees,
        netting: true,
        kalshi: {
          ticker: m.ticker,
          eventTicker: m.event_ticker,
          // Series from the event (kalshi.md §10.1: never derive it from the ticker when given).
          seriesTicker: seriesOfEvent.get(m.event_ticker) ?? m.event_ticker.split('-')[0]!,
          title: m.title,
          yesSubTitle: m.yes_sub_title,
          noSubTitle: m.no_sub_title,
          priceLevelStructure: m.price_level_structure,
          fractionalTradingEnabled: m.fractional_trading_enabled,
          openTime: m.open_time,
          closeTime: m.close_time,
          expectedExpirationTime: m.expected_expiration_time,
          rulesPrimary: m.rules_primary,
          ...(m.floor_strike !== undefined ? { floorStrike: m.floor_strike } : {}),
          ...(m.mve_collection_ticker ? { mveCollectionTicker: m.mve_collection_ticker } : {}),
        },
      }),
    );
  }
  let poly = 0;
  for (const g of catalog.gamma.markets) {
    const outcomes = JSON.parse(g.outcomes) as string[];
    let tokens: string[] | null = null;
    try {
      tokens = JSON.parse(g.clobTokenIds) as string[];
    } catch {
      tokens = null; // a deliberately malformed market: served verbatim through `extra`
    }
    const binary = outcomes.length === 2 && tokens !== null && tokens.length === 2;
    // The engine is binary: a 3-outcome (trap) market trades its first two tokens, while Gamma
    // still shows the catalog's outcomes and token ids.
    const yes = tokens?.[0] ?? `${BigInt(g.conditionId) % 10n ** 70n}1`;
    const no = tokens?.[1] ?? `${BigInt(g.conditionId) % 10n ** 70n}2`;
    const ev = g.events[0];
    const series = catalog.gamma.events.find((e) => e.slug === ev?.slug)?.series[0];
    const extra: Record<string, unknown> = {
      id: g.id,
      questionID: g.questionID,
      events: g.events,
      ...(g.groupItemTitle !== undefined ? { groupItemTitle: g.groupItemTitle } : {}),
      ...(g.line !== undefined ? { line: g.line } : {}),
      ...(series ? { seriesId: series.id, seriesSlug: series.slug } : {}),
      ...(g.negRisk === undefined ? { negRisk: undefined } : {}),
      ...(binary ? {} : { outcomes: g.outcomes, clobTokenIds: g.clobTokenIds }),
    };
    const m = newPolymarketMarket(ctx.rng, {
      question: g.question,
      slug: g.slug,
      outcomes: [outcomes[0]!, outcomes[1] ?? 'No'],
      negRisk: g.negRisk === true,
      conditionId: g.conditionId,
      yesTokenId: yes,
      noTokenId: no,
      ...(ev ? { eventSlug: ev.slug, eventTitle: ev.title } : {}),
      ...(g.gameStartTime !== undefined ? { gameStartTime: g.gameStartTime } : {}),
      ...(g.sportsMarketType !== undefined ? { sportsMarketType: g.sportsMarketType } : {}),
      extra,
    });
    if (g.closed) m.status = 'closed';
    ctx.addMarket(m);
    poly++;
  }
  return { kalshiMarkets: catalog.kalshi.markets.length, polymarketMarkets: poly };
}
