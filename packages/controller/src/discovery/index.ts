// Market discovery and pairing (discovery-and-arb.md §1): find the same contract on Kalshi and
// Polymarket and prove it is the same, with reasons.
export * from './types.ts';
export { discover, eventLegs, buildSlug, type DiscoverOptions, type DiscoveryProgress } from './discover.ts';
export { checkEquivalence, type KalshiLeg, type PolyLeg, type EquivalenceResult } from './equivalence.ts';
export { loadLeagues, parseLeagues, selectLeagues, DEFAULT_LEAGUES_FILE, type League, type LeagueData } from './leagues.ts';
export { PacedKalshiMarkets, listAllMarkets, parseKalshiMarket, type KalshiMarketsSource } from './kalshi-markets.ts';
export { discoveryConfigFromEnv, type DiscoveryConfig } from './config.ts';
export { DiscoveryCache, selectionKey } from './cache.ts';
export { createDiscoveryRunner, type DiscoveryRunner, type RunOptions, type RunOutcome } from './runner.ts';
export { pairsFileEntries, pairsFileText, writePairsFile, candidateToPair, discoveredPairs } from './pairs-out.ts';
export {
  startDiscoveryRefresh,
  startControllerDiscovery,
  applyDiscoveryUpdate,
  diffDiscovery,
  type DiscoveryUpdate,
  type DiscoveryRefresh,
  type DiscoveryRefreshOptions,
} from './refresh.ts';
