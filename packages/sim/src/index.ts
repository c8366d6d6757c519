// @parity/sim: wire-compatible Kalshi and Polymarket venue simulator.
export * from './engine/index.ts';
export * from './context.ts';
export * from './markets.ts';
export * from './orders.ts';
export * from './accounts.ts';
export * from './faults.ts';
export * from './order-log.ts';
export * from './events.ts';
export * from './clock.ts';
export { Rng } from './rng.ts';
export * from './kalshi/index.ts';
export * from './scenario/spec.ts';
export type { PairsFileEntry, InjectArbOptions, Scenario } from './scenario/build.ts';
export type { ArbWindow } from './scenario/market-maker.ts';
export type { TestAccounts } from './test-accounts.ts';
export type { SettleOptions, SettleResult } from './settlement.ts';
export { startSim, type StartSimOptions, type SimHandle, type SimUrls, type SimFaults } from './sim.ts';
