// Execution: HybridExecutor, its wiring (attachExecution), and what the dashboard reads.
export { attachExecution, type AttachOptions, type ExecutionHandle } from './attach.ts';
export {
  HybridExecutor,
  type AttemptEvent,
  type DropEvent,
  type DropReason,
  type ExecutorEvents,
  type ExecutorOptions,
  type ExecutorStats,
  type LegEvent,
  type ResolvedEvent,
} from './hybrid-executor.ts';
export { LegRouting } from './routing.ts';
export { followPolySettlement, type PolySettlementEvent } from './poly-settlement.ts';
export { parseExecutionConfig, parseControllerPlatforms, describeMode, EXECUTION_ENV_DOC, type ExecutionConfig, type BreakerConfig } from '../config/execution.ts';
export { Ledger, type ExecutionView, type PositionRow, type PnlTotals, type AttemptRow, type LegRow } from '../ledger/ledger.ts';
export { CircuitBreaker, type BreakerState } from '../risk/circuit-breaker.ts';
