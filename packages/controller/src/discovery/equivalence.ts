// The equivalence check: is this Polymarket market the same contract as this Kalshi market,
// and which Polymarket token pays when Kalshi YES pays? Every check leaves a reason. A failed
// structural check rejects; anything that only a human could settle (names that do not tell the
// teams apart, a next-day slug without a start time, a missing negRisk) sends the candidate to
// review. Orientation comes from names only, never from the API's outcome order (§5.2 #12).

import type { GammaMarket } from '@parity/trading/polymarket/gamma.ts';
import type { League } from './leagues.ts';
import type { KalshiMarket } from './kalshi-markets.ts';
import { anyNameMatches, esportsMatch, parseVsTitle, textMentions, type EsportsMatch } from './names.ts';
import { addDays, slugDate } from './slug.ts';
import type { MarketType, Orientation, Verdict } from './types.ts';

export type YesMeaning =
  | { kind: 'team'; team: 0 | 1 }
  | { kind: 'draw' }
  | { kind: 'over' }
  | { kind: 'under' }
  | { kind: 'btts' };

/** A Kalshi market with what discovery learned about its event. */
export interface KalshiLeg {
  market: KalshiMarket;
  league: League;
  type: MarketType;
  eventKey: string;
  /** The event's calendar date as Kalshi labels it (ISO). */
  date: string;
  codes: [string, string];
  /** Names for each team (Kalshi's own titles first, then data-file aliases), by code index. */
  teamNames: [string[], string[]];
  yes: YesMeaning;
  line: number | null;
}

export interface PolyLeg {
  market: GammaMarket;
  /** How it was found: the exact slug, the next-day slug, or an esports event listing. */
  via: 'slug' | 'next-day-slug' | 'event';
}

export interface EquivalenceContext {
  /** Time zone of Kalshi's calendar dates (data file `kalshi_time_zone`). */
  timeZone: string;
  esportsAliases: ReadonlyMap<string, string>;
}

export interface EquivalenceResult {
  verdict: Verdict;
  reasons: string[];
  orientation: Orientation | null;
}

type Shape = 'yesno' | 'overunder' | 'teams' | 'odd';

class Reasons {
  readonly rejects: string[] = [];
  readonly reviews: string[] = [];
  readonly oks: string[] = [];
  reject(s: string): void {
    this.rejects.push(s);
  }
  review(s: string): void {
    this.reviews.push(s);
  }
  ok(s: string): void {
    this.oks.push(s);
  }
  verdict(): Verdict {
    return this.rejects.length > 0 ? 'rejected' : this.reviews.length > 0 ? 'needs_review' : 'paired';
  }
  list(): string[] {
    const v = this.verdict();
    if (v === 'rejected') return [...this.rejects, ...this.reviews];
    if (v === 'needs_review') return [...this.reviews, ...this.oks];
    return this.oks;
  }
}

