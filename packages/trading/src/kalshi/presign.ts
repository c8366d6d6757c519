// Pre-signed Kalshi auth headers for the order endpoint(s), so the order path pays no RSA cost.
//
// Kalshi signs timestamp + method + path, not the body (auth.ts), so headers for
// `POST /trade-api/v2/portfolio/events/orders` can be made before the order exists. The pool
// keeps a few per endpoint, signed on libuv's thread pool (the event loop never blocks on RSA),
// hands each out once, and throws away any older than `maxAgeMs`: whether Kalshi rejects a
// reused signature and how much clock skew it tolerates are unconfirmed, so headers stay young
// and single-use. When the pool is empty (a burst, or before warm-up) `take` signs synchronously.

import { logger } from '../log.ts';
import type { HttpMethod, KalshiAuthHeaders, KalshiSigner } from './auth.ts';

const log = logger.child({ mod: 'kalshi.presign' });

export interface PresignEndpoint {
  method: HttpMethod;
  /** Full path including the /trade-api/v2 prefix. */
  path: string;
}

export interface PresignOptions {
  /** Headers kept ready per endpoint (default 3: two concurrent legs plus one spare). */
  depth?: number | undefined;
  /** Never hand out a header older than this (default 500 ms). */
  maxAgeMs?: number | undefined;
  /** Background refresh period (default maxAgeMs / 4). */
  refreshMs?: number | undefined;
  /**
   * How long after an order took a header the pool is topped up (default 20 ms). Not at once:
   * starting an RSA signature costs the event loop ~0.2 ms and a core ~1 ms here, and right after
   * one leg is written the other leg, and the venue's answers, are still on their way.
   */
  refillDelayMs?: number | undefined;
  /** Clock (tests). */
  now?: (() => number) | undefined;
  /**
   * Static headers to add to every pre-signed set (e.g. content-type), merged in the background so
   * the order path gets a ready-to-send header object.
   */
  extraHeaders?: Readonly<Record<string, string>> | undefined;
}

/** The pre-signed auth headers, plus any `extraHeaders` of the pool. */
export type PresignedHeaders = KalshiAuthHeaders & Record<string, string>;

export interface PresignStats {
  /** Headers served from the pool (no RSA on the caller's path). */
  hits: number;
  /** Headers signed synchronously because the pool had none young enough. */
  misses: number;
  /** Headers signed in the background. */
  signed: number;
  /** Headers discarded unused because they grew too old. */
  expired: number;
}

interface Entry {
  headers: PresignedHeaders;
  tsMs: number;
}

interface Slot {
  method: HttpMethod;
  path: string;
  /** Oldest first; the order path takes the newest (the end). */
  entries: Entry[];
  inflight: number;
}

export const DEFAULT_PRESIGN_MAX_AGE_MS = 500;

export class PresignedHeaderPool {
  readonly depth: number;
  readonly maxAgeMs: number;
  readonly refreshMs: number;
  readonly #signer: KalshiSigner;
  readonly #slots: Slot[];
  readonly #now: () => number;
  readonly #extra: Readonly<Record<string, string>>;
  #timer: NodeJS.Timeout | null = null;
  #refill: NodeJS.Timeout | null = null;
  readonly #refillDelayMs: number;
  #closed = false;
  #waiters: (() => void)[] = [];
  readonly #stats: PresignStats = { hits: 0, misses: 0, signed: 0, expired: 0 };

  constructor(signer: KalshiSigner, endpoints: readonly PresignEndpoint[], opts: PresignOptions = {}) {
    this.#signer = signer;
    this.depth = opts.depth ?? 3;
    this.maxAgeMs = opts.maxAgeMs ?? DEFAULT_PRESIGN_MAX_AGE_MS;
    this.refreshMs = opts.refreshMs ?? Math.max(1, Math.floor(this.maxAgeMs / 4));
    if (!Number.isInteger(this.depth) || this.depth < 1) throw new RangeError(`presign depth must be a positive integer, got ${this.depth}`);
    if (!(this.maxAgeMs > 0)) throw new RangeError(`presign maxAgeMs must be > 0, got ${this.maxAgeMs}`);
    if (!(this.refreshMs > 0 && this.refreshMs < this.maxAgeMs))
      throw new RangeError(`presign refreshMs must be in (0, maxAgeMs), got ${this.refreshMs}`);
    this.#now = opts.now ?? Date.now;
    this.#refillDelayMs = opts.refillDelayMs ?? 20;
    this.#extra = opts.extraHeaders ?? {};
    this.#slots = endpoints.map((e) => ({ method: e.method, path: e.path, entries: [], inflight: 0 }));
  }

