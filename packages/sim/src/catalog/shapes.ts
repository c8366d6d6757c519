// Wire shapes the catalog is made of: Kalshi series/events/markets (kalshi.md §4.9-4.11) and
// Gamma markets/events (polymarket.md §14), as the venues send them (Gamma arrays as JSON strings).

export interface KalshiSeriesObj {
  ticker: string;
  title: string;
  category: string;
  tags: string[];
  frequency: string;
  settlement_sources: { name: string; url: string }[];
  contract_url: string;
  contract_terms_url: string;
  fee_type: string;
  fee_multiplier: number;
  additional_prohibitions: string[];
}

export interface KalshiEventObj {
  event_ticker: string;
  series_ticker: string;
  title: string;
  sub_title: string;
  mutually_exclusive: boolean;
  collateral_return_type: string;
  strike_period: string;
  strike_date?: string;
}

export interface KalshiMarketObj {
  ticker: string;
  event_ticker: string;
  market_type: 'binary' | 'scalar';
  title: string;
  subtitle: string;
  yes_sub_title: string;
  no_sub_title: string;
  open_time: string;
  close_time: string;
  expected_expiration_time: string;
  latest_expiration_time: string;
  settlement_timer_seconds: number;
  status: string;
  yes_bid_dollars: string;
  yes_ask_dollars: string;
  no_bid_dollars: string;
  no_ask_dollars: string;
  last_price_dollars: string;
  volume_fp: string;
  volume_24h_fp: string;
  open_interest_fp: string;
  notional_value_dollars: string;
  result: string;
  can_close_early: boolean;
  rules_primary: string;
  rules_secondary: string;
  price_level_structure: string;
  fractional_trading_enabled: boolean;
  strike_type?: string;
  floor_strike?: number;
  mve_collection_ticker?: string;
}

export interface GammaEventRef {
  id: string;
  ticker: string;
  slug: string;
  title: string;
}

export interface GammaMarketObj {
  id: string;
  question: string;
  conditionId: string;
  questionID: string;
  slug: string;
  /** JSON-encoded string array. */
  outcomes: string;
  /** JSON-encoded string array, aligned with outcomes. */
  clobTokenIds: string;
  outcomePrices: string;
  active: boolean;
  closed: boolean;
  archived: boolean;
  acceptingOrders: boolean;
  enableOrderBook: boolean;
  negRisk?: boolean;
  negRiskMarketID?: string;
  groupItemTitle?: string;
  sportsMarketType?: string;
  line?: number;
  gameStartTime?: string;
  startDate: string;
  endDate: string;
  orderPriceMinTickSize: number;
  orderMinSize: number;
  feesEnabled: boolean;
  events: GammaEventRef[];
}

export interface GammaEventObj {
  id: string;
  ticker: string;
  slug: string;
  title: string;
  startDate: string;
  startTime?: string;
  endDate: string;
  active: boolean;
  closed: boolean;
  negRisk: boolean;
  /** Gamma series id(s) the event belongs to. */
  series: { id: string; slug: string; title: string }[];
  markets: GammaMarketObj[];
}
