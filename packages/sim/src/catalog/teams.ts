// Leagues and teams the catalog generator draws from. Codes and names follow the venues'
// conventions: Kalshi uses short names ("Boston", "Man City") and its own codes (CFC), Polymarket
// full names ("Boston Celtics", "Manchester City FC") and its own slug codes (che).
// Series tickers and Polymarket prefixes match packages/controller/data/leagues.yaml.

export type SimKind = 'soccer' | 'us' | 'esports';
export type SimMarketType = 'moneyline' | 'spread' | 'total' | 'btts';

export interface SimTeam {
  /** Kalshi code (ticker). */
  k: string;
  /** Polymarket slug code. */
  p: string;
  /** Kalshi's name (yes_sub_title, titles). */
  kn: string;
  /** Polymarket's name (outcomes, questions, event titles). */
  pn: string;
  /** Esports: the outcome label Polymarket uses when it is not the full name ("WB", "TES"). */
  po?: string;
}

export interface SimLeague {
  code: string;
  kind: SimKind;
  polyPrefix: string;
  /** Gamma series id (esports listings). */
  polySeriesId?: string;
  /** Game title used in esports Gamma titles ("LoL"). */
  gameName?: string;
  tournament?: string;
  series: Partial<Record<SimMarketType, string>>;
  teams: SimTeam[];
}

const TWO_WORD_NICKNAMES = ['Red Sox', 'White Sox', 'Blue Jays', 'Maple Leafs', 'Red Wings', 'Golden Knights', 'Blue Jackets', 'Trail Blazers', 'Crimson Tide', 'Black Knights'];

/** Pro leagues whose teams Polymarket may list by nickname alone (college nicknames are not unique). */
export const NICKNAME_LEAGUES: readonly string[] = ['nba', 'nfl', 'nhl', 'mlb'];

/** A US team's nickname as Polymarket sometimes lists it alone ("Boston Celtics" -> "Celtics"). */
export function nickname(polyName: string): string {
  const two = TWO_WORD_NICKNAMES.find((n) => polyName.endsWith(` ${n}`));
  return two ?? polyName.split(' ').pop()!;
}

/** [kalshi, poly (null = same as kalshi, lower case), kalshi name, poly name, poly outcome label] */
type Row = [string, string | null, string, string, string?];

const t = (rows: Row[]): SimTeam[] =>
  rows.map(([k, p, kn, pn, po]) => ({ k, p: p ?? k.toLowerCase(), kn, pn, ...(po ? { po } : {}) }));

const soccer4 = (x: string): Partial<Record<SimMarketType, string>> => ({
  moneyline: `KX${x}GAME`,
  spread: `KX${x}SPREAD`,
  total: `KX${x}TOTAL`,
  btts: `KX${x}BTTS`,
});
const us3 = (x: string): Partial<Record<SimMarketType, string>> => ({ moneyline: `KX${x}GAME`, spread: `KX${x}SPREAD`, total: `KX${x}TOTAL` });

