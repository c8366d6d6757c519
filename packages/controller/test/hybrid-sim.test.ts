// The seed's integration tests (task 15) and the hybrid routing modes, over real sockets: the
// simulator's venues, real venue clients, the real trader server and real traders. The
// simulator's order log is the witness of what reached a venue.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childTrader, inProcessTrader, oppFromWindow, simRig, until } from './hybrid-sim-rig.ts';
import type { DropEvent } from '../src/execution/hybrid-executor.ts';

test('seed 1: CONTROLLER_PLATFORMS=kalshi, no Polymarket trader: a cross-venue arb is dropped and no order reaches either venue', async () => {
  const r = await simRig();
  try {
    const h = await r.attach({ CONTROLLER_PLATFORMS: 'kalshi' });
    const drops: DropEvent[] = [];
    h.executor.on('dropped', (d) => drops.push(d));
    const w = r.sim.injectArb({ pairIndex: 0, type: 'poly_yes_kalshi_no', durationMs: 120_000 });
    h.sink(oppFromWindow(r.sim, w, 1000));
    const w2 = r.sim.injectArb({ pairIndex: 1, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
    h.sink(oppFromWindow(r.sim, w2, 1000));
    await h.executor.idle();
    assert.deepEqual(drops.map((d) => d.reason), ['no_path', 'no_path']);
    assert.deepEqual(r.sim.orderLog(), [], 'no order reached either venue');
    assert.deepEqual(h.ledger.recentExecutions(), []);
  } finally {
    await r.done();
  }
});

test('seed 2: with a Polymarket trader connected, the Kalshi leg runs locally and the Polymarket leg through the trader; both fills land in the ledger', async () => {
  const r = await simRig();
  const t = await inProcessTrader(r.server, r.sim.env, 'polymarket', r.dir, 'poly-trader');
  try {
    const h = await r.attach({ CONTROLLER_PLATFORMS: 'kalshi' });
    const w = r.sim.injectArb({ pairIndex: 0, type: 'poly_yes_kalshi_no', durationMs: 120_000 });
    const id = h.executor.submit(oppFromWindow(r.sim, w, 1000));
    assert.ok(id, 'submitted');
    await h.executor.waitFor(id);
    const ex = h.ledger.recentExecutions(1)[0]!;
    assert.equal(ex.status, 'filled', JSON.stringify(ex));
    assert.deepEqual(ex.legs.map((l) => [l.platform, l.route, l.status, l.filledContracts]).sort(), [
      ['kalshi', 'local', 'filled', 1000],
      ['polymarket', 'remote', 'filled', 1000],
    ]);
    assert.deepEqual(h.ledger.fillsOf(id).map((f) => [f.platform, f.contracts]).sort(), [['kalshi', 1000], ['polymarket', 1000]]);
    // The venues saw exactly these two orders, under the leg's client order ids.
    const k = r.sim.orderLog({ venue: 'kalshi' });
    const p = r.sim.orderLog({ venue: 'polymarket' });
    assert.equal(k.length, 1);
    assert.equal(p.length, 1);
    assert.equal(k[0]!.clientOrderId, ex.legs.find((l) => l.platform === 'kalshi')!.clientOrderId);
    assert.deepEqual([k[0]!.filledQty, p[0]!.filledQty], [1000, 1000]);
    assert.ok(h.breaker.state().exposureMicros > 0);
  } finally {
    await t.stop();
    await r.done();
  }
});

test('pure router (CONTROLLER_PLATFORMS empty): both legs go to traders; without a Kalshi trader the arb is dropped', async () => {
  const r = await simRig();
  const tp = await inProcessTrader(r.server, r.sim.env, 'polymarket', r.dir, 'poly-trader');
  try {
    const h = await r.attach({ CONTROLLER_PLATFORMS: '' });
    const w = r.sim.injectArb({ pairIndex: 0, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
    assert.equal(h.executor.submit(oppFromWindow(r.sim, w, 1000)), null);
    assert.deepEqual(r.sim.orderLog(), []);
    const tk = await inProcessTrader(r.server, r.sim.env, 'kalshi', r.dir, 'kalshi-trader');
    try {
      const id = h.executor.submit(oppFromWindow(r.sim, w, 1000))!;
      await h.executor.waitFor(id);
      assert.deepEqual(h.ledger.legsOf(id).map((l) => [l.platform, l.route, l.status]), [['kalshi', 'remote', 'filled'], ['polymarket', 'remote', 'filled']]);
      assert.equal(r.sim.orderLog().length, 2);
    } finally {
      await tk.stop();
    }
  } finally {
    await tp.stop();
    await r.done();
  }
});

test('both local (CONTROLLER_PLATFORMS=kalshi,polymarket, no traders): both legs executed by the controller', async () => {
  const r = await simRig();
  try {
    const h = await r.attach({ CONTROLLER_PLATFORMS: 'kalshi,polymarket' });
    const w = r.sim.injectArb({ pairIndex: 0, type: 'poly_yes_kalshi_no', durationMs: 120_000 });
    const id = h.executor.submit(oppFromWindow(r.sim, w, 1000))!;
    await h.executor.waitFor(id);
    assert.equal(h.ledger.getAttempt(id)!.status, 'filled');
    assert.deepEqual(h.ledger.legsOf(id).map((l) => l.route), ['local', 'local']);
    assert.deepEqual(r.sim.orderLog().map((e) => [e.venue, e.result, e.filledQty]).sort(), [['kalshi', 'accepted', 1000], ['polymarket', 'accepted', 1000]]);
  } finally {
    await r.done();
  }
});

test('a trader dying between phase 1 and phase 2: its leg is looked up (never assumed), found never placed, and the other leg is unwound', async () => {
  const r = await simRig();
  const child = childTrader(r.server, r.sim.env, 'polymarket', r.dir, 'poly-child');
  let stopTrader: (() => Promise<void>) | null = null;
  try {
    await until(() => r.server.isConnected('polymarket'), 'the child trader to register', 60_000);
    const h = await r.attach({ CONTROLLER_PLATFORMS: 'kalshi' });
    // The trader process is killed right after phase 1 found it connected: phase 2 still routes to
    // it (the server has not seen the socket close yet), so the leg goes to a dead trader.
    const server = r.server;
    let killed = false;
    const isConnected = server.isConnected.bind(server);
    server.isConnected = (p) => {
      const up = isConnected(p);
      if (p === 'polymarket' && up && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
      return up;
    };
    const w = r.sim.injectArb({ pairIndex: 0, type: 'poly_yes_kalshi_no', durationMs: 120_000 });
    const id = h.executor.submit(oppFromWindow(r.sim, w, 1000))!;
    assert.ok(id);
    assert.ok(killed);
    server.isConnected = isConnected;
    // Nobody can reach Polymarket now: the leg stays unknown and the pair stays held.
    await until(() => h.ledger.getLeg(`${id}-y`)!.status === 'unknown', 'the Polymarket leg to be unknown');
    assert.equal(h.ledger.getAttempt(id)!.status, 'open');
    assert.deepEqual(h.executor.inFlightPairs(), [w.pairId]);
    // A Polymarket trader comes back: the leg is looked up through it.
    const t2 = await inProcessTrader(r.server, r.sim.env, 'polymarket', r.dir, 'poly-again');
    stopTrader = t2.stop;
    await h.executor.waitFor(id);
    const legs = h.ledger.legsOf(id);
    const poly = legs.find((l) => l.platform === 'polymarket')!;
    assert.equal(poly.route, 'remote');
    assert.equal(poly.status, 'unfilled', 'resolved as never placed only after look-ups and the grace');
    assert.deepEqual(h.ledger.legEvents(poly.legId).map((e) => e.status)[0], 'unknown');
    assert.deepEqual(r.sim.orderLog({ venue: 'polymarket' }), [], 'the dead trader placed nothing');
    // The Kalshi leg filled alone and was sold back.
    assert.equal(h.ledger.getAttempt(id)!.status, 'unwound');
    // (The simulator logs Kalshi orders in YES-book terms: buying NO is selling YES.)
    const k = r.sim.orderLog({ venue: 'kalshi' });
    const kalshiLegs = legs.filter((l) => l.platform === 'kalshi');
    assert.deepEqual(k.map((e) => e.clientOrderId), kalshiLegs.map((l) => l.clientOrderId));
    assert.deepEqual(kalshiLegs.map((l) => [l.role, l.action, l.side]), [['arb', 'buy', 'no'], ...kalshiLegs.slice(1).map(() => ['unwind', 'sell', 'no'])]);
    assert.equal(k.slice(1).reduce((s, e) => s + (e.filledQty ?? 0), 0), k[0]!.filledQty);
    assert.deepEqual(h.ledger.positions(), []);
  } finally {
    child.kill('SIGKILL');
    await stopTrader?.();
    await r.done();
  }
});

test('the simulator rejects one leg: the other is unwound and the ledger shows the closed exposure and its cost', async () => {
  const r = await simRig();
  try {
    const h = await r.attach({ CONTROLLER_PLATFORMS: 'kalshi,polymarket' });
    const w = r.sim.injectArb({ pairIndex: 0, type: 'poly_yes_kalshi_no', durationMs: 120_000 });
    r.sim.faults.rejectNext('kalshi');
    const id = h.executor.submit(oppFromWindow(r.sim, w, 1000))!;
    await h.executor.waitFor(id);
    const a = h.ledger.getAttempt(id)!;
    assert.equal(a.status, 'unwound', JSON.stringify(h.ledger.legsOf(id)));
    const legs = h.ledger.legsOf(id);
    assert.equal(legs.find((l) => l.platform === 'kalshi')!.status, 'rejected');
    const unwinds = legs.filter((l) => l.role === 'unwind');
    assert.ok(unwinds.length >= 1);
    assert.ok(unwinds.every((l) => l.platform === 'polymarket' && l.action === 'sell' && l.side === 'yes'));
    // Prices step down one tick at a time from the buy price.
    const buyPx = legs.find((l) => l.platform === 'polymarket' && l.role === 'arb')!.price;
    assert.deepEqual(unwinds.map((l) => l.price), unwinds.map((_, i) => buyPx - i * 100));
    assert.equal(unwinds.reduce((s, l) => s + l.filledContracts, 0), 1000);
    // Closed exposure and its cost.
    assert.deepEqual(h.ledger.positions(), []);
    const pnl = h.ledger.pnlOfAttempt(id);
    const cost = pnl.reduce((s, x) => s + x.amountMicros, 0);
    const bought = legs.find((l) => l.platform === 'polymarket' && l.role === 'arb')!;
    const proceeds = unwinds.reduce((s, l) => s + l.costMicros - l.feesMicros, 0);
    assert.equal(cost, proceeds - (bought.costMicros + bought.feesMicros));
    assert.ok(cost <= 0, 'selling back below the buy price costs money');
    assert.equal(h.breaker.state().exposureMicros, 0);
    assert.equal(h.breaker.state().dailyPnlMicros, cost);
    // What the venue holds agrees: the account's YES position is flat again.
    const sells = r.sim.orderLog({ venue: 'polymarket' }).filter((e) => e.action === 'sell');
    assert.equal(sells.reduce((s, e) => s + (e.filledQty ?? 0), 0), 1000);
  } finally {
    await r.done();
  }
});

test('a tripped breaker stops new opportunities but never blocks the unwind of one in flight', async () => {
  const r = await simRig();
  try {
    const h = await r.attach({ CONTROLLER_PLATFORMS: 'kalshi,polymarket' });
    const w = r.sim.injectArb({ pairIndex: 0, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
    r.sim.faults.rejectNext('polymarket');
    const id = h.executor.submit(oppFromWindow(r.sim, w, 1000))!;
    h.breaker.kill('operator');
    await h.executor.waitFor(id);
    assert.equal(h.ledger.getAttempt(id)!.status, 'unwound');
    assert.ok(r.sim.orderLog({ venue: 'kalshi' }).some((e) => e.action === 'sell'));
    const before = r.sim.orderLog().length;
    const w2 = r.sim.injectArb({ pairIndex: 1, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
    assert.equal(h.executor.submit(oppFromWindow(r.sim, w2, 1000)), null);
    assert.equal(r.sim.orderLog().length, before, 'no new order while halted');
  } finally {
    await r.done();
  }
});
