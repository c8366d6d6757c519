// @parity/trading: venue clients and executeLeg, shared by controller and trader.
export * from './units.ts';
export * from './errors.ts';
export * from './env.ts';
export * from './execution/types.ts';
export * from './execution/leg.ts';
export { logger, type Logger } from './log.ts';
