// A big, tricky market catalog for the simulator, generated deterministically from a seed:
// Kalshi series/events/markets and Gamma markets/events in the venues' exact shapes, plus the
// truth discovery must reproduce — every true pair with the token that pays when Kalshi YES pays,
// and every trap (a market that looks like a twin but is not, or cannot be proven to be).

import { createHash } from 'node:crypto';
import type { GammaEventObj, GammaMarketObj, KalshiEventObj, KalshiMarketObj, KalshiSeriesObj } from './shapes.ts';
import { nickname, NICKNAME_LEAGUES, SIM_LEAGUES, type SimLeague, type SimMarketType, type SimTeam } from './teams.ts';

export type TrapKind =
  | 'other_date' // same teams, another day's game on Polymarket; the start time proves it
  | 'next_day_without_start_time' // next-day slug, no start time to prove the same game
  | 'different_line' // slug says 12.5, the market says 13.5
  | 'line_on_one_venue' // Kalshi's line is not listed on Polymarket (and vice versa)
  | 'unnamed_subject' // Yes/No market that does not say which team it is about
  | 'other_teams' // the slug matches but the outcomes name two other teams of the league
  | 'code_collision' // same codes and date in another league; only that league is on Polymarket
  | 'multi_outcome' // a 3-outcome (non-binary) market where a yes/no market was expected
  | 'wrong_outcome' // the neg-risk leg at this slug is about the other team
  | 'one_venue_only' // the whole game exists on Kalshi only
  | 'malformed_ticker' // a Kalshi event ticker that does not parse
  | 'malformed_gamma' // a Gamma market whose token ids are not JSON
  | 'closed' // Polymarket market closed
  | 'spread_other_team' // the spread at this slug is on the other team
  | 'neg_risk_missing' // Gamma omitted negRisk
  | 'duplicate_listing'; // the same game listed twice on Kalshi: both would pay YES with one token

export interface TruePair {
  kalshiTicker: string;
  league: string;
  marketType: SimMarketType | 'esports';
  polySlug: string;
  /** Pays when the Kalshi market pays YES. */
  yesToken: string;
  noToken: string;
  /** What makes it non-trivial: reversed outcome order, code aliases, ticker splits, next-day slugs... */
  tricky: string[];
}

export interface Trap {
  kind: TrapKind;
  kalshiTickers: string[];
  polySlugs: string[];
  /** What discovery must conclude for the Kalshi tickers: never "paired". */
  expect: 'rejected' | 'needs_review';
  note: string;
}

export interface SimCatalog {
  seed: number;
  kalshi: { series: KalshiSeriesObj[]; events: KalshiEventObj[]; markets: KalshiMarketObj[] };
  gamma: { markets: GammaMarketObj[]; events: GammaEventObj[] };
  truth: { pairs: TruePair[]; traps: Trap[] };
}

