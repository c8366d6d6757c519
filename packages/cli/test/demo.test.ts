// `npm start -- --duration 20` on this checkout, as an operator runs it on a fresh machine: no
// configuration, three processes (simulator, controller, remote trader) over real sockets. It must
// exit 0 by itself, having executed at least one arbitrage with one leg local (Kalshi, in the
// controller) and one remote (Polymarket, through the trader), print the summary, and leave no
// process behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(new URL('../../..', import.meta.url).pathname);
// Start-up of three TypeScript processes on a busy 2-core machine takes tens of seconds.
const DEADLINE_MS = 240_000;

/** A fresh machine's environment: no Parity variable, nothing inherited from this test run. */
function freshEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'USER', 'SHELL'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `label   value` summary line -> value (the text after the label). */
function summaryValue(out: string, label: string): string {
  const line = out.split('\n').find((l) => l.startsWith(label));
  assert.ok(line, `the summary has a "${label}" line:\n${out}`);
  return line.slice(label.length).trim();
}

test('npm start -- --duration 20 exits 0 after a local+remote arbitrage and prints the summary', { timeout: DEADLINE_MS + 60_000 }, async () => {
  // Its own process group, so a hung run can be stopped with everything it started.
  const child = spawn('npm', ['start', '--', '--duration', '20'], { cwd: REPO_ROOT, env: freshEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const pgid = child.pid!;
  let timer: NodeJS.Timeout | undefined;
  const code = await new Promise<number | null>((res) => {
    child.once('exit', (c) => res(c));
    timer = setTimeout(() => {
      process.kill(-pgid, 'SIGKILL');
      res(null);
    }, DEADLINE_MS);
  });
  clearTimeout(timer);
  const tail = `--- stdout ---\n${out.slice(-6000)}\n--- stderr ---\n${err.slice(-3000)}`;
  assert.notEqual(code, null, `the demo did not exit by itself within ${DEADLINE_MS / 1000} s\n${tail}`);
  assert.equal(code, 0, `the demo exited ${code}\n${tail}`);

  // Live output: the dashboard URL, legs with their route, a resolved arbitrage.
  assert.match(out, /dashboard: http:\/\/127\.0\.0\.1:\d+\//, tail);
  assert.match(out, /remote trader connected/, tail);
  assert.match(out, /OPPORTUNITY \S+ (kalshi_yes_poly_no|poly_yes_kalshi_no) /, tail);
  assert.match(out, /LOCAL\s+kalshi\s+buy\s+(yes|no)\s+filled /, tail);
  assert.match(out, /REMOTE\s+polymarket\s+buy\s+(yes|no)\s+filled /, tail);
  assert.match(out, /RESOLVED \S+ filled · locked-in \$\d+\.\d\d/, tail);

  // The summary.
  const summary = out.slice(out.indexOf('── demo summary ──'));
  assert.ok(out.includes('── demo summary ──'), `no summary printed\n${tail}`);
  const num = (label: string): number => {
    const v = Number(summaryValue(summary, label));
    assert.ok(Number.isInteger(v), `"${label}" is a count`);
    return v;
  };
  const opportunities = num('opportunities seen');
  const attempts = num('arbitrage attempts');
  const filled = num('fully filled (both legs)');
  const mixed = num('local+remote arbitrages');
  assert.ok(opportunities >= 1, summary);
  assert.ok(attempts >= filled && filled >= 1, `at least one arbitrage filled on both venues\n${summary}`);
  assert.ok(mixed >= 1, `at least one arbitrage with one leg local and one remote\n${summary}`);
  const legs = /^(\d+) \/ (\d+)$/.exec(summaryValue(summary, 'legs local / remote'));
  assert.ok(legs, summary);
  assert.ok(Number(legs[1]) >= 1 && Number(legs[2]) >= 1, `legs went both ways\n${summary}`);
  const pnl = /^\$(-?\d+\.\d\d) +\(realised \$(-?\d+\.\d\d), locked-in \$(-?\d+\.\d\d)\)$/.exec(summaryValue(summary, 'P&L (realised + locked)'));
  assert.ok(pnl, summary);
  assert.ok(Number(pnl[3]) > 0, `a filled arbitrage locks in a profit\n${summary}`);
  assert.ok(Math.abs(Number(pnl[1]) - (Number(pnl[2]) + Number(pnl[3]))) <= 0.011, `P&L = realised + locked-in\n${summary}`);
  assert.match(summaryValue(summary, 'open exposure'), /^\$\d+\.\d\d$/);

  // Every process it started is gone.
  const end = Date.now() + 15_000;
  while (groupAlive(pgid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  const alive = groupAlive(pgid);
  if (alive) process.kill(-pgid, 'SIGKILL');
  assert.equal(alive, false, 'no simulator, controller or trader process is left running');
});
