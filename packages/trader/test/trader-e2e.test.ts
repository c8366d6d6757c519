// A trader and the controller's trader server, in one process, over real sockets on 127.0.0.1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import type { LegResult, Platform } from '@parity/trading';
import {
  ControllerHandshake,
  Hello,
  PROTOCOL_VERSION,
  Session,
  TraderMessage,
  controllerProof,
  legToWire,
  parseClear,
  sessionKeys,
  type ControllerMessage,
  type Challenge,
} from '@parity/protocol';
import { TraderServer } from '@parity/controller/traders/server.ts';
import { Trader } from '../src/trader.ts';
import { LegStore } from '../src/store.ts';
import type { TraderConfig } from '../src/config.ts';
import { FakeVenue, SECRET, kalshiLeg, tempDir, testConfig, waitFor } from './helpers.ts';

interface Rig {
  server: TraderServer;
  trader: Trader;
  venue: FakeVenue;
  store: LegStore;
  config: TraderConfig;
  done: () => Promise<void>;
}

async function rig(o: { controllerDry?: boolean; trader?: Partial<TraderConfig>; served?: Platform[] } = {}): Promise<Rig> {
  const tmp = tempDir();
  const server = await TraderServer.start({ host: '127.0.0.1', port: 0, secret: SECRET, dryRun: o.controllerDry ?? false, heartbeatMs: 100, livenessTimeoutMs: 1000 });
  const config = testConfig(server.url, tmp.dir, o.trader);
  const venue = new FakeVenue('kalshi');
  const store = new LegStore(config.dbPath);
  const trader = new Trader({ config, clients: { kalshi: venue }, served: o.served ?? ['kalshi'], store });
  await trader.start();
  await waitFor(() => server.isConnected('kalshi'), 'the trader to register');
  const r: Rig = {
    server, trader, venue, store, config,
    done: async () => {
      await trader.stop();
      await r.server.close(); // the current one: tests may restart it
      tmp.cleanup();
    },
  };
  return r;
}

/** Restart the controller's server on the same port (the trader's URL stays valid). */
async function restartServer(r: Rig, controllerDry = false): Promise<TraderServer> {
  const port = r.server.address.port;
  await r.server.close();
  r.server = await TraderServer.start({ host: '127.0.0.1', port, secret: SECRET, dryRun: controllerDry, heartbeatMs: 100, livenessTimeoutMs: 1000 });
  return r.server;
}

test('live: a leg goes controller -> trader -> venue and back with every fill detail', async () => {
  const r = await rig();
  try {
    const leg = kalshiLeg('m7-1-kalshi-no');
    const res = await r.server.sendLeg(leg, { deadlineMs: 5000 });
    assert.deepEqual({ ...res, latencyUs: 0 }, {
      legId: leg.legId, platform: 'kalshi', success: true, status: 'filled', filledContracts: 1000, avgPrice: 5200,
      costMicros: 5_200_000, feesMicros: 7_000, venueOrderId: 'v-m7-1-kalshi-no', clientOrderId: 'cid-m7-1-kalshi-no',
      latencyUs: 0, error: null, errorKind: null,
    });
    assert.deepEqual(r.venue.submits, [leg.legId]);
    await waitFor(() => r.store.get(leg.legId)?.delivered === true, 'the controller to acknowledge the result');
  } finally {
    await r.done();
  }
});

test('dry run: the trader own DRY_RUN, or the controller init, keeps every order away from the venue', async () => {
  const own = await rig({ controllerDry: true, trader: { dryRun: true } });
  try {
    const res = await own.server.sendLeg(kalshiLeg('dry-1'), { deadlineMs: 5000 });
    assert.equal(res.status, 'dry_run');
    assert.equal(res.success, true);
    assert.deepEqual(own.venue.submits, []);
  } finally {
    await own.done();
  }
  const byController = await rig({ controllerDry: true, trader: { dryRun: false } });
  try {
    assert.equal(byController.trader.dryRun, true);
    const res = await byController.server.sendLeg(kalshiLeg('dry-2'), { deadlineMs: 5000 });
    assert.equal(res.status, 'dry_run');
    assert.deepEqual(byController.venue.submits, []);
  } finally {
    await byController.done();
  }
});

