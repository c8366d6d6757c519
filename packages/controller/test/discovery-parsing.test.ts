// Spec discovery-and-arb.md §4.3 parsing/pairing vectors, §1.5 ticker splits, §1.6 worked slug
// examples (with the split bug of §5.2 #10 fixed), and the data file checked against the
// reference's team cache (read from ../shared, never copied).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSlug, eventLegs } from '../src/discovery/discover.ts';
import { loadLeagues } from '../src/discovery/leagues.ts';
import type { KalshiMarket } from '../src/discovery/kalshi-markets.ts';
import { esportsMatch, esportsNormalize, parseVsTitle } from '../src/discovery/names.ts';
import { nextDaySlug, slugBase, slugDate } from '../src/discovery/slug.ts';
import { parseEventTicker, parseKalshiDate, splitTeams, TickerError } from '../src/discovery/ticker.ts';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const shared = resolve(repoRoot, '../shared');
const data = loadLeagues();

test('§4.3 event ticker and dates', () => {
  const p = parseEventTicker('KXEPLGAME-25DEC27CFCAVL');
  assert.equal(p.rawDate, '25DEC27');
  assert.equal(p.date, '2025-12-27');
  assert.equal(p.teams, 'CFCAVL');
  assert.deepEqual(splitTeams(p.teams, new Set(), new Set(['CFC', 'AVL'])).codes, ['CFC', 'AVL']);
  assert.equal(parseKalshiDate('25DEC27'), '2025-12-27');
  assert.equal(parseKalshiDate('25JAN01'), '2025-01-01');
  const extra = parseEventTicker('KXNCAAFGAME-25DEC27M-OHFRES');
  assert.equal(extra.date, '2025-12-27');
  assert.equal(extra.teams, 'OHFRES');
});

test('ticker errors name the ticker and never guess a month (§5.2 #16)', () => {
  assert.throws(() => parseEventTicker('KXNBAGAME-26XYZ17BOSATL'), (e: Error) => e instanceof TickerError && /KXNBAGAME-26XYZ17BOSATL/.test(e.message) && /unknown month "XYZ"/.test(e.message));
  assert.throws(() => parseKalshiDate('26FEB30'), /not a calendar day/);
  assert.throws(() => parseEventTicker('KXNBAGAME'), /not SERIES-YYMMMDDTEAMS/);
  assert.throws(() => parseEventTicker('KXNBAGAME-26JAN17'), /team part/);
});

test('§4.3 next-day slugs, slug base and slug date', () => {
  assert.equal(nextDaySlug('epl-che-avl-2025-12-08'), 'epl-che-avl-2025-12-09');
  assert.equal(nextDaySlug('nba-lal-bos-2026-01-17-spread-home-5pt5'), 'nba-lal-bos-2026-01-18-spread-home-5pt5');
  assert.equal(nextDaySlug('nba-lal-bos-2025-02-28'), 'nba-lal-bos-2025-03-01');
  assert.equal(nextDaySlug('nba-lal-bos-2024-02-28'), 'nba-lal-bos-2024-02-29');
  assert.equal(nextDaySlug('nba-lal-bos-2024-02-29'), 'nba-lal-bos-2024-03-01');
  assert.equal(nextDaySlug('nba-lal-bos'), null);
  assert.equal(nextDaySlug('nba-lal-bos-abc-01-17'), null);
  assert.equal(slugBase('sea-pis-ata-2026-01-16-total-3pt5'), 'sea-pis-ata-2026-01-16');
  assert.equal(slugDate('cs2-furia-9ine-2026-01-16'), '2026-01-16');
});

