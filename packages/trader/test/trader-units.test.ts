// The trader's pure parts: configuration, limits, backoff, and the SQLite leg store on a real file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, failedResult, type LegRequest, type LegResult } from '@parity/trading';
import { parsePlatforms, traderConfigFromEnv, traderLimitsFromEnv } from '../src/config.ts';
import { checkDaily, checkLeg, utcDay } from '../src/limits.ts';
import { Backoff } from '../src/backoff.ts';
import { LegStore } from '../src/store.ts';

const base = { WEBSOCKET_URL: 'ws://127.0.0.1:9001', TRADER_SECRET: 'unit-test-secret-0123456789' };

test('TRADER_PLATFORM: names, aliases, any case, comma list; unknown is a startup error', () => {
  assert.deepEqual(parsePlatforms(undefined), ['kalshi', 'polymarket']);
  assert.deepEqual(parsePlatforms(' Kalshi '), ['kalshi']);
  assert.deepEqual(parsePlatforms('poly'), ['polymarket']);
  assert.deepEqual(parsePlatforms('POLYMARKET, kalshi'), ['polymarket', 'kalshi']);
  assert.throws(() => parsePlatforms('kalshi,betfair'), (e: Error) => e instanceof ConfigError && /betfair/.test(e.message));
  assert.throws(() => parsePlatforms(','), ConfigError);
});

test('trader config: defaults, strict values, required URL and secret', () => {
  const c = traderConfigFromEnv(base);
  assert.equal(c.dryRun, true);
  assert.equal(c.dbPath, './data/trader.db');
  assert.equal(c.oneShot, false);
  assert.deepEqual(c.limits, { maxContracts: 10_000, maxNotionalMicros: 100_000_000, maxDailyNotionalMicros: 1_000_000_000, minPrice: 100, maxPrice: 9900 });
  assert.throws(() => traderConfigFromEnv({ ...base, WEBSOCKET_URL: undefined }), /WEBSOCKET_URL is not set/);
  assert.throws(() => traderConfigFromEnv({ ...base, WEBSOCKET_URL: 'http://x' }), /not a ws/);
  assert.throws(() => traderConfigFromEnv({ ...base, TRADER_SECRET: undefined }), /TRADER_SECRET is not set/);
  assert.throws(() => traderConfigFromEnv({ ...base, TRADER_SECRET: 'short' }), /too short/);
  assert.throws(() => traderConfigFromEnv({ ...base, DRY_RUN: 'maybe' }), /not a boolean/);
  assert.throws(() => traderConfigFromEnv({ ...base, ONE_SHOT: 'si' }), /not a boolean/);
  assert.equal(traderConfigFromEnv({ ...base, DRY_RUN: 'OFF' }).dryRun, false);
});

test('trader limits from the environment: exact units, bad values refused', () => {
  const l = traderLimitsFromEnv({
    TRADER_MAX_CONTRACTS: '12.5', TRADER_MAX_NOTIONAL_USD: '7.25', TRADER_MAX_DAILY_NOTIONAL_USD: '50',
    TRADER_MIN_PRICE: '0.05', TRADER_MAX_PRICE: '0.9025',
  });
  assert.deepEqual(l, { maxContracts: 1250, maxNotionalMicros: 7_250_000, maxDailyNotionalMicros: 50_000_000, minPrice: 500, maxPrice: 9025 });
  assert.throws(() => traderLimitsFromEnv({ TRADER_MAX_CONTRACTS: 'ten' }), /TRADER_MAX_CONTRACTS/);
  assert.throws(() => traderLimitsFromEnv({ TRADER_MAX_CONTRACTS: '0' }), /greater than zero/);
  assert.throws(() => traderLimitsFromEnv({ TRADER_MAX_NOTIONAL_USD: '-1' }), /greater than zero/);
  assert.throws(() => traderLimitsFromEnv({ TRADER_MIN_PRICE: '0.6', TRADER_MAX_PRICE: '0.5' }), /min <= max/);
  assert.throws(() => traderLimitsFromEnv({ TRADER_MAX_PRICE: '1.00' }), /< 1/);
  assert.throws(() => traderLimitsFromEnv({ TRADER_MIN_PRICE: '0.00001' }), /TRADER_MIN_PRICE/);
});

const limits = { maxContracts: 1000, maxNotionalMicros: 5_000_000, maxDailyNotionalMicros: 8_000_000, minPrice: 100, maxPrice: 9900 };
const leg = (o: Partial<LegRequest> = {}): LegRequest => ({
  legId: 'l', platform: 'kalshi', action: 'buy', side: 'yes', price: 4000, contracts: 1000, kalshiTicker: 'KX', ...o,
});