export interface CatalogOptions {
  seed?: number;
  /** Regular games per league (default 5: about 520 true pairs with the traps). */
  gamesPerLeague?: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const FIRST_DAY_UTC = Date.UTC(2026, 0, 10);
/** January/February dates: US Eastern is UTC-5 throughout. */
const ET_OFFSET_H = 5;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Game {
  league: SimLeague;
  /** Soccer: home, away. US: away, home. Esports: team A, team B. Also the ticker order. */
  teams: [SimTeam, SimTeam];
  /** Kalshi's date (US Eastern calendar day), ISO. */
  date: string;
  /** Start instant. */
  startMs: number;
  /** Extra letter after the date in the event ticker (KXNCAAFGAME-25DEC27M-OHFRES). */
  tickerLetter?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
function kalshiDate(isoDay: string): string {
  const [y, m, d] = isoDay.split('-');
  return `${y!.slice(2)}${MONTHS[Number(m) - 1]}${d}`;
}
function addDaysIso(isoDay: string, n: number): string {
  return isoDate(Date.parse(`${isoDay}T00:00:00Z`) + n * 86_400_000);
}
const TOTAL_LINES: Record<string, number[]> = { nba: [220.5, 225.5], nfl: [44.5, 47.5], ncaaf: [52.5, 55.5], nhl: [5.5, 6.5], mlb: [8.5, 9.5] };
const lineSlug = (l: number): string => l.toFixed(1).replace('.', 'pt');
const gammaTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('.000Z', '+00');

class Builder {
  readonly series: KalshiSeriesObj[] = [];
  readonly events: KalshiEventObj[] = [];
  readonly markets: KalshiMarketObj[] = [];
  readonly gammaMarkets: GammaMarketObj[] = [];
  readonly gammaEvents: GammaEventObj[] = [];
  readonly pairs: TruePair[] = [];
  readonly traps: Trap[] = [];
  private readonly seriesSeen = new Set<string>();
  private readonly eventsSeen = new Set<string>();
  private readonly gammaEventByslug = new Map<string, GammaEventObj>();
  private gammaId = 500_000;

  constructor(readonly seed: number) {}

  token(slug: string, outcome: string): string {
    const h = createHash('sha256').update(`${this.seed}:${slug}:${outcome}`).digest('hex');
    return BigInt(`0x${h}`).toString(10);
  }

  hex32(s: string): string {
    return `0x${createHash('sha256').update(`${this.seed}:${s}`).digest('hex')}`;
  }

  kalshiSeries(ticker: string, league: SimLeague, type: SimMarketType | 'mve'): void {
    if (this.seriesSeen.has(ticker)) return;
    this.seriesSeen.add(ticker);
    this.series.push({
      ticker,
      title: `${league.code.toUpperCase()} ${type}`,
      category: 'Sports',
      tags: [league.kind === 'esports' ? 'Esports' : 'Sports', league.code],
      frequency: 'custom',
      settlement_sources: [{ name: 'Official league data', url: 'https://example.invalid/' }],
      contract_url: `https://kalshi.com/series/${ticker.toLowerCase()}`,
      contract_terms_url: `https://kalshi.com/series/${ticker.toLowerCase()}/terms`,
      fee_type: 'quadratic',
      fee_multiplier: 1,
      additional_prohibitions: [],
    });
  }

  kalshiEvent(eventTicker: string, seriesTicker: string, title: string, exclusive: boolean, startMs: number): void {
    if (this.eventsSeen.has(eventTicker)) return;
    this.eventsSeen.add(eventTicker);
    this.events.push({
      event_ticker: eventTicker,
      series_ticker: seriesTicker,
      title,
      sub_title: new Date(startMs).toUTCString().slice(0, 16),
      mutually_exclusive: exclusive,
      collateral_return_type: exclusive ? 'MECNET' : '',
      strike_period: '',
      strike_date: iso(startMs + 3 * 3_600_000),
    });
  }

  kalshiMarket(m: {
    ticker: string;
    eventTicker: string;
    title: string;
    yes: string;
    no?: string;
    startMs: number;
    floor?: number;
    mve?: string;
    status?: string;
  }): void {
    const yesBid = 30 + Math.floor((m.ticker.length * 7) % 40);
    this.markets.push({
      ticker: m.ticker,
      event_ticker: m.eventTicker,
      market_type: 'binary',
      title: m.title,
      subtitle: '',
      yes_sub_title: m.yes,
      no_sub_title: m.no ?? m.yes,
      open_time: iso(m.startMs - 7 * 86_400_000),
      close_time: iso(m.startMs + 14 * 86_400_000),
      expected_expiration_time: iso(m.startMs + 3 * 3_600_000),
      latest_expiration_time: iso(m.startMs + 14 * 86_400_000),
      settlement_timer_seconds: 300,
      status: m.status ?? 'active',
      yes_bid_dollars: `0.${String(yesBid).padStart(2, '0')}00`,
      yes_ask_dollars: `0.${String(yesBid + 2).padStart(2, '0')}00`,
      no_bid_dollars: `0.${String(98 - yesBid).padStart(2, '0')}00`,
      no_ask_dollars: `0.${String(100 - yesBid).padStart(2, '0')}00`,
      last_price_dollars: `0.${String(yesBid + 1).padStart(2, '0')}00`,
      volume_fp: '1250.00',
      volume_24h_fp: '310.00',
      open_interest_fp: '800.00',
      notional_value_dollars: '1.0000',
      result: '',
      can_close_early: true,
      rules_primary: `If ${m.yes} happens, the market resolves to Yes.`,
      rules_secondary: '',
      price_level_structure: 'linear_cent',
      fractional_trading_enabled: false,
      ...(m.floor !== undefined ? { strike_type: 'greater', floor_strike: m.floor } : {}),
      ...(m.mve ? { mve_collection_ticker: m.mve } : {}),
    });
  }

  /** A Gamma market; returns the token of each outcome. */
  gammaMarket(m: {
    slug: string;
    question: string;
    outcomes: [string, string] | string[];
    eventSlug: string;
    eventTitle: string;
    startMs: number | null;
    negRisk?: boolean | 'omit';
    groupItemTitle?: string;
    sportsMarketType: string;
    line?: number;
    closed?: boolean;
    rawTokens?: string;
    seriesId?: string;
  }): Map<string, string> {
    const tokens = new Map<string, string>();
    for (const o of m.outcomes) tokens.set(o, this.token(m.slug, o));
    const id = String(this.gammaId++);
    const negRisk = m.negRisk ?? false;
    let ev = this.gammaEventByslug.get(m.eventSlug);
    if (!ev) {
      ev = {
        id: String(90_000 + this.gammaEventByslug.size),
        ticker: m.eventSlug,
        slug: m.eventSlug,
        title: m.eventTitle,
        startDate: iso((m.startMs ?? FIRST_DAY_UTC) - 5 * 86_400_000),
        ...(m.startMs !== null ? { startTime: iso(m.startMs) } : {}),
        endDate: iso((m.startMs ?? FIRST_DAY_UTC) + 86_400_000),
        active: true,
        closed: false,
        negRisk: negRisk === true,
        series: m.seriesId ? [{ id: m.seriesId, slug: m.eventSlug.split('-')[0]!, title: m.eventSlug.split('-')[0]!.toUpperCase() }] : [],
        markets: [],
      };
      this.gammaEventByslug.set(m.eventSlug, ev);
      this.gammaEvents.push(ev);
    }
    const obj: GammaMarketObj = {
      id,
      question: m.question,
      conditionId: this.hex32(`cond:${m.slug}`),
      questionID: this.hex32(`q:${m.slug}`),
      slug: m.slug,
      outcomes: JSON.stringify(m.outcomes),
      clobTokenIds: m.rawTokens ?? JSON.stringify(m.outcomes.map((o) => tokens.get(o)!)),
      outcomePrices: JSON.stringify(m.outcomes.map(() => (1 / m.outcomes.length).toFixed(3))),
      active: true,
      closed: m.closed ?? false,
      archived: false,
      acceptingOrders: !(m.closed ?? false),
      enableOrderBook: true,
      ...(negRisk === 'omit' ? {} : { negRisk }),
      ...(negRisk === true ? { negRiskMarketID: this.hex32(`nr:${m.eventSlug}`) } : {}),
      ...(m.groupItemTitle ? { groupItemTitle: m.groupItemTitle } : {}),
      sportsMarketType: m.sportsMarketType,
      ...(m.line !== undefined ? { line: m.line } : {}),
      ...(m.startMs !== null ? { gameStartTime: gammaTime(m.startMs) } : {}),
      startDate: iso((m.startMs ?? FIRST_DAY_UTC) - 5 * 86_400_000),
      endDate: iso((m.startMs ?? FIRST_DAY_UTC) + 86_400_000),
      orderPriceMinTickSize: 0.01,
      orderMinSize: 5,
      feesEnabled: false,
      events: [{ id: ev.id, ticker: ev.ticker, slug: ev.slug, title: ev.title }],
    };
    this.gammaMarkets.push(obj);
    ev.markets.push(obj);
    return tokens;
  }

  pair(kalshiTicker: string, league: SimLeague, type: SimMarketType, polySlug: string, tokens: Map<string, string>, yesOutcome: string, tricky: string[]): void {
    const yesToken = tokens.get(yesOutcome);
    const noToken = [...tokens.entries()].find(([o]) => o !== yesOutcome)?.[1];
    if (!yesToken || !noToken) throw new Error(`catalog bug: ${polySlug} has no outcome "${yesOutcome}"`);
    this.pairs.push({ kalshiTicker, league: league.code, marketType: league.kind === 'esports' ? 'esports' : type, polySlug, yesToken, noToken, tricky });
  }
}

/** Options of one game's listing: which parts are tampered with to make traps. */
interface Listing {
  /** Reverse Polymarket's outcome order. */
  reversed: boolean;
  /** Date Polymarket's slug carries (default: UTC date of the start). */
  polyDate?: string;
  /** Start instant Polymarket shows (null = omit gameStartTime). */
  polyStartMs?: number | null;
  /** Skip Polymarket entirely (Kalshi only). */
  noPoly?: boolean;
  /** Skip Kalshi entirely (Polymarket only). */
  noKalshi?: boolean;
  /** Series ticker override (e.g. the NFL MVE series). */
  mveSeries?: string;
  /** Record as true pairs (false for traps, recorded separately). */
  truth: boolean;
  /** US moneyline outcomes as bare nicknames ("Celtics"). */
  nicknames?: boolean;
  tricky: string[];
  /** Tamper hooks, applied by the emitters. */
  tamper?: Partial<Record<'homeMarketAboutAway' | 'threeOutcomes' | 'unnamedSubject' | 'otherTeams' | 'closedTotal' | 'spreadOtherTeam' | 'lineConflict' | 'negRiskMissing' | 'malformedTokens', boolean>>;
}

export function generateCatalog(opts: CatalogOptions = {}): SimCatalog {
  const seed = opts.seed ?? 1;
  const gamesPerLeague = opts.gamesPerLeague ?? 5;
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const b = new Builder(seed);
  const used = new Set<string>();

  const schedule = (league: SimLeague, dayIndex: number, teams?: [SimTeam, SimTeam], hourEt?: number): Game => {
    let pair = teams;
    const day = isoDate(FIRST_DAY_UTC + dayIndex * 86_400_000);
    while (!pair) {
      const a = pick(league.teams);
      const c = pick(league.teams);
      if (a === c || used.has(`${league.code}:${day}:${a.k}`) || used.has(`${league.code}:${day}:${c.k}`)) continue;
      pair = [a, c];
    }
    used.add(`${league.code}:${day}:${pair[0].k}`);
    used.add(`${league.code}:${day}:${pair[1].k}`);
    const hour = hourEt ?? (league.kind === 'us' ? pick([13, 16, 19.5, 20, 22]) : league.kind === 'soccer' ? pick([7.5, 10, 12.5, 15]) : pick([3, 5, 8]));
    const startMs = Date.parse(`${day}T00:00:00Z`) + (hour + ET_OFFSET_H) * 3_600_000;
    return { league, teams: pair, date: day, startMs };
  };

  for (const league of SIM_LEAGUES) {
    for (const [type, s] of Object.entries(league.series)) b.kalshiSeries(s, league, type as SimMarketType);
    for (let g = 0; g < gamesPerLeague; g++) {
      const game = schedule(league, g * 3 + (SIM_LEAGUES.indexOf(league) % 3));
      if (league.code === 'ncaaf' && g === 0) game.tickerLetter = 'M';
      // US moneylines: some games list the bare nicknames ("Celtics"), as Polymarket often does.
      const nicknames = NICKNAME_LEAGUES.includes(league.code) && g % 4 === 3;
      const tricky = [...(g % 3 === 1 ? ['reversed_outcomes'] : []), ...(nicknames ? ['nickname_outcomes'] : [])];
      emitGame(b, game, { reversed: g % 3 === 1, truth: true, tricky, nicknames });
    }
  }
  emitTricky(b, schedule);
  emitTraps(b, schedule);
  return {
    seed,
    kalshi: { series: b.series, events: b.events, markets: b.markets },
    gamma: { markets: b.gammaMarkets, events: b.gammaEvents },
    truth: { pairs: b.pairs, traps: b.traps },
  };
}

function teamByCode(league: SimLeague, k: string): SimTeam {
  const t = league.teams.find((x) => x.k === k);
  if (!t) throw new Error(`catalog bug: no team ${k} in ${league.code}`);
  return t;
}
function leagueByCode(code: string): SimLeague {
  const l = SIM_LEAGUES.find((x) => x.code === code);
  if (!l) throw new Error(`catalog bug: no league ${code}`);
  return l;
}

type Schedule = (league: SimLeague, dayIndex: number, teams?: [SimTeam, SimTeam], hourEt?: number) => Game;

/** True pairs that exercise specific difficulties. */
function emitTricky(b: Builder, schedule: Schedule): void {
  const nba = leagueByCode('nba');
  const nfl = leagueByCode('nfl');
  const nhl = leagueByCode('nhl');
  const ucl = leagueByCode('ucl');
  // Ticker splits the reference got wrong: LACTOR (LA is a 2-letter code elsewhere), NOPNYK.
  emitGame(b, schedule(nba, 40, [teamByCode(nba, 'LAC'), teamByCode(nba, 'TOR')], 19.5), { reversed: false, truth: true, tricky: ['ticker_split'] });
  emitGame(b, schedule(nba, 41, [teamByCode(nba, 'NOP'), teamByCode(nba, 'NYK')], 13), { reversed: true, truth: true, tricky: ['ticker_split', 'reversed_outcomes'] });
  // LA means the Kings in the NHL (Polymarket "lak") and the Rams in the NFL ("la").
  emitGame(b, schedule(nhl, 42, [teamByCode(nhl, 'LA'), teamByCode(nhl, 'SJ')], 22), { reversed: false, truth: true, tricky: ['code_alias', 'next_day_slug'] });
  emitGame(b, schedule(nfl, 42, [teamByCode(nfl, 'LAC'), teamByCode(nfl, 'LA')], 16), { reversed: true, truth: true, tricky: ['ticker_split', 'reversed_outcomes'] });
  // PSG is "par" in Ligue 1 but "psg" in the Champions League.
  emitGame(b, schedule(ucl, 43, [teamByCode(ucl, 'PSG'), teamByCode(ucl, 'BMU')], 15), { reversed: true, truth: true, tricky: ['code_alias', 'reversed_outcomes'] });
  // An NFL game Kalshi lists only under its multivariate collection series.
  b.kalshiSeries('KXMVENFLSINGLEGAME', nfl, 'mve');
  emitGame(b, schedule(nfl, 44, [teamByCode(nfl, 'GB'), teamByCode(nfl, 'NE')], 20), { reversed: false, truth: true, tricky: ['mve_collection'], mveSeries: 'KXMVENFLSINGLEGAME' });
}

function emitTraps(b: Builder, schedule: Schedule): void {
  const L = leagueByCode;
  const T = teamByCode;
  const trap = (kind: TrapKind, expect: Trap['expect'], note: string, before: number, beforeSlugs: number): void => {
    const tickers = b.markets.slice(before).map((m) => m.ticker);
    const slugs = b.gammaMarkets.slice(beforeSlugs).map((m) => m.slug);
    b.traps.push({ kind, kalshiTickers: tickers, polySlugs: slugs, expect, note });
  };
  const mark = (): [number, number] => [b.markets.length, b.gammaMarkets.length];

  // Same teams, another date: Kalshi's game on D has no Polymarket market; Polymarket lists the
  // next day's game (afternoon, so its start is on D+1 in Eastern time).
  {
    const nhl = L('nhl');
    const g = schedule(nhl, 50, [T(nhl, 'EDM'), T(nhl, 'VAN')], 19);
    const [k0, p0] = mark();
    const nextStart = Date.parse(`${addDaysIso(g.date, 1)}T00:00:00Z`) + (13 + ET_OFFSET_H) * 3_600_000;
    emitGame(b, g, { reversed: false, truth: false, tricky: [], polyDate: addDaysIso(g.date, 1), polyStartMs: nextStart, types: ['moneyline'] });
    trap('other_date', 'rejected', 'Polymarket lists the next afternoon\'s game between the same teams', k0, p0);
  }
  {
    const cs2 = L('cs2');
    const g = schedule(cs2, 51, [T(cs2, 'NAVI'), T(cs2, 'MOUZ')], 5);
    const [k0, p0] = mark();
    const later = g.startMs + 3 * 86_400_000;
    emitGame(b, g, { reversed: false, truth: false, tricky: [], polyDate: isoDate(later), polyStartMs: later });
    trap('other_date', 'rejected', 'esports: Polymarket lists the same teams three days later', k0, p0);
  }
  // A next-day slug without a start time: it may be the same game, or not.
  {
    const mlb = L('mlb');
    const g = schedule(mlb, 52, [T(mlb, 'HOU'), T(mlb, 'TEX')], 20);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], polyStartMs: null, types: ['moneyline'] });
    trap('next_day_without_start_time', 'needs_review', 'slug dated the next day and Gamma gives no gameStartTime', k0, p0);
  }
  // Spread: the slug says 12.5 but the market is 13.5.
  {
    const nba = L('nba');
    const g = schedule(nba, 53, [T(nba, 'WAS'), T(nba, 'DEN')], 13);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], tamper: { lineConflict: true }, types: ['spread'], lines: [12.5] });
    trap('different_line', 'rejected', 'Polymarket spread-home-12pt5 market states -13.5', k0, p0);
  }
  // Lines on one venue only: Kalshi total 240.5, Polymarket total 241.5.
  {
    const nba = L('nba');
    const g = schedule(nba, 54, [T(nba, 'MIA'), T(nba, 'ORL')], 13);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], types: ['total'], lines: [240.5], polyLines: [241.5] });
    trap('line_on_one_venue', 'rejected', 'Kalshi lists 240.5, Polymarket 241.5', k0, p0);
  }
  // A soccer Yes/No market that does not say which team it is about.
  {
    const epl = L('epl');
    const g = schedule(epl, 55, [T(epl, 'EVE'), T(epl, 'LEE')], 10);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], tamper: { unnamedSubject: true }, types: ['moneyline'], only: 'home' });
    trap('unnamed_subject', 'needs_review', 'question "Will the home side win?" names no team', k0, p0);
  }
  // The slug matches, but the market's outcomes are two other teams of the league.
  {
    const nba = L('nba');
    const g = schedule(nba, 56, [T(nba, 'BOS'), T(nba, 'ATL')], 13);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], tamper: { otherTeams: true }, types: ['moneyline'] });
    trap('other_teams', 'rejected', 'nba-bos-atl market lists Miami Heat vs Orlando Magic', k0, p0);
  }
  // Code collision: BOS at CHI on the same day in the NBA and the NHL; Polymarket lists only the
  // NHL game, whose names ("Boston Bruins") would also match Kalshi's NBA names ("Boston").
  {
    const nba = L('nba');
    const nhl = L('nhl');
    const gNhl = schedule(nhl, 57, [T(nhl, 'BOS'), T(nhl, 'CHI')], 13);
    emitGame(b, gNhl, { reversed: false, truth: true, tricky: ['code_collision'], types: ['moneyline'] });
    const gNba = schedule(nba, 57, [T(nba, 'BOS'), T(nba, 'CHI')], 13);
    const [k0, p0] = mark();
    emitGame(b, gNba, { reversed: false, truth: false, tricky: [], noPoly: true, types: ['moneyline'] });
    trap('code_collision', 'rejected', 'same codes and date as an NHL game that Polymarket lists', k0, p0);
    const cs2 = L('cs2');
    const lol = L('lol');
    const gLol = schedule(lol, 58, [T(lol, 'G2'), T(lol, 'FNC')], 8);
    emitGame(b, gLol, { reversed: true, truth: true, tricky: ['code_collision', 'reversed_outcomes'] });
    const gCs = schedule(cs2, 58, [T(cs2, 'G2'), T(cs2, 'FNC')], 8);
    const [k1, p1] = mark();
    emitGame(b, gCs, { reversed: false, truth: false, tricky: [], noPoly: true });
    trap('code_collision', 'rejected', 'CS2 G2 vs FNC on the day Polymarket lists the LoL game', k1, p1);
  }
  // A non-binary market where the home team's Yes/No market should be.
  {
    const laliga = L('laliga');
    const g = schedule(laliga, 59, [T(laliga, 'SEV'), T(laliga, 'VIL')], 12.5);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], tamper: { threeOutcomes: true }, types: ['moneyline'] });
    trap('multi_outcome', 'rejected', 'the home slug holds one 3-outcome market; no away/draw markets', k0, p0);
  }
  // The neg-risk leg at the home slug is about the away team (the other legs are fine).
  {
    const seriea = L('seriea');
    const g = schedule(seriea, 60, [T(seriea, 'NAP'), T(seriea, 'ROM')], 12.5);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], tamper: { homeMarketAboutAway: true }, types: ['moneyline'], only: 'home' });
    trap('wrong_outcome', 'rejected', 'market at the home slug asks whether the away team wins', k0, p0);
  }
  // A whole game on Kalshi only.
  {
    const nfl = L('nfl');
    const g = schedule(nfl, 61, [T(nfl, 'DAL'), T(nfl, 'PHI')], 16);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], noPoly: true });
    trap('one_venue_only', 'rejected', 'no Polymarket market for this game', k0, p0);
    // ...and one on Polymarket only (never paired: nothing on Kalshi points at it).
    const g2 = schedule(nfl, 62, [T(nfl, 'DEN'), T(nfl, 'KC')], 16);
    const [k1, p1] = mark();
    emitGame(b, g2, { reversed: false, truth: false, tricky: [], noKalshi: true });
    trap('one_venue_only', 'rejected', 'Polymarket-only game', k1, p1);
  }
  // A Kalshi event ticker that does not parse (unknown month) — its markets are skipped with an issue.
  {
    const nba = L('nba');
    const ev = 'KXNBAGAME-26XYZ17PHIDAL';
    const startMs = Date.UTC(2026, 0, 17, 18);
    const [k0, p0] = mark();
    b.kalshiEvent(ev, 'KXNBAGAME', 'Philadelphia at Dallas', true, startMs);
    for (const code of ['PHI', 'DAL']) {
      const t = teamByCode(nba, code);
      b.kalshiMarket({ ticker: `${ev}-${code}`, eventTicker: ev, title: 'Philadelphia at Dallas Winner?', yes: t.kn, startMs });
    }
    trap('malformed_ticker', 'rejected', 'event ticker date 26XYZ17', k0, p0);
  }
  // A Gamma market whose clobTokenIds is not JSON.
  {
    const mlb = L('mlb');
    const g = schedule(mlb, 63, [T(mlb, 'SD'), T(mlb, 'SF')], 16);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], tamper: { malformedTokens: true }, types: ['moneyline'] });
    trap('malformed_gamma', 'rejected', 'clobTokenIds is not a JSON array', k0, p0);
  }
  // A closed Polymarket market.
  {
    const epl = L('epl');
    const g = schedule(epl, 64, [T(epl, 'WOL'), T(epl, 'ARS')], 10);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], tamper: { closedTotal: true }, types: ['total'], lines: [2.5] });
    trap('closed', 'rejected', 'Polymarket total market is closed', k0, p0);
  }
  // The spread at the home slug is on the away team.
  {
    const nfl = L('nfl');
    const g = schedule(nfl, 65, [T(nfl, 'NYJ'), T(nfl, 'NYG')], 13);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], tamper: { spreadOtherTeam: true }, types: ['spread'], lines: [3.5], spreadTeam: 1 });
    trap('spread_other_team', 'rejected', 'spread-home-3pt5 market is "Spread: New York Jets (-3.5)"', k0, p0);
  }
  // Gamma omitted negRisk.
  {
    const nhl = L('nhl');
    const g = schedule(nhl, 66, [T(nhl, 'CAR'), T(nhl, 'NJ')], 13);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], tamper: { negRiskMissing: true }, types: ['total'], lines: [5.5] });
    trap('neg_risk_missing', 'needs_review', 'Gamma market has no negRisk field', k0, p0);
  }
  // The same NFL game listed twice on Kalshi (regular and multivariate series): both listings
  // would pay YES with the same Polymarket token.
  {
    const nfl = L('nfl');
    const g = schedule(nfl, 67, [T(nfl, 'TB'), T(nfl, 'NO')], 13);
    const [k0, p0] = mark();
    emitGame(b, g, { reversed: false, truth: false, tricky: [], types: ['moneyline'] });
    emitGame(b, g, { reversed: false, truth: false, tricky: [], noPoly: true, mveSeries: 'KXMVENFLSINGLEGAME', types: ['moneyline'] });
    trap('duplicate_listing', 'needs_review', 'KXNFLGAME and KXMVENFLSINGLEGAME list the same game', k0, p0);
  }
}