export function checkEquivalence(k: KalshiLeg, p: PolyLeg, ctx: EquivalenceContext): EquivalenceResult {
  const r = new Reasons();
  const m = p.market;
  const esports = k.league.kind === 'esports';

  // Binary on both sides.
  if (k.market.marketType !== 'binary') r.reject(`Kalshi market is ${k.market.marketType}, not binary`);
  if (m.outcomes.length !== 2) {
    r.reject(`Polymarket market is not binary: ${m.outcomes.length} outcomes ${JSON.stringify(m.outcomes)}`);
    return { verdict: r.verdict(), reasons: r.list(), orientation: null };
  }
  const outcomes = m.outcomes as [string, string];

  // Tradable.
  if (m.closed) r.reject('Polymarket market is closed');
  if (!m.active) r.reject('Polymarket market is not active');
  if (m.acceptingOrders === false) r.reject('Polymarket market is not accepting orders');
  if (m.negRisk === null) r.review('Gamma omitted negRisk (it selects the exchange contract): confirm it before trading');

  checkDate(k, p, ctx, r);

  // Market type: the outcome shape, the slug's type marker and Gamma's tag must all agree.
  const shape = outcomeShape(outcomes);
  const expected: Shape = k.type === 'total' ? 'overunder' : k.type === 'btts' ? 'yesno' : k.type === 'spread' ? 'teams' : k.league.kind === 'soccer' ? 'yesno' : 'teams';
  if (shape !== expected) r.reject(`${k.type} needs ${SHAPE_TEXT[expected]} outcomes; Polymarket lists ${JSON.stringify(outcomes)}`);
  const slugType = slugMarketType(m.slug);
  if (p.via !== 'event' && slugType !== k.type) r.reject(`Polymarket slug ${m.slug} is a ${slugType} market, Kalshi's is ${k.type}`);
  const tagged = gammaTypeOf(m.sportsMarketType);
  if (tagged !== null && tagged !== k.type) r.reject(`Gamma tags ${m.slug} as "${m.sportsMarketType}", Kalshi's market is ${k.type}`);
  if (r.rejects.length > 0) return { verdict: r.verdict(), reasons: r.list(), orientation: null };

  const match = (names: readonly string[], target: string): EsportsMatch => {
    if (names.length === 0) return null;
    if (!esports) return anyNameMatches(names, target) ? 'exact' : null;
    let best: EsportsMatch = null;
    for (const n of names) {
      const x = esportsMatch(n, target, ctx.esportsAliases);
      if (x === 'exact') return 'exact';
      if (x === 'fuzzy') best = 'fuzzy';
    }
    return best;
  };

  // Same event: Kalshi's two teams against the two teams Polymarket names.
  const polyTeams: [string, string] | null = shape === 'teams' ? outcomes : (parseVsTitle(m.eventTitle ?? '') ?? parseVsTitle(m.question));
  const teamMap = polyTeams ? mapTeams(k, polyTeams, match, r) : null;
  if (!polyTeams) {
    if (k.yes.kind === 'team' || k.yes.kind === 'draw') r.ok('Polymarket names no opponent; the market subject is checked instead');
    else r.review(`Polymarket market ${m.slug} names no teams (no "A vs B" event title or question)`);
  }

  checkLine(k, m, polyTeams, teamMap, match, r);

  // Orientation, from names only.
  let yesIndex: 0 | 1 | null = null;
  if (shape === 'teams') {
    if (k.yes.kind === 'team') {
      const j = teamMap?.[k.yes.team];
      if (j === undefined || j === null) r.review(`cannot tell which Polymarket outcome is ${describeTeam(k, k.yes.team)}: ${JSON.stringify(outcomes)}`);
      else yesIndex = j;
    } else {
      r.reject(`Kalshi YES is not a team outcome but Polymarket lists teams ${JSON.stringify(outcomes)}`);
    }
  } else if (shape === 'overunder') {
    const want = k.yes.kind === 'under' ? 'under' : 'over';
    if (k.yes.kind !== 'over' && k.yes.kind !== 'under') r.reject('Kalshi YES is not over/under but Polymarket lists Over/Under');
    else yesIndex = outcomes.findIndex((o) => o.trim().toLowerCase() === want) as 0 | 1;
  } else {
    yesIndex = outcomes.findIndex((o) => o.trim().toLowerCase() === 'yes') as 0 | 1;
    checkSubject(k, m, r);
  }

  const orientation: Orientation | null =
    yesIndex === null || r.rejects.length > 0
      ? null
      : {
          yesIndex,
          yesToken: m.tokenIds[yesIndex]!,
          noToken: m.tokenIds[1 - yesIndex]!,
          yesOutcome: outcomes[yesIndex],
          noOutcome: outcomes[1 - yesIndex]!,
        };
  if (orientation) r.ok(`Kalshi YES pays with Polymarket "${orientation.yesOutcome}" (outcome ${orientation.yesIndex}), NO with "${orientation.noOutcome}"`);
  const verdict = r.verdict();
  return { verdict, reasons: r.list(), orientation: verdict === 'rejected' ? null : orientation };
}

const SHAPE_TEXT: Record<Shape, string> = { yesno: 'Yes/No', overunder: 'Over/Under', teams: 'team-name', odd: 'unrecognized' };

