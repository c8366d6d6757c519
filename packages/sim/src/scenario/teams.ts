// Realistic sports names for generated scenarios: Kalshi codes/short names, Polymarket names.

export interface Team {
  /** Kalshi ticker code, e.g. LAL. */
  code: string;
  /** Kalshi sub-title style, e.g. "Los Angeles L". */
  kalshiName: string;
  /** Polymarket outcome label, e.g. "Lakers". */
  polyName: string;
}

export interface League {
  id: string;
  /** Kalshi game series. */
  series: string;
  seriesTitle: string;
  /** Polymarket slug prefix. */
  slug: string;
  teams: Team[];
}

const t = (code: string, kalshiName: string, polyName: string): Team => ({ code, kalshiName, polyName });

export const LEAGUES: League[] = [
  {
    id: 'nba',
    series: 'KXNBAGAME',
    seriesTitle: 'Professional Basketball Game',
    slug: 'nba',
    teams: [
      t('LAL', 'Los Angeles L', 'Lakers'),
      t('BOS', 'Boston', 'Celtics'),
      t('GSW', 'Golden State', 'Warriors'),
      t('DEN', 'Denver', 'Nuggets'),
      t('MIA', 'Miami', 'Heat'),
      t('NYK', 'New York K', 'Knicks'),
      t('PHX', 'Phoenix', 'Suns'),
      t('MIL', 'Milwaukee', 'Bucks'),
      t('DAL', 'Dallas', 'Mavericks'),
      t('OKC', 'Oklahoma City', 'Thunder'),
      t('CLE', 'Cleveland', 'Cavaliers'),
      t('SAS', 'San Antonio', 'Spurs'),
    ],
  },
  {
    id: 'nhl',
    series: 'KXNHLGAME',
    seriesTitle: 'Professional Hockey Game',
    slug: 'nhl',
    teams: [
      t('TOR', 'Toronto', 'Maple Leafs'),
      t('MTL', 'Montreal', 'Canadiens'),
      t('EDM', 'Edmonton', 'Oilers'),
      t('VGK', 'Vegas', 'Golden Knights'),
      t('NYR', 'New York R', 'Rangers'),
      t('BOS', 'Boston', 'Bruins'),
      t('COL', 'Colorado', 'Avalanche'),
      t('FLA', 'Florida', 'Panthers'),
    ],
  },
  {
    id: 'nfl',
    series: 'KXNFLGAME',
    seriesTitle: 'Professional Football Game',
    slug: 'nfl',
    teams: [
      t('KC', 'Kansas City', 'Chiefs'),
      t('BUF', 'Buffalo', 'Bills'),
      t('PHI', 'Philadelphia', 'Eagles'),
      t('DAL', 'Dallas', 'Cowboys'),
      t('SF', 'San Francisco', '49ers'),
      t('DET', 'Detroit', 'Lions'),
      t('BAL', 'Baltimore', 'Ravens'),
      t('GB', 'Green Bay', 'Packers'),
    ],
  },
];

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Kalshi event date code: 2026-11-25 -> 26NOV25. */
export function kalshiDate(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCFullYear()).slice(2)}${MONTHS[d.getUTCMonth()]}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** Polymarket slug date: 2026-11-25. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
