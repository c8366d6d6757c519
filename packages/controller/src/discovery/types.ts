// Discovery vocabulary: market types, candidates and their verdicts.

export type MarketType = 'moneyline' | 'spread' | 'total' | 'btts';
export const MARKET_TYPES: readonly MarketType[] = ['moneyline', 'spread', 'total', 'btts'];

/** The pairs-file market_type: esports match winners are their own kind there. */
export type PairMarketType = MarketType | 'esports';

export type Verdict = 'paired' | 'rejected' | 'needs_review';

/** Which Polymarket outcome pays when the Kalshi contract pays YES. */
export interface Orientation {
  /** Index into the Polymarket market's outcomes/tokenIds. */
  yesIndex: 0 | 1;
  yesToken: string;
  noToken: string;
  yesOutcome: string;
  noOutcome: string;
}

/** One Kalshi market and the Polymarket market proposed as its twin, with the verdict. */
export interface Candidate {
  kalshiTicker: string;
  kalshiEventTicker: string;
  kalshiTitle: string;
  league: string;
  marketType: PairMarketType;
  /** Spread/total line (Kalshi floor_strike), null for others. */
  line: number | null;
  /** The Polymarket slug that matched (or, when none did, the first one tried). */
  polySlug: string | null;
  polyQuestion: string | null;
  /** Outcome tokens in Polymarket's listing order. */
  polyTokens: [string, string] | null;
  polyOutcomes: [string, string] | null;
  polyNegRisk: boolean | null;
  orientation: Orientation | null;
  verdict: Verdict;
  /** Why: every check that failed, needs a human, or (for paired) the evidence. */
  reasons: string[];
  /** True when a venue lookup failed: the verdict says nothing about whether a twin exists. */
  lookupFailed: boolean;
}

/** A problem with one item of venue data or configuration; discovery carried on without it. */
export interface DiscoveryIssue {
  item: string;
  message: string;
}

export interface DiscoveryStats {
  kalshiRequests: number;
  gammaRequests: number;
  kalshiMarkets: number;
  slugsLookedUp: number;
  seconds: number;
  /** Per league and type: Kalshi markets seen and paired. */
  byLeagueType: Record<string, { markets: number; paired: number; review: number }>;
}

export interface DiscoveryResult {
  startedAtMs: number;
  candidates: Candidate[];
  issues: DiscoveryIssue[];
  stats: DiscoveryStats;
  /** Selection the run covered (so a cache for another selection is not reused). */
  selection: { leagues: string[]; marketTypes: MarketType[]; kalshiEvent: string | null };
}