  /** Begin background signing. The timer is unref'd: the pool never keeps the process alive. */
  start(): this {
    if (this.#closed || this.#timer) return this;
    this.#timer = setInterval(() => this.#refillAll(), this.refreshMs);
    this.#timer.unref();
    this.#refillAll();
    return this;
  }

  /** Resolves once every endpoint has its full depth of headers ready (or the pool is closed). */
  ready(): Promise<void> {
    if (this.#closed || this.#full()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Auth headers for one request, used once. Served from the pool when a young one is there
   * (well under a microsecond); otherwise signed synchronously (~0.3-1 ms of RSA). Schedules a
   * background refill.
   */
  take(method: HttpMethod, path: string): PresignedHeaders {
    const h = this.#takeFrom(this.#slot(method, path), method, path);
    this.refillSoon();
    return h;
  }

  /**
   * A taker bound to one endpoint, for the order path: no lookup and no scheduling on the call
   * (call `refillSoon()` once the request is on the wire). Falls back to synchronous signing.
   */
  taker(method: HttpMethod, path: string): () => PresignedHeaders {
    const slot = this.#slot(method, path);
    return () => this.#takeFrom(slot, method, path);
  }

  #takeFrom(slot: Slot | undefined, method: HttpMethod, path: string): PresignedHeaders {
    if (slot !== undefined) {
      const got = slot.entries.pop();
      if (got !== undefined) {
        if (this.#now() - got.tsMs < this.maxAgeMs) {
          this.#stats.hits++;
          return got.headers;
        }
        // The newest is too old, so all are: drop them.
        this.#stats.expired += slot.entries.length + 1;
        slot.entries.length = 0;
      }
    }
    this.#stats.misses++;
    const h = this.#signer.headers(method, path, this.#now());
    return this.#withExtra(h);
  }

  #withExtra(h: KalshiAuthHeaders): PresignedHeaders {
    return Object.assign(h, this.#extra) as PresignedHeaders;
  }

  /** Whether `take` would be served without signing for this endpoint right now. */
  has(method: HttpMethod, path: string): boolean {
    const slot = this.#slot(method, path);
    if (!slot) return false;
    const now = this.#now();
    return slot.entries.some((x) => now - x.tsMs < this.maxAgeMs);
  }

  stats(): PresignStats {
    return { ...this.#stats };
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#refill) clearTimeout(this.#refill);
    this.#timer = null;
    this.#refill = null;
    for (const s of this.#slots) s.entries.length = 0;
    for (const w of this.#waiters.splice(0)) w();
  }

  #full(): boolean {
    return this.#slots.every((s) => s.entries.length >= this.depth);
  }

  #slot(method: HttpMethod, path: string): Slot | undefined {
    // A handful of endpoints: a linear scan beats hashing a composed key.
    for (const s of this.#slots) if (s.path === path && s.method === method) return s;
    return undefined;
  }

  /** Top the pool up soon (refillDelayMs from now), off the caller's path. */
  refillSoon(): void {
    if (this.#closed || this.#refill || !this.#timer) return;
    this.#refill = setTimeout(() => {
      this.#refill = null;
      this.#refillAll();
    }, this.#refillDelayMs);
    this.#refill.unref();
  }

  #refillAll(): void {
    if (this.#closed) return;
    const now = this.#now();
    // Entries that would expire before the next tick are replaced now, so a young one is always there.
    const keepYoungerThan = this.maxAgeMs - this.refreshMs;
    for (const slot of this.#slots) {
      const e = slot.entries;
      while (e.length > 0 && now - e[0]!.tsMs >= keepYoungerThan) {
        e.shift();
        this.#stats.expired++;
      }
      for (let need = this.depth - e.length - slot.inflight; need > 0; need--) this.#signOne(slot);
    }
  }

  #signOne(slot: Slot): void {
    slot.inflight++;
    const tsMs = this.#now();
    this.#signer.headersAsync(slot.method, slot.path, tsMs).then(
      (headers) => {
        slot.inflight--;
        if (this.#closed) return;
        this.#stats.signed++;
        // Completions can arrive out of order; keep entries sorted oldest first.
        const e = slot.entries;
        let i = e.length;
        while (i > 0 && e[i - 1]!.tsMs > tsMs) i--;
        e.splice(i, 0, { headers: this.#withExtra(headers), tsMs });
        if (this.#waiters.length > 0 && this.#full()) {
          for (const w of this.#waiters.splice(0)) w();
        }
      },
      (err: unknown) => {
        slot.inflight--;
        log.warn({ err, path: slot.path }, 'background Kalshi signing failed; the order path will sign synchronously');
      },
    );
  }
}
