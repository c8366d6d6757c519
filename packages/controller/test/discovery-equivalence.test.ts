// The equivalence check case by case: orientation comes from names only; anything ambiguous is
// rejected or sent to review, never resolved by the API's outcome order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GammaMarket } from '@parity/trading/polymarket/gamma.ts';
import { checkEquivalence, type KalshiLeg, type YesMeaning } from '../src/discovery/equivalence.ts';
import { loadLeagues } from '../src/discovery/leagues.ts';
import type { MarketType } from '../src/discovery/types.ts';

const data = loadLeagues();
const ctx = { timeZone: data.kalshiTimeZone, esportsAliases: data.esportsAliases };

function leg(league: string, type: MarketType, codes: [string, string], names: [string[], string[]], yes: YesMeaning, line: number | null = null, date = '2026-01-17'): KalshiLeg {
  return {
    market: { ticker: `KX-${codes.join('')}`, eventTicker: 'KX-EV', mveCollection: null, title: '', yesSubTitle: '', noSubTitle: '', floorStrike: line, status: 'active', marketType: 'binary' },
    league: data.byCode.get(league)!,
    type,
    eventKey: 'KX-EV',
    date,
    codes,
    teamNames: names,
    yes,
    line,
  };
}

function gm(slug: string, outcomes: string[], extra: Partial<GammaMarket> = {}): GammaMarket {
  return {
    id: '1',
    slug,
    question: '',
    conditionId: '0x1',
    outcomes,
    tokenIds: outcomes.map((_, i) => `${i + 1}000`),
    orderVersion: 2,
    negRisk: false,
    active: true,
    closed: false,
    acceptingOrders: true,
    groupItemTitle: null,
    sportsMarketType: null,
    line: null,
    gameStartMs: Date.UTC(2026, 0, 17, 18),
    endDate: null,
    eventTitle: null,
    eventSlug: null,
    ...extra,
  };
}

const bosAtl = (team: 0 | 1): KalshiLeg => leg('nba', 'moneyline', ['BOS', 'ATL'], [['Boston'], ['Atlanta']], { kind: 'team', team });

test('team outcomes in either order: YES is the outcome named like the Kalshi team', () => {
  for (const outcomes of [['Boston Celtics', 'Atlanta Hawks'], ['Atlanta Hawks', 'Boston Celtics']]) {
    for (const team of [0, 1] as const) {
      const r = checkEquivalence(bosAtl(team), { market: gm('nba-bos-atl-2026-01-17', outcomes), via: 'slug' }, ctx);
      assert.equal(r.verdict, 'paired', r.reasons.join(' | '));
      assert.equal(r.orientation!.yesOutcome, team === 0 ? 'Boston Celtics' : 'Atlanta Hawks');
      assert.equal(r.orientation!.yesToken, `${outcomes.indexOf(r.orientation!.yesOutcome) + 1}000`);
    }
  }
});

test('names that fit both outcomes go to review, without an orientation', () => {
  const k = leg('nba', 'moneyline', ['LAL', 'LAC'], [['Los Angeles'], ['Los Angeles']], { kind: 'team', team: 0 });
  const r = checkEquivalence(k, { market: gm('nba-lal-lac-2026-01-17', ['Los Angeles Lakers', 'Los Angeles Clippers']), via: 'slug' }, ctx);
  assert.equal(r.verdict, 'needs_review');
  assert.equal(r.orientation, null);
  assert.match(r.reasons.join(' | '), /do not map one-to-one/);
});

test('outcomes naming other teams are rejected', () => {
  const r = checkEquivalence(bosAtl(0), { market: gm('nba-bos-atl-2026-01-17', ['Boston Bruins', 'Chicago Blackhawks']), via: 'slug' }, ctx);
  assert.notEqual(r.verdict, 'paired');
  const r2 = checkEquivalence(bosAtl(0), { market: gm('nba-bos-atl-2026-01-17', ['Celtics', 'Hawks']), via: 'slug' }, ctx);
  assert.equal(r2.verdict, 'rejected');
  assert.match(r2.reasons[0]!, /different teams/);
});

test('Yes/No and Over/Under in reversed order follow the names', () => {
  const k = leg('epl', 'moneyline', ['CFC', 'AVL'], [['Chelsea'], ['Aston Villa']], { kind: 'team', team: 0 });
  const m = gm('epl-che-ast-2026-01-17-che', ['No', 'Yes'], { question: 'Will Chelsea FC win on 2026-01-17?', groupItemTitle: 'Chelsea FC', eventTitle: 'Chelsea FC vs. Aston Villa FC', negRisk: true });
  const r = checkEquivalence(k, { market: m, via: 'slug' }, ctx);
  assert.equal(r.verdict, 'paired', r.reasons.join(' | '));
  assert.equal(r.orientation!.yesIndex, 1);
  const t = leg('epl', 'total', ['CFC', 'AVL'], [['Chelsea'], ['Aston Villa']], { kind: 'over' }, 2.5);
  const r2 = checkEquivalence(t, { market: gm('epl-che-ast-2026-01-17-total-2pt5', ['Under', 'Over'], { line: 2.5, question: 'Chelsea FC vs. Aston Villa FC: O/U 2.5' }), via: 'slug' }, ctx);
  assert.equal(r2.verdict, 'paired', r2.reasons.join(' | '));
  assert.equal(r2.orientation!.yesOutcome, 'Over');
  assert.equal(r2.orientation!.yesIndex, 1);
});

