import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LegRequest, LegResult } from '@parity/trading';
import {
  Auth,
  Challenge,
  ControllerHandshake,
  ControllerMessage,
  Hello,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  TraderHandshake,
  TraderMessage,
  controllerProof,
  frameText,
  hexEqual,
  legFromWire,
  legToWire,
  parseClear,
  parseMessage,
  readSecret,
  resultFromWire,
  resultToWire,
  type ControllerSession,
  type TraderSession,
} from '../src/index.ts';

const SECRET = 'test-secret-0123456789abcdef';

function must<T>(d: { ok: true; msg: T } | { ok: false; error: Error }): T {
  if (!d.ok) throw d.error;
  return d.msg;
}

/** Runs a full handshake in memory and returns both sessions. */
function handshake(controllerSecret = SECRET, traderSecret = SECRET) {
  const c = new ControllerHandshake(controllerSecret);
  const t = new TraderHandshake(traderSecret, 'trader-1');
  const ch = must(parseClear(c.challenge(), Challenge));
  const helloText = must(t.onChallenge(ch));
  const hello = must(parseClear(helloText, Hello));
  const fromC = c.onHello(hello);
  return { c, t, hello, helloText, fromC };
}

test('mutual handshake succeeds with the same secret and yields working sessions both ways', () => {
  const { t, fromC } = handshake();
  const ok = must(fromC);
  assert.equal(ok.traderId, 'trader-1');
  const tSession: TraderSession = must(t.onAuth(must(parseClear(ok.authFrame, Auth))));
  const cSession: ControllerSession = ok.session;

  const frame = cSession.seal({ type: 'ping', t: 42 });
  const got = must(tSession.open(frame));
  assert.deepEqual(got, { type: 'ping', seq: 1, t: 42 });
  const back = must(cSession.open(tSession.seal({ type: 'pong', t: 42 })));
  assert.equal(back.type, 'pong');
});

test('a trader with the wrong secret is rejected by the controller', () => {
  const { fromC } = handshake(SECRET, 'another-secret-0123456789');
  assert.equal(fromC.ok, false);
  if (!fromC.ok) assert.equal(fromC.error.code, 'auth');
});

test('a controller with the wrong secret is rejected by the trader', () => {
  const wrong = 'controller-does-not-know-it';
  const c = new ControllerHandshake(wrong);
  const t = new TraderHandshake(SECRET, 'trader-1');
  const challenge = must(parseClear(c.challenge(), Challenge));
  const hello = must(parseClear(must(t.onChallenge(challenge)), Hello));
  // The wrong controller cannot verify the hello...
  assert.equal(c.onHello(hello).ok, false);
  // ...and a proof it computes with its own secret over the right nonces does not verify either.
  const r = t.onAuth({ type: 'auth', v: PROTOCOL_VERSION, mac: controllerProof(wrong, challenge.nonce, hello.nonce, 'trader-1') });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'auth');
});

test('a replayed hello fails on a new connection (fresh controller nonce)', () => {
  const first = handshake();
  assert.equal(first.fromC.ok, true);
  const c2 = new ControllerHandshake(SECRET);
  c2.challenge();
  const replay = c2.onHello(first.hello);
  assert.equal(replay.ok, false);
  if (!replay.ok) assert.equal(replay.error.code, 'auth');
});

test('a replayed controller auth fails against a new trader nonce', () => {
  const first = handshake();
  const recordedAuth = must(parseClear(must(first.fromC).authFrame, Auth));
  // A fake controller replays the recorded auth to a new trader connection.
  const t2 = new TraderHandshake(SECRET, 'trader-1');
  must(t2.onChallenge(must(parseClear(new ControllerHandshake(SECRET).challenge(), Challenge))));
  const r = t2.onAuth(recordedAuth);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'auth');
});

test('a trader proof cannot be reflected as the controller proof', () => {
  const c = new ControllerHandshake(SECRET);
  const t = new TraderHandshake(SECRET, 'trader-1');
  const helloText = must(t.onChallenge(must(parseClear(c.challenge(), Challenge))));
  const hello = must(parseClear(helloText, Hello));
  const reflected = t.onAuth({ type: 'auth', v: PROTOCOL_VERSION, mac: hello.mac });
  assert.equal(reflected.ok, false);
});

test('version mismatch is a typed error', () => {
  const t = new TraderHandshake(SECRET, 'x');
  const r = t.onChallenge({ type: 'challenge', v: PROTOCOL_VERSION + 1, nonce: 'cd'.repeat(32) });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'version');
});

