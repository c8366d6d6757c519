// Discovery (discovery-and-arb.md §1.4): Kalshi series -> markets (one paginated request stream
// per series, grouped by event in memory) -> candidate Polymarket slugs -> batched Gamma lookups
// (exact date, then the next day for misses) -> the equivalence check for every candidate.
// Esports pair by event titles from Gamma's series listing (§1.9). Bad items become issues that
// name them; discovery carries on with the rest.

import { ConfigError } from '@parity/trading';
import { GAMMA_MAX_SLUGS_PER_REQUEST, type GammaClient, type GammaEvent, type GammaLookupResult, type GammaMarket } from '@parity/trading/polymarket/gamma.ts';
import { checkEquivalence, type EquivalenceContext, type KalshiLeg, type PolyLeg, type YesMeaning } from './equivalence.ts';
import { listAllMarkets, parseKalshiMarket, KALSHI_MAX_MARKETS_PAGE, type KalshiMarket, type KalshiMarketsSource } from './kalshi-markets.ts';
import { selectLeagues, type League, type LeagueData } from './leagues.ts';
import { anyNameMatches, esportsMatch, parseVsTitle } from './names.ts';
import { addDays, baseSlug, lineToSlug, nextDaySlug, slugDate } from './slug.ts';
import { marketSuffix, parseEventTicker, spreadSuffixHint, spreadSuffixTeam, splitTeams } from './ticker.ts';
import { MARKET_TYPES, type Candidate, type DiscoveryIssue, type DiscoveryResult, type MarketType } from './types.ts';

export interface DiscoveryProgress {
  phase: 'kalshi' | 'gamma' | 'esports';
  done: number;
  total: number;
}

export interface DiscoverOptions {
  data: LeagueData;
  kalshi: KalshiMarketsSource;
  gamma: GammaClient;
  /** League codes or Polymarket prefixes; empty = every enabled league. */
  leagues?: readonly string[];
  /** Market types; empty = all. */
  marketTypes?: readonly MarketType[];
  /** Single-event mode: one Kalshi event ticker (league and type from its series). */
  kalshiEvent?: string;
  /** Kalshi page size (default and maximum 1000). */
  pageSize?: number;
  /** Series fetched at once (the token bucket paces them anyway). */
  concurrency?: number;
  onProgress?: (p: DiscoveryProgress) => void;
}

interface SeriesJob {
  league: League;
  type: MarketType;
  series: string;
  query: { series_ticker?: string; event_ticker?: string };
}

/** Per-league knowledge gathered from this run's Kalshi data. */
export interface LeagueKnowledge {
  codes: Set<string>;
  names: Map<string, Set<string>>;
}

interface Pending {
  leg: KalshiLeg;
  slug: string | null;
}

