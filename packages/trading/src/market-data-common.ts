// Pieces shared by the Kalshi and Polymarket market-data (WebSocket order book) clients.

import type { Platform } from './execution/types.ts';

/**
 * Proof of life of one market-data connection. Books keep a reference to the liveness of the
 * connection that feeds them: a book is confirmed as of max(its last update, aliveAtMs), so a
 * quiet market on a live, gap-free connection stays fresh without touching every book per ping.
 */
export interface FeedLiveness {
  /** Last frame the server sent on its own (data, server heartbeat, PONG to our text PING), ms since epoch. */
  aliveAtMs: number;
}

/** Where a client reports frames it could not use. Never throws. */
export interface BadFrameSink {
  badFrame(venue: Platform, reason: string, market: string | undefined, sample: string): void;
}

/** Reconnect backoff: exponential with full jitter, so many clients never reconnect in lockstep. */
export interface BackoffOptions {
  /** First delay ceiling, ms. Default 250. */
  baseMs?: number;
  /** Largest delay ceiling, ms. Default 10,000. */
  maxMs?: number;
}

/** Delay before reconnect attempt `attempt` (0-based): uniform in [ceiling/2, ceiling]. */
export function backoffDelayMs(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = opts.baseMs ?? 250;
  const max = opts.maxMs ?? 10_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A short excerpt of a raw frame for logs (frames can be megabytes). */
export function frameSample(raw: string, max = 200): string {
  return raw.length <= max ? raw : `${raw.slice(0, max)}…(${raw.length} chars)`;
}

/** Split a list into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Hot-path decimal parser for plain venue numbers ("0.41", ".5", "0.4100", "-350.00", "12"):
 * the exact integer value × 10^scale, or NaN whenever the string needs the full parser (units.ts
 * parseScaled: more significant decimals than `scale`, junk, empty, too long). Callers fall back
 * to parseScaled on NaN, which then either rounds as asked or throws the precise error.
 */
export function fastScaled(s: string, scale: number): number {
  return fastScaledIn(s, 0, s.length, scale);
}

/** fastScaled over s[from, to) — reads a number in place inside a frame, no substring. */
export function fastScaledIn(s: string, from: number, to: number, scale: number): number {
  const n = to;
  if (to <= from || to - from > 16) return NaN;
  let i = from;
  let neg = false;
  if (s.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let v = 0;
  let frac = -1;
  let digits = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (frac >= 0) return NaN;
      frac = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return NaN;
    digits++;
    if (frac >= 0) {
      if (frac === scale) {
        if (d !== 0) return NaN;
        continue;
      }
      frac++;
    }
    v = v * 10 + d;
  }
  if (digits === 0) return NaN;
  if (frac < 0) frac = 0;
  for (; frac < scale; frac++) v *= 10;
  if (v > Number.MAX_SAFE_INTEGER) return NaN; // v only grows, so a safe result was exact all along
  return neg && v !== 0 ? -v : v;
}
