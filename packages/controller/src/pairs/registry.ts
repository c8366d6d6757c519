// The set of pairs the controller follows, changeable at run time (discovery adds and removes
// pairs; PAIRS_FILE entries come first and always win). Listeners (the feeds) subscribe and
// unsubscribe venue markets as pairs come and go.

import type { Pair } from '../model.ts';

export interface PairListener {
  pairAdded(pair: Pair): void;
  pairRemoved(pair: Pair): void;
}

export class PairRegistry {
  private readonly byId = new Map<string, Pair>();
  private readonly listeners: PairListener[] = [];

  constructor(initial: readonly Pair[] = []) {
    for (const p of initial) this.add(p);
  }

  listen(l: PairListener): () => void {
    this.listeners.push(l);
    return () => {
      const i = this.listeners.indexOf(l);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Pair | undefined {
    return this.byId.get(id);
  }

  list(): Pair[] {
    return [...this.byId.values()];
  }

  /**
   * Add a pair. Returns false (and changes nothing) when the id is taken, or when a discovered pair
   * collides with a manual one on id or Kalshi ticker (manual entries win).
   */
  add(pair: Pair): boolean {
    const existing = this.byId.get(pair.id);
    if (existing) {
      if (existing.source === 'file' || pair.source === 'discovery') return false;
      this.remove(existing.id); // a file entry replaces a discovered one
    }
    if (pair.source === 'discovery') {
      for (const p of this.byId.values()) if (p.source === 'file' && p.kalshiTicker === pair.kalshiTicker) return false;
    }
    this.byId.set(pair.id, pair);
    for (const l of this.listeners) l.pairAdded(pair);
    return true;
  }

  /** Remove a pair by id; returns whether it was there. */
  remove(id: string): boolean {
    const p = this.byId.get(id);
    if (!p) return false;
    this.byId.delete(id);
    for (const l of this.listeners) l.pairRemoved(p);
    return true;
  }
}
