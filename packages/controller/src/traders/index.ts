// Controller side of remote trading: the router seam and the trader server that implements it.
export type { RemoteLegRouter } from './router.ts';
export { TraderServer, CLOSE, deadlineToTimeoutMs, type TraderServerOptions, type TraderServerEvents } from './server.ts';
export type { TraderInfo, ConnState } from './connection.ts';
export { parseBind, traderServerConfigFromEnv, DEFAULT_TRADER_BIND, type TraderServerEnvConfig } from './config.ts';
