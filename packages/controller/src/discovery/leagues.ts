// The league + team-alias data file (packages/controller/data/leagues.yaml): loaded and validated
// at start. Unknown fields, duplicates and inconsistent entries are errors naming the item.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '@parity/trading';
import type { MarketType } from './types.ts';

export const DEFAULT_LEAGUES_FILE = fileURLToPath(new URL('../../data/leagues.yaml', import.meta.url));
export const LEAGUES_FILE_VERSION = 1;

const code = z.string().regex(/^[A-Z0-9]{1,8}$/, 'a Kalshi team code is 1-8 upper-case letters/digits');
const polyCode = z.string().regex(/^[a-z0-9_]{1,24}$/, 'a Polymarket slug code is lower-case letters/digits');
const seriesList = z.array(z.string().regex(/^[A-Z0-9]+$/, 'a Kalshi series ticker is upper-case letters/digits')).min(1);

const TeamSchema = z.strictObject({
  kalshi: code,
  poly: polyCode.optional(),
  names: z.array(z.string().min(1)).min(1).optional(),
});

const LeagueSchema = z.strictObject({
  code: z.string().regex(/^[a-z0-9]+$/, 'a league code is lower-case letters/digits'),
  name: z.string().min(1),
  kind: z.enum(['soccer', 'us', 'esports']),
  enabled: z.boolean().default(true),
  poly_prefix: polyCode,
  poly_series_id: z.string().regex(/^\d+$/).optional(),
  team_order: z.enum(['home-away', 'away-home']).optional(),
  kalshi_web_slug: z.string().min(1).optional(),
  series: z.strictObject({
    moneyline: seriesList.optional(),
    spread: seriesList.optional(),
    total: seriesList.optional(),
    btts: seriesList.optional(),
  }),
  teams: z.array(TeamSchema).default([]),
});

const FileSchema = z.strictObject({
  version: z.literal(LEAGUES_FILE_VERSION),
  kalshi_time_zone: z.string().min(1),
  draw: z.strictObject({ kalshi: code, poly: polyCode }),
  // Each league is validated on its own, so a bad entry can be skipped (lenient) or named (strict).
  leagues: z.array(z.unknown()).min(1),
  esports_aliases: z.record(z.string().regex(/^[a-z0-9-]+$/), z.array(z.string().min(1)).min(1)).default({}),
});

export type LeagueKind = 'soccer' | 'us' | 'esports';

export interface TeamAlias {
  kalshi: string;
  poly: string;
  names: string[];
}

export interface League {
  code: string;
  name: string;
  kind: LeagueKind;
  enabled: boolean;
  polyPrefix: string;
  polySeriesId: string | null;
  teamOrder: 'home-away' | 'away-home' | null;
  hasDraws: boolean;
  kalshiWebSlug: string | null;
  series: Partial<Record<MarketType, string[]>>;
  /** Kalshi code (upper case) -> alias entry. */
  teams: Map<string, TeamAlias>;
  /** Polymarket code -> Kalshi code (the deterministic reverse of `teams`). */
  polyToKalshi: Map<string, string>;
}

export interface LeagueData {
  version: number;
  source: string;
  /** sha256 of the file text: cached discovery results from another version are not reused. */
  hash: string;
  kalshiTimeZone: string;
  draw: { kalshi: string; poly: string };
  leagues: League[];
  byCode: Map<string, League>;
  /** Kalshi series ticker -> the league and market type it lists. */
  bySeries: Map<string, { league: League; type: MarketType }>;
  /** Compact alias -> canonical esports team. */
  esportsAliases: Map<string, string>;
  /** Lenient loads only: why each left-out league entry was left out (names the item). */
  skipped: string[];
}