test('§4.3 esports titles and outcome matching', () => {
  assert.deepEqual(parseVsTitle('Counter-Strike: FURIA vs 9INE (BO3)'), ['FURIA', '9INE']);
  assert.deepEqual(parseVsTitle('LoL: T1 vs DRX (BO5) - LCK Finals'), ['T1', 'DRX']);
  assert.deepEqual(parseVsTitle('BLAST Bounty 2026: FURIA vs. 9INE'), ['FURIA', '9INE']);
  assert.deepEqual(parseVsTitle('Boston at Atlanta Winner?'), ['Boston', 'Atlanta']);
  assert.equal(parseVsTitle('Will Chelsea FC win on 2025-12-27?'), null);
  const a = data.esportsAliases;
  // "Weibo Gaming vs Top Esports", outcomes ["TES","WB"]: team 1 (Weibo) is outcome 1.
  const [t1, t2] = parseVsTitle('Weibo Gaming vs Top Esports')!;
  assert.equal(esportsMatch(t1, 'WB', a), 'exact');
  assert.equal(esportsMatch(t1, 'TES', a), null);
  assert.equal(esportsMatch(t2, 'TES', a), 'exact');
  // ["M 8","TL 1"] vs Kalshi Liquid / Gentle Mates: M8 <-> gentle-mates, TL1 <-> liquid, no cross-match.
  assert.equal(esportsMatch('Gentle Mates', 'M 8', a), 'exact');
  assert.equal(esportsMatch('Team Liquid', 'TL 1', a), 'exact');
  assert.notEqual(esportsMatch('Team Liquid', 'M 8', a), 'exact');
  assert.notEqual(esportsMatch('Gentle Mates', 'TL 1', a), 'exact');
  for (const [raw, norm] of [['FURIA Esports', 'furia'], ['Cloud9 New York', 'cloud9-new-york'], ['Team Liquid', 'liquid'], ['BetBoom Team', 'betboom'], ['Gen.G', 'geng']]) {
    assert.equal(esportsNormalize(raw!), norm);
  }
});

test('team split uses the event suffixes and league codes, not the reference\'s 2-letter list (§5.2 #10)', () => {
  const nba = new Set(['LAC', 'LAL', 'TOR', 'NOP', 'NYK']);
  assert.deepEqual(splitTeams('LACTOR', new Set(), nba).codes, ['LAC', 'TOR']);
  assert.deepEqual(splitTeams('NOPNYK', new Set(), nba).codes, ['NOP', 'NYK']);
  assert.deepEqual(splitTeams('LACLA', new Set(['LA', 'LAC']), new Set()).codes, ['LAC', 'LA']);
  assert.deepEqual(splitTeams('SJFLA', new Set(['SJ']), new Set()).codes, ['SJ', 'FLA']);
  assert.deepEqual(splitTeams('CARNJ', new Set(), new Set(['CAR', 'NJ'])).codes, ['CAR', 'NJ']);
  assert.deepEqual(splitTeams('FURIA9INE', new Set(['FURIA', '9INE']), new Set()).codes, ['FURIA', '9INE']);
  // Two equally supported splits are an error, not a guess.
  assert.throws(() => splitTeams('ABCD', new Set(), new Set(['A', 'BCD', 'AB', 'CD'])), /splits several ways/);
});

/** Run the discovery's own event -> legs -> slug path on hand-made markets. */
function slugsFor(series: string, eventKey: string, markets: { suffix?: string; floor?: number; yes?: string; title?: string }[]): string[] {
  const entry = data.bySeries.get(series)!;
  const ms: KalshiMarket[] = markets.map((m) => ({
    ticker: m.suffix ? `${eventKey}-${m.suffix}` : eventKey,
    eventTicker: eventKey,
    mveCollection: null,
    title: m.title ?? '',
    yesSubTitle: m.yes ?? '',
    noSubTitle: '',
    floorStrike: m.floor ?? null,
    status: 'active',
    marketType: 'binary',
  }));
  const r = eventLegs(data, entry.league, entry.type, eventKey, ms);
  assert.deepEqual(r.rejected.map((c) => c.reasons), []);
  return r.legs.map((l) => {
    const s = buildSlug(l, data);
    assert.equal(typeof s, 'string');
    return s as string;
  });
}

