// @parity/trader: the remote trader (`parity trader`).
export { runTrader, type RunOptions } from './main.ts';
export { Trader, type TraderDeps, type TraderEvents } from './trader.ts';
export { traderConfigFromEnv, traderLimitsFromEnv, parsePlatforms, TRADER_DEFAULTS, type TraderConfig, type TraderLimits } from './config.ts';
export { checkLeg, checkDaily, utcDay, type Refusal } from './limits.ts';
export { LegStore, type StoredLeg } from './store.ts';
export { setupVenues, type BalanceCheck, type BuildClients, type VenueSetup, type UnusableVenue } from './venues.ts';
export { ControllerLink, type LinkHooks, type LinkOptions } from './link.ts';
export { Backoff } from './backoff.ts';
