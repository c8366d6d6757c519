// tick-to-trade: from the simulator writing the book frame that opens an arbitrage to the
// simulator receiving both orders, with both legs executed locally by the controller, on loopback.
//
//   npm run bench -- tick-to-trade [--iterations N] [--warmup N] [--pairs N]
//
// Two processes, like production: the simulator runs in a child process (started by this file
// with --sim-child) and measures both ends on its own clock; this process is the controller
// (market data -> books -> detection -> attachExecution -> Kalshi + Polymarket clients).
//
// Per iteration the simulator opens an arbitrage window (injectArb re-quotes the pair's books,
// writing one WebSocket frame per book change). The frame that opens the arbitrage is the one
// after which the controller's detection fired: the controller notes the text of the last frame
// it read before its opportunity sink was called, and the simulator looks up when it wrote that
// exact frame (t0, from a hook on ws send). t1 = when the HTTP request of the later of the two
// orders arrived at the simulator (headers parsed, from a hook on http.Server 'request').
// Also reported: when both orders reached the simulator's matching engine (after its own auth and
// signature checks), engine_*, and how long the simulator's re-quote burst took, burst_*.
//
// Prints one JSON line: {"bench":"tick-to-trade","p50_us":..,"p99_us":..,...}.

import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
};

const TYPES = ['kalshi_yes_poly_no', 'poly_yes_kalshi_no'] as const;

if (args.includes('--sim-child')) await simChild();
else await controller();

// ---- the simulator process ---------------------------------------------------------------------

async function simChild(): Promise<void> {
  const { startSim } = await import('@parity/sim');
  const { WebSocket } = await import('ws');
  const pairs = flag('pairs', 8);
  // Static books two levels deep: a re-quote is a short burst of frames, so the simulator's own
  // work after the opening frame (it cannot read our orders while writing) stays small.
  const sim = await startSim({
    scenario: {
      name: 'tick-to-trade', generate: { pairs }, market_maker: { enabled: true, interval_ms: 3_600_000, volatility: 0, levels: 2 },
      arbs: { enabled: false }, balances: { kalshi: 10_000_000, polymarket: 10_000_000 },
    },
    seed: 5,
  });
  const kalshiPort = Number(new URL(sim.urls.kalshiApiBase).port);
  const polyPort = Number(new URL(sim.urls.polyClob).port);
  const testAccounts = new Set([sim.accounts.kalshi.account.id, sim.accounts.polymarket.account.id]);

  // Instrumentation (measurement only): every frame written, the moment each order request
  // arrives, and the moment the engine takes it (the simulator's synchronous event bus).
  let recording = false;
  let frames: Array<{ data: unknown; t: number }> = [];
  const send = WebSocket.prototype.send as (this: InstanceType<typeof WebSocket>, data: unknown, ...rest: unknown[]) => void;
  WebSocket.prototype.send = function (this: InstanceType<typeof WebSocket>, data: unknown, ...rest: unknown[]) {
    if (recording) frames.push({ data, t: performance.now() });
    return send.call(this, data, ...rest);
  } as typeof WebSocket.prototype.send;
  let arrivals = { kalshi: 0, polymarket: 0 };
  let engine = { kalshi: 0, polymarket: 0 };
  let both: (() => void) | null = null;
  const check = (): void => {
    if (both && arrivals.kalshi && arrivals.polymarket && engine.kalshi && engine.polymarket) {
      const f = both;
      both = null;
      f();
    }
  };
  const emit = http.Server.prototype.emit as (this: http.Server, event: string, ...rest: unknown[]) => boolean;
  http.Server.prototype.emit = function (this: http.Server, event: string, ...rest: unknown[]) {
    if (event === 'request' && recording) {
      const req = rest[0] as http.IncomingMessage;
      if (req.method === 'POST' && /\/orders?$/.test(req.url ?? '')) {
        const port = (this.address() as { port: number } | null)?.port;
        const now = performance.now();
        if (port === kalshiPort && !arrivals.kalshi) arrivals.kalshi = now;
        if (port === polyPort && !arrivals.polymarket) arrivals.polymarket = now;
      }
    }
    return emit.call(this, event, ...rest);
  } as typeof http.Server.prototype.emit;
  sim.ctx.bus.on((e) => {
    if (e.type !== 'order' || !recording || !testAccounts.has(e.order.accountId)) return;
    if (!engine[e.order.venue]) engine[e.order.venue] = performance.now();
    check();
  });

  const out = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
  out({ ready: true, env: sim.env });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const sp = line.indexOf(' ');
    const cmd = sp < 0 ? line.trim() : line.slice(0, sp);
    const rest = sp < 0 ? '' : line.slice(sp + 1);
    if (cmd === 'quit') break;
    if (cmd === 'inject') {
      const [a, b] = rest.split(' ');
      frames = [];
      arrivals = { kalshi: 0, polymarket: 0 };
      engine = { kalshi: 0, polymarket: 0 };
      const done = new Promise<boolean>((resolve) => {
        both = () => resolve(true);
        setTimeout(() => resolve(false), 5000).unref();
      });
      recording = true;
      const start = performance.now();
      try {
        sim.injectArb({ pairIndex: Number(a), type: b as (typeof TYPES)[number], size: 1000, edgePx: 300, durationMs: 150 });
      } catch (err) {
        recording = false;
        both = null;
        out({ error: (err as Error).message });
        continue;
      }
      const burstUs = (performance.now() - start) * 1000;
      const ok = await done;
      recording = false;
      both = null;
      out(ok ? { ok: true, burstUs } : { miss: true });
    } else if (cmd === 'trigger') {
      // The controller's triggering frame: when did we write it?
      const text = JSON.parse(rest) as string;
      const f = frames.find((x) => (typeof x.data === 'string' ? x.data : String(x.data)) === text);
      if (!f) out({ error: 'the triggering frame is not one this simulator wrote during the burst' });
      else out({ us: (Math.max(arrivals.kalshi, arrivals.polymarket) - f.t) * 1000, engineUs: (Math.max(engine.kalshi, engine.polymarket) - f.t) * 1000 });
    }
  }
  await sim.close();
  process.exit(0);
}

