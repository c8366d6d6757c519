// The league data file: loads and validates at start; bad entries are errors naming the item.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError } from '@parity/trading';
import { nickname, NICKNAME_LEAGUES, SIM_LEAGUES } from '@parity/sim/catalog/index.ts';
import { DEFAULT_LEAGUES_FILE, loadLeagues, parseLeagues, selectLeagues } from '../src/discovery/leagues.ts';
import { anyNameMatches, esportsMatch } from '../src/discovery/names.ts';

const text = readFileSync(DEFAULT_LEAGUES_FILE, 'utf8');

test('the shipped leagues.yaml loads: every spec league, series mapped to one league and type', () => {
  const d = loadLeagues();
  for (const code of ['epl', 'bundesliga', 'laliga', 'seriea', 'ligue1', 'ucl', 'uel', 'eflc', 'mls', 'nba', 'nfl', 'nhl', 'mlb', 'ncaaf', 'cs2', 'lol', 'cod']) {
    assert.ok(d.byCode.get(code)?.enabled, `${code} enabled`);
  }
  assert.equal(d.byCode.get('ncaamb')?.enabled, false);
  assert.deepEqual(d.bySeries.get('KXNBASPREAD') && { l: d.bySeries.get('KXNBASPREAD')!.league.code, t: d.bySeries.get('KXNBASPREAD')!.type }, { l: 'nba', t: 'spread' });
  // The NFL multivariate series is a moneyline series only (§5.2 #18).
  assert.equal(d.bySeries.get('KXMVENFLSINGLEGAME')?.type, 'moneyline');
  assert.equal(d.byCode.get('nhl')!.teams.get('LA')!.poly, 'lak');
  assert.equal(d.byCode.get('nfl')!.teams.get('LA')?.poly ?? 'la', 'la');
  assert.deepEqual(selectLeagues(d, ['cfb', 'NBA']).map((l) => l.code), ['ncaaf', 'nba']);
  assert.throws(() => selectLeagues(d, ['xfl']), /unknown league "xfl": use one of epl, /);
});

function expectInvalid(mutated: string, ...patterns: RegExp[]): void {
  assert.throws(
    () => parseLeagues(mutated, 'test-leagues.yaml'),
    (e: Error) => {
      assert.ok(e instanceof ConfigError, `ConfigError, got ${e.name}`);
      for (const p of patterns) assert.match(e.message, p);
      return true;
    },
  );
}

test('an unknown field is rejected with a message naming the item', () => {
  expectInvalid(
    text.replace('{ kalshi: LAL, names:', '{ kalshi: LAL, polyy: lal, names:'),
    /test-leagues\.yaml is invalid/,
    /leagues\[\d+\] \(nba\)\.teams\[13\] \(LAL\): unknown field "polyy"/,
  );
  expectInvalid(text.replace('  - code: nhl\n', '  - code: nhl\n    colour: blue\n'), /leagues\[\d+\] \(nhl\): unknown field "colour"/);
  expectInvalid(text.replace('version: 1', 'version: 1\nextra_top: 1'), /\(top level\): unknown field "extra_top"|unknown field "extra_top"/);
});

test('duplicates and inconsistent entries are rejected naming the item', () => {
  expectInvalid(text.replace('{ kalshi: CFC, poly: che }', '{ kalshi: CFC, poly: ast }'), /\(epl\)\.teams\[1\] \(CFC\): Polymarket code "ast" is already the code of AVL/);
  expectInvalid(text.replace('{ kalshi: LFC, poly: liv }', '{ kalshi: CFC, poly: liv }'), /\(epl\)\.teams\[2\] \(CFC\): Kalshi code CFC is listed twice/);
  expectInvalid(text.replace('moneyline: [KXNHLGAME]', 'moneyline: [KXNBAGAME]'), /\(nhl\): series KXNBAGAME \(moneyline\) is already listed as nba moneyline/);
  expectInvalid(text.replace('poly_prefix: cfb', 'poly_prefix: nba'), /\(ncaaf\): poly_prefix "nba" is also used by nba/);
  expectInvalid(text.replace('    poly_series_id: "10311"\n', ''), /\(lol\): poly_series_id is required for esports leagues/);
  expectInvalid(text.replace('kalshi_time_zone: America/New_York', 'kalshi_time_zone: Mars/Olympus'), /kalshi_time_zone "Mars\/Olympus" is not an IANA time zone/);
  expectInvalid('version: [', /not valid YAML/);
});

// The simulator's catalog uses venue-side codes and names; discovery must be able to pair them
// from leagues.yaml plus what it derives. This keeps the two in step.
test('every simulator team is reachable: code aliases listed, names derivable or aliased', () => {
  const d = loadLeagues();
  for (const sl of SIM_LEAGUES) {
    const league = d.byCode.get(sl.code);
    assert.ok(league, `league ${sl.code} in leagues.yaml`);
    assert.equal(league.polyPrefix, sl.polyPrefix, `${sl.code} prefix`);
    for (const [type, series] of Object.entries(sl.series)) assert.deepEqual(d.bySeries.get(series!) && [d.bySeries.get(series!)!.league.code, d.bySeries.get(series!)!.type], [sl.code, type]);
    for (const t of sl.teams) {
      const alias = league.teams.get(t.k);
      assert.equal(alias?.poly ?? t.k.toLowerCase(), t.p, `${sl.code} ${t.k}: Polymarket code`);
      const names = [t.kn, ...(alias?.names ?? [])];
      const outcome = t.po ?? t.pn;
      const ok = sl.kind === 'esports' ? names.some((n) => esportsMatch(n, outcome, d.esportsAliases) === 'exact') : anyNameMatches(names, t.pn);
      assert.ok(ok, `${sl.code} ${t.k}: Kalshi "${t.kn}" must match Polymarket "${outcome}"`);
      if (NICKNAME_LEAGUES.includes(sl.code)) assert.ok(anyNameMatches(names, nickname(t.pn)), `${sl.code} ${t.k}: Kalshi "${t.kn}" must match the nickname "${nickname(t.pn)}"`);
      // ...and no other team of the league.
      for (const o of sl.teams) {
        if (o === t) continue;
        const other = o.po ?? o.pn;
        const clash = sl.kind === 'esports' ? names.some((n) => esportsMatch(n, other, d.esportsAliases) === 'exact') : anyNameMatches(names, o.pn);
        assert.ok(!clash, `${sl.code} ${t.k} ("${t.kn}") also matches ${o.k} ("${other}")`);
      }
    }
  }
});
