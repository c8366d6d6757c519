// The controller's trader server over real sockets on 127.0.0.1, driven by a hand-rolled trader
// that speaks the protocol frame by frame (so it can also misbehave).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { LegRequest, LegResult } from '@parity/trading';
import {
  Auth,
  Challenge,
  ControllerMessage,
  MAX_MESSAGE_BYTES,
  TraderHandshake,
  legFromWire,
  parseClear,
  resultToWire,
  type TraderMessage,
  type TraderSession,
  type Unsealed,
} from '@parity/protocol';
import { TraderServer, CLOSE, type TraderServerOptions } from '../src/traders/server.ts';

const SECRET = 'controller-test-secret-0123456789';

async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function startServer(o: Partial<TraderServerOptions> = {}): Promise<TraderServer> {
  return TraderServer.start({ host: '127.0.0.1', port: 0, secret: SECRET, dryRun: true, heartbeatMs: 100, livenessTimeoutMs: 600, handshakeTimeoutMs: 3000, ...o });
}

/** A trader written frame by frame. Answers pings unless silenced. */
class RawTrader {
  readonly frames: string[] = [];
  readonly msgs: ControllerMessage[] = [];
  session: TraderSession | null = null;
  silent = false;
  closed: Promise<{ code: number; reason: string }>;
  isClosed = false;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.isClosed = true;
        resolve({ code, reason: reason.toString() });
      }),
    );
    ws.on('error', () => {});
    ws.on('message', (data) => this.dispatch(String(data)));
  }

  private dispatch(text: string): void {
    if (!this.session) return void this.frames.push(text);
    const m = this.session.open(text);
    if (!m.ok) return void this.frames.push(text);
    if (m.msg.type === 'ping' && !this.silent) return void this.send({ type: 'pong', t: m.msg.t });
    if (m.msg.type === 'ping') return;
    this.msgs.push(m.msg);
  }

  static async connect(url: string): Promise<RawTrader> {
    const ws = new WebSocket(url, { maxPayload: 10 * MAX_MESSAGE_BYTES });
    const t = new RawTrader(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return t;
  }

  async nextFrame(): Promise<string> {
    await waitFor(() => this.frames.length > 0 || this.isClosed, 'a frame');
    const f = this.frames.shift();
    if (f === undefined) throw new Error('closed without a frame');
    return f;
  }

  async next<T extends ControllerMessage['type']>(type: T): Promise<Extract<ControllerMessage, { type: T }>> {
    await waitFor(() => this.msgs.some((m) => m.type === type), `a ${type} message`);
    const i = this.msgs.findIndex((m) => m.type === type);
    return this.msgs.splice(i, 1)[0] as Extract<ControllerMessage, { type: T }>;
  }

  /** Runs the handshake; returns the hello frame sent (for replay tests). */
  async authenticate(secret = SECRET, traderId = 'raw-1'): Promise<string> {
    const hs = new TraderHandshake(secret, traderId);
    const ch = parseClear(await this.nextFrame(), Challenge);
    assert.ok(ch.ok, 'challenge');
    const hello = hs.onChallenge(ch.msg);
    assert.ok(hello.ok);
    this.ws.send(hello.msg);
    const auth = parseClear(await this.nextFrame(), Auth);
    assert.ok(auth.ok, 'auth frame');
    const s = hs.onAuth(auth.msg);
    assert.ok(s.ok, 'controller proof verifies');
    this.session = s.msg;
    // Frames that arrived with the auth frame (init) were queued before the session existed.
    for (const f of this.frames.splice(0)) this.dispatch(f);
    return hello.msg;
  }

  async register(venues: ('kalshi' | 'polymarket')[], dryRun = true): Promise<void> {
    await this.next('init');
    this.send({ type: 'register', venues, dry_run: dryRun, unusable: [] });
    await this.next('registered');
  }

  send(msg: Unsealed<TraderMessage>): void {
    this.ws.send(this.session!.seal(msg));
  }
}

const leg = (id: string, platform: 'kalshi' | 'polymarket' = 'kalshi'): LegRequest => ({
  legId: id,
  platform,
  action: 'buy',
  side: 'yes',
  price: 4200,
  contracts: 500,
  ...(platform === 'kalshi' ? { kalshiTicker: 'KX-TEST' } : { polyToken: '1234' }),
});

