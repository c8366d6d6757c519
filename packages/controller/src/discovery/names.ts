// Team names across venues: normalization, "A vs B" titles, and matching.
//
// Sports: a name matches another when all the words of one are words of the other
// ("Boston" ~ "Boston Celtics", "Chelsea" ~ "Chelsea FC"). Esports (§1.9): canonical forms
// ("FURIA Esports" -> "furia", "Gen.G" -> "geng") resolved through the alias table; fuzzy
// rules exist but only ever send a candidate to review.

import { compact } from './leagues.ts';

/** Words that carry no identity in club names. Kept short on purpose ("AC" Milan vs Inter Milan). */
const FILLER = new Set(['fc', 'cf', 'afc', 'the']);

const wordsCache = new Map<string, string[]>();

/** Lower-case words without accents or punctuation; "St." -> "st", "A&M" -> "a and m". */
export function nameWords(s: string): string[] {
  let w = wordsCache.get(s);
  if (w === undefined) {
    // Names repeat across thousands of checks: normalize each once (bounded memo).
    if (wordsCache.size > 20_000) wordsCache.clear();
    w = computeWords(s);
    wordsCache.set(s, w);
  }
  return w;
}

function computeWords(s: string): string[] {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’.]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && !FILLER.has(w));
}

/** True when the words of one name are all among the words of the other. */
export function namesMatch(a: string, b: string): boolean {
  const wa = nameWords(a);
  const wb = nameWords(b);
  if (wa.length === 0 || wb.length === 0) return false;
  const sb = new Set(wb);
  const sa = new Set(wa);
  return wa.every((w) => sb.has(w)) || wb.every((w) => sa.has(w));
}

export function anyNameMatches(names: readonly string[], target: string): boolean {
  return names.some((n) => namesMatch(n, target));
}

/** True when one of `names` appears as consecutive words in `text` ("Will Chelsea FC win ...?"). */
export function textMentions(text: string, names: readonly string[]): boolean {
  const t = nameWords(text);
  return names.some((n) => {
    const w = nameWords(n);
    if (w.length === 0) return false;
    for (let i = 0; i + w.length <= t.length; i++) {
      if (w.every((x, j) => t[i + j] === x)) return true;
    }
    return false;
  });
}

const VS = /\s+(?:vs\.?|v\.?|at|@)\s+/i;

/**
 * Two team names from a title: `Game: A vs B (BO3)`, `Game: A vs B - Stage`, `A vs. B`,
 * `A at B Winner?`, `A at B: Spread`. Null when no segment holds a separator.
 */
export function parseVsTitle(title: string): [string, string] | null {
  for (const seg of title.split(/:\s+/)) {
    const parts = seg.split(VS);
    if (parts.length !== 2) continue;
    const a = parts[0]!.trim();
    const b = parts[1]!
      .replace(/\s+\((?:BO\d+|bo\d+)\).*$/, '')
      .replace(/\s+-\s+.*$/, '')
      .replace(/\s+(?:Winner|winner)\??$/, '')
      .replace(/\?+$/, '')
      .trim();
    if (a !== '' && b !== '') return [a, b];
  }
  return null;
}

/** §1.9 step 3: lower case, drop trailing esports/gaming/team/clan and leading team/clan, join with "-". */
export function esportsNormalize(name: string): string {
  let w = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['.’]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((x) => x !== '');
  while (w.length > 1 && ['esports', 'gaming', 'team', 'clan'].includes(w[w.length - 1]!)) w = w.slice(0, -1);
  while (w.length > 1 && ['team', 'clan'].includes(w[0]!)) w = w.slice(1);
  return w.join('-');
}

export type EsportsMatch = 'exact' | 'fuzzy' | null;

/** Canonical team: the alias table's entry for the name (compared without separators), else its normal form. */
export function esportsCanonical(name: string, aliases: ReadonlyMap<string, string>): string {
  const n = esportsNormalize(name);
  return aliases.get(compact(n)) ?? aliases.get(compact(name)) ?? n;
}

export function esportsMatch(a: string, b: string, aliases: ReadonlyMap<string, string>): EsportsMatch {
  const ca = esportsCanonical(a, aliases);
  const cb = esportsCanonical(b, aliases);
  if (ca === '' || cb === '') return null;
  if (ca === cb || compact(ca) === compact(cb)) return 'exact';
  return fuzzyEsports(ca, cb) ? 'fuzzy' : null;
}

/** The reference's fallbacks (§1.9 step 4): prefix, initials, first component, acronym, letters in order. */
function fuzzyEsports(a: string, b: string): boolean {
  const ca = compact(a);
  const cb = compact(b);
  const [short, long] = ca.length <= cb.length ? [ca, cb] : [cb, ca];
  if (short.length >= 3 && long.startsWith(short)) return true;
  const initials = (s: string): string => s.split('-').map((p) => p[0] ?? '').join('');
  const sa = a.includes('-') ? initials(a) : '';
  const sb = b.includes('-') ? initials(b) : '';
  if ((sa.length >= 2 && sa === cb) || (sb.length >= 2 && sb === ca)) return true;
  const fa = a.split('-')[0]!;
  const fb = b.split('-')[0]!;
  if (fa.length >= 3 && fb.length >= 3 && (fa.startsWith(fb) || fb.startsWith(fa)) && (a.includes('-') || b.includes('-'))) return true;
  if (short.length >= 2 && short.length <= 4) {
    let i = 0;
    for (const ch of long) if (ch === short[i]) i++;
    if (i === short.length && long[0] === short[0]) return true;
  }
  return false;
}