type EmitOptions = Listing & {
  types?: SimMarketType[];
  lines?: number[];
  polyLines?: number[];
  only?: 'home';
  spreadTeam?: number;
};

/** Emit one game on both venues for every market type its league lists. */
function emitGame(b: Builder, g: Game, o: EmitOptions): void {
  const { league } = g;
  const types = o.types ?? (Object.keys(league.series) as SimMarketType[]);
  const [t0, t1] = g.teams;
  const polyDate = o.polyDate ?? isoDate(g.startMs);
  const polyStart = o.polyStartMs === undefined ? g.startMs : o.polyStartMs;
  const dateCode = `${kalshiDate(g.date)}${g.tickerLetter ?? ''}`;
  const teamsCode = `${t0.k}${t1.k}`;
  const evTicker = (series: string): string => (g.tickerLetter ? `${series}-${dateCode}-${teamsCode}` : `${series}-${dateCode}${teamsCode}`);
  const base = `${league.polyPrefix}-${t0.p}-${t1.p}-${polyDate}`;
  const sep = league.kind === 'us' ? 'at' : 'vs';
  const kTitle = `${t0.kn} ${sep} ${t1.kn}`;
  const pTitle = `${t0.pn} vs. ${t1.pn}`;
  const nextDay = polyDate !== g.date;
  const tricky = [...o.tricky, ...(nextDay && o.truth ? ['next_day_slug'] : []), ...([t0, t1].some((t) => t.p !== t.k.toLowerCase()) && o.truth ? ['code_alias'] : [])];
  const uniq = (xs: string[]): string[] => [...new Set(xs)];
  const ord = <T>(xs: [T, T]): [T, T] => (o.reversed ? [xs[1], xs[0]] : xs);
  const t = o.tamper ?? {};

  for (const type of types) {
    // Kalshi lists some NFL games under its multivariate series: moneylines only.
    const viaMve = o.mveSeries !== undefined && type === 'moneyline';
    const series = viaMve ? o.mveSeries! : league.series[type];
    if (!series) continue;
    const ev = evTicker(series);
    const mve = viaMve ? ev : undefined;
    const eventTicker = mve ? `${series}-S${b.hex32(ev).slice(2, 10).toUpperCase()}` : ev;
    if (!o.noKalshi) b.kalshiEvent(eventTicker, series, league.kind === 'esports' ? `${league.tournament}: ${t0.kn} vs. ${t1.kn}` : kTitle, type === 'moneyline', g.startMs);
    const km = (suffix: string, title: string, yes: string, floor?: number): string => {
      const ticker = `${ev}-${suffix}`;
      if (!o.noKalshi) b.kalshiMarket({ ticker, eventTicker, title, yes, startMs: g.startMs, ...(floor !== undefined ? { floor } : {}), ...(mve ? { mve } : {}) });
      return ticker;
    };
    const record = (kt: string, slug: string, tokens: Map<string, string>, yesOutcome: string, extra: string[] = []): void => {
      if (o.truth && !o.noKalshi && !o.noPoly) b.pair(kt, league, type, slug, tokens, yesOutcome, uniq([...tricky, ...extra]));
    };

    if (type === 'moneyline' && league.kind === 'esports') {
      const title = `${league.tournament}: ${t0.kn} vs. ${t1.kn}`;
      const k0 = km(t0.k, title, t0.kn);
      const k1 = km(t1.k, title, t1.kn);
      if (o.noPoly) continue;
      const slug = `${league.polyPrefix}-${t0.k.toLowerCase()}-${t1.k.toLowerCase()}-${polyDate}`;
      const out: [string, string] = ord([t0.po ?? t0.pn, t1.po ?? t1.pn]);
      const evTitle = `${league.gameName}: ${t0.pn} vs ${t1.pn} (BO3)`;
      const tokens = b.gammaMarket({ slug, question: evTitle, outcomes: out, eventSlug: slug, eventTitle: evTitle, startMs: polyStart, negRisk: false, sportsMarketType: 'moneyline', seriesId: league.polySeriesId! });
      b.gammaMarket({ slug: `${slug}-game1`, question: `${league.gameName}: ${t0.pn} vs ${t1.pn} - Game 1 Winner`, outcomes: out, eventSlug: slug, eventTitle: evTitle, startMs: polyStart, negRisk: false, sportsMarketType: 'child_moneyline' });
      b.gammaMarket({ slug: `${slug}-total-2pt5`, question: `${league.gameName}: ${t0.pn} vs ${t1.pn} - Games Total: O/U 2.5`, outcomes: ['Over', 'Under'], eventSlug: slug, eventTitle: evTitle, startMs: polyStart, negRisk: false, sportsMarketType: 'totals', line: 2.5 });
      const extra = [t0, t1].some((x) => x.po && x.po !== x.pn) ? ['esports_alias'] : [];
      record(k0, slug, tokens, t0.po ?? t0.pn, extra);
      record(k1, slug, tokens, t1.po ?? t1.pn, extra);
      continue;
    }

    if (type === 'moneyline' && league.kind === 'us') {
      const title = `${kTitle} Winner?`;
      const k0 = km(t0.k, title, t0.kn);
      const k1 = km(t1.k, title, t1.kn);
      if (o.noPoly) continue;
      const names: [string, string] = t.otherTeams
        ? [teamByCode(league, 'MIA').pn, teamByCode(league, 'ORL').pn]
        : o.nicknames
          ? [nickname(t0.pn), nickname(t1.pn)]
          : [t0.pn, t1.pn];
      const raw = t.malformedTokens ? 'not-json' : undefined;
      const tokens = b.gammaMarket({ slug: base, question: `${names[0]} vs. ${names[1]}`, outcomes: ord(names), eventSlug: base, eventTitle: `${names[0]} vs. ${names[1]}`, startMs: polyStart, negRisk: false, sportsMarketType: 'moneyline', ...(raw ? { rawTokens: raw } : {}) });
      record(k0, base, tokens, names[0]);
      record(k1, base, tokens, names[1]);
      continue;
    }

    if (type === 'moneyline') {
      // Soccer: one Kalshi market per outcome, one neg-risk Yes/No Polymarket market per outcome.
      const title = `${kTitle} Winner?`;
      const kh = km(t0.k, title, t0.kn);
      const ka = o.only === 'home' ? null : km(t1.k, title, t1.kn);
      const kd = o.only === 'home' ? null : km('TIE', title, 'Tie');
      if (o.noPoly) continue;
      if (t.threeOutcomes) {
        b.gammaMarket({ slug: `${base}-${t0.p}`, question: `${pTitle}: Winner`, outcomes: [t0.pn, 'Draw', t1.pn], eventSlug: base, eventTitle: pTitle, startMs: polyStart, negRisk: true, sportsMarketType: 'moneyline' });
        continue;
      }
      const yn = ord(['Yes', 'No'] as [string, string]);
      const legs: [string | null, string, string, string][] = [
        [kh, `${base}-${t0.p}`, t.unnamedSubject ? 'Will the home side win?' : `Will ${t.homeMarketAboutAway ? t1.pn : t0.pn} win on ${polyDate}?`, t.homeMarketAboutAway ? t1.pn : t0.pn],
        [ka, `${base}-${t1.p}`, `Will ${t1.pn} win on ${polyDate}?`, t1.pn],
        [kd, `${base}-draw`, `Will ${pTitle} end in a draw?`, `Draw (${t0.pn} vs. ${t1.pn})`],
      ];
      for (const [kt, slug, q, group] of legs) {
        if (kt === null) continue;
        const tokens = b.gammaMarket({ slug, question: q, outcomes: yn, eventSlug: base, eventTitle: t.unnamedSubject ? 'Home side to win' : pTitle, startMs: polyStart, negRisk: true, ...(t.unnamedSubject ? {} : { groupItemTitle: group }), sportsMarketType: 'moneyline' });
        record(kt, slug, tokens, 'Yes', ['neg_risk_leg']);
      }
      continue;
    }

    if (type === 'spread') {
      const unit = league.kind === 'soccer' ? 'goals' : 'points';
      const homeIdx = league.kind === 'soccer' ? 0 : 1;
      const lines = o.lines ?? (league.kind === 'soccer' ? [1.5, 2.5] : [3.5, 7.5]);
      const specs: [number, number][] = o.lines ? lines.map((l) => [o.spreadTeam ?? homeIdx, l]) : [[homeIdx, lines[0]!], [homeIdx, lines[1]!], [1 - homeIdx, lines[0]!]];
      for (const [ti, line] of specs) {
        const team = g.teams[ti]!;
        const opp = g.teams[1 - ti]!;
        const kt = km(`${team.k}${Math.floor(line)}`, `${team.kn} wins by over ${line} ${unit}?`, `${team.kn} wins by over ${line} ${unit}`, line);
        if (o.noPoly) continue;
        const side = ti === homeIdx ? 'home' : 'away';
        const slug = `${base}-spread-${side}-${lineSlug(line)}`;
        const statedLine = t.lineConflict ? line + 1 : line;
        const qTeam = t.spreadOtherTeam ? opp : team;
        const out = ord([qTeam.pn, (qTeam === team ? opp : team).pn] as [string, string]);
        const tokens = b.gammaMarket({ slug, question: `Spread: ${qTeam.pn} (-${statedLine})`, outcomes: out, eventSlug: base, eventTitle: pTitle, startMs: polyStart, negRisk: false, sportsMarketType: 'spreads', line: -statedLine });
        record(kt, slug, tokens, team.pn);
      }
      continue;
    }

    if (type === 'total') {
      const unit = league.kind === 'soccer' ? 'goals' : 'points';
      const lines = o.lines ?? TOTAL_LINES[league.code] ?? [2.5, 3.5];
      lines.forEach((line, i) => {
        const kt = km(String(Math.floor(line)), `${kTitle}: Total ${unit}`, `Over ${line} ${unit} scored`, line);
        if (o.noPoly) return;
        const pl = o.polyLines?.[i] ?? line;
        const slug = `${base}-total-${lineSlug(pl)}`;
        const tokens = b.gammaMarket({
          slug,
          question: `${pTitle}: O/U ${pl}`,
          outcomes: ord(['Over', 'Under']),
          eventSlug: base,
          eventTitle: pTitle,
          startMs: polyStart,
          negRisk: t.negRiskMissing ? 'omit' : false,
          sportsMarketType: 'totals',
          line: pl,
          closed: t.closedTotal === true,
        });
        record(kt, slug, tokens, 'Over');
      });
      continue;
    }

    // BTTS
    const kt = km('BTTS', `${kTitle}: Both Teams to Score?`, 'Both Teams to Score');
    if (o.noPoly) continue;
    const slug = `${base}-btts`;
    const tokens = b.gammaMarket({ slug, question: `${pTitle}: Both Teams to Score`, outcomes: ord(['Yes', 'No']), eventSlug: base, eventTitle: pTitle, startMs: polyStart, negRisk: false, sportsMarketType: 'both_teams_to_score' });
    record(kt, slug, tokens, 'Yes');
  }
}
