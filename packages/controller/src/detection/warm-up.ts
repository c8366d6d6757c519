// JIT warm-up of the path that finds and sizes an arbitrage. In production almost every update
// stops at detection's price screen, so the code behind it (fee screen, depth walk, exact fees,
// the Opportunity) runs rarely, and V8 would run it unoptimised (interpreter / baseline code,
// ~10x slower) exactly when it matters. At start-up it is run a few thousand times on a private
// book store with synthetic books that open and close an arbitrage of every type, through the
// same classes and entry points as live data, so the live path starts optimised.
//
// Nothing here touches the live store, fees, stats or sink.

import type { Logger } from '@parity/trading';
import { logger as rootLogger } from '@parity/trading';
import { BookStore } from '../books/book-store.ts';
import type { Opportunity, Pair } from '../model.ts';
import { Detector, type DetectionConfig } from './detector.ts';
import { FeeDirectory } from './fees.ts';

export interface WarmUpResult {
  rounds: number;
  opportunities: number;
  /** Opportunities found per arb type (the paths that were exercised). */
  byType: Record<string, number>;
  ms: number;
}

/** Run the detection path `rounds` times on synthetic books (~3 ms per 1,000 rounds once optimised). */
export function warmUpDetection(config: DetectionConfig, rounds = 4_000, log: Logger = rootLogger): WarmUpResult {
  const t0 = performance.now();
  const quiet = log.child({ mod: 'detect-warm-up' }, { level: 'silent' });
  const store = new BookStore(quiet);
  const fees = new FeeDirectory({}, { polyFallback: { ratePpm: 50_000, exponent: 1, takerOnly: true }, polyDefaultMinSize: 500, log: quiet });
  let opportunities = 0;
  const byType: Record<string, number> = {};
  let nowMs = Date.now();
  const found = (o: Opportunity): void => {
    opportunities++;
    byType[o.type] = (byType[o.type] ?? 0) + 1;
  };
  const detector = new Detector({ ...config, repeatMs: 0 }, fees, found, () => nowMs, quiet);
  store.useDetector(detector);
  const pair: Pair = { id: 'warm-up', description: 'warm-up', kalshiTicker: 'WARM-UP', polyYesToken: '1', polyNoToken: '2', source: 'file' };
  store.addPair(pair);
  fees.setKalshi(pair.kalshiTicker, { feeType: 'quadratic', feeMultiplier: 1 });
  fees.setPoly(pair.polyYesToken, { fee: { ratePpm: 30_000, exponent: 1, takerOnly: true }, minOrderSize: 500 });
  fees.setPoly(pair.polyNoToken, { fee: { ratePpm: 30_000, exponent: 1, takerOnly: true }, minOrderSize: 500 });
  const live = { aliveAtMs: nowMs };
  const kalshi = store.kalshiHandle(pair.kalshiTicker)!;
  const no = store.polyHandle(pair.polyNoToken)!;
  // No arbitrage at rest: Kalshi YES bids from 45¢, NO bids from 35¢ (asks 65¢ / 55¢); Polymarket
  // YES 49/51¢, NO 20/51¢. Five levels a side.
  const lv = (from: number, step: number): number[] => [0, 1, 2, 3, 4].flatMap((i) => [from + i * step, 10_000 + i * 5_000]);
  store.kalshiSnapshot(pair.kalshiTicker, lv(4_500, -100), lv(3_500, -100), nowMs, live);
  store.polyBook(pair.polyYesToken, lv(4_900, -100), lv(5_100, 100), nowMs, live);
  store.polyBook(pair.polyNoToken, lv(2_000, -100), lv(5_100, 100), nowMs, live);
  store.frameEnd();
  for (let i = 0; i < rounds; i++) {
    nowMs++;
    live.aliveAtMs = nowMs;
    const depth = 100 * (1 + (Math.floor(i / 4) % 7)); // 1-7 contracts
    const px = 100 * (Math.floor(i / 4) % 5); // 0-4¢ deeper, the same for an open and its close
    const alt = Math.floor(i / 4) % 2 === 1;
    switch (i % 4) {
      case 0: // a Kalshi YES bid at 60-64¢: Kalshi NO at 36-40¢ + Polymarket YES 51¢ (poly_yes_kalshi_no)
        kalshi.delta('yes', 6_000 + px, depth, nowMs);
        break;
      case 1:
        kalshi.delta('yes', 6_000 + px, -depth, nowMs);
        break;
      case 2: // a Polymarket NO ask at 21-25¢: with Polymarket YES 51¢ (poly_only) or Kalshi YES
        no.level('ask', 2_500 - px, depth, nowMs);
        // every other time also a Kalshi NO bid at 54¢ (Kalshi YES at 46¢): kalshi_yes_poly_no wins
        if (alt) kalshi.delta('no', 5_400, depth, nowMs);
        break;
      default:
        no.level('ask', 2_500 - px, 0, nowMs);
        if (alt) kalshi.delta('no', 5_400, -depth, nowMs);
    }
    no.verify(-1, -1);
    store.frameEnd();
  }
  fees.close();
  return { rounds, opportunities, byType, ms: performance.now() - t0 };
}