const filled = (r: LegRequest): LegResult => ({
  legId: r.legId, platform: r.platform, success: true, status: 'filled', filledContracts: r.contracts, avgPrice: r.price,
  costMicros: r.price * r.contracts, feesMicros: 17_000, venueOrderId: `v-${r.legId}`, clientOrderId: `c-${r.legId}`,
  latencyUs: 321, error: null, errorKind: null,
});

test('without TRADER_SECRET the server accepts no trader at all', async () => {
  const s = await startServer({ secret: undefined });
  const failures: string[] = [];
  s.on('auth_failed', (e) => failures.push(e.reason));
  try {
    const t = await RawTrader.connect(s.url);
    const first = JSON.parse(await t.nextFrame()) as { type: string; code: string };
    assert.equal(first.type, 'error');
    assert.equal(first.code, 'auth');
    assert.equal((await t.closed).code, CLOSE.auth);
    assert.equal(s.isConnected('kalshi'), false);
    assert.match(failures[0] ?? '', /no TRADER_SECRET/);
  } finally {
    await s.close();
  }
});

test('a trader with the wrong secret is closed and never registered', async () => {
  const s = await startServer();
  let registered = 0;
  s.on('register', () => registered++);
  try {
    const t = await RawTrader.connect(s.url);
    const hs = new TraderHandshake('the-wrong-secret-0123456789', 'intruder');
    const ch = parseClear(await t.nextFrame(), Challenge);
    assert.ok(ch.ok);
    const hello = hs.onChallenge(ch.msg);
    assert.ok(hello.ok);
    t.ws.send(hello.msg);
    const err = JSON.parse(await t.nextFrame()) as { type: string; code: string };
    assert.deepEqual([err.type, err.code], ['error', 'auth']);
    assert.equal((await t.closed).code, CLOSE.auth);
    assert.equal(registered, 0);
    assert.equal(s.isConnected('kalshi'), false);
    // And it never got a leg: sendLeg finds no path.
    const r = await s.sendLeg(leg('w-1'), { deadlineMs: 500 });
    assert.equal(r.status, 'rejected');
    assert.equal(r.errorKind, 'no_client');
  } finally {
    await s.close();
  }
});

test('a replayed handshake is rejected', async () => {
  const s = await startServer();
  try {
    const good = await RawTrader.connect(s.url);
    const helloFrame = await good.authenticate();
    await good.register(['kalshi']);
    good.ws.close();
    await good.closed;

    const replay = await RawTrader.connect(s.url);
    await replay.nextFrame(); // fresh challenge, ignored by the attacker
    replay.ws.send(helloFrame);
    const err = JSON.parse(await replay.nextFrame()) as { code: string };
    assert.equal(err.code, 'auth');
    assert.equal((await replay.closed).code, CLOSE.auth);
    await waitFor(() => !s.isConnected('kalshi'), 'the closed trader to be gone');
  } finally {
    await s.close();
  }
});

test('messages before authentication, unsealed or forged messages close the connection', async () => {
  const s = await startServer();
  try {
    // A leg_result before any handshake.
    const a = await RawTrader.connect(s.url);
    await a.nextFrame();
    a.ws.send(JSON.stringify({ type: 'register', seq: 1, venues: ['kalshi'], dry_run: true, unusable: [] }));
    assert.equal((await a.closed).code, CLOSE.auth);

    // An unsealed message after authentication.
    const b = await RawTrader.connect(s.url);
    await b.authenticate();
    b.ws.send(JSON.stringify({ type: 'register', seq: 1, venues: ['kalshi'], dry_run: true, unusable: [] }));
    assert.equal((await b.closed).code, CLOSE.protocol);

    // A sealed message whose body was altered in transit.
    const c = await RawTrader.connect(s.url);
    await c.authenticate();
    const frame = c.session!.seal({ type: 'register', venues: ['kalshi'], dry_run: true, unusable: [] });
    c.ws.send(frame.replace('"kalshi"', '"polymarket"'));
    assert.equal((await c.closed).code, CLOSE.protocol);
    assert.equal(s.isConnected('kalshi') || s.isConnected('polymarket'), false);
  } finally {
    await s.close();
  }
});

