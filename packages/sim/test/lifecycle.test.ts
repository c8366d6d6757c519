import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim } from '../src/index.ts';
import { waitFor } from './helpers/kalshi.ts';

test('startSim binds ephemeral loopback ports and close() leaves no servers, sockets or timers behind', async () => {
  const before = process.getActiveResourcesInfo();
  const count = (xs: string[], k: string): number => xs.filter((x) => x === k).length;
  const sim = await startSim({ seed: 4, pairs: 2 });
  for (const u of Object.values(sim.urls)) assert.match(u, /^(http|ws):\/\/127\.0\.0\.1:\d+/);
  const ports = new Set(Object.values(sim.urls).map((u) => new URL(u).port));
  assert.ok(ports.size >= 3, 'Kalshi, Polymarket CLOB, Gamma and admin listen on their own ports');
  const during = process.getActiveResourcesInfo();
  assert.ok(count(during, 'TCPServerWrap') > count(before, 'TCPServerWrap'));
  await sim.close();
  await sim.close(); // idempotent
  // libuv finishes closing handles on the next loop turns: wait (with a deadline) for them to go.
  const settled = (): boolean => {
    const now = process.getActiveResourcesInfo();
    return ['TCPServerWrap', 'Timeout', 'TCPSocketWrap'].every((k) => count(now, k) <= count(before, k));
  };
  await waitFor(settled, 'handles to close', 5000).catch(() => undefined);
  const after = process.getActiveResourcesInfo();
  assert.equal(count(after, 'TCPServerWrap'), count(before, 'TCPServerWrap'), `servers left: ${after.join(',')}`);
  assert.equal(count(after, 'Timeout'), count(before, 'Timeout'), `timers left: ${after.join(',')}`);
  assert.equal(count(after, 'TCPSocketWrap'), count(before, 'TCPSocketWrap'), `sockets left: ${after.join(',')}`);
  await assert.rejects(fetch(`${sim.urls.kalshiApiBase}/markets`));
});
