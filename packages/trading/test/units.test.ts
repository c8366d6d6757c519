import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatMicros, formatPx, formatQty, formatUsd, notional, parseMicros, parseOptional, parsePx, parseQty, parseScaled,
} from '../src/units.ts';

test('venue strings convert to exact integers', () => {
  assert.equal(parsePx('0.5600'), 5600);
  assert.equal(parsePx('0.09'), 900);
  assert.equal(parsePx('0.960'), 9600);
  assert.equal(parsePx('1'), 10000);
  assert.equal(parsePx('.0025'), 25);
  assert.equal(parseQty('114.00'), 11400);
  assert.equal(parseQty('10'), 1000);
  assert.equal(parseQty('0.01'), 1);
  assert.equal(parseMicros('10.2600'), 10_260_000);
  assert.equal(parseMicros('-1.5'), -1_500_000);
  assert.equal(parseOptional('', parseMicros), 0);
  assert.equal(parseOptional(undefined, parseMicros), 0);
  // 0.1 + 0.2 style float drift cannot happen: the digits are read, not computed.
  assert.equal(parsePx('0.3') - parsePx('0.1'), parsePx('0.2'));
});

test('bad strings are rejected with the value named', () => {
  assert.throws(() => parsePx('0.56001'), /more than 4 decimals/);
  assert.throws(() => parsePx('abc'), /invalid price "abc"/);
  assert.throws(() => parsePx(''), /empty/);
  assert.throws(() => parsePx('1.2.3'), /two decimal points/);
  assert.throws(() => parseQty('-'), /no digits/);
  assert.throws(() => parsePx('1e3'), /not a decimal/);
});

test('rounding of extra decimals is explicit', () => {
  assert.equal(parseScaled('0.0123456', 6, 'x', 'floor'), 12345);
  assert.equal(parseScaled('0.0123451', 6, 'x', 'ceil'), 12346);
  assert.equal(parseScaled('0.0123455', 6, 'x', 'half-up'), 12346);
  assert.equal(parseScaled('0.0123454', 6, 'x', 'half-up'), 12345);
  assert.equal(parseScaled('-0.0123451', 6, 'x', 'floor'), -12346);
});

test('formatting round-trips and price x size is exact micros', () => {
  assert.equal(formatPx(5600), '0.5600');
  assert.equal(formatQty(11400), '114.00');
  assert.equal(formatMicros(-1_500_000), '-1.500000');
  assert.equal(formatUsd(10_255_000), '$10.26');
  assert.equal(formatUsd(-4_999), '-$0.00');
  assert.equal(notional(parsePx('0.0900'), parseQty('114')), parseMicros('10.26'));
  fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), (v) => parsePx(formatPx(v)) === v && parseQty(formatQty(v)) === v));
});
