// Polymarket slugs (discovery-and-arb.md §1.6, §1.10): building them from a Kalshi event and
// moving their date. Slugs are only lookup keys; equivalence is proven from the market itself.

import { isValidIsoDate } from './ticker.ts';

/** 12.5 -> "12pt5", 3 -> "3pt0", 2.25 -> "2pt25". */
export function lineToSlug(line: number): string {
  const s = Number.isInteger(line * 10) ? line.toFixed(1) : String(line);
  return s.replace('-', 'm').replace('.', 'pt');
}

/** Adds `days` to an ISO date, with month/year rollover and leap years. */
export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const DATE_IN_SLUG = /-(\d{4}-\d{2}-\d{2})(?=-|$)/;

/** The ISO date a slug carries (`nba-lal-bos-2026-01-17-...`), or null. */
export function slugDate(slug: string): string | null {
  const m = DATE_IN_SLUG.exec(slug);
  return m && isValidIsoDate(m[1]!) ? m[1]! : null;
}

/** The same slug one day later (`...-2024-02-28` -> `...-2024-02-29`), or null without a date. */
export function nextDaySlug(slug: string): string | null {
  const d = slugDate(slug);
  if (!d) return null;
  return slug.replace(DATE_IN_SLUG, `-${addDays(d, 1)}`);
}

/** `sea-pis-ata-2026-01-16-total-3pt5` -> `sea-pis-ata-2026-01-16`. */
export function slugBase(slug: string): string | null {
  const m = DATE_IN_SLUG.exec(slug);
  if (!m || !isValidIsoDate(m[1]!)) return null;
  return slug.slice(0, m.index + m[0].length);
}

export interface SlugParts {
  prefix: string;
  /** Polymarket codes of the two teams, in Kalshi ticker order. */
  teams: [string, string];
  date: string;
}

export function baseSlug(p: SlugParts): string {
  return `${p.prefix}-${p.teams[0]}-${p.teams[1]}-${p.date}`;
}
