// Attempt and leg ids. A leg id becomes the venue's client order id, so it must never repeat:
// not within a run, not across restarts, not between two controllers. A random per-process
// prefix, the start time and a counter give that without a syscall on the hot path.

import { randomBytes } from 'node:crypto';

const processTag = randomBytes(3).toString('hex');
let counter = 0;

/** e.g. "x3f9a1cm5z2k01": ~16 characters, [0-9a-z] only (safe in every venue's id field). */
export function newAttemptId(nowMs: number = Date.now()): string {
  counter = (counter + 1) % 1_679_616; // 36^4
  return `x${processTag}${nowMs.toString(36)}${counter.toString(36).padStart(4, '0')}`;
}

/** The leg of an arbitrage buying `side`. */
export const arbLegId = (attemptId: string, side: 'yes' | 'no'): string => `${attemptId}-${side === 'yes' ? 'y' : 'n'}`;

/** The n-th unwind order of an attempt (n from 1; continues across restarts from the ledger). */
export const unwindLegId = (attemptId: string, n: number): string => `${attemptId}-u${n}`;