test('§1.6 worked slug examples', () => {
  assert.deepEqual(slugsFor('KXEPLGAME', 'KXEPLGAME-25DEC27CFCAVL', [{ suffix: 'CFC' }, { suffix: 'TIE' }, { suffix: 'AVL' }]), [
    'epl-che-ast-2025-12-27-che',
    'epl-che-ast-2025-12-27-draw',
    'epl-che-ast-2025-12-27-ast',
  ]);
  assert.deepEqual(slugsFor('KXEPLSPREAD', 'KXEPLSPREAD-25DEC27CFCAVL', [{ suffix: 'AVL1', floor: 1.5 }]), ['epl-che-ast-2025-12-27-spread-away-1pt5']);
  assert.deepEqual(slugsFor('KXEPLTOTAL', 'KXEPLTOTAL-25DEC27CFCAVL', [{ suffix: '2', floor: 2.5 }]), ['epl-che-ast-2025-12-27-total-2pt5']);
  assert.deepEqual(slugsFor('KXEPLBTTS', 'KXEPLBTTS-25DEC27CFCAVL', [{}]), ['epl-che-ast-2025-12-27-btts']);
  assert.deepEqual(slugsFor('KXNBAGAME', 'KXNBAGAME-26JAN17BOSATL', [{ suffix: 'ATL' }]), ['nba-bos-atl-2026-01-17']);
  assert.deepEqual(slugsFor('KXNBASPREAD', 'KXNBASPREAD-26JAN17WASDEN', [{ suffix: 'DEN12', floor: 12.5 }]), ['nba-was-den-2026-01-17-spread-home-12pt5']);
  assert.deepEqual(slugsFor('KXNHLGAME', 'KXNHLGAME-26JAN17EDMVAN', [{ suffix: 'VAN' }]), ['nhl-edm-van-2026-01-17']);
  assert.deepEqual(slugsFor('KXNHLGAME', 'KXNHLGAME-26JAN17ANALA', [{ suffix: 'ANA' }, { suffix: 'LA' }]), ['nhl-ana-lak-2026-01-17', 'nhl-ana-lak-2026-01-17']);
  assert.deepEqual(slugsFor('KXSERIEAGAME', 'KXSERIEAGAME-26JAN16PISATA', [{ suffix: 'ATA' }]), ['sea-pis-ata-2026-01-16-ata']);
  assert.deepEqual(slugsFor('KXNCAAFGAME', 'KXNCAAFGAME-25DEC27M-OHFRES', [{ suffix: 'OH' }]), ['cfb-oh-fres-2025-12-27']);
  // The reference mis-split this one into nba-la-ctor-…; the league's own codes fix it.
  assert.deepEqual(slugsFor('KXNBAGAME', 'KXNBAGAME-26JAN20LACTOR', [{ suffix: 'LAC' }]), ['nba-lac-tor-2026-01-20']);
});

test('every code alias in leagues.yaml agrees with the reference team cache (§1.7)', () => {
  const cache = JSON.parse(readFileSync(resolve(shared, 'fixtures/discovery/kalshi_team_cache.json'), 'utf8')) as { mappings: Record<string, string> };
  let checked = 0;
  for (const league of data.leagues) {
    if (league.kind === 'esports') continue;
    for (const t of league.teams.values()) {
      if (t.poly === t.kalshi.toLowerCase()) continue;
      const key = `${league.polyPrefix}:${t.poly}`;
      assert.equal(cache.mappings[key], t.kalshi.toLowerCase(), `${league.code} ${t.kalshi} -> ${t.poly}: the reference cache maps ${key} to ${cache.mappings[key]}`);
      checked++;
    }
    // The draw code of every soccer namespace.
    if (league.kind === 'soccer' && cache.mappings[`${league.polyPrefix}:${data.draw.poly}`] !== undefined) {
      assert.equal(cache.mappings[`${league.polyPrefix}:${data.draw.poly}`], data.draw.kalshi.toLowerCase());
    }
  }
  assert.ok(checked >= 50, `checked ${checked} aliases`);
});