test('malformed, binary and oversized frames close the connection', async () => {
  const s = await startServer();
  try {
    const a = await RawTrader.connect(s.url);
    await a.authenticate();
    await a.register(['kalshi']);
    assert.equal(s.isConnected('kalshi'), true);
    a.ws.send('{"type": this is not json');
    assert.equal((await a.closed).code, CLOSE.protocol);
    await waitFor(() => !s.isConnected('kalshi'), 'the trader to be unregistered');

    const b = await RawTrader.connect(s.url);
    await b.authenticate();
    b.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal((await b.closed).code, CLOSE.protocol);

    const c = await RawTrader.connect(s.url);
    await c.authenticate();
    await c.register(['kalshi']);
    c.ws.send('x'.repeat(MAX_MESSAGE_BYTES + 1));
    assert.equal((await c.closed).code, 1009); // ws: message too big
    await waitFor(() => !s.isConnected('kalshi'), 'the oversized sender to be unregistered');
  } finally {
    await s.close();
  }
});

test('a trader that goes silent is dropped and stops counting as a path', async () => {
  const s = await startServer();
  const gone: string[] = [];
  s.on('disconnect', (e) => gone.push(e.reason));
  try {
    const t = await RawTrader.connect(s.url);
    await t.authenticate();
    await t.register(['polymarket']);
    assert.equal(s.isConnected('polymarket'), true);
    assert.equal(s.connectedCount('polymarket'), 1);
    assert.equal(s.isConnected('kalshi'), false);
    t.silent = true;
    await waitFor(() => !s.isConnected('polymarket'), 'the silent trader to be dropped');
    await waitFor(() => gone.length === 1, 'a disconnect event');
    assert.match(gone[0]!, /silent/);
    assert.equal(s.connectedCount('polymarket'), 0);
    await t.closed;
  } finally {
    await s.close();
  }
});

test('a dry-run trader is not registered by a live controller', async () => {
  const s = await startServer({ dryRun: false });
  try {
    const t = await RawTrader.connect(s.url);
    await t.authenticate();
    const init = await t.next('init');
    assert.equal(init.dry_run, false);
    t.send({ type: 'register', venues: ['kalshi'], dry_run: true, unusable: [] });
    assert.equal((await t.closed).code, CLOSE.registration);
    assert.equal(s.isConnected('kalshi'), false);
  } finally {
    await s.close();
  }
});

test('sendLeg correlates leg_result by leg id, with every fill detail, out of order', async () => {
  const s = await startServer();
  const events: { late: boolean; legId: string }[] = [];
  s.on('leg_result', (e) => events.push({ late: e.late, legId: e.result.legId }));
  try {
    const t = await RawTrader.connect(s.url);
    await t.authenticate();
    await t.register(['kalshi', 'polymarket']);
    const a = leg('m1-1-kalshi-yes');
    const b = leg('m1-2-poly-no', 'polymarket');
    const pa = s.sendLeg(a, { deadlineMs: 5000 });
    const pb = s.sendLeg(b, { deadlineMs: 5000 });
    const ea = await t.next('execute_leg');
    const eb = await t.next('execute_leg');
    assert.deepEqual(legFromWire(ea.leg), a);
    assert.deepEqual(legFromWire(eb.leg), b);
    assert.ok(ea.deadline_in_ms > 0 && ea.deadline_in_ms <= 5000);
    t.send({ type: 'leg_result', result: resultToWire(filled(b)) });
    t.send({ type: 'leg_result', result: resultToWire(filled(a)) });
    assert.deepEqual(await pa, filled(a));
    assert.deepEqual(await pb, filled(b));
    const ack = await t.next('leg_ack');
    const acked = new Set(ack.leg_ids);
    if (acked.size < 2) for (const id of (await t.next('leg_ack')).leg_ids) acked.add(id);
    assert.deepEqual([...acked].sort(), [a.legId, b.legId].sort());
    assert.deepEqual(events.map((e) => e.late), [false, false]);
  } finally {
    await s.close();
  }
});