test('sealed messages: tampering, replay, reordering and wrong direction are rejected', () => {
  const { t, fromC } = handshake();
  const c = must(fromC).session;
  const ts = must(t.onAuth(must(parseClear(must(fromC).authFrame, Auth))));
  const f1 = c.seal({ type: 'ping', t: 1 });
  const f2 = c.seal({ type: 'ping', t: 2 });
  const f3 = c.seal({ type: 'ping', t: 3 });

  const tampered = f1.replace('"t":1', '"t":9');
  const bad = ts.open(tampered);
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.error.code, 'bad_mac');

  assert.equal(must(ts.open(f1)).type, 'ping');
  const replay = ts.open(f1);
  assert.equal(replay.ok, false);
  if (!replay.ok) assert.equal(replay.error.code, 'bad_seq');
  const skipped = ts.open(f3);
  assert.equal(skipped.ok, false);
  if (!skipped.ok) assert.equal(skipped.error.code, 'bad_seq');
  void f2;

  // A controller frame fed back to the controller (reflection) does not verify: separate keys.
  const c2 = handshake();
  const cs2 = must(c2.fromC).session;
  const ts2 = must(c2.t.onAuth(must(parseClear(must(c2.fromC).authFrame, Auth))));
  const reflected = cs2.open(cs2.seal({ type: 'ping', t: 1 }));
  assert.equal(reflected.ok, false);
  void ts2;

  const unsealed = ts.open(JSON.stringify({ type: 'ping', seq: 2, t: 2 }));
  assert.equal(unsealed.ok, false);
  if (!unsealed.ok) assert.equal(unsealed.error.code, 'bad_mac');
});

test('schemas: leg and result round-trip through the wire form, integers only', () => {
  const leg: LegRequest = {
    legId: 'm1-7-poly-yes', platform: 'polymarket', action: 'buy', side: 'yes', price: 4150, contracts: 1250,
    polyToken: '123456789', createdAtMs: 1_769_290_000_000, timeInForce: 'ioc',
  };
  const wire = legToWire(leg);
  const msg = must(parseClear(JSON.stringify({ type: 'execute_leg', seq: 1, leg: wire, deadline_in_ms: 5000 }), ControllerMessage));
  assert.equal(msg.type, 'execute_leg');
  if (msg.type === 'execute_leg') assert.deepEqual(legFromWire(msg.leg), leg);

  const result: LegResult = {
    legId: leg.legId, platform: 'polymarket', success: false, status: 'partial', filledContracts: 600, avgPrice: 4150,
    costMicros: 2_490_000, feesMicros: 12_000, venueOrderId: '0xabc', clientOrderId: '0xdef', latencyUs: 1234,
    error: null, errorKind: null,
  };
  const rmsg = must(parseClear(JSON.stringify({ type: 'leg_result', seq: 3, result: resultToWire(result) }), TraderMessage));
  if (rmsg.type === 'leg_result') assert.deepEqual(resultFromWire(rmsg.result), result);
  else assert.fail('wrong type');

  // Floats for money are malformed.
  const float = parseClear(JSON.stringify({ type: 'leg_result', seq: 1, result: { ...resultToWire(result), cost_micros: 2.5 } }), TraderMessage);
  assert.equal(float.ok, false);
  // An out-of-range price is still a well-formed leg (the trader refuses it with a reason).
  assert.equal(parseClear(JSON.stringify({ type: 'execute_leg', seq: 1, leg: { ...wire, price: 0 }, deadline_in_ms: 10 }), ControllerMessage).ok, true);
});

test('parse helper: typed errors for malformed, unknown, binary and oversized input', () => {
  const cases: [unknown, boolean, string][] = [
    ['{not json', false, 'not_json'],
    [JSON.stringify({ type: 'nope' }), false, 'invalid'],
    [JSON.stringify({ type: 'execute_leg', seq: 1 }), false, 'invalid'],
    [Buffer.from('{}'), true, 'binary'],
    ['x'.repeat(MAX_MESSAGE_BYTES + 1), false, 'too_large'],
  ];
  for (const [data, bin, code] of cases) {
    const r = parseMessage(data as string, ControllerMessage, bin);
    assert.equal(r.ok, false, String(code));
    if (!r.ok) assert.equal(r.error.code, code);
  }
  assert.equal(frameText([Buffer.from('{"a"'), Buffer.from(':1}')], false).ok, true);
});

test('hexEqual and readSecret', () => {
  assert.equal(hexEqual('ab'.repeat(32), 'ab'.repeat(32)), true);
  assert.equal(hexEqual('ab'.repeat(32), 'ab'.repeat(31)), false);
  assert.equal(hexEqual('ab'.repeat(32), 'zz'.repeat(32)), false);
  assert.equal(readSecret(undefined), undefined);
  assert.equal(readSecret('  '), undefined);
  assert.throws(() => readSecret('short'), /too short/);
  assert.equal(readSecret(` ${SECRET} `), SECRET);
});