export async function discover(opts: DiscoverOptions): Promise<DiscoveryResult> {
  const t0 = performance.now();
  const startedAtMs = Date.now();
  const { data } = opts;
  const issues: DiscoveryIssue[] = [];
  const candidates: Candidate[] = [];
  const pageSize = Math.min(opts.pageSize ?? KALSHI_MAX_MARKETS_PAGE, KALSHI_MAX_MARKETS_PAGE);
  const kalshiRequests0 = opts.kalshi.requests;
  const gammaRequests0 = opts.gamma.requests;
  const ctx: EquivalenceContext = { timeZone: data.kalshiTimeZone, esportsAliases: data.esportsAliases };

  // 1. What to fetch.
  const types = opts.marketTypes && opts.marketTypes.length > 0 ? [...opts.marketTypes] : [...MARKET_TYPES];
  const jobs: SeriesJob[] = [];
  let selectedLeagues: League[];
  if (opts.kalshiEvent) {
    const ev = opts.kalshiEvent.trim().toUpperCase();
    const series = ev.split('-')[0]!;
    const hit = data.bySeries.get(series);
    if (!hit) throw new ConfigError(`--kalshi-ticker ${ev}: series ${series} is not in ${data.source}; add it to a league's series`);
    jobs.push({ league: hit.league, type: hit.type, series, query: { event_ticker: ev } });
    selectedLeagues = [hit.league];
  } else {
    selectedLeagues = selectLeagues(data, opts.leagues);
    for (const league of selectedLeagues) {
      for (const type of types) for (const series of league.series[type] ?? []) jobs.push({ league, type, series, query: { series_ticker: series } });
    }
  }

  // Esports listings do not depend on Kalshi: start them now (§1.9).
  const esportsEvents = new Map<string, Promise<GammaEvent[] | Error>>();
  for (const l of selectedLeagues) {
    if (l.kind !== 'esports' || !jobs.some((j) => j.league === l)) continue;
    esportsEvents.set(
      l.code,
      opts.gamma.eventsBySeries(l.polySeriesId!).then(
        (res) => {
          for (const i of res.issues) issues.push({ item: i.item, message: i.message });
          return res.events;
        },
        (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
      ),
    );
  }

  // Gamma slug lookups run while Kalshi is still being paced: a league's slugs are queued as soon
  // as all its series are in, and sent in full batches of 50 (the last one flushed at the end).
  let gammaDone = 0;
  let gammaSent = 0;
  const onBatch = (): void => opts.onProgress?.({ phase: 'gamma', done: ++gammaDone, total: gammaSent });
  const onSend = (): void => void gammaSent++;
  const nextDay = new SlugBatcher(opts.gamma, onSend, onBatch);
  const exact = new SlugBatcher(opts.gamma, onSend, onBatch, (batch, res) => {
    // Misses of the exact date go straight to the next-day queue (§1.10).
    for (const slug of batch) {
      if (res.markets.has(slug) || res.failedSlugs.has(slug)) continue;
      const next = nextDaySlug(slug);
      if (next) nextDay.add([next]);
    }
  });
  const pending: Pending[] = [];
  const esportsLegs = new Map<string, KalshiLeg[]>();
  const seenTicker = new Map<string, string>();
  let kalshiMarkets = 0;

  /** All series of a league are in: learn its codes and names, build legs, queue slugs. */
  const processLeague = (league: League, fetched: { job: SeriesJob; markets: KalshiMarket[] }[]): void => {
    // Drop duplicate tickers across series (first series wins).
    for (const f of fetched) {
      f.markets = f.markets.filter((m) => {
        const prev = seenTicker.get(m.ticker);
        if (prev !== undefined) {
          issues.push({ item: m.ticker, message: `listed by series ${prev} and ${f.job.series}; kept the ${prev} listing` });
          return false;
        }
        seenTicker.set(m.ticker, f.job.series);
        return true;
      });
      kalshiMarkets += f.markets.length;
    }
    // What Kalshi itself says about the league: team codes (market suffixes) and names.
    const know: LeagueKnowledge = { codes: new Set(league.teams.keys()), names: new Map() };
    for (const { job, markets } of fetched) {
      for (const m of markets) {
        const suffix = marketSuffix(m.ticker, m.eventTicker) ?? (m.mveCollection ? marketSuffix(m.ticker, m.mveCollection) : null);
        if (!suffix) continue;
        if (job.type === 'moneyline' && suffix !== data.draw.kalshi) {
          know.codes.add(suffix);
          if (m.yesSubTitle) addName(know.names, suffix, m.yesSubTitle);
        } else if (job.type === 'spread') {
          const hint = spreadSuffixHint(suffix);
          if (hint) know.codes.add(hint);
        }
      }
    }
    const slugs: string[] = [];
    for (const { job, markets } of fetched) {
      const byEvent = new Map<string, KalshiMarket[]>();
      for (const m of markets) {
        const key = m.mveCollection ?? m.eventTicker;
        let list = byEvent.get(key);
        if (!list) byEvent.set(key, (list = []));
        list.push(m);
      }
      for (const [eventKey, list] of byEvent) {
        const { legs, rejected, issues: evIssues } = eventLegs(data, league, job.type, eventKey, list, know);
        candidates.push(...rejected);
        issues.push(...evIssues);
        for (const leg of legs) {
          if (league.kind === 'esports') {
            let a = esportsLegs.get(league.code);
            if (!a) esportsLegs.set(league.code, (a = []));
            a.push(leg);
            continue;
          }
          const slug = buildSlug(leg, data);
          if (typeof slug === 'object') {
            candidates.push(rejectedCandidate(leg, null, [slug.error]));
            continue;
          }
          pending.push({ leg, slug });
          slugs.push(slug);
        }
      }
    }
    exact.add(slugs);
  };

  // Kalshi: one paginated stream per series, paced by the source.
  const byLeague = new Map<League, { left: number; fetched: { job: SeriesJob; markets: KalshiMarket[] }[] }>();
  for (const j of jobs) {
    const e = byLeague.get(j.league) ?? { left: 0, fetched: new Array<{ job: SeriesJob; markets: KalshiMarket[] }>() };
    e.left++;
    byLeague.set(j.league, e);
  }
  const jobIndex = new Map(jobs.map((j, i) => [j, i]));
  let done = 0;
  opts.onProgress?.({ phase: 'kalshi', done: 0, total: jobs.length });
  await mapLimit(jobs, opts.concurrency ?? 8, async (job) => {
    const markets: KalshiMarket[] = [];
    try {
      const res = await listAllMarkets(opts.kalshi, job.query, pageSize);
      res.markets.forEach((raw, n) => {
        const p = parseKalshiMarket(raw);
        if (p.ok) markets.push(p.market);
        else issues.push({ item: `Kalshi ${job.series} market #${n}`, message: p.error });
      });
    } catch (err) {
      issues.push({ item: `Kalshi series ${job.series}`, message: (err as Error).message });
    }
    opts.onProgress?.({ phase: 'kalshi', done: ++done, total: jobs.length });
    const e = byLeague.get(job.league)!;
    e.fetched.push({ job, markets });
    if (--e.left === 0) {
      // Series order as listed in the data file, whatever order they finished in.
      e.fetched.sort((x, y) => jobIndex.get(x.job)! - jobIndex.get(y.job)!);
      processLeague(job.league, e.fetched);
    }
  });
  await exact.finish();
  await nextDay.finish();
  for (const i of [...exact.issues, ...nextDay.issues]) issues.push(i);
  const slugsLookedUp = exact.sent.size + nextDay.sent.size;

  for (const p of pending) {
    const slug = p.slug!;
    const hit = exact.markets.get(slug);
    const nextSlug = exact.failed.has(slug) ? null : nextDaySlug(slug);
    const next = nextSlug ? nextDay.markets.get(nextSlug) : undefined;
    const poly: PolyLeg | null = hit ? { market: hit, via: 'slug' } : next ? { market: next, via: 'next-day-slug' } : null;
    if (!poly) {
      const failed = exact.failed.has(slug) || (nextSlug !== null && nextDay.failed.has(nextSlug));
      const why = failed
        ? `Gamma lookup of ${slug} failed (see issues): cannot tell whether Polymarket lists it`
        : `no Polymarket market at ${slug}${nextSlug ? ` or ${nextSlug}` : ''}`;
      const c = rejectedCandidate(p.leg, slug, [why]);
      c.lookupFailed = failed;
      candidates.push(c);
      continue;
    }
    candidates.push(candidateFrom(p.leg, poly, ctx));
  }

  // Esports: match Kalshi events to Gamma events of the league's series by teams and date.
  let esDone = 0;
  for (const [code, eventsP] of esportsEvents) {
    const legs = esportsLegs.get(code) ?? [];
    const league = data.byCode.get(code)!;
    const events = await eventsP;
    if (events instanceof Error) {
      issues.push({ item: `Gamma series ${league.polySeriesId} (${code})`, message: events.message });
      for (const leg of legs) {
        const c = rejectedCandidate(leg, null, [`Gamma events of series ${league.polySeriesId} could not be listed: cannot tell whether Polymarket lists it`]);
        c.lookupFailed = true;
        candidates.push(c);
      }
    } else {
      for (const leg of legs) candidates.push(matchEsports(leg, events, data, ctx));
    }
    opts.onProgress?.({ phase: 'esports', done: ++esDone, total: esportsEvents.size });
  }

  // 7. No two Kalshi markets may pay YES with the same Polymarket token (the "Leviatan" guard).
  const byYesToken = new Map<string, Candidate[]>();
  for (const c of candidates) {
    if (c.verdict !== 'paired' || !c.orientation) continue;
    let a = byYesToken.get(c.orientation.yesToken);
    if (!a) byYesToken.set(c.orientation.yesToken, (a = []));
    a.push(c);
  }
  for (const group of byYesToken.values()) {
    if (group.length < 2) continue;
    for (const c of group) {
      c.verdict = 'needs_review';
      c.reasons.unshift(`Polymarket token "${c.orientation!.yesOutcome}" of ${c.polySlug} would pay YES for ${group.length} Kalshi markets (${group.map((g) => g.kalshiTicker).join(', ')})`);
    }
  }

  candidates.sort((a, b) => (a.league === b.league ? (a.kalshiTicker < b.kalshiTicker ? -1 : 1) : a.league < b.league ? -1 : 1));
  const byLeagueType: DiscoveryResult['stats']['byLeagueType'] = {};
  for (const c of candidates) {
    const key = `${c.league}/${c.marketType}`;
    const s = (byLeagueType[key] ??= { markets: 0, paired: 0, review: 0 });
    s.markets++;
    if (c.verdict === 'paired') s.paired++;
    if (c.verdict === 'needs_review') s.review++;
  }
  return {
    startedAtMs,
    candidates,
    issues,
    stats: {
      kalshiRequests: opts.kalshi.requests - kalshiRequests0,
      gammaRequests: opts.gamma.requests - gammaRequests0,
      kalshiMarkets,
      slugsLookedUp,
      seconds: (performance.now() - t0) / 1000,
      byLeagueType,
    },
    selection: {
      leagues: selectedLeagues.map((l) => l.code),
      marketTypes: opts.kalshiEvent ? [jobs[0]!.type] : types,
      kalshiEvent: opts.kalshiEvent?.trim().toUpperCase() ?? null,
    },
  };
}

/**
 * Queues slugs and looks them up in full batches of GAMMA_MAX_SLUGS_PER_REQUEST as they fill;
 * finish() sends the remainder. At most `concurrency` requests in flight.
 */
class SlugBatcher {
  readonly markets = new Map<string, GammaMarket>();
  readonly failed = new Set<string>();
  readonly issues: DiscoveryIssue[] = [];
  /** Every slug queued (each looked up once). */
  readonly sent = new Set<string>();
  private queue: string[] = [];
  private inflight = new Set<Promise<void>>();
  private waiting: (() => void)[] = [];

  constructor(
    private readonly gamma: GammaClient,
    private readonly onSend: () => void,
    private readonly onDone: () => void,
    private readonly afterBatch?: (batch: string[], res: GammaLookupResult) => void,
    private readonly concurrency = 4,
  ) {}

  add(slugs: Iterable<string>): void {
    for (const s of slugs) {
      if (this.sent.has(s)) continue;
      this.sent.add(s);
      this.queue.push(s);
    }
    while (this.queue.length >= GAMMA_MAX_SLUGS_PER_REQUEST) this.send(this.queue.splice(0, GAMMA_MAX_SLUGS_PER_REQUEST));
  }

  private send(batch: string[]): void {
    this.onSend();
    const run = async (): Promise<void> => {
      while (this.inflight.size >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
      const res = await this.gamma.marketsBySlugs(batch);
      for (const [k, v] of res.markets) this.markets.set(k, v);
      for (const f of res.failedSlugs) this.failed.add(f);
      for (const i of res.issues) this.issues.push({ item: i.item, message: i.message });
      this.afterBatch?.(batch, res);
      this.onDone();
    };
    const p: Promise<void> = run().finally(() => {
      this.inflight.delete(p);
      this.waiting.shift()?.();
    });
    this.inflight.add(p);
  }

  /** Send what is left and wait for every request (including ones queued meanwhile). */
  async finish(): Promise<void> {
    if (this.queue.length > 0) this.send(this.queue.splice(0));
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }
}

function addName(names: Map<string, Set<string>>, code: string, name: string): void {
  let s = names.get(code);
  if (!s) names.set(code, (s = new Set()));
  s.add(name);
}

/** "Denver wins by over 12.5 points" -> "Denver". */
function spreadTeamName(s: string): string | null {
  const m = /^(.+?)\s+wins?\s+by\b/i.exec(s.trim());
  return m ? m[1]!.trim() : null;
}

/**
 * Turn one Kalshi event (its markets of one series) into legs; unusable markets become rejected
 * candidates, and unparseable events issues. `know` = what the run learned about the league
 * (defaults to the data file's codes).
 */
export function eventLegs(
  data: LeagueData,
  league: League,
  type: MarketType,
  eventKey: string,
  markets: KalshiMarket[],
  know: LeagueKnowledge = { codes: new Set(league.teams.keys()), names: new Map() },
): { legs: KalshiLeg[]; rejected: Candidate[]; issues: DiscoveryIssue[] } {
  const out: Candidate[] = [];
  const issues: DiscoveryIssue[] = [];
  const done = (legs: KalshiLeg[]): { legs: KalshiLeg[]; rejected: Candidate[]; issues: DiscoveryIssue[] } => ({ legs, rejected: out, issues });
  const rejectAll = (why: string): { legs: KalshiLeg[]; rejected: Candidate[]; issues: DiscoveryIssue[] } => {
    for (const m of markets) out.push(bareRejected(m, league, type, eventKey, why));
    return done([]);
  };
  let parsed;
  try {
    parsed = parseEventTicker(eventKey);
  } catch (err) {
    issues.push({ item: eventKey, message: `cannot parse Kalshi event ticker: ${(err as Error).message}` });
    return rejectAll(`event ticker does not parse: ${(err as Error).message}`);
  }
  const suffixOf = (m: KalshiMarket): string | null => marketSuffix(m.ticker, m.eventTicker) ?? marketSuffix(m.ticker, eventKey);
  const local = new Set<string>();
  for (const m of markets) {
    const s = suffixOf(m);
    if (!s) continue;
    if (type === 'moneyline' && s !== data.draw.kalshi) local.add(s);
    if (type === 'spread') {
      const h = spreadSuffixHint(s);
      if (h) local.add(h);
    }
  }
  let codes: [string, string];
  try {
    codes = splitTeams(parsed.teams, local, know.codes).codes;
  } catch (err) {
    issues.push({ item: eventKey, message: `cannot split the teams of Kalshi event: ${(err as Error).message}` });
    return rejectAll(`teams do not split unambiguously: ${(err as Error).message}`);
  }

  // Team names, Kalshi's own first: this event's moneyline sub-titles, its title, the league's.
  const names: [string[], string[]] = [[], []];
  const add = (i: 0 | 1, n: string | null | undefined): void => {
    if (n && !names[i].includes(n)) names[i].push(n);
  };
  if (type === 'moneyline') {
    for (const m of markets) {
      const s = suffixOf(m);
      const i = s === codes[0] ? 0 : s === codes[1] ? 1 : null;
      if (i !== null && m.yesSubTitle) add(i, m.yesSubTitle);
    }
  }
  if (type === 'spread') {
    for (const m of markets) {
      const s = suffixOf(m);
      const i = s ? spreadSuffixTeam(s, codes) : null;
      if (i !== null) add(i, spreadTeamName(m.yesSubTitle));
    }
  }
  const title = markets.map((m) => parseVsTitle(m.title)).find((t) => t !== null) ?? null;
  if (title) {
    // Title order is ticker order by convention; trust names over convention when they disagree.
    const known0 = [...(know.names.get(codes[0]) ?? []), ...names[0]];
    const known1 = [...(know.names.get(codes[1]) ?? []), ...names[1]];
    const swapped =
      known0.length > 0 && known1.length > 0 && anyNameMatches(known0, title[1]) && anyNameMatches(known1, title[0]) && !anyNameMatches(known0, title[0]);
    add(0, swapped ? title[1] : title[0]);
    add(1, swapped ? title[0] : title[1]);
  }
  for (const i of [0, 1] as const) {
    for (const n of know.names.get(codes[i]) ?? []) add(i, n);
    for (const n of league.teams.get(codes[i])?.names ?? []) add(i, n);
  }

  const legs: KalshiLeg[] = [];
  for (const m of markets) {
    const reject = (why: string): void => {
      out.push(bareRejected(m, league, type, eventKey, why));
    };
    if (m.marketType !== 'binary') {
      reject(`Kalshi market is ${m.marketType}, not binary`);
      continue;
    }
    const suffix = suffixOf(m);
    let yes: YesMeaning;
    let line: number | null = null;
    if (type === 'moneyline') {
      if (!suffix) {
        reject('moneyline market without an outcome code (expected EVENT-TEAM)');
        continue;
      }
      if (suffix === data.draw.kalshi) {
        if (!league.hasDraws) {
          reject(`${league.code} has no draws but Kalshi lists ${m.ticker}`);
          continue;
        }
        yes = { kind: 'draw' };
      } else if (suffix === codes[0] || suffix === codes[1]) {
        yes = { kind: 'team', team: suffix === codes[0] ? 0 : 1 };
      } else {
        reject(`outcome code ${suffix} is not one of the event's teams ${codes.join('/')}`);
        continue;
      }
    } else if (type === 'spread') {
      const team = suffix ? spreadSuffixTeam(suffix, codes) : null;
      if (team === null) {
        reject(`spread outcome code ${suffix ?? '(none)'} does not name one of ${codes.join('/')} plus a line`);
        continue;
      }
      yes = { kind: 'team', team };
      line = m.floorStrike;
    } else if (type === 'total') {
      yes = /\bunder\b/i.test(m.yesSubTitle) ? { kind: 'under' } : { kind: 'over' };
      line = m.floorStrike;
    } else {
      yes = { kind: 'btts' };
    }
    if (line === null && (type === 'spread' || type === 'total')) {
      reject(`Kalshi ${type} market has no floor_strike: its line is unknown`);
      continue;
    }
    const stated = /(\d+(?:\.\d+)?)/.exec(m.yesSubTitle);
    if (line !== null && stated && Math.abs(Number(stated[1]) - line) > 1e-9) {
      reject(`Kalshi market says "${m.yesSubTitle}" but its floor_strike is ${line}`);
      continue;
    }
    legs.push({ market: m, league, type, eventKey, date: parsed.date, codes, teamNames: names, yes, line });
  }
  return done(legs);
}

function polyCode(league: League, code: string): string {
  return league.teams.get(code)?.poly ?? code.toLowerCase();
}

/** §1.6, with the line required for spreads/totals. Returns an error object when no slug can be built. */
export function buildSlug(leg: KalshiLeg, data: LeagueData): string | { error: string } {
  const l = leg.league;
  const base = baseSlug({ prefix: l.polyPrefix, teams: [polyCode(l, leg.codes[0]), polyCode(l, leg.codes[1])], date: leg.date });
  switch (leg.type) {
    case 'moneyline':
      if (leg.yes.kind === 'draw') return `${base}-${data.draw.poly}`;
      if (l.kind === 'soccer' && leg.yes.kind === 'team') return `${base}-${polyCode(l, leg.codes[leg.yes.team])}`;
      return base;
    case 'spread': {
      if (leg.yes.kind !== 'team' || leg.line === null) return { error: 'spread without a team and line' };
      if (!l.teamOrder) return { error: `league ${l.code} has no team_order` };
      const homeIdx = l.teamOrder === 'home-away' ? 0 : 1;
      return `${base}-spread-${leg.yes.team === homeIdx ? 'home' : 'away'}-${lineToSlug(leg.line)}`;
    }
    case 'total':
      if (leg.line === null) return { error: 'total without a line' };
      return `${base}-total-${lineToSlug(leg.line)}`;
    case 'btts':
      return `${base}-btts`;
  }
}

function pairMarketType(leg: KalshiLeg): Candidate['marketType'] {
  return leg.league.kind === 'esports' ? 'esports' : leg.type;
}

function bareRejected(m: KalshiMarket, league: League, type: MarketType, eventKey: string, why: string): Candidate {
  return {
    kalshiTicker: m.ticker,
    kalshiEventTicker: eventKey,
    kalshiTitle: m.title,
    league: league.code,
    marketType: league.kind === 'esports' ? 'esports' : type,
    line: m.floorStrike,
    polySlug: null,
    polyQuestion: null,
    polyTokens: null,
    polyOutcomes: null,
    polyNegRisk: null,
    orientation: null,
    verdict: 'rejected',
    reasons: [why],
    lookupFailed: false,
  };
}

function rejectedCandidate(leg: KalshiLeg, slug: string | null, reasons: string[]): Candidate {
  const c = bareRejected(leg.market, leg.league, leg.type, leg.eventKey, reasons[0] ?? 'rejected');
  c.polySlug = slug;
  c.reasons = reasons;
  c.line = leg.line;
  return c;
}

function candidateFrom(leg: KalshiLeg, poly: PolyLeg, ctx: EquivalenceContext): Candidate {
  const m = poly.market;
  const r = checkEquivalence(leg, poly, ctx);
  const binary = m.outcomes.length === 2 && m.tokenIds.length === 2;
  return {
    kalshiTicker: leg.market.ticker,
    kalshiEventTicker: leg.eventKey,
    kalshiTitle: leg.market.title,
    league: leg.league.code,
    marketType: pairMarketType(leg),
    line: leg.line,
    polySlug: m.slug,
    polyQuestion: m.question || null,
    polyTokens: binary ? [m.tokenIds[0]!, m.tokenIds[1]!] : null,
    polyOutcomes: binary ? [m.outcomes[0]!, m.outcomes[1]!] : null,
    polyNegRisk: m.negRisk,
    orientation: r.orientation,
    verdict: r.verdict,
    reasons: r.reasons,
    lookupFailed: false,
  };
}

/** §1.9 step 4: the match-winner market of an esports event. */
function esportsMoneyline(ev: GammaEvent): GammaMarket | null {
  const tagged = ev.markets.filter((m) => m.sportsMarketType?.toLowerCase() === 'moneyline');
  if (tagged.length === 1) return tagged[0]!;
  const same = ev.markets.find((m) => m.slug === ev.slug);
  if (same) return same;
  const plain = ev.markets.filter((m) => !/-game|-total|-map-|-handicap/.test(m.slug.slice(ev.slug.length)));
  return plain.length === 1 ? plain[0]! : null;
}

function matchEsports(leg: KalshiLeg, events: GammaEvent[], data: LeagueData, ctx: EquivalenceContext): Candidate {
  const dates = new Set([leg.date, addDays(leg.date, 1)]);
  const sameTeams = (ev: GammaEvent): boolean => {
    const t = parseVsTitle(ev.title);
    if (!t) return false;
    const m = (i: 0 | 1, j: 0 | 1): boolean => leg.teamNames[i].some((n) => esportsMatch(n, t[j], data.esportsAliases) === 'exact');
    return (m(0, 0) && m(1, 1)) || (m(0, 1) && m(1, 0));
  };
  const hits = events.filter((ev) => dates.has(slugDate(ev.slug) ?? '') && sameTeams(ev));
  const exactDay = hits.filter((ev) => slugDate(ev.slug) === leg.date);
  const chosen = exactDay.length > 0 ? exactDay : hits;
  if (chosen.length === 0) {
    return rejectedCandidate(leg, null, [`no Polymarket ${leg.league.code} event on ${leg.date} (or the next day) between ${leg.teamNames[0][0] ?? leg.codes[0]} and ${leg.teamNames[1][0] ?? leg.codes[1]}`]);
  }
  if (chosen.length > 1) {
    const c = rejectedCandidate(leg, chosen[0]!.slug, [`several Polymarket events match: ${chosen.map((e) => e.slug).join(', ')}`]);
    c.verdict = 'needs_review';
    return c;
  }
  const ev = chosen[0]!;
  const market = esportsMoneyline(ev);
  if (!market) return rejectedCandidate(leg, ev.slug, [`Polymarket event ${ev.slug} has no single match-winner market`]);
  return candidateFrom(leg, { market: { ...market, eventTitle: market.eventTitle ?? ev.title, eventSlug: market.eventSlug ?? ev.slug, gameStartMs: market.gameStartMs ?? ev.startMs }, via: 'event' }, ctx);
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}

