// Kalshi event/market ticker parsing (discovery-and-arb.md §1.5, kalshi.md §10.1), with the
// team split driven by league context (§5.2 #10): the event's own market suffixes first, then
// the codes seen across the league, and the length heuristic of the reference only as a last
// resort (a wrong split only produces a slug that does not exist; names are checked later).

const MONTHS: Record<string, string> = {
  JAN: '01', FEB: '02', MAR: '03', APR: '04', MAY: '05', JUN: '06',
  JUL: '07', AUG: '08', SEP: '09', OCT: '10', NOV: '11', DEC: '12',
};

export class TickerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TickerError';
  }
}

/** `26JAN17` -> `2026-01-17`. Unknown months and impossible days are errors (§5.2 #16). */
export function parseKalshiDate(s: string): string {
  const m = /^(\d{2})([A-Z]{3})(\d{2})$/.exec(s);
  if (!m) throw new TickerError(`date "${s}" is not YYMMMDD (e.g. 26JAN17)`);
  const month = MONTHS[m[2]!];
  if (!month) throw new TickerError(`date "${s}" has an unknown month "${m[2]}"`);
  const iso = `20${m[1]}-${month}-${m[3]}`;
  if (!isValidIsoDate(iso)) throw new TickerError(`date "${s}" is not a calendar day`);
  return iso;
}

export function isValidIsoDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === iso;
}

export interface ParsedEventTicker {
  series: string;
  /** ISO date of the event as Kalshi labels it (its local calendar day). */
  date: string;
  rawDate: string;
  /** Concatenated team codes, e.g. CFCAVL. */
  teams: string;
}

/**
 * `SERIES-YYMMMDDTEAMS` (KXEPLGAME-25DEC27CFCAVL) or `SERIES-YYMMMDDx-TEAMS`
 * (KXNCAAFGAME-25DEC27M-OHFRES).
 */
export function parseEventTicker(eventTicker: string): ParsedEventTicker {
  const parts = eventTicker.split('-');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new TickerError(`event ticker "${eventTicker}" is not SERIES-YYMMMDDTEAMS or SERIES-YYMMMDDx-TEAMS`);
  }
  const series = parts[0]!;
  const second = parts[1]!;
  const rawDate = second.slice(0, 7);
  let teams: string;
  if (parts.length === 3) {
    if (second.length > 8) throw new TickerError(`event ticker "${eventTicker}": "${second}" is not a date (YYMMMDD plus at most one letter)`);
    teams = parts[2]!;
  } else {
    teams = second.slice(7);
  }
  let date: string;
  try {
    date = parseKalshiDate(rawDate);
  } catch (err) {
    throw new TickerError(`event ticker "${eventTicker}": ${(err as Error).message}`);
  }
  if (!/^[A-Z0-9]{2,16}$/.test(teams)) {
    throw new TickerError(`event ticker "${eventTicker}": team part "${teams}" is not 2-16 upper-case letters/digits`);
  }
  return { series, date, rawDate, teams };
}

/** The outcome code of a market: what follows its event ticker (`...CFCAVL-CFC` -> `CFC`). */
export function marketSuffix(marketTicker: string, eventKey: string): string | null {
  if (marketTicker.startsWith(`${eventKey}-`)) {
    const rest = marketTicker.slice(eventKey.length + 1);
    return rest === '' ? null : rest.toUpperCase();
  }
  return null;
}

export type SplitHow = 'event-suffixes' | 'league-codes' | 'partial' | 'heuristic';

export interface TeamSplit {
  codes: [string, string];
  how: SplitHow;
}

/**
 * Split concatenated team codes. `local` = codes named by the event's own market suffixes,
 * `known` = codes seen elsewhere in the league (this run) or listed in the data file.
 * Throws when several splits are equally supported.
 */
export function splitTeams(teams: string, local: ReadonlySet<string>, known: ReadonlySet<string>): TeamSplit {
  const strength = (c: string): number => (local.has(c) ? 2 : known.has(c) ? 1 : 0);
  type Cand = { a: string; b: string; sa: number; sb: number };
  const cands: Cand[] = [];
  for (let i = 1; i < teams.length; i++) {
    const a = teams.slice(0, i);
    const b = teams.slice(i);
    cands.push({ a, b, sa: strength(a), sb: strength(b) });
  }
  const pick = (xs: Cand[], score: (c: Cand) => number, how: (c: Cand) => SplitHow): TeamSplit | null => {
    if (xs.length === 0) return null;
    const best = Math.max(...xs.map(score));
    const top = xs.filter((c) => score(c) === best);
    if (top.length > 1) {
      throw new TickerError(`team part "${teams}" splits several ways (${top.map((c) => `${c.a}+${c.b}`).join(', ')})`);
    }
    const c = top[0]!;
    return { codes: [c.a, c.b], how: how(c) };
  };
  const both = cands.filter((c) => c.sa > 0 && c.sb > 0);
  const r1 = pick(both, (c) => c.sa + c.sb, (c) => (c.sa === 2 || c.sb === 2 ? 'event-suffixes' : 'league-codes'));
  if (r1) return r1;
  const one = cands.filter((c) => (c.sa > 0 && c.b.length >= 2 && c.b.length <= 5) || (c.sb > 0 && c.a.length >= 2 && c.a.length <= 5));
  const r2 = pick(one, (c) => Math.max(c.sa, c.sb), () => 'partial');
  if (r2) return r2;
  return { codes: heuristicSplit(teams), how: 'heuristic' };
}

/** The reference's length rules (§1.5), without its 2-letter list: a last resort only. */
function heuristicSplit(t: string): [string, string] {
  const L = t.length;
  const at = L === 4 ? 2 : L === 5 || L === 6 ? 3 : L === 7 ? 3 : L >= 8 ? 4 : Math.floor(L / 2);
  return [t.slice(0, at), t.slice(at)];
}

/**
 * Team code of a spread suffix (`DEN12` -> DEN) among the event's two codes: the code the
 * suffix starts with, followed only by digits. Codes may contain digits themselves (M05).
 */
export function spreadSuffixTeam(suffix: string, codes: readonly [string, string]): 0 | 1 | null {
  const hits = ([0, 1] as const).filter((i) => suffix.startsWith(codes[i]) && /^\d+$/.test(suffix.slice(codes[i].length)));
  return hits.length === 1 ? hits[0]! : null;
}

/** A hint for the split from a spread suffix: the letters before the trailing line digits. */
export function spreadSuffixHint(suffix: string): string | null {
  const m = /^([A-Z][A-Z0-9]*?[A-Z])\d+$/.exec(suffix);
  return m ? m[1]! : null;
}
