// Test doubles shared by the trader's tests: a venue client that records every order it gets
// (the witness that a leg reached a venue, and how often), and polling helpers.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VenueError, type LegRequest, type LegVenueClient, type Platform, type VenueOrderReport } from '@parity/trading';
import type { TraderConfig } from '../src/config.ts';

export const SECRET = 'trader-test-secret-0123456789';

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An in-memory venue: fills every order in full, refuses a repeated client order id like a real venue. */
export class FakeVenue implements LegVenueClient {
  readonly submits: string[] = [];
  readonly orders = new Map<string, VenueOrderReport>();
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;

  constructor(readonly platform: Platform = 'kalshi') {}

  /** Make submits wait (after the order reached the venue) until release(). */
  hold(): void {
    this.gate = new Promise((r) => (this.openGate = r));
  }

  release(): void {
    this.openGate?.();
    this.gate = null;
  }

  clientOrderIdFor(r: LegRequest): string {
    return `cid-${r.legId}`;
  }

  async submitLeg(r: LegRequest): Promise<VenueOrderReport> {
    const cid = this.clientOrderIdFor(r);
    this.submits.push(r.legId);
    if (this.orders.has(cid)) throw new VenueError('duplicate_order', `client order id ${cid} already used`, { platform: this.platform });
    const rep: VenueOrderReport = {
      status: 'filled',
      filledContracts: r.contracts,
      costMicros: r.price * r.contracts,
      feesMicros: 7_000,
      venueOrderId: `v-${r.legId}`,
      clientOrderId: cid,
    };
    this.orders.set(cid, rep);
    if (this.gate) await this.gate;
    return rep;
  }

  async lookupLeg(r: LegRequest): Promise<VenueOrderReport | null> {
    return this.orders.get(this.clientOrderIdFor(r)) ?? null;
  }

  async balanceMicros(): Promise<number> {
    return 1_000_000_000;
  }
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'parity-trader-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(url: string, dir: string, o: Partial<TraderConfig> = {}): TraderConfig {
  return {
    url,
    secret: SECRET,
    traderId: 'trader-under-test',
    platforms: ['kalshi', 'polymarket'],
    dryRun: false,
    dbPath: join(dir, 'trader.db'),
    limits: { maxContracts: 100_000, maxNotionalMicros: 1_000_000_000, maxDailyNotionalMicros: 10_000_000_000, minPrice: 100, maxPrice: 9900 },
    oneShot: false,
    reconnectBaseMs: 20,
    reconnectMaxMs: 200,
    recoveryGraceMs: 0,
    ...o,
  };
}

export const kalshiLeg = (legId: string, o: Partial<LegRequest> = {}): LegRequest => ({
  legId, platform: 'kalshi', action: 'buy', side: 'no', price: 5200, contracts: 1000, kalshiTicker: 'KXTEST-26JAN24-MIA', ...o,
});
