// Builds the venue clients this process may trade with, from the environment.
// Filled in by the Kalshi and Polymarket client work: each venue's `fromEnv` lives in its folder.

import type { ExecutionClients, Platform } from './types.ts';

export interface BuiltClients extends ExecutionClients {
  /** Close keep-alive pools and background signers. */
  close?: () => Promise<void>;
}

export async function buildExecutionClients(
  _env: NodeJS.ProcessEnv,
  _opts: { platforms: readonly Platform[] },
): Promise<BuiltClients> {
  return {};
}