function outcomeShape(o: readonly [string, string]): Shape {
  const a = o.map((x) => x.trim().toLowerCase());
  const set = new Set(a);
  if (set.has('yes') && set.has('no')) return 'yesno';
  if (set.has('over') && set.has('under')) return 'overunder';
  const special = ['yes', 'no', 'over', 'under', ''];
  if (a.some((x) => special.includes(x)) || a[0] === a[1]) return 'odd';
  return 'teams';
}

export function slugMarketType(slug: string): MarketType {
  if (/-spread(-|$)/.test(slug)) return 'spread';
  if (/-total(-|$)/.test(slug)) return 'total';
  if (/-btts$/.test(slug)) return 'btts';
  return 'moneyline';
}

function gammaTypeOf(t: string | null): MarketType | null {
  if (t === null) return null;
  const s = t.toLowerCase();
  if (s === 'moneyline' || s === 'match_winner' || s === 'child_moneyline') return 'moneyline';
  if (s.startsWith('spread')) return 'spread';
  if (s.startsWith('total')) return 'total';
  if (s === 'both_teams_to_score' || s === 'btts') return 'btts';
  return null;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
export function dateInZone(ms: number, timeZone: string): string {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  return f.format(ms);
}

/**
 * §1.10: Kalshi labels an event with its local date; Polymarket's slug may carry the next day
 * (evening US games). A next-day slug is the same game only if the game starts on Kalshi's date
 * in Kalshi's time zone; without a start time that cannot be told from a different game.
 */
function checkDate(k: KalshiLeg, p: PolyLeg, ctx: EquivalenceContext, r: Reasons): void {
  const m = p.market;
  const polyDate = slugDate(p.via === 'event' ? (m.eventSlug ?? m.slug) : m.slug);
  const start = m.gameStartMs === null ? null : dateInZone(m.gameStartMs, ctx.timeZone);
  const startText = m.gameStartMs === null ? '' : `${new Date(m.gameStartMs).toISOString()} (${start} in ${ctx.timeZone})`;
  if (polyDate === null) {
    r.review(`Polymarket slug ${m.slug} carries no date`);
    return;
  }
  if (polyDate === k.date) {
    if (start !== null && start !== k.date) r.reject(`different day: Polymarket's game starts ${startText}, Kalshi's event is on ${k.date}`);
    else r.ok(`date ${k.date} on both venues${start ? `; starts ${startText}` : ''}`);
    return;
  }
  if (polyDate === addDays(k.date, 1)) {
    if (start === null) r.review(`Polymarket slug is dated ${polyDate}, a day after Kalshi's ${k.date}, and Gamma gives no start time to prove it is the same game`);
    else if (start !== k.date) r.reject(`different game: Polymarket's ${polyDate} game starts ${startText}, Kalshi's event is on ${k.date}`);
    else r.ok(`Polymarket slug is dated ${polyDate} (UTC) for a game starting ${startText}, Kalshi's date ${k.date}`);
    return;
  }
  r.reject(`date differs: Polymarket ${polyDate}, Kalshi ${k.date}`);
}

function describeTeam(k: KalshiLeg, i: 0 | 1): string {
  const n = k.teamNames[i][0];
  return n ? `${k.codes[i]} (${n})` : k.codes[i];
}

/**
 * Map Kalshi team index -> Polymarket team index. A unique one-to-one match is proof; a team
 * Kalshi does not name is accepted only if the named one matches exactly one side.
 */
function mapTeams(
  k: KalshiLeg,
  poly: [string, string],
  match: (names: readonly string[], target: string) => EsportsMatch,
  r: Reasons,
): [0 | 1 | null, 0 | 1 | null] {
  const M = [0, 1].map((i) => [0, 1].map((j) => match(k.teamNames[i as 0 | 1], poly[j]!))) as EsportsMatch[][];
  const hit = (i: number, j: number): boolean => M[i]![j] !== null;
  const known = [k.teamNames[0].length > 0, k.teamNames[1].length > 0];
  const fuzzy = M.flat().some((x) => x === 'fuzzy');
  const straight = hit(0, 0) && hit(1, 1);
  const crossed = hit(0, 1) && hit(1, 0);
  const pairText = (a: 0 | 1, b: 0 | 1): string => `${describeTeam(k, 0)} = "${poly[a]}", ${describeTeam(k, 1)} = "${poly[b]}"`;
  if (known[0] && known[1]) {
    if (straight && !crossed && !hit(0, 1) && !hit(1, 0)) {
      (fuzzy ? r.review.bind(r) : r.ok.bind(r))(`teams${fuzzy ? ' (fuzzy name match only)' : ''}: ${pairText(0, 1)}`);
      return [0, 1];
    }
    if (crossed && !straight && !hit(0, 0) && !hit(1, 1)) {
      (fuzzy ? r.review.bind(r) : r.ok.bind(r))(`teams${fuzzy ? ' (fuzzy name match only)' : ''}: ${pairText(1, 0)}`);
      return [1, 0];
    }
    const any = M.flat().some((x) => x !== null);
    if (!any) r.reject(`different teams: Kalshi ${describeTeam(k, 0)} / ${describeTeam(k, 1)}, Polymarket "${poly[0]}" / "${poly[1]}"`);
    else r.review(`team names do not map one-to-one: Kalshi ${describeTeam(k, 0)} / ${describeTeam(k, 1)}, Polymarket "${poly[0]}" / "${poly[1]}" (add names to leagues.yaml)`);
    return [null, null];
  }
  const i = known[0] ? 0 : known[1] ? 1 : -1;
  if (i < 0) {
    r.review(`Kalshi names neither team of ${k.eventKey}`);
    return [null, null];
  }
  const js = [0, 1].filter((j) => hit(i, j));
  if (js.length === 1) {
    const j = js[0] as 0 | 1;
    (M[i]![j] === 'fuzzy' ? r.review.bind(r) : r.ok.bind(r))(`team ${describeTeam(k, i as 0 | 1)} = "${poly[j]}"; the opponent is not named on Kalshi`);
    return (i === 0 ? [j, (1 - j) as 0 | 1] : [(1 - j) as 0 | 1, j]) as [0 | 1, 0 | 1];
  }
  if (js.length === 0) r.reject(`Kalshi team ${describeTeam(k, i as 0 | 1)} is neither "${poly[0]}" nor "${poly[1]}"`);
  else r.review(`Kalshi team ${describeTeam(k, i as 0 | 1)} matches both "${poly[0]}" and "${poly[1]}"`);
  return [null, null];
}

/** "Spread: Nuggets (-12.5)" -> team and signed line. */
function parseSpreadQuestion(q: string): { team: string; line: number } | null {
  const m = /^(?:spread:\s*)?(.+?)\s*\(([-+]?\d+(?:\.\d+)?)\)\s*$/i.exec(q.trim());
  if (!m) return null;
  return { team: m[1]!.trim(), line: Number(m[2]) };
}

/** "... O/U 2.5" or "... (-12.5)" -> 2.5 / -12.5. */
function lineFromQuestion(q: string): number | null {
  const m = /O\/U\s*([-+]?\d+(?:\.\d+)?)/i.exec(q) ?? /\(([-+]?\d+(?:\.\d+)?)\)/.exec(q);
  return m ? Number(m[1]) : null;
}

function lineFromSlug(slug: string): number | null {
  const m = /-(?:spread-(?:home|away)|total)-(\d+)pt(\d+)$/.exec(slug);
  return m ? Number(`${m[1]}.${m[2]}`) : null;
}

function checkLine(
  k: KalshiLeg,
  m: GammaMarket,
  polyTeams: [string, string] | null,
  teamMap: [0 | 1 | null, 0 | 1 | null] | null,
  match: (names: readonly string[], target: string) => EsportsMatch,
  r: Reasons,
): void {
  if (k.type !== 'spread' && k.type !== 'total') return;
  if (k.line === null) {
    r.reject(`Kalshi market ${k.market.ticker} has no floor_strike: its line is unknown`);
    return;
  }
  const stated = m.line ?? lineFromQuestion(m.question);
  const fromSlug = lineFromSlug(m.slug);
  if (stated !== null) {
    if (Math.abs(Math.abs(stated) - k.line) > 1e-9) r.reject(`line differs: Kalshi ${k.line}, Polymarket ${Math.abs(stated)} (${m.slug})`);
    else r.ok(`line ${k.line} on both venues`);
  } else if (fromSlug !== null && Math.abs(fromSlug - k.line) < 1e-9) {
    r.ok(`line ${k.line} (Polymarket states it only in the slug)`);
  } else {
    r.review(`Polymarket market ${m.slug} states no line`);
  }
  if (k.type !== 'spread' || k.yes.kind !== 'team') return;
  // Kalshi "X wins by over L" is X at -L: Polymarket's spread must be on the same team, negative.
  const q = parseSpreadQuestion(m.question);
  const signed = m.line ?? q?.line ?? null;
  if (signed !== null && signed > 0) r.reject(`Polymarket's spread is +${signed} (the underdog side); Kalshi's is ${describeTeam(k, k.yes.team)} winning by over ${k.line}`);
  if (q) {
    const yesNames = k.teamNames[k.yes.team];
    const otherNames = k.teamNames[1 - k.yes.team]!;
    const isYes = match(yesNames, q.team) !== null;
    const isOther = match(otherNames, q.team) !== null;
    if (isYes && !isOther) r.ok(`Polymarket's spread is on "${q.team}", Kalshi's YES team`);
    else if (isOther && !isYes) r.reject(`Polymarket's spread is on "${q.team}", not Kalshi's YES team ${describeTeam(k, k.yes.team)}`);
    else r.review(`cannot tell which team Polymarket's spread "${m.question}" is on`);
  } else if (polyTeams && teamMap) {
    r.ok('favored side taken from the slug (spread-home / spread-away); Polymarket states no team in the question');
  }
}

/** Yes/No markets: the market must be about Kalshi's YES event (this team / a draw / both teams scoring). */
function checkSubject(k: KalshiLeg, m: GammaMarket, r: Reasons): void {
  const subject = [m.groupItemTitle, m.question].filter((x): x is string => !!x).join(' | ');
  if (k.yes.kind === 'btts') {
    if (textMentions(subject, ['both teams to score', 'both teams score', 'btts'])) r.ok('market is "both teams to score" on both venues');
    else r.review(`Polymarket market ${m.slug} does not say it is "both teams to score": "${subject}"`);
    return;
  }
  if (k.yes.kind === 'draw') {
    if (textMentions(subject, ['draw', 'tie', 'end in a draw'])) r.ok('market is the draw on both venues');
    else r.review(`Polymarket market ${m.slug} does not say it is the draw: "${subject}"`);
    return;
  }
  if (k.yes.kind !== 'team') {
    r.reject(`Kalshi YES means ${k.yes.kind} but Polymarket lists Yes/No`);
    return;
  }
  const t = k.yes.team;
  const about = m.groupItemTitle ?? m.question;
  // groupItemTitle is a bare outcome name ("RC Celta de Vigo"): compare it as a name; a question
  // ("Will Chelsea FC win on ...?") must contain the name as consecutive words.
  const mentions = (names: readonly string[]): boolean =>
    m.groupItemTitle ? anyNameMatches(names, m.groupItemTitle) || textMentions(m.groupItemTitle, names) : textMentions(m.question, names);
  const yes = mentions(k.teamNames[t]);
  const other = mentions(k.teamNames[1 - t]!);
  const draw = textMentions(about, ['draw']);
  if (yes && !other && !draw) r.ok(`Polymarket market is about ${describeTeam(k, t)} winning ("${about}")`);
  else if ((other || draw) && !yes) r.reject(`Polymarket market ${m.slug} is about ${draw ? 'the draw' : describeTeam(k, (1 - t) as 0 | 1)} ("${about}"), not ${describeTeam(k, t)}`);
  else r.review(`cannot tell which outcome Polymarket market ${m.slug} is about: "${about}"`);
}