test('a neg-risk leg about the other team, or about nobody, is not paired', () => {
  const k = leg('epl', 'moneyline', ['CFC', 'AVL'], [['Chelsea'], ['Aston Villa']], { kind: 'team', team: 0 });
  const wrong = gm('epl-che-ast-2026-01-17-che', ['Yes', 'No'], { groupItemTitle: 'Aston Villa FC', question: 'Will Aston Villa FC win on 2026-01-17?' });
  assert.equal(checkEquivalence(k, { market: wrong, via: 'slug' }, ctx).verdict, 'rejected');
  const vague = gm('epl-che-ast-2026-01-17-che', ['Yes', 'No'], { question: 'Will the home side win?' });
  const r = checkEquivalence(k, { market: vague, via: 'slug' }, ctx);
  assert.equal(r.verdict, 'needs_review');
  assert.match(r.reasons[0]!, /cannot tell which outcome Polymarket market .* is about/);
});

test('dates: exact, next day proven by the start time, next day unproven, another game', () => {
  const at = (iso: string | null): GammaMarket => gm('nba-bos-atl-2026-01-18', ['Boston Celtics', 'Atlanta Hawks'], { gameStartMs: iso === null ? null : Date.parse(iso) });
  // 19:30 Eastern on the 17th = 00:30 UTC on the 18th: the same game.
  assert.equal(checkEquivalence(bosAtl(0), { market: at('2026-01-18T00:30:00Z'), via: 'next-day-slug' }, ctx).verdict, 'paired');
  assert.equal(checkEquivalence(bosAtl(0), { market: at(null), via: 'next-day-slug' }, ctx).verdict, 'needs_review');
  const other = checkEquivalence(bosAtl(0), { market: at('2026-01-18T19:00:00Z'), via: 'next-day-slug' }, ctx);
  assert.equal(other.verdict, 'rejected');
  assert.match(other.reasons[0]!, /different game/);
  const far = gm('nba-bos-atl-2026-01-20', ['Boston Celtics', 'Atlanta Hawks']);
  assert.match(checkEquivalence(bosAtl(0), { market: far, via: 'slug' }, ctx).reasons[0]!, /date differs/);
});

test('lines: a different line or the other team\'s spread is rejected', () => {
  const k = leg('nba', 'spread', ['WAS', 'DEN'], [['Washington'], ['Denver']], { kind: 'team', team: 1 }, 12.5);
  const ok = gm('nba-was-den-2026-01-17-spread-home-12pt5', ['Denver Nuggets', 'Washington Wizards'], { line: -12.5, question: 'Spread: Denver Nuggets (-12.5)' });
  const r = checkEquivalence(k, { market: ok, via: 'slug' }, ctx);
  assert.equal(r.verdict, 'paired', r.reasons.join(' | '));
  assert.equal(r.orientation!.yesOutcome, 'Denver Nuggets');
  assert.match(checkEquivalence(k, { market: { ...ok, line: -13.5, question: 'Spread: Denver Nuggets (-13.5)' }, via: 'slug' }, ctx).reasons[0]!, /line differs: Kalshi 12.5, Polymarket 13.5/);
  assert.match(checkEquivalence(k, { market: { ...ok, question: 'Spread: Washington Wizards (-12.5)' }, via: 'slug' }, ctx).reasons.join('|'), /not Kalshi's YES team/);
  assert.match(checkEquivalence(k, { market: { ...ok, line: 12.5, question: 'Spread: Denver Nuggets (+12.5)' }, via: 'slug' }, ctx).reasons.join('|'), /underdog side/);
});

test('not binary, closed, wrong type, missing negRisk', () => {
  const k = leg('epl', 'moneyline', ['CFC', 'AVL'], [['Chelsea'], ['Aston Villa']], { kind: 'team', team: 0 });
  assert.match(checkEquivalence(k, { market: gm('epl-che-ast-2026-01-17-che', ['Chelsea FC', 'Draw', 'Aston Villa FC']), via: 'slug' }, ctx).reasons[0]!, /not binary: 3 outcomes/);
  const yn = gm('epl-che-ast-2026-01-17-che', ['Yes', 'No'], { groupItemTitle: 'Chelsea FC' });
  assert.match(checkEquivalence(k, { market: { ...yn, closed: true }, via: 'slug' }, ctx).reasons.join('|'), /closed/);
  assert.match(checkEquivalence(k, { market: { ...yn, sportsMarketType: 'totals' }, via: 'slug' }, ctx).reasons.join('|'), /tags .* as "totals"/);
  const nr = checkEquivalence(k, { market: { ...yn, negRisk: null }, via: 'slug' }, ctx);
  assert.equal(nr.verdict, 'needs_review');
  assert.match(nr.reasons[0]!, /negRisk/);
  const us = checkEquivalence(bosAtl(0), { market: gm('nba-bos-atl-2026-01-17', ['Yes', 'No']), via: 'slug' }, ctx);
  assert.match(us.reasons[0]!, /moneyline needs team-name outcomes/);
});

test('esports: codes as outcomes resolve through the alias table', () => {
  const k = leg('lol', 'moneyline', ['WBG', 'TES'], [['Weibo Gaming'], ['Top Esports']], { kind: 'team', team: 0 });
  const m = gm('lol-wbg-tes-2026-01-17', ['TES', 'WB'], { eventTitle: 'LoL: Weibo Gaming vs Top Esports (BO3)', eventSlug: 'lol-wbg-tes-2026-01-17' });
  const r = checkEquivalence(k, { market: m, via: 'event' }, ctx);
  assert.equal(r.verdict, 'paired', r.reasons.join(' | '));
  assert.equal(r.orientation!.yesOutcome, 'WB');
  assert.equal(r.orientation!.yesIndex, 1);
});