test('limits: legs above them, with a bad price or on an unserved venue are refused with a reason and reach no venue', async () => {
  const r = await rig({
    trader: { limits: { maxContracts: 2000, maxNotionalMicros: 10_000_000, maxDailyNotionalMicros: 15_000_000, minPrice: 500, maxPrice: 9500 } },
  });
  try {
    const cases: [string, Partial<Parameters<typeof kalshiLeg>[1]>, RegExp][] = [
      ['too-many', { contracts: 2001 }, /TRADER_MAX_CONTRACTS/],
      ['too-big', { price: 9000, contracts: 1200 }, /TRADER_MAX_NOTIONAL_USD/],
      ['too-cheap', { price: 499 }, /TRADER_MIN_PRICE/],
      ['too-dear', { price: 9501 }, /TRADER_MIN_PRICE\/TRADER_MAX_PRICE/],
      ['invalid-price', { price: 0 }, /outside this trader's range/],
    ];
    for (const [id, o, why] of cases) {
      const res = await r.server.sendLeg(kalshiLeg(id, o), { deadlineMs: 5000 });
      assert.equal(res.status, 'rejected', id);
      assert.equal(res.errorKind, 'refused', id);
      assert.match(res.error ?? '', why, id);
    }
    // Daily budget: $10 + $5.20 > $15.
    assert.equal((await r.server.sendLeg(kalshiLeg('day-1', { price: 5000, contracts: 2000 }), { deadlineMs: 5000 })).status, 'filled');
    const over = await r.server.sendLeg(kalshiLeg('day-2'), { deadlineMs: 5000 });
    assert.equal(over.errorKind, 'refused');
    assert.match(over.error ?? '', /TRADER_MAX_DAILY_NOTIONAL_USD/);
    // A hostile or faulty controller sending a venue this trader does not serve.
    const poly = await r.trader.execute({ legId: 'poly-1', platform: 'polymarket', action: 'buy', side: 'yes', price: 4000, contracts: 100, polyToken: '77' }, Date.now() + 5000);
    assert.equal(poly.result.errorKind, 'refused');
    assert.match(poly.result.error ?? '', /does not serve Polymarket/);
    assert.deepEqual(r.venue.submits, ['day-1']);
    // A refused leg stays refused: the repeat gets the stored answer.
    const again = await r.server.sendLeg(kalshiLeg('too-many', { contracts: 10 }), { deadlineMs: 5000 });
    assert.equal(again.errorKind, 'refused');
    assert.deepEqual(r.venue.submits, ['day-1']);
  } finally {
    await r.done();
  }
});

test('idempotent across a reconnect: the repeat of a leg gets the stored result, the venue sees it once', async () => {
  const r = await rig();
  try {
    const leg = kalshiLeg('idem-1');
    const first = await r.server.sendLeg(leg, { deadlineMs: 5000 });
    assert.equal(first.status, 'filled');
    const s2 = await restartServer(r);
    await waitFor(() => s2.isConnected('kalshi'), 'the trader to reconnect and re-register');
    const second = await s2.sendLeg(leg, { deadlineMs: 5000 });
    assert.deepEqual(second, first);
    // Concurrent duplicates while the first is still running share its single execution.
    r.venue.hold();
    const viaController = s2.sendLeg(kalshiLeg('idem-2'), { deadlineMs: 5000 });
    const direct = r.trader.execute(kalshiLeg('idem-2'), Date.now() + 5000);
    await waitFor(() => r.venue.submits.includes('idem-2'), 'the order to reach the venue');
    r.venue.release();
    const a = await viaController;
    const b = await direct;
    assert.deepEqual(a, b.result);
    assert.deepEqual(r.venue.submits, ['idem-1', 'idem-2']);
  } finally {
    await r.done();
  }
});

test('a result that finished while the link was down is delivered after reconnecting', async () => {
  const r = await rig();
  try {
    const leg = kalshiLeg('cut-1');
    r.venue.hold();
    const pending = r.server.sendLeg(leg, { deadlineMs: 30_000 });
    await waitFor(() => r.venue.submits.includes(leg.legId), 'the order to reach the venue');
    const port = r.server.address.port;
    await r.server.close(); // the controller goes away mid-leg
    const unknown = await pending;
    assert.equal(unknown.status, 'unknown'); // never guessed
    r.venue.release();
    await waitFor(() => r.store.get(leg.legId)?.state === 'done', 'the leg to finish while disconnected');
    assert.equal(r.store.get(leg.legId)?.delivered, false);

    const late: { result: LegResult; replay: boolean; late: boolean }[] = [];
    r.server = await TraderServer.start({ host: '127.0.0.1', port, secret: SECRET, dryRun: false, heartbeatMs: 100, livenessTimeoutMs: 1000 });
    r.server.on('leg_result', (e) => late.push(e));
    await waitFor(() => late.length > 0, 'the re-delivered result');
    assert.equal(late[0]!.late, true);
    assert.equal(late[0]!.replay, true);
    assert.equal(late[0]!.result.status, 'filled');
    assert.equal(late[0]!.result.filledContracts, 1000);
    await waitFor(() => r.store.get(leg.legId)?.delivered === true, 'the acknowledgement');
    // The controller's lookup gets the same answer, and nothing was executed twice.
    const looked = await r.server.lookupLeg(leg, { deadlineMs: 5000 });
    assert.equal(looked.status, 'filled');
    assert.deepEqual(r.venue.submits, [leg.legId]);
  } finally {
    await r.done();
  }
});

test('a leg first looked up is never executed afterwards', async () => {
  const r = await rig();
  try {
    const leg = kalshiLeg('ghost-1');
    const looked = await r.server.lookupLeg(leg, { deadlineMs: 5000 });
    assert.equal(looked.status, 'unfilled');
    const late = await r.server.sendLeg(leg, { deadlineMs: 5000 });
    assert.equal(late.status, 'unfilled');
    assert.deepEqual(r.venue.submits, []);
  } finally {
    await r.done();
  }
});

test('a clean stop finishes the in-flight leg and hands its result over first', async () => {
  const r = await rig();
  try {
    r.venue.hold();
    const pending = r.server.sendLeg(kalshiLeg('last-1'), { deadlineMs: 30_000 });
    await waitFor(() => r.venue.submits.length === 1, 'the order to reach the venue');
    const stopping = r.trader.stop('test');
    // While stopping, new legs are refused (they never reach the venue).
    const refused = await r.trader.execute(kalshiLeg('after-stop'), Date.now() + 5000);
    assert.match(refused.result.error ?? '', /shutting down/);
    setTimeout(() => r.venue.release(), 50);
    const res = await pending;
    assert.equal(res.status, 'filled');
    await stopping;
    assert.deepEqual(r.venue.submits, ['last-1']);
  } finally {
    await r.done();
  }
});

/** A fake controller: challenge, then whatever `onHello` does with the socket. */
async function fakeController(onHello: (ws: WebSocket, hs: { nonceC: string; hello: Hello }) => void): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  let n = 0;
  wss.on('connection', (ws) => {
    n++;
    ws.on('error', () => {});
    const c = new ControllerHandshake(SECRET);
    const challengeText = c.challenge();
    const nonceC = (JSON.parse(challengeText) as Challenge).nonce;
    ws.send(challengeText);
    ws.once('message', (d) => {
      const h = parseClear(String(d), TraderMessage);
      if (h.ok && h.msg.type === 'hello') onHello(ws, { nonceC, hello: h.msg });
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    connections: () => n,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

test('a controller without the right secret cannot make the trader execute anything', async () => {
  const wrong = 'not-the-trader-secret-987654321';
  const leg = kalshiLeg('evil-1');
  const attacks: ((ws: WebSocket, hs: { nonceC: string; hello: Hello }) => void)[] = [
    // 1. A proof made with the wrong secret, then a sealed init + execute_leg under its keys.
    (ws, { nonceC, hello }) => {
      ws.send(JSON.stringify({ type: 'auth', v: PROTOCOL_VERSION, mac: controllerProof(wrong, nonceC, hello.nonce, hello.trader_id) }));
      const keys = sessionKeys(wrong, nonceC, hello.nonce, hello.trader_id);
      const s = new Session<ControllerMessage, TraderMessage>(keys.c2t, keys.t2c, TraderMessage);
      ws.send(s.seal({ type: 'init', dry_run: false, config: { venues: ['kalshi'], heartbeat_ms: 100, liveness_timeout_ms: 1000 } }));
      ws.send(s.seal({ type: 'registered', venues: ['kalshi'] }));
      ws.send(s.seal({ type: 'execute_leg', leg: legToWire(leg), deadline_in_ms: 5000 }));
    },
    // 2. No proof at all: orders in the clear.
    (ws) => {
      ws.send(JSON.stringify({ type: 'execute_leg', seq: 1, leg: legToWire(leg), deadline_in_ms: 5000 }));
    },
  ];
  for (const attack of attacks) {
    const tmp = tempDir();
    const fake = await fakeController(attack);
    const venue = new FakeVenue('kalshi');
    const store = new LegStore(testConfig(fake.url, tmp.dir).dbPath);
    const trader = new Trader({ config: testConfig(fake.url, tmp.dir), clients: { kalshi: venue }, served: ['kalshi'], store });
    let registered = false;
    trader.on('registered', () => (registered = true));
    try {
      await trader.start();
      await waitFor(() => fake.connections() >= 3, 'the trader to refuse and retry (with backoff) a few times');
      assert.deepEqual(venue.submits, []);
      assert.equal(store.get(leg.legId), null);
      assert.equal(registered, false);
    } finally {
      await trader.stop();
      await fake.close();
      tmp.cleanup();
    }
  }
  // 3. A real controller with no TRADER_SECRET accepts the trader never.
  const tmp = tempDir();
  const noSecret = await TraderServer.start({ host: '127.0.0.1', port: 0, secret: undefined, dryRun: false });
  let refusals = 0;
  noSecret.on('auth_failed', () => refusals++);
  const store = new LegStore(testConfig(noSecret.url, tmp.dir).dbPath);
  const trader = new Trader({ config: testConfig(noSecret.url, tmp.dir), clients: { kalshi: new FakeVenue() }, served: ['kalshi'], store });
  try {
    await trader.start();
    await waitFor(() => refusals >= 2, 'repeated refusals');
    assert.equal(noSecret.isConnected('kalshi'), false);
    assert.equal(trader.connected, false);
  } finally {
    await trader.stop();
    await noSecret.close();
    tmp.cleanup();
  }
});

test('a silent controller is dropped by the trader, which reconnects', async () => {
  // Authenticates correctly, sends init with a short liveness timeout, then never speaks again.
  const fake = await fakeController((ws, { nonceC, hello }) => {
    ws.send(JSON.stringify({ type: 'auth', v: PROTOCOL_VERSION, mac: controllerProof(SECRET, nonceC, hello.nonce, hello.trader_id) }));
    const keys = sessionKeys(SECRET, nonceC, hello.nonce, hello.trader_id);
    const s = new Session<ControllerMessage, TraderMessage>(keys.c2t, keys.t2c, TraderMessage);
    ws.send(s.seal({ type: 'init', dry_run: true, config: { venues: ['kalshi'], heartbeat_ms: 50, liveness_timeout_ms: 200 } }));
  });
  const tmp = tempDir();
  const store = new LegStore(testConfig(fake.url, tmp.dir).dbPath);
  const trader = new Trader({ config: testConfig(fake.url, tmp.dir), clients: {}, served: ['kalshi'], store });
  try {
    await trader.start();
    await waitFor(() => fake.connections() >= 2, 'the trader to give up on the silent controller and reconnect');
  } finally {
    await trader.stop();
    await fake.close();
    tmp.cleanup();
  }
});

test('restart: a leg cut off mid-flight is resolved at the venue before connecting, then delivered', async () => {
  const tmp = tempDir();
  const server = await TraderServer.start({ host: '127.0.0.1', port: 0, secret: SECRET, dryRun: false, heartbeatMs: 100, livenessTimeoutMs: 1000 });
  const config = testConfig(server.url, tmp.dir, { recoveryGraceMs: 0 });
  const venue = new FakeVenue('kalshi');
  const reached = kalshiLeg('crash-reached');
  const lost = kalshiLeg('crash-lost');
  // A previous life recorded both legs as started and died; only the first order reached the venue.
  const before = new LegStore(config.dbPath);
  for (const l of [reached, lost]) {
    before.begin(l, { dryRun: false, notional: l.price * l.contracts, day: '2026-01-24', nowMs: Date.now(), checkBudget: () => null });
  }
  before.close();
  await venue.submitLeg(reached);
  const late: { result: LegResult; replay: boolean }[] = [];
  server.on('leg_result', (e) => late.push({ result: e.result, replay: e.replay }));
  const store = new LegStore(config.dbPath);
  const trader = new Trader({ config, clients: { kalshi: venue }, served: ['kalshi'], store });
  try {
    await trader.start(); // recovery runs before the link starts
    assert.deepEqual(store.unfinished(), []);
    assert.equal(store.get(reached.legId)?.result?.status, 'filled');
    assert.equal(store.get(lost.legId)?.result?.status, 'unfilled');
    await waitFor(() => late.length === 2, 'both recovered results to be delivered');
    assert.ok(late.every((e) => e.replay));
    // Re-sent by the controller: stored answers, and still one order at the venue.
    assert.equal((await server.sendLeg(reached, { deadlineMs: 5000 })).status, 'filled');
    assert.equal((await server.sendLeg(lost, { deadlineMs: 5000 })).status, 'unfilled');
    assert.deepEqual(venue.submits, [reached.legId]);
  } finally {
    await trader.stop();
    await server.close();
    tmp.cleanup();
  }
});
