// Settlement of resolved markets: the watcher, its venue reads and decision rules, and wiring.
export { SettlementWatcher, SETTLEMENT_META_PREFIX, type SettledEvent, type SettlementAlert, type SettlementRecord, type PassSummary, type SettlementWatcherOptions } from './watcher.ts';
export { decide, describeVerdicts, type VenueVerdict, type Decision, type DecideInput } from './verdict.ts';
export { HttpResolutionReader, kalshiVerdict, clobVerdict, gammaVerdict, type ResolutionReader, type PolyTokens } from './venue-reads.ts';
export { startSettlement, wireSettlementOps, settlementMetrics, type SettlementHandle, type SettlementMetrics } from './attach.ts';
export { parseSettlementConfig, SETTLEMENT_ENV_DOC, type SettlementConfig } from '../config/settlement.ts';
