import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@parity/trading';
import { describeMode, parseControllerPlatforms, parseExecutionConfig } from '../src/config/execution.ts';

test('CONTROLLER_PLATFORMS: unset or empty is a pure router', () => {
  assert.deepEqual([...parseControllerPlatforms(undefined)], []);
  assert.deepEqual([...parseControllerPlatforms('')], []);
  assert.deepEqual([...parseControllerPlatforms('  ,  ')], []);
  assert.equal(parseExecutionConfig({}).localPlatforms.size, 0);
});

test('CONTROLLER_PLATFORMS: kalshi, polymarket/poly, comma-separated, any case, whitespace', () => {
  assert.deepEqual([...parseControllerPlatforms('kalshi')], ['kalshi']);
  assert.deepEqual([...parseControllerPlatforms(' KALSHI , Poly ')].sort(), ['kalshi', 'polymarket']);
  assert.deepEqual([...parseControllerPlatforms('kalshi,polymarket')].sort(), ['kalshi', 'polymarket']);
  assert.deepEqual([...parseControllerPlatforms('PolyMarket,poly')], ['polymarket']);
});

test('CONTROLLER_PLATFORMS: an unknown name is a startup error naming it', () => {
  assert.throws(() => parseControllerPlatforms('kalshi,binance'), (e: unknown) => e instanceof ConfigError && /"binance"/.test(e.message));
  assert.throws(() => parseExecutionConfig({ CONTROLLER_PLATFORMS: 'kalsh' }), (e: unknown) => e instanceof ConfigError && /CONTROLLER_PLATFORMS.*"kalsh"/.test(e.message));
});

test('defaults: dry run on, ./data/parity.db, dollar limits as micros', () => {
  const c = parseExecutionConfig({});
  assert.equal(c.dryRun, true);
  assert.equal(c.dbPath, './data/parity.db');
  assert.equal(c.dbSync, 'normal');
  assert.equal(c.legTimeoutMs, 5000);
  assert.equal(c.unwindFloorPx, 100);
  assert.equal(c.unwindTickPx, 100);
  assert.equal(c.breaker.enabled, true);
  assert.equal(c.breaker.maxPositionPerPairMicros, 500_000_000);
  assert.equal(c.breaker.maxTotalPositionMicros, 1_000_000_000);
  assert.equal(c.breaker.maxDailyLossMicros, 500_000_000);
  assert.equal(c.breaker.maxConsecutiveErrors, 5);
  assert.equal(c.breaker.cooldownMs, 300_000);
  assert.equal(c.breaker.dailyResetMinuteUtc, 0);
  assert.match(describeMode(c), /pure router.*DRY RUN/);
});

test('values are parsed exactly and strictly', () => {
  const c = parseExecutionConfig({
    DRY_RUN: 'off', CONTROLLER_PLATFORMS: 'kalshi', PARITY_DB: '/tmp/x.db', PARITY_DB_SYNC: 'FULL', LEG_TIMEOUT_MS: '750',
    UNWIND_FLOOR_PRICE: '0.05', UNWIND_TICK: '0.001', CB_MAX_POSITION_PER_MARKET: '12.34', CB_MAX_DAILY_LOSS: '0.000001',
    CB_ENABLED: 'no', CB_DAILY_RESET_UTC: '13:30', CB_COOLDOWN_SECS: '0',
  });
  assert.equal(c.dryRun, false);
  assert.equal(c.dbSync, 'full');
  assert.equal(c.legTimeoutMs, 750);
  assert.equal(c.unwindFloorPx, 500);
  assert.equal(c.unwindTickPx, 10);
  assert.equal(c.breaker.maxPositionPerPairMicros, 12_340_000);
  assert.equal(c.breaker.maxDailyLossMicros, 1);
  assert.equal(c.breaker.enabled, false);
  assert.equal(c.breaker.dailyResetMinuteUtc, 13 * 60 + 30);
  assert.equal(c.breaker.cooldownMs, 0);
  assert.match(describeMode(c), /local execution for kalshi.*LIVE/);
});

test('bad values are errors that name the variable (never silently live or disabled)', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['DRY_RUN', 'maybe', /DRY_RUN/],
    ['CB_ENABLED', 'enabled', /CB_ENABLED/],
    ['LEG_TIMEOUT_MS', '1.5', /LEG_TIMEOUT_MS.*whole number/],
    ['LEG_TIMEOUT_MS', '0', /LEG_TIMEOUT_MS/],
    ['CB_MAX_TOTAL_POSITION', '-5', /CB_MAX_TOTAL_POSITION/],
    ['CB_MAX_TOTAL_POSITION', '0', /CB_MAX_TOTAL_POSITION/],
    ['CB_MAX_POSITION_PER_MARKET', '1e3', /CB_MAX_POSITION_PER_MARKET.*dollars/],
    ['UNWIND_FLOOR_PRICE', '1.00', /UNWIND_FLOOR_PRICE/],
    ['UNWIND_TICK', '0.00001', /UNWIND_TICK/],
    ['CB_DAILY_RESET_UTC', '24:00', /CB_DAILY_RESET_UTC/],
    ['PARITY_DB_SYNC', 'off', /PARITY_DB_SYNC/],
  ];
  for (const [k, v, re] of bad) {
    assert.throws(() => parseExecutionConfig({ [k]: v }), (e: unknown) => e instanceof ConfigError && re.test(e.message), `${k}=${v}`);
  }
  // Several problems are reported together.
  assert.throws(() => parseExecutionConfig({ DRY_RUN: 'x', LEG_TIMEOUT_MS: 'y' }), (e: unknown) => e instanceof Error && /DRY_RUN/.test(e.message) && /LEG_TIMEOUT_MS/.test(e.message));
});
