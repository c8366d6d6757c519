// PAIRS_FILE loading (YAML and JSON), normalization, errors with positions, run-time registry.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPairsFile, parsePairsText, PairsFileError } from '../src/pairs/pairs-file.ts';
import { PairRegistry } from '../src/pairs/registry.ts';
import type { Pair } from '../src/model.ts';

const YES = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const NO = '52114319501245915516055106046884209969926127482827954674443846427813813222426';

const GOOD_YAML = `version: 1
pairs:
  - id: LAL
    description: "Lakers at Celtics: Lakers win"
    kalshi_ticker: KXNBAGAME-26NOV25LALBOS-LAL
    poly_yes_token: "${YES}"
    poly_no_token: "${NO}"
    kalshi_yes_pays_with: poly_yes
    league: nba
    market_type: moneyline
    poly_neg_risk: false
  - description: "Lakers at Celtics: Celtics win"
    kalshi_ticker: KXNBAGAME-26NOV25LALBOS-BOS
    poly_yes_token: "${YES}"
    poly_no_token: "${NO}"
    kalshi_yes_pays_with: poly_no
`;

function errorOf(text: string, name = 'pairs.yaml'): PairsFileError {
  try {
    parsePairsText(text, name);
  } catch (e) {
    assert.ok(e instanceof PairsFileError, `expected PairsFileError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the file to be rejected');
}

test('YAML file: normalized so polyYesToken pays when Kalshi YES pays', () => {
  const pairs = parsePairsText(GOOD_YAML, 'pairs.yaml');
  assert.equal(pairs.length, 2);
  assert.deepEqual(pairs[0], {
    id: 'LAL',
    description: 'Lakers at Celtics: Lakers win',
    kalshiTicker: 'KXNBAGAME-26NOV25LALBOS-LAL',
    polyYesToken: YES,
    polyNoToken: NO,
    league: 'nba',
    marketType: 'moneyline',
    source: 'file',
  });
  // id defaults to the ticker; poly_no pays on Kalshi YES -> tokens swapped
  assert.equal(pairs[1]!.id, 'KXNBAGAME-26NOV25LALBOS-BOS');
  assert.equal(pairs[1]!.polyYesToken, NO);
  assert.equal(pairs[1]!.polyNoToken, YES);
});

test('JSON file through the same loader; unquoted token ids keep every digit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pairs-'));
  const path = join(dir, 'pairs.json');
  writeFileSync(
    path,
    `{"version": 1, "pairs": [{"description": "d", "kalshi_ticker": "KX-A", "poly_yes_token": ${YES}, "poly_no_token": "${NO}", "kalshi_yes_pays_with": "poly_yes"}]}`,
  );
  const pairs = loadPairsFile(path);
  assert.equal(pairs[0]!.polyYesToken, YES);
  assert.equal(pairs[0]!.polyNoToken, NO);
});

test('invalid files fail with file:line:col and the problem', () => {
  let e = errorOf(GOOD_YAML.replace('kalshi_yes_pays_with: poly_no', 'kalshi_yes_pays_with: maybe'));
  assert.match(e.message, /pairs\.yaml:16:\d+: pairs\[1\]\.kalshi_yes_pays_with: must say which Polymarket token pays/);
  // missing required field -> points at the entry
  e = errorOf(GOOD_YAML.replace('    kalshi_yes_pays_with: poly_yes\n', ''));
  assert.match(e.message, /pairs\.yaml:3:\d+: pairs\[0\]\.kalshi_yes_pays_with/);
  // unknown (misspelled) field
  e = errorOf(GOOD_YAML.replace('league: nba', 'leauge: nba'));
  assert.match(e.message, /pairs\.yaml:\d+:\d+: pairs\[0\]: unknown field\(s\) "leauge"/);
  // non-numeric token
  e = errorOf(GOOD_YAML.replace(`poly_no_token: "${NO}"`, 'poly_no_token: "abc"'));
  assert.match(e.message, /pairs\.yaml:7:\d+: pairs\[0\]\.poly_no_token: must be a Polymarket token id/);
  // same token on both sides
  e = errorOf(GOOD_YAML.replace(`poly_no_token: "${NO}"`, `poly_no_token: "${YES}"`));
  assert.match(e.message, /pairs\[0\]\.poly_no_token: poly_yes_token and poly_no_token are the same token/);
  // duplicate ids
  e = errorOf(GOOD_YAML.replace('  - description', '  - id: LAL\n    description'));
  assert.match(e.message, /pairs\.yaml:12:\d+: pairs\[1\]: id "LAL" is already used by pairs\[0\]/);
  // wrong version
  e = errorOf(GOOD_YAML.replace('version: 1', 'version: 2'));
  assert.match(e.message, /pairs\.yaml:1:\d+: version: must be 1/);
  // syntax error
  e = errorOf('version: 1\npairs:\n  - id: [unclosed\n');
  assert.match(e.message, /not valid YAML\/JSON/);
  assert.match(e.problems[0]!, /^pairs\.yaml:\d+:\d+: /);
  // a missing file says what to do
  assert.throws(() => loadPairsFile('/nonexistent/pairs.yaml'), /cannot read PAIRS_FILE \/nonexistent\/pairs\.yaml.*set PAIRS_FILE/);
});

test('registry: add/remove at run time, listeners notified, manual entries win', () => {
  const file = parsePairsText(GOOD_YAML, 'p.yaml');
  const reg = new PairRegistry(file);
  const events: string[] = [];
  reg.listen({ pairAdded: (p) => events.push(`+${p.id}`), pairRemoved: (p) => events.push(`-${p.id}`) });
  const disc = (id: string, ticker: string): Pair => ({ id, description: id, kalshiTicker: ticker, polyYesToken: '1', polyNoToken: '2', source: 'discovery' });
  assert.equal(reg.add(disc('LAL', 'OTHER')), false, 'discovery cannot replace a file pair id');
  assert.equal(reg.add(disc('D1', 'KXNBAGAME-26NOV25LALBOS-LAL')), false, 'nor pair a ticker the file already pairs');
  assert.equal(reg.add(disc('D2', 'KX-NEW')), true);
  assert.equal(reg.add({ ...disc('D2', 'KX-NEW'), source: 'file' }), true, 'a file entry replaces a discovered one');
  assert.equal(reg.get('D2')!.source, 'file');
  assert.equal(reg.remove('D2'), true);
  assert.equal(reg.remove('D2'), false);
  assert.deepEqual(events, ['+D2', '-D2', '+D2', '-D2']);
  assert.equal(reg.size, 2);
});