// ---- the controller process --------------------------------------------------------------------

async function controller(): Promise<void> {
  const iterations = flag('iterations', 300);
  const warmup = flag('warmup', 40);
  const pairs = flag('pairs', 8);
  const { buildExecutionClients } = await import('@parity/trading/execution/clients-from-env.ts');
  const { createMarketDataApp } = await import('@parity/controller/app.ts');
  const { attachExecution } = await import('@parity/controller/execution/attach.ts');
  const { parseExecutionConfig } = await import('@parity/controller/config/execution.ts');

  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--sim-child', '--pairs', String(pairs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'error' },
  });
  const replies = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const r = await replies.next();
    if (r.done) throw new Error('the simulator process exited');
    return JSON.parse(r.value) as Record<string, unknown>;
  };
  const hello = await next();
  const simEnv = hello.env as Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'parity-bench-t2t-'));
  const env = {
    ...process.env, ...simEnv, ARB_REPEAT_MS: '0', DRY_RUN: 'off', CONTROLLER_PLATFORMS: 'kalshi,polymarket', PARITY_DB: join(dir, 'parity.db'),
    CB_MAX_POSITION_PER_MARKET: '1000000', CB_MAX_TOTAL_POSITION: '10000000', CB_MAX_DAILY_LOSS: '1000000', CB_MAX_CONSECUTIVE_ERRORS: '1000',
  };
  const config = parseExecutionConfig(env);
  const clients = await buildExecutionClients(env, { platforms: ['kalshi', 'polymarket'], warm: true });
  await clients.polymarket?.warm();
  const h = attachExecution({ config, router: null, clients });
  await h.ready;
  // Instrumentation (measurement only): the last frame read before the sink fired.
  const { WebSocket } = await import('ws');
  let lastFrame: unknown = null;
  let trigger: unknown = null;
  const wsEmit = WebSocket.prototype.emit as (this: unknown, event: string, ...rest: unknown[]) => boolean;
  WebSocket.prototype.emit = function (this: unknown, event: string, ...rest: unknown[]) {
    if (event === 'message') lastFrame = rest[0];
    return wsEmit.call(this, event, ...rest);
  } as typeof WebSocket.prototype.emit;
  const sink = h.sink;
  const app = createMarketDataApp({
    env,
    sink: (opp) => {
      if (trigger === null) trigger = lastFrame;
      sink(opp);
    },
  });
  app.start();
  const end = Date.now() + 30_000;
  while (app.tradeablePairs() < app.registry.size) {
    if (Date.now() > end) throw new Error(`books not ready: ${app.tradeablePairs()} of ${app.registry.size} pairs tradeable`);
    await new Promise((r) => setTimeout(r, 20));
  }

  const us: number[] = [];
  const engineUs: number[] = [];
  const burstUs: number[] = [];
  let misses = 0;
  let unfilled = 0;
  for (let i = 0; i < warmup + iterations; i++) {
    const pairIndex = i % pairs;
    const type = TYPES[Math.floor(i / pairs) % 2]!;
    // The pair's previous window must have ended (150 ms) and its attempt resolved.
    while (h.executor.inFlightPairs().length > 0) await new Promise((r) => setTimeout(r, 2));
    trigger = null;
    child.stdin!.write(`inject ${pairIndex} ${type}\n`);
    const r = await next();
    if (r.error) throw new Error(`simulator: ${String(r.error)}`);
    await h.executor.idle();
    if (r.miss || trigger === null) {
      misses++;
      continue;
    }
    child.stdin!.write(`trigger ${JSON.stringify(Buffer.isBuffer(trigger) ? trigger.toString('utf8') : String(trigger))}\n`);
    const t = await next();
    if (t.error) throw new Error(`simulator: ${String(t.error)}`);
    if (i >= warmup) {
      us.push(t.us as number);
      engineUs.push(t.engineUs as number);
      burstUs.push(r.burstUs as number);
    }
    await new Promise((res) => setTimeout(res, Math.ceil(170 / pairs)));
  }
  for (const e of h.ledger.recentExecutions(iterations)) if (e.status !== 'filled') unfilled++;
  child.stdin!.write('quit\n');
  await app.stop();
  await h.close();
  await clients.close();
  rmSync(dir, { recursive: true, force: true });

  const pct = (xs: number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!) : NaN;
  };
  process.stdout.write(
    `${JSON.stringify({
      bench: 'tick-to-trade',
      p50_us: pct(us, 50),
      p99_us: pct(us, 99),
      engine_p50_us: pct(engineUs, 50),
      engine_p99_us: pct(engineUs, 99),
      burst_p50_us: pct(burstUs, 50),
      samples: us.length,
      misses,
      not_hedged: unfilled,
      target: { p50_us: 300, p99_us: 1000 },
    })}\n`,
  );
  process.exit(0);
}
