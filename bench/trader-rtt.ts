// trader-rtt: controller -> trader -> leg_result round trip, dry run, loopback.
// The trader is a real `parity trader` process; the controller side is the trader server's
// sendLeg. Legs go one at a time, so each sample is one full round trip: seal + send, trader
// opens, checks limits, records the leg in SQLite (started, done), executeLeg (dry run), seals
// the result; the controller verifies and resolves the promise.
//
// For scale, the same run first measures the floor: a bare WebSocket echo between two processes
// with frames of the same sizes (loopback_ws_*); the machine's loopback and wake-up costs are in
// both numbers.
//
//   npm run bench -- trader-rtt [--n 3000] [--warmup 500]

import { spawn } from 'node:child_process';
import { WebSocket } from 'ws';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LegRequest } from '@parity/trading';
import { TraderServer } from '@parity/controller/traders/server.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

/** CPU time (user + system) of a process so far, microseconds, from /proc (Linux); null elsewhere. */
function procCpuUs(pid: number): number | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

const N = arg('n', 3000);
const WARMUP = arg('warmup', 500);
const ROOT = resolve(import.meta.dirname, '..');
const SECRET = 'bench-secret-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'parity-bench-rtt-'));

/** p50/p99 of a bare ws round trip (450-byte request, 600-byte answer) to an echo process. */
async function loopbackFloor(): Promise<{ p50: number; p99: number }> {
  const echo = spawn(
    process.execPath,
    ['--input-type=module', '-e', "import { WebSocketServer } from 'ws'; const a = 'r'.repeat(600); const s = new WebSocketServer({ host: '127.0.0.1', port: 0 }); s.on('listening', () => console.log(s.address().port)); s.on('connection', (ws) => ws.on('message', () => ws.send(a)));"],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise<number>((resolve) => echo.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    await new Promise((r) => ws.once('open', r));
    const req = 'q'.repeat(450);
    const xs = new Float64Array(N);
    for (let i = 0; i < WARMUP + N; i++) {
      const t0 = process.hrtime.bigint();
      await new Promise((r) => {
        ws.once('message', r);
        ws.send(req);
      });
      if (i >= WARMUP) xs[i - WARMUP] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    ws.close();
    xs.sort();
    return { p50: Math.round(xs[Math.floor(N / 2)]!), p99: Math.round(xs[Math.floor(N * 0.99)]!) };
  } finally {
    echo.kill();
  }
}

const floor = await loopbackFloor();
const server = await TraderServer.start({ host: '127.0.0.1', port: 0, secret: SECRET, dryRun: true, heartbeatMs: 1000, livenessTimeoutMs: 5000 });
const child = spawn(process.execPath, [join(ROOT, 'bin/parity.mjs'), 'trader'], {
  cwd: ROOT,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    WEBSOCKET_URL: server.url,
    TRADER_SECRET: SECRET,
    TRADER_PLATFORM: 'kalshi',
    TRADER_DB: join(dir, 'trader.db'),
    DRY_RUN: '1',
    TRADER_MAX_DAILY_NOTIONAL_USD: '100000000',
    LOG_LEVEL: 'error',
    PARITY_LOG_JSON: '1',
  },
});

try {
  const until = Date.now() + 120_000;
  while (!server.isConnected('kalshi')) {
    if (Date.now() > until || child.exitCode !== null) throw new Error('the trader did not register');
    await new Promise((r) => setTimeout(r, 20));
  }
  const run = `${process.pid}-${Date.now().toString(36)}`;
  const leg = (i: number): LegRequest => ({
    legId: `rtt-${run}-${i}`, platform: 'kalshi', action: 'buy', side: 'yes', price: 4500, contracts: 100, kalshiTicker: 'KXBENCH', createdAtMs: Date.now(),
  });
  const samples = new Float64Array(N);
  let cpu0 = process.cpuUsage();
  let child0: number | null = null;
  for (let i = 0; i < WARMUP + N; i++) {
    if (i === WARMUP) {
      cpu0 = process.cpuUsage();
      child0 = procCpuUs(child.pid!);
    }
    const t0 = process.hrtime.bigint();
    const r = await server.sendLeg(leg(i), { deadlineMs: 5000 });
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    if (r.status !== 'dry_run') throw new Error(`leg ${i}: ${r.status} ${r.error ?? ''}`);
    if (i >= WARMUP) samples[i - WARMUP] = us;
  }
  const cpu = process.cpuUsage(cpu0);
  const child1 = procCpuUs(child.pid!);
  samples.sort();
  const q = (p: number): number => Math.round(samples[Math.min(N - 1, Math.floor(p * N))]!);
  const mean = Math.round(samples.reduce((a, b) => a + b, 0) / N);
  process.stdout.write(`${JSON.stringify({ bench: 'trader-rtt', n: N, p50_us: q(0.5), p90_us: q(0.9), p99_us: q(0.99), max_us: Math.round(samples[N - 1]!), mean_us: mean,
    loopback_ws_p50_us: floor.p50, loopback_ws_p99_us: floor.p99,
    // CPU per round trip on each side: what the machine's load cannot inflate much.
    controller_cpu_us_per_leg: Math.round((cpu.user + cpu.system) / N),
    trader_cpu_us_per_leg: child0 !== null && child1 !== null ? Math.round((child1 - child0) / N) : null })}\n`);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
