// Accounting for market-data frames we could not use: counted per venue and per market, logged
// with the market and a sample of the frame, rate-limited so a misbehaving feed cannot flood the
// log (and slow the hot path) — the counters stay exact.

import type { Logger, Platform } from '@parity/trading';

export class BadFrameLog {
  total = 0;
  readonly byVenue: Record<Platform, number> = { kalshi: 0, polymarket: 0 };
  /** Count per `${venue}:${market}` (market '-' when the frame named none). */
  readonly byMarket = new Map<string, number>();
  private windowStartMs = 0;
  private loggedInWindow = 0;
  private suppressed = 0;

  constructor(
    private readonly log: Logger,
    private readonly maxLogsPerSecond = 10,
  ) {}

  record(venue: Platform, reason: string, market: string | undefined, sample: string): void {
    this.total++;
    this.byVenue[venue]++;
    const key = `${venue}:${market ?? '-'}`;
    this.byMarket.set(key, (this.byMarket.get(key) ?? 0) + 1);
    const now = Date.now();
    if (now - this.windowStartMs >= 1_000) {
      if (this.suppressed > 0) this.log.warn({ suppressed: this.suppressed }, 'bad market-data frames not logged (rate limit)');
      this.windowStartMs = now;
      this.loggedInWindow = 0;
      this.suppressed = 0;
    }
    if (this.loggedInWindow < this.maxLogsPerSecond) {
      this.loggedInWindow++;
      this.log.warn({ venue, market, reason, frame: sample, total: this.total }, 'bad market-data frame ignored');
    } else {
      this.suppressed++;
    }
  }

  countFor(venue: Platform, market?: string): number {
    return this.byMarket.get(`${venue}:${market ?? '-'}`) ?? 0;
  }
}