test('limits: venue, price range, validity, contracts and notional per leg', () => {
  assert.equal(checkLeg(leg(), limits, ['kalshi']), null);
  assert.match(checkLeg(leg(), limits, ['polymarket'])!.reason, /does not serve Kalshi/);
  assert.match(checkLeg(leg({ price: 99 }), limits, ['kalshi'])!.reason, /outside this trader's range 0.0100-0.9900/);
  assert.match(checkLeg(leg({ price: 9901 }), limits, ['kalshi'])!.reason, /outside/);
  assert.match(checkLeg(leg({ price: 0 }), limits, ['kalshi'])!.reason, /outside/);
  assert.equal(checkLeg(leg({ kalshiTicker: undefined }), limits, ['kalshi'])!.kind, 'validation');
  assert.match(checkLeg(leg({ contracts: 1001 }), limits, ['kalshi'])!.reason, /10.01 contracts exceed .* 10.00/);
  // 0.99 x 6 contracts = $5.94 > $5
  const big = checkLeg(leg({ price: 9900, contracts: 600 }), { ...limits, maxContracts: 10_000 }, ['kalshi']);
  assert.equal(big?.kind, 'refused');
  assert.match(big!.reason, /notional \$5.94 exceeds .* \$5.00 per leg/);
  assert.equal(checkLeg(leg({ price: 5000, contracts: 1000 }), limits, ['kalshi']), null); // exactly $5
});

test('limits: the daily budget, to the micro-dollar', () => {
  const l = leg({ price: 4000, contracts: 1000 }); // $4
  assert.equal(checkDaily(l, 4_000_000, limits), null); // 4 + 4 = 8, at the limit
  assert.match(checkDaily(l, 4_000_001, limits)!.reason, /daily limit of \$8/);
  assert.equal(utcDay(Date.UTC(2026, 0, 24, 23, 59)), '2026-01-24');
});

test('backoff: exponential, jittered within [cap/2, cap], capped, resettable', () => {
  let rnd = 0;
  const b = new Backoff(100, 1000, () => rnd);
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [50, 100, 200, 400, 500]);
  rnd = 1;
  assert.equal(b.next(), 1000);
  b.reset();
  assert.equal(b.next(), 100);
  const r = new Backoff(250, 30_000);
  for (let i = 0; i < 50; i++) {
    const d = r.next();
    assert.ok(d >= 125 && d <= 30_000, String(d));
  }
});

test('leg store: started before done, idempotent begin, daily sums per mode, survives reopening', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parity-store-'));
  const path = join(dir, 'sub', 'trader.db');
  try {
    let s = new LegStore(path);
    const day = '2026-01-24';
    const a = leg({ legId: 'a', price: 5000, contracts: 200 }); // $1
    const never = (): LegResult | null => null;
    assert.equal(s.begin(a, { dryRun: false, notional: 1_000_000, day, nowMs: 1, checkBudget: never }).outcome, 'started');
    const again = s.begin(a, { dryRun: false, notional: 1_000_000, day, nowMs: 2, checkBudget: never });
    assert.equal(again.outcome, 'exists');
    assert.equal(s.get('a')?.state, 'started');
    assert.equal(s.dailyNotional(day, false), 1_000_000);
    assert.equal(s.dailyNotional(day, true), 0);
    assert.deepEqual(s.unfinished().map((l) => l.legId), ['a']);

    // A budget refusal is recorded as the leg's final answer.
    const b = leg({ legId: 'b' });
    const refusal = failedResult(b, 'over budget', 'refused', 0);
    const refused = s.begin(b, { dryRun: false, notional: 4_000_000, day, nowMs: 3, checkBudget: () => refusal });
    assert.equal(refused.outcome, 'refused');
    assert.deepEqual(s.get('b')?.result, refusal);
    s.close();

    // Reopen: the started leg is still there (a crash here would leave exactly this).
    s = new LegStore(path);
    assert.deepEqual(s.unfinished().map((l) => l.legId), ['a']);
    const done: LegResult = { ...failedResult(a, 'x', 'venue', 5), status: 'filled', success: true, error: null, errorKind: null, filledContracts: 200, costMicros: 990_000 };
    s.finish('a', done, 990_000);
    assert.deepEqual(s.unfinished(), []);
    assert.equal(s.dailyNotional(day, false), 990_000);
    assert.deepEqual(s.undelivered().map((l) => l.legId).sort(), ['a', 'b']);
    s.markDelivered(['a', 'b']);
    assert.deepEqual(s.undelivered(), []);
    assert.deepEqual(s.get('a')?.result, done);
    s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
