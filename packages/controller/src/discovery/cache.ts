// Cache of discovery results (§1.11, with §5.2 #17 fixed): one entry per selection (leagues,
// market types), so a filtered run never stands in for an unfiltered one; entries from another
// version of the league file are ignored; results with failed venue lookups are not cached.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { logger } from '@parity/trading';
import type { DiscoveryResult } from './types.ts';

const log = logger.child({ mod: 'discovery.cache' });
const CACHE_VERSION = 1;

interface CacheEntry {
  savedAtMs: number;
  leaguesHash: string;
  result: DiscoveryResult;
}

interface CacheFile {
  version: number;
  entries: Record<string, CacheEntry>;
}

export function selectionKey(sel: DiscoveryResult['selection']): string {
  return JSON.stringify({ leagues: [...sel.leagues].sort(), types: [...sel.marketTypes].sort(), event: sel.kalshiEvent });
}

export class DiscoveryCache {
  constructor(
    readonly file: string,
    readonly ttlMs: number,
  ) {}

  private read(): CacheFile {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return { version: CACHE_VERSION, entries: {} };
    }
    try {
      const f = JSON.parse(text) as CacheFile;
      if (f.version !== CACHE_VERSION || typeof f.entries !== 'object' || f.entries === null) throw new Error(`cache version ${String(f.version)}`);
      return f;
    } catch (err) {
      log.warn({ file: this.file, err: (err as Error).message }, 'discovery cache unreadable; ignoring it');
      return { version: CACHE_VERSION, entries: {} };
    }
  }

  /** A fresh cached result for this selection, or null. */
  get(key: string, leaguesHash: string, nowMs = Date.now()): { result: DiscoveryResult; ageMs: number } | null {
    if (this.ttlMs <= 0) return null;
    const e = this.read().entries[key];
    if (!e || e.leaguesHash !== leaguesHash) return null;
    const ageMs = nowMs - e.savedAtMs;
    if (ageMs < 0 || ageMs > this.ttlMs) return null;
    return { result: e.result, ageMs };
  }

  /** Store a result (atomically); returns false (and stores nothing) when a lookup failed. */
  put(key: string, leaguesHash: string, result: DiscoveryResult, nowMs = Date.now()): boolean {
    if (result.candidates.some((c) => c.lookupFailed) || result.issues.some((i) => i.item.startsWith('Kalshi series '))) return false;
    const f = this.read();
    f.entries[key] = { savedAtMs: nowMs, leaguesHash, result };
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(f));
    renameSync(tmp, this.file);
    return true;
  }
}