export const SIM_LEAGUES: SimLeague[] = [
  {
    code: 'epl', kind: 'soccer', polyPrefix: 'epl', series: soccer4('EPL'),
    teams: t([
      ['ARS', null, 'Arsenal', 'Arsenal FC'], ['AVL', 'ast', 'Aston Villa', 'Aston Villa FC'], ['CFC', 'che', 'Chelsea', 'Chelsea FC'],
      ['LFC', 'liv', 'Liverpool', 'Liverpool FC'], ['MCI', 'mac', 'Man City', 'Manchester City FC'], ['MUN', null, 'Man Utd', 'Manchester United FC'],
      ['NFO', 'not', 'Nottingham', 'Nottingham Forest FC'], ['WHU', 'wes', 'West Ham', 'West Ham United FC'], ['TOT', null, 'Tottenham', 'Tottenham Hotspur FC'],
      ['NEW', null, 'Newcastle', 'Newcastle United FC'], ['EVE', null, 'Everton', 'Everton FC'], ['LEE', null, 'Leeds', 'Leeds United FC'],
      ['WOL', null, 'Wolves', 'Wolverhampton Wanderers FC'],
    ]),
  },
  {
    code: 'bundesliga', kind: 'soccer', polyPrefix: 'bun', series: soccer4('BUNDESLIGA'),
    teams: t([
      ['BMU', 'bay', 'Bayern Munich', 'FC Bayern München'], ['BVB', 'dor', 'Dortmund', 'Borussia Dortmund'], ['LEV', 'b04', 'Leverkusen', 'Bayer 04 Leverkusen'],
      ['RBL', 'lei', 'Leipzig', 'RB Leipzig'], ['SGE', 'ein', 'Frankfurt', 'Eintracht Frankfurt'], ['BMG', 'moe', 'Gladbach', 'Borussia Mönchengladbach'],
      ['VFB', 'stu', 'Stuttgart', 'VfB Stuttgart'], ['SVW', 'wer', 'Werder Bremen', 'SV Werder Bremen'], ['WOB', 'wol', 'Wolfsburg', 'VfL Wolfsburg'],
      ['FCA', 'aug', 'Augsburg', 'FC Augsburg'], ['SCF', 'fre', 'Freiburg', 'SC Freiburg'], ['FCH', 'hei', 'Heidenheim', '1. FC Heidenheim'],
      ['M05', 'mai', 'Mainz', '1. FSV Mainz 05'],
    ]),
  },
  {
    code: 'laliga', kind: 'soccer', polyPrefix: 'lal', series: soccer4('LALIGA'),
    teams: t([
      ['RMA', 'rea', 'Real Madrid', 'Real Madrid CF'], ['BAR', null, 'Barcelona', 'FC Barcelona'], ['ATM', 'mad', 'Atletico', 'Club Atlético de Madrid'],
      ['ATH', 'bil', 'Athletic', 'Athletic Club'], ['RBB', 'bet', 'Real Betis', 'Real Betis Balompié'], ['VCF', 'val', 'Valencia', 'Valencia CF'],
      ['RCC', 'cel', 'Celta Vigo', 'RC Celta de Vigo'], ['SEV', null, 'Sevilla', 'Sevilla FC'], ['VIL', null, 'Villarreal', 'Villarreal CF'],
      ['RSO', null, 'Real Sociedad', 'Real Sociedad'], ['GIR', null, 'Girona', 'Girona FC'], ['RVC', 'ray', 'Rayo Vallecano', 'Rayo Vallecano'],
    ]),
  },
  {
    code: 'seriea', kind: 'soccer', polyPrefix: 'sea', series: soccer4('SERIEA'),
    teams: t([
      ['ACM', 'mil', 'AC Milan', 'AC Milan'], ['INT', null, 'Inter', 'Inter Milan'], ['JUV', null, 'Juventus', 'Juventus FC'],
      ['NAP', null, 'Napoli', 'SSC Napoli'], ['ROM', null, 'Roma', 'AS Roma'], ['LAZ', null, 'Lazio', 'SS Lazio'],
      ['ATA', null, 'Atalanta', 'Atalanta BC'], ['BFC', 'bol', 'Bologna', 'Bologna FC 1909'], ['FIO', null, 'Fiorentina', 'ACF Fiorentina'],
      ['TOR', null, 'Torino', 'Torino FC'], ['PIS', null, 'Pisa', 'Pisa SC'], ['GEN', null, 'Genoa', 'Genoa CFC'],
    ]),
  },
  {
    code: 'ligue1', kind: 'soccer', polyPrefix: 'fl1', series: soccer4('LIGUE1'),
    teams: t([
      ['PSG', 'par', 'Paris SG', 'Paris Saint-Germain FC'], ['OM', 'olm', 'Marseille', 'Olympique de Marseille'], ['OL', 'lyo', 'Lyon', 'Olympique Lyonnais'],
      ['ASM', null, 'Monaco', 'AS Monaco'], ['LIL', null, 'Lille', 'LOSC Lille'], ['NIC', 'ogc', 'Nice', 'OGC Nice'],
      ['RCL', null, 'Lens', 'RC Lens'], ['REN', null, 'Rennes', 'Stade Rennais FC'], ['FCN', 'nan', 'Nantes', 'FC Nantes'],
      ['TFC', 'tou', 'Toulouse', 'Toulouse FC'], ['RCS', 'str', 'Strasbourg', 'RC Strasbourg Alsace'], ['STB', 'sbr', 'Brest', 'Stade Brestois 29'],
    ]),
  },
  {
    code: 'ucl', kind: 'soccer', polyPrefix: 'ucl', series: soccer4('UCL'),
    teams: t([
      ['ARS', null, 'Arsenal', 'Arsenal FC'], ['BMU', 'bay', 'Bayern Munich', 'FC Bayern München'], ['PSG', null, 'Paris SG', 'Paris Saint-Germain FC'],
      ['INT', null, 'Inter', 'Inter Milan'], ['BAR', null, 'Barcelona', 'FC Barcelona'], ['LFC', 'liv', 'Liverpool', 'Liverpool FC'],
      ['RMA', null, 'Real Madrid', 'Real Madrid CF'], ['BVB', null, 'Dortmund', 'Borussia Dortmund'], ['JUV', null, 'Juventus', 'Juventus FC'],
      ['BEN', null, 'Benfica', 'SL Benfica'], ['PSV', null, 'PSV', 'PSV Eindhoven'], ['ATM', null, 'Atletico', 'Club Atlético de Madrid'],
      ['MCI', null, 'Man City', 'Manchester City FC'],
    ]),
  },
  {
    code: 'uel', kind: 'soccer', polyPrefix: 'uel', series: { moneyline: 'KXUELGAME' },
    teams: t([
      ['MUN', null, 'Man Utd', 'Manchester United FC'], ['TOT', null, 'Tottenham', 'Tottenham Hotspur FC'], ['ROM', null, 'Roma', 'AS Roma'],
      ['FCP', null, 'Porto', 'FC Porto'], ['RBB', 'bet', 'Real Betis', 'Real Betis Balompié'], ['AJA', null, 'Ajax', 'AFC Ajax'],
      ['FEY', null, 'Feyenoord', 'Feyenoord'], ['GAL', null, 'Galatasaray', 'Galatasaray'], ['LAZ', null, 'Lazio', 'SS Lazio'],
      ['OL', 'lyo1', 'Lyon', 'Olympique Lyonnais'],
    ]),
  },
  {
    code: 'eflc', kind: 'soccer', polyPrefix: 'elc', series: { moneyline: 'KXEFLCHAMPIONSHIPGAME' },
    teams: t([
      ['BC', 'bir', 'Birmingham', 'Birmingham City FC'], ['SHU', 'she', 'Sheffield Utd', 'Sheffield United FC'], ['SOU', 'sot', 'Southampton', 'Southampton FC'],
      ['STK', 'sto', 'Stoke', 'Stoke City FC'], ['LEI', null, 'Leicester', 'Leicester City FC'], ['WBA', null, 'West Brom', 'West Bromwich Albion FC'],
      ['NOR', null, 'Norwich', 'Norwich City FC'], ['MID', null, 'Middlesbrough', 'Middlesbrough FC'], ['COV', null, 'Coventry', 'Coventry City FC'],
      ['IPS', null, 'Ipswich', 'Ipswich Town FC'], ['BLA', 'bbr', 'Blackburn', 'Blackburn Rovers FC'], ['OXU', 'oxf', 'Oxford', 'Oxford United FC'],
    ]),
  },
  {
    code: 'mls', kind: 'soccer', polyPrefix: 'mls', series: { moneyline: 'KXMLSGAME' },
    teams: t([
      ['LAG', null, 'LA Galaxy', 'LA Galaxy'], ['LAF', null, 'Los Angeles FC', 'Los Angeles FC'], ['MIA', null, 'Inter Miami', 'Inter Miami CF'],
      ['NYR', null, 'NY Red Bulls', 'New York Red Bulls'], ['NYC', null, 'NYCFC', 'New York City FC'], ['SEA', null, 'Seattle', 'Seattle Sounders FC'],
      ['POR', null, 'Portland', 'Portland Timbers'], ['ATL', null, 'Atlanta Utd', 'Atlanta United FC'], ['CLB', null, 'Columbus', 'Columbus Crew'],
      ['FCC', null, 'Cincinnati', 'FC Cincinnati'], ['SKC', null, 'Kansas City', 'Sporting Kansas City'], ['RSL', null, 'Salt Lake', 'Real Salt Lake'],
    ]),
  },
  {
    code: 'nba', kind: 'us', polyPrefix: 'nba', series: us3('NBA'),
    teams: t([
      ['BOS', null, 'Boston', 'Boston Celtics'], ['ATL', null, 'Atlanta', 'Atlanta Hawks'], ['DEN', null, 'Denver', 'Denver Nuggets'],
      ['WAS', null, 'Washington', 'Washington Wizards'], ['LAL', null, 'Los Angeles L', 'Los Angeles Lakers'], ['LAC', null, 'Los Angeles C', 'LA Clippers'],
      ['TOR', null, 'Toronto', 'Toronto Raptors'], ['MIA', null, 'Miami', 'Miami Heat'], ['ORL', null, 'Orlando', 'Orlando Magic'],
      ['NYK', null, 'New York', 'New York Knicks'], ['BKN', null, 'Brooklyn', 'Brooklyn Nets'], ['GSW', null, 'Golden State', 'Golden State Warriors'],
      ['NOP', null, 'New Orleans', 'New Orleans Pelicans'], ['CHI', null, 'Chicago', 'Chicago Bulls'], ['DAL', null, 'Dallas', 'Dallas Mavericks'],
      ['PHI', null, 'Philadelphia', 'Philadelphia 76ers'], ['OKC', null, 'Oklahoma City', 'Oklahoma City Thunder'], ['SAS', null, 'San Antonio', 'San Antonio Spurs'],
    ]),
  },
  {
    code: 'nfl', kind: 'us', polyPrefix: 'nfl', series: us3('NFL'),
    teams: t([
      ['KC', null, 'Kansas City', 'Kansas City Chiefs'], ['BUF', null, 'Buffalo', 'Buffalo Bills'], ['LA', null, 'Los Angeles R', 'Los Angeles Rams'],
      ['LAC', null, 'Los Angeles C', 'Los Angeles Chargers'], ['SF', null, 'San Francisco', 'San Francisco 49ers'], ['GB', null, 'Green Bay', 'Green Bay Packers'],
      ['NE', null, 'New England', 'New England Patriots'], ['NO', null, 'New Orleans', 'New Orleans Saints'], ['LV', null, 'Las Vegas', 'Las Vegas Raiders'],
      ['TB', null, 'Tampa Bay', 'Tampa Bay Buccaneers'], ['DAL', null, 'Dallas', 'Dallas Cowboys'], ['PHI', null, 'Philadelphia', 'Philadelphia Eagles'],
      ['MIA', null, 'Miami', 'Miami Dolphins'], ['NYJ', null, 'New York J', 'New York Jets'], ['NYG', null, 'New York G', 'New York Giants'],
      ['DEN', null, 'Denver', 'Denver Broncos'],
    ]),
  },
  {
    code: 'nhl', kind: 'us', polyPrefix: 'nhl', series: us3('NHL'),
    teams: t([
      ['BOS', null, 'Boston', 'Boston Bruins'], ['CHI', null, 'Chicago', 'Chicago Blackhawks'], ['LA', 'lak', 'Los Angeles', 'Los Angeles Kings'],
      ['SJ', null, 'San Jose', 'San Jose Sharks'], ['VGK', 'las', 'Vegas', 'Vegas Golden Knights'], ['CGY', 'cal', 'Calgary', 'Calgary Flames'],
      ['MTL', 'mon', 'Montreal', 'Montréal Canadiens'], ['UTA', 'utah', 'Utah', 'Utah Mammoth'], ['EDM', null, 'Edmonton', 'Edmonton Oilers'],
      ['VAN', null, 'Vancouver', 'Vancouver Canucks'], ['NJ', null, 'New Jersey', 'New Jersey Devils'], ['CAR', null, 'Carolina', 'Carolina Hurricanes'],
      ['TB', null, 'Tampa Bay', 'Tampa Bay Lightning'], ['NYR', null, 'New York R', 'New York Rangers'], ['ANA', null, 'Anaheim', 'Anaheim Ducks'],
      ['TOR', null, 'Toronto', 'Toronto Maple Leafs'],
    ]),
  },
  {
    code: 'mlb', kind: 'us', polyPrefix: 'mlb', series: us3('MLB'),
    teams: t([
      ['WAS', 'wsh', 'Washington', 'Washington Nationals'], ['NYY', null, 'New York Y', 'New York Yankees'], ['NYM', null, 'New York M', 'New York Mets'],
      ['BOS', null, 'Boston', 'Boston Red Sox'], ['LAD', null, 'Los Angeles D', 'Los Angeles Dodgers'], ['LAA', null, 'Los Angeles A', 'Los Angeles Angels'],
      ['SF', null, 'San Francisco', 'San Francisco Giants'], ['SD', null, 'San Diego', 'San Diego Padres'], ['CHC', null, 'Chicago C', 'Chicago Cubs'],
      ['CWS', null, 'Chicago WS', 'Chicago White Sox'], ['HOU', null, 'Houston', 'Houston Astros'], ['TEX', null, 'Texas', 'Texas Rangers'],
      ['ATL', null, 'Atlanta', 'Atlanta Braves'], ['PHI', null, 'Philadelphia', 'Philadelphia Phillies'], ['TB', null, 'Tampa Bay', 'Tampa Bay Rays'],
      ['KC', null, 'Kansas City', 'Kansas City Royals'],
    ]),
  },
  {
    code: 'ncaaf', kind: 'us', polyPrefix: 'cfb', series: us3('NCAAF'),
    teams: t([
      ['OH', null, 'Ohio', 'Ohio Bobcats'], ['FRES', null, 'Fresno St.', 'Fresno State Bulldogs'], ['ALA', null, 'Alabama', 'Alabama Crimson Tide'],
      ['TXAM', 'tamu', 'Texas A&M', 'Texas A&M Aggies'], ['MISS', null, 'Ole Miss', 'Ole Miss Rebels'], ['OKLA', null, 'Oklahoma', 'Oklahoma Sooners'],
      ['ORE', null, 'Oregon', 'Oregon Ducks'], ['WASH', null, 'Washington', 'Washington Huskies'], ['JVST', 'jsu', 'Jacksonville St.', 'Jacksonville State Gamecocks'],
      ['BSU', null, 'Boise St.', 'Boise State Broncos'], ['NAVY', null, 'Navy', 'Navy Midshipmen'], ['ARMY', null, 'Army', 'Army Black Knights'],
    ]),
  },
  {
    code: 'cs2', kind: 'esports', polyPrefix: 'cs2', polySeriesId: '10310', gameName: 'Counter-Strike', tournament: 'BLAST Bounty 2026',
    series: { moneyline: 'KXCS2GAME' },
    teams: t([
      ['FURIA', null, 'FURIA', 'FURIA'], ['9INE', null, '9INE', '9INE'], ['NAVI', null, 'Natus Vincere', 'Natus Vincere', 'NAVI'],
      ['FAZE', null, 'FaZe Clan', 'FaZe Clan', 'FaZe'], ['VIT', null, 'Team Vitality', 'Team Vitality', 'Vitality'], ['SPIRIT', null, 'Team Spirit', 'Team Spirit', 'Spirit'],
      ['MOUZ', null, 'MOUZ', 'MOUZ'], ['G2', null, 'G2 Esports', 'G2 Esports', 'G2'], ['LIQ', null, 'Team Liquid', 'Team Liquid', 'TL 1'],
      ['M8', null, 'Gentle Mates', 'Gentle Mates', 'M 8'], ['FNC', null, 'Fnatic', 'Fnatic', 'FNC'],
    ]),
  },
  {
    code: 'lol', kind: 'esports', polyPrefix: 'lol', polySeriesId: '10311', gameName: 'LoL', tournament: 'LCK Cup 2026',
    series: { moneyline: 'KXLOLGAME' },
    teams: t([
      ['T1', null, 'T1', 'T1'], ['GEN', null, 'Gen.G', 'Gen.G', 'GEN'], ['DRX', null, 'DRX', 'DRX'],
      ['TES', null, 'Top Esports', 'Top Esports', 'TES'], ['WBG', null, 'Weibo Gaming', 'Weibo Gaming', 'WB'], ['BLG', null, 'Bilibili Gaming', 'Bilibili Gaming', 'BLG'],
      ['HLE', null, 'Hanwha Life Esports', 'Hanwha Life Esports', 'HLE'], ['DK', null, 'Dplus KIA', 'Dplus KIA', 'DK'], ['G2', null, 'G2 Esports', 'G2 Esports', 'G2'],
      ['FNC', null, 'Fnatic', 'Fnatic', 'FNC'],
    ]),
  },
  {
    code: 'cod', kind: 'esports', polyPrefix: 'codmw', polySeriesId: '10427', gameName: 'Call of Duty', tournament: 'CDL Major I',
    series: { moneyline: 'KXCODGAME' },
    teams: t([
      ['OPTIC', null, 'OpTic Texas', 'OpTic Texas', 'OpTic'], ['ULTRA', null, 'Toronto Ultra', 'Toronto Ultra', 'Ultra'],
      ['LAT', null, 'Los Angeles Thieves', 'Los Angeles Thieves', 'Thieves'], ['BOS', null, 'Boston Breach', 'Boston Breach', 'Breach'],
      ['ATL', null, 'Atlanta FaZe', 'Atlanta FaZe'], ['LVF', null, 'Vegas Falcons', 'Vegas Falcons'],
    ]),
  },
];