/** Load and validate a leagues file; throws ConfigError naming the file and the item (see parseLeagues). */
export function loadLeagues(file: string = DEFAULT_LEAGUES_FILE, opts: { lenient?: boolean } = {}): LeagueData {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read leagues file ${file}: ${(err as Error).message}`);
  }
  return parseLeagues(text, file, opts);
}

/**
 * Parse and validate a leagues file. Strict (default): any problem is a ConfigError listing every
 * problem by item. Lenient: a league entry with a problem is left out and named in `skipped`
 * (discovery reports it and carries on with the other leagues); file-level problems still throw.
 */
export function parseLeagues(text: string, source = 'leagues.yaml', opts: { lenient?: boolean } = {}): LeagueData {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 10).map((i) => `  ${describePath(raw, i.path)}: ${issueText(i)}`);
    throw new ConfigError(`${source} is invalid:\n${lines.join('\n')}\nfix the file (format: see the comments at its top)`);
  }
  const f = parsed.data;
  try {
    validateTimeZone(f.kalshi_time_zone);
  } catch {
    throw new ConfigError(`${source}: kalshi_time_zone ${JSON.stringify(f.kalshi_time_zone)} is not an IANA time zone`);
  }
  const fileProblems: string[] = [];
  const leagueProblems: string[][] = f.leagues.map(() => []);
  const leagues: League[] = [];
  const byCode = new Map<string, League>();
  const bySeries = new Map<string, { league: League; type: MarketType }>();
  const prefixes = new Map<string, string>();
  f.leagues.forEach((rawLeague, li) => {
    const problems = leagueProblems[li]!;
    const name = (rawLeague as { code?: unknown } | null)?.code;
    const where = `leagues[${li}]${typeof name === 'string' ? ` (${name})` : ''}`;
    const lp = LeagueSchema.safeParse(rawLeague);
    if (!lp.success) {
      for (const i of lp.error.issues.slice(0, 10)) problems.push(`${describePath(raw, ['leagues', li, ...i.path])}: ${issueText(i)}`);
      return;
    }
    const l = lp.data;
    if (byCode.has(l.code)) problems.push(`${where}: duplicate league code "${l.code}"`);
    const prev = prefixes.get(l.poly_prefix);
    if (prev) problems.push(`${where}: poly_prefix "${l.poly_prefix}" is also used by ${prev}`);
    if (l.kind !== 'esports' && !l.team_order) problems.push(`${where}: team_order is required for ${l.kind} leagues`);
    if (l.kind === 'esports' && !l.poly_series_id) problems.push(`${where}: poly_series_id is required for esports leagues`);
    if (l.kind === 'esports' && Object.keys(l.series).some((t) => t !== 'moneyline')) {
      problems.push(`${where}: esports leagues list only moneyline (match winner) series`);
    }
    const teams = new Map<string, TeamAlias>();
    const polyToKalshi = new Map<string, string>();
    l.teams.forEach((t, ti) => {
      const tw = `${where}.teams[${ti}] (${t.kalshi})`;
      const poly = t.poly ?? t.kalshi.toLowerCase();
      if (teams.has(t.kalshi)) problems.push(`${tw}: Kalshi code ${t.kalshi} is listed twice`);
      const other = polyToKalshi.get(poly);
      if (other !== undefined) problems.push(`${tw}: Polymarket code "${poly}" is already the code of ${other}`);
      if (t.poly !== undefined && t.poly === t.kalshi.toLowerCase()) problems.push(`${tw}: poly "${t.poly}" equals the Kalshi code; omit it`);
      if (t.poly === undefined && t.names === undefined) problems.push(`${tw}: an entry needs "poly" or "names" (identity codes need no entry)`);
      teams.set(t.kalshi, { kalshi: t.kalshi, poly, names: t.names ?? [] });
      polyToKalshi.set(poly, t.kalshi);
    });
    for (const [type, list] of Object.entries(l.series) as [MarketType, string[] | undefined][]) {
      for (const s of list ?? []) {
        const seen = bySeries.get(s);
        if (seen) problems.push(`${where}: series ${s} (${type}) is already listed as ${seen.league.code} ${seen.type}`);
      }
    }
    if (problems.length > 0) return;
    const league: League = {
      code: l.code,
      name: l.name,
      kind: l.kind,
      enabled: l.enabled,
      polyPrefix: l.poly_prefix,
      polySeriesId: l.poly_series_id ?? null,
      teamOrder: l.team_order ?? null,
      hasDraws: l.kind === 'soccer',
      kalshiWebSlug: l.kalshi_web_slug ?? null,
      series: l.series,
      teams,
      polyToKalshi,
    };
    prefixes.set(l.poly_prefix, l.code);
    for (const [type, list] of Object.entries(l.series) as [MarketType, string[] | undefined][]) {
      for (const s of list ?? []) bySeries.set(s, { league, type });
    }
    leagues.push(league);
    byCode.set(l.code, league);
  });
  const esportsAliases = new Map<string, string>();
  for (const [canon, aliases] of Object.entries(f.esports_aliases)) {
    for (const a of [canon, ...aliases]) {
      const k = compact(a);
      const prev = esportsAliases.get(k);
      if (prev !== undefined && prev !== canon) fileProblems.push(`esports_aliases.${canon}: alias "${a}" already names ${prev}`);
      esportsAliases.set(k, canon);
    }
  }
  const skipped = leagueProblems.flat();
  if (fileProblems.length > 0 || (skipped.length > 0 && !opts.lenient)) {
    throw new ConfigError(`${source} is invalid:\n  ${[...fileProblems, ...skipped].join('\n  ')}`);
  }
  if (leagues.length === 0) throw new ConfigError(`${source}: no usable league:\n  ${skipped.join('\n  ')}`);
  return {
    version: f.version,
    source,
    hash: createHash('sha256').update(text).digest('hex'),
    kalshiTimeZone: f.kalshi_time_zone,
    draw: f.draw,
    leagues,
    byCode,
    bySeries,
    esportsAliases,
    skipped,
  };
}

/**
 * Pick leagues by code or Polymarket prefix ("nba,epl" or "cfb"); empty = all enabled.
 * Unknown names are an error listing the valid ones.
 */
export function selectLeagues(data: LeagueData, names: readonly string[] | undefined): League[] {
  const wanted = (names ?? []).map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (wanted.length === 0) return data.leagues.filter((l) => l.enabled);
  const out: League[] = [];
  for (const w of wanted) {
    const l = data.byCode.get(w) ?? data.leagues.find((x) => x.polyPrefix === w);
    if (!l) throw new ConfigError(`unknown league "${w}": use one of ${data.leagues.map((x) => x.code).join(', ')}`);
    if (!out.includes(l)) out.push(l);
  }
  return out;
}

export function compact(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function validateTimeZone(tz: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone: tz });
}

function issueText(i: z.core.$ZodIssue): string {
  if (i.code === 'unrecognized_keys') return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
  return i.message;
}

/** "leagues[3] (nba).teams[2] (LAL).polyy" — array items named by their code when they have one. */
function describePath(raw: unknown, path: readonly PropertyKey[]): string {
  let out = '';
  let cur: unknown = raw;
  for (const p of path) {
    if (typeof p === 'number') {
      out += `[${p}]`;
      cur = Array.isArray(cur) ? cur[p] : undefined;
      const name = cur && typeof cur === 'object' ? ((cur as Record<string, unknown>).code ?? (cur as Record<string, unknown>).kalshi) : undefined;
      if (typeof name === 'string') out += ` (${name})`;
    } else {
      out += out === '' ? String(p) : `.${String(p)}`;
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p as string] : undefined;
    }
  }
  return out === '' ? '(top level)' : out;
}
