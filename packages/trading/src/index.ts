// @parity/trading: venue clients and executeLeg, shared by controller and trader.
export * from './units.ts';
export * from './errors.ts';
export * from './env.ts';
export * from './execution/types.ts';
export * from './execution/leg.ts';
export { buildExecutionClients, type BuiltClients, type BuildOptions, type VenueClients } from './execution/clients-from-env.ts';
export { logger, type Logger } from './log.ts';
export * as kalshi from './kalshi/index.ts';
export { KalshiClient } from './kalshi/client.ts';
export { createKalshiClient, kalshiConfigFromEnv, kalshiEndpointsFromEnv, type KalshiConfig } from './kalshi/config.ts';
export { kalshiTakerFeeMicros, kalshiMakerFeeMicros, kalshiFeeMicros } from './kalshi/fees.ts';
export * as polymarket from './polymarket/index.ts';
export { PolymarketClient } from './polymarket/client.ts';
export { createPolymarketClient, polymarketConfigFromEnv, type PolymarketConfig } from './polymarket/config.ts';