test('no answer by the deadline resolves unknown; the late result is still reported', async () => {
  const s = await startServer();
  const late: LegResult[] = [];
  s.on('leg_result', (e) => e.late && late.push(e.result));
  try {
    const t = await RawTrader.connect(s.url);
    await t.authenticate();
    await t.register(['kalshi']);
    const a = leg('slow-1');
    const r = await s.sendLeg(a, { deadlineMs: 150 });
    assert.equal(r.status, 'unknown');
    assert.equal(r.errorKind, 'timeout');
    assert.equal(r.success, false);
    await t.next('execute_leg');
    t.send({ type: 'leg_result', result: resultToWire(filled(a)) });
    await waitFor(() => late.length === 1, 'the late result event');
    assert.deepEqual(late[0], filled(a));
    // An absolute epoch-ms deadline works too.
    const p = s.sendLeg(leg('abs-1'), { deadlineMs: Date.now() + 200 });
    const abs = await p;
    assert.equal(abs.status, 'unknown');
  } finally {
    await s.close();
  }
});

test('a trader that disconnects with legs in flight: they resolve unknown, never guessed', async () => {
  const s = await startServer();
  try {
    const t = await RawTrader.connect(s.url);
    await t.authenticate();
    await t.register(['kalshi']);
    const p = s.sendLeg(leg('gone-1'), { deadlineMs: 60_000 });
    await t.next('execute_leg');
    t.ws.terminate();
    const r = await p;
    assert.equal(r.status, 'unknown');
    assert.equal(r.errorKind, 'timeout');
    assert.match(r.error ?? '', /went away/);
    assert.equal(s.isConnected('kalshi'), false);
    const none = await s.sendLeg(leg('gone-2'), { deadlineMs: 1000 });
    assert.equal(none.status, 'rejected');
    assert.equal(none.errorKind, 'no_client');
  } finally {
    await s.close();
  }
});

test('lookupLeg goes to a trader and correlates lookup_result; unknown without one', async () => {
  const s = await startServer();
  try {
    const none = await s.lookupLeg(leg('l-0'), { deadlineMs: 500 });
    assert.equal(none.status, 'unknown');
    const t = await RawTrader.connect(s.url);
    await t.authenticate();
    await t.register(['kalshi']);
    const a = leg('l-1');
    const p = s.lookupLeg(a, { deadlineMs: 5000 });
    const q = await t.next('lookup_leg');
    assert.deepEqual(legFromWire(q.leg), a);
    t.send({ type: 'lookup_result', req_id: q.req_id, result: resultToWire(filled(a)) });
    assert.deepEqual(await p, filled(a));
    const slow = await s.lookupLeg(leg('l-2'), { deadlineMs: 100 });
    assert.equal(slow.status, 'unknown');
  } finally {
    await s.close();
  }
});

test('legs go to the least busy live trader for the venue; events report connect and register', async () => {
  const s = await startServer();
  const seen: string[] = [];
  s.on('connect', () => seen.push('connect'));
  s.on('register', (i) => seen.push(`register ${i.traderId}`));
  try {
    const t1 = await RawTrader.connect(s.url);
    await t1.authenticate(SECRET, 'one');
    await t1.register(['kalshi']);
    const t2 = await RawTrader.connect(s.url);
    await t2.authenticate(SECRET, 'two');
    await t2.register(['kalshi']);
    assert.equal(s.connectedCount('kalshi'), 2);
    const p1 = s.sendLeg(leg('b-1'), { deadlineMs: 5000 });
    const p2 = s.sendLeg(leg('b-2'), { deadlineMs: 5000 });
    const e2 = await t2.next('execute_leg');
    const e1 = await t1.next('execute_leg');
    assert.notEqual(e1.leg.leg_id, e2.leg.leg_id);
    t1.send({ type: 'leg_result', result: resultToWire(filled(legFromWire(e1.leg))) });
    t2.send({ type: 'leg_result', result: resultToWire(filled(legFromWire(e2.leg))) });
    assert.equal((await p1).status, 'filled');
    assert.equal((await p2).status, 'filled');
    assert.deepEqual(seen, ['connect', 'register one', 'connect', 'register two']);
    assert.equal(s.traders().filter((i) => i.state === 'registered').length, 2);
  } finally {
    await s.close();
  }
});
