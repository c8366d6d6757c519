import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExecutionConfig, type BreakerConfig } from '../src/config/execution.ts';
import { CircuitBreaker, dailyWindowStart } from '../src/risk/circuit-breaker.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

function cfg(over: Partial<BreakerConfig> = {}): BreakerConfig {
  return { ...parseExecutionConfig({}).breaker, ...over };
}

function clock(start = T0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('exposure comes from fills plus in-flight reservations, and falls on unwind/settlement', () => {
  const c = clock();
  const b = new CircuitBreaker(cfg({ maxPositionPerPairMicros: 100_000_000, maxTotalPositionMicros: 150_000_000 }), { now: c.now, exposures: new Map([['A', 30_000_000]]) });
  assert.equal(b.capacityMicros('A'), 70_000_000);
  assert.equal(b.capacityMicros('B'), 100_000_000);
  assert.deepEqual(b.canOpen('A', 70_000_000), { ok: true });
  assert.equal(b.canOpen('A', 70_000_001).ok, false);

  b.reserve('leg1', 'B', 60_000_000);
  assert.equal(b.capacityMicros('B'), 40_000_000);
  assert.equal(b.capacityMicros('A'), 60_000_000); // total: 150 - 30 - 60
  b.release('leg1');
  b.setPairExposure('B', 55_000_000); // what actually filled
  assert.equal(b.capacityMicros('B'), 45_000_000);
  assert.equal(b.state().exposureMicros, 85_000_000);
  b.setPairExposure('B', 0); // unwound or settled
  assert.equal(b.state().exposureMicros, 30_000_000);
  assert.deepEqual(b.state().exposureByPair, { A: 30_000_000 });
});

test('consecutive errors trip for the cooldown; a hedged success resets the count', () => {
  const c = clock();
  const trips: string[] = [];
  const b = new CircuitBreaker(cfg({ maxConsecutiveErrors: 3, cooldownMs: 60_000 }), { now: c.now });
  b.on('trip', (s) => trips.push(s.tripReason!));
  b.recordError('x');
  b.recordError('x');
  b.recordSuccess('A');
  b.recordError('x');
  b.recordError('x');
  assert.equal(b.haltReason(), null);
  b.recordError('rejected order');
  assert.match(b.haltReason()!, /consecutive_errors.*rejected order/);
  assert.equal(b.canOpen('A', 1).ok, false);
  assert.deepEqual(trips, ['consecutive_errors']);
  assert.equal(b.state().resumesAtMs, T0 + 60_000);
  c.advance(59_999);
  assert.notEqual(b.haltReason(), null);
  c.advance(1);
  assert.equal(b.haltReason(), null);
  assert.equal(b.state().consecutiveErrors, 0);
});

test('repeated mismatches blacklist a pair for the cool-off, then it is allowed again', () => {
  const c = clock();
  const b = new CircuitBreaker(cfg({ blacklistThreshold: 2, blacklistMs: 10_000, maxConsecutiveErrors: 100 }), { now: c.now });
  b.recordMismatch('A', 'yes 10 / no 0');
  assert.equal(b.isBlacklisted('A'), false);
  b.recordMismatch('A', 'yes 10 / no 0');
  assert.equal(b.isBlacklisted('A'), true);
  assert.match((b.canOpen('A', 1) as { reason: string }).reason, /blacklisted/);
  assert.equal(b.canOpen('B', 1).ok, true);
  b.recordSuccess('A'); // a success elsewhere does not lift an active blacklist
  assert.equal(b.isBlacklisted('A'), true);
  c.advance(10_000);
  assert.equal(b.isBlacklisted('A'), false);
  b.recordMismatch('A', 'again');
  assert.equal(b.isBlacklisted('A'), false, 'the count started over after the cool-off');
});

test('daily loss trips until the configured daily reset, and the window rolls at that time', () => {
  // Reset at 13:30 UTC; now is 12:00 -> the window started yesterday 13:30.
  const c = clock();
  const reset = 13 * 60 + 30;
  assert.equal(dailyWindowStart(T0, reset), Date.UTC(2026, 0, 9, 13, 30));
  assert.equal(dailyWindowStart(Date.UTC(2026, 0, 10, 13, 30), reset), Date.UTC(2026, 0, 10, 13, 30));
  const b = new CircuitBreaker(cfg({ maxDailyLossMicros: 10_000_000, dailyResetMinuteUtc: reset }), { now: c.now, dailyPnlMicros: -4_000_000 });
  b.recordPnl(-6_000_000);
  assert.equal(b.haltReason(), null, 'exactly at the limit is still allowed');
  b.recordPnl(-1);
  assert.match(b.haltReason()!, /daily_loss/);
  assert.equal(b.state().resumesAtMs, Date.UTC(2026, 0, 10, 13, 30));
  c.advance(60 * 60_000); // 13:00: still the same day
  assert.notEqual(b.haltReason(), null);
  c.advance(30 * 60_000); // 13:30: new window
  assert.equal(b.haltReason(), null);
  assert.equal(b.state().dailyPnlMicros, 0);
});

test('kill switch refuses everything until resumed and is restored from persisted state', () => {
  const c = clock();
  const changes: unknown[] = [];
  const b = new CircuitBreaker(cfg(), { now: c.now });
  b.on('change', (p) => changes.push(p));
  b.kill('operator pressed stop');
  assert.match(b.haltReason()!, /kill switch.*operator pressed stop/);
  assert.equal(b.state().halted, true);
  assert.equal(b.state().tripReason, 'kill_switch');
  c.advance(DAY * 3);
  assert.notEqual(b.haltReason(), null, 'the kill switch never expires');
  const restored = new CircuitBreaker(cfg(), { now: c.now, persisted: b.persisted() });
  assert.notEqual(restored.haltReason(), null);
  b.resume();
  assert.equal(b.haltReason(), null);
  assert.deepEqual(changes.at(-1), { killed: false, killReason: null, trip: null });
});

test('a disabled breaker never limits, but the kill switch still works', () => {
  const b = new CircuitBreaker(cfg({ enabled: false, maxConsecutiveErrors: 1 }));
  b.recordError('x');
  b.recordPnl(-1e12);
  assert.equal(b.canOpen('A', 1e12).ok, true);
  b.kill();
  assert.equal(b.canOpen('A', 1).ok, false);
});
