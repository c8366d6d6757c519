// tick-to-trade: from the simulator writing the book frame that opens an arbitrage to the
// simulator receiving both orders, with both legs executed locally by the controller, on loopback.
//
//   npm run bench -- tick-to-trade [--iterations N] [--warmup N] [--pairs N]
//
// Two processes, like production: the simulator runs in a child process (started by this file
// with --sim-child) and measures both ends on its own clock; this process is the controller
// (market data -> books -> detection -> attachExecution -> Kalshi + Polymarket clients).
//
// Child, per iteration: injectArb() re-quotes the pair's Kalshi book, writing one WebSocket frame
// per book change, synchronously. t0 = when the frame that adds the arbitrage level was written
// (the simulator's event bus calls the WS front-end first, then our listener); t1 = when the HTTP
// request of the later of the two orders arrives (headers parsed). Also reported: when both
// orders reached the matching engine (after the simulator's own auth and signature checks),
// engine_*, and the whole re-quote burst, burst_*.
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
  const pairs = flag('pairs', 8);
  const sim = await startSim({ scenario: 'static', seed: 5, pairs, arbs: false, balances: { kalshi: 10_000_000, polymarket: 10_000_000 } });
  const kalshiPort = Number(new URL(sim.urls.kalshiApiBase).port);
  const polyPort = Number(new URL(sim.urls.polyClob).port);
  const testAccounts = new Set([sim.accounts.kalshi.account.id, sim.accounts.polymarket.account.id]);

  // Instrumentation: the moment each order request arrives (an http.Server 'request' event), and
  // the moment the engine takes it (the simulator's synchronous event bus).
  let t0 = 0;
  let arrivals: { kalshi: number; polymarket: number } = { kalshi: 0, polymarket: 0 };
  let engine: { kalshi: number; polymarket: number } = { kalshi: 0, polymarket: 0 };
  let pending: ((r: { us: number; engineUs: number }) => void) | null = null;
  const check = (): void => {
    if (!pending || !arrivals.kalshi || !arrivals.polymarket || !engine.kalshi || !engine.polymarket) return;
    const done = pending;
    pending = null;
    done({ us: (Math.max(arrivals.kalshi, arrivals.polymarket) - t0) * 1000, engineUs: (Math.max(engine.kalshi, engine.polymarket) - t0) * 1000 });
  };
  const emit = http.Server.prototype.emit as (this: http.Server, event: string, ...rest: unknown[]) => boolean;
  http.Server.prototype.emit = function (this: http.Server, event: string, ...rest: unknown[]) {
    if (event === 'request' && pending) {
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
  let bookEvents: Array<{ t: number; marketId: string; side: string; px: number; delta: number }> = [];
  sim.ctx.bus.on((e) => {
    if (e.type === 'book' && pending) {
      const t = performance.now();
      for (const c of e.changes) bookEvents.push({ t, marketId: e.marketId, side: c.side, px: c.px, delta: c.delta });
      return;
    }
    if (e.type !== 'order' || !pending || !testAccounts.has(e.order.accountId)) return;
    const now = performance.now();
    const v = e.order.venue;
    if (!engine[v]) engine[v] = now;
    check();
  });
  const out = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
  out({ ready: true, env: sim.env });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [cmd, a, b] = line.trim().split(' ');
    if (cmd === 'quit') break;
    if (cmd !== 'inject') continue;
    const pairIndex = Number(a);
    const type = b as (typeof TYPES)[number];
    arrivals = { kalshi: 0, polymarket: 0 };
    engine = { kalshi: 0, polymarket: 0 };
    bookEvents = [];
    const result = new Promise<{ us: number; engineUs: number }>((resolve) => (pending = resolve));
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000).unref());
    const start = performance.now();
    // Provisional t0 until the arbitrage frame is identified (orders cannot arrive before it).
    t0 = start;
    let w;
    try {
      w = sim.injectArb({ pairIndex, type, size: 1000, edgePx: 300, durationMs: 150 });
    } catch (err) {
      pending = null;
      out({ error: (err as Error).message });
      continue;
    }
    const burstUs = (performance.now() - start) * 1000;
    const kalshiMarket = sim.ctx.marketByKalshiTicker(sim.pairs[pairIndex]!.kalshi_ticker)!.id;
    const side = w.kalshiLeg.side === 'yes' ? 'ask' : 'bid';
    const yesPx = w.kalshiLeg.side === 'yes' ? w.kalshiLeg.px : 10_000 - w.kalshiLeg.px;
    const opening = bookEvents.find((b) => b.marketId === kalshiMarket && b.side === side && b.px === yesPx && b.delta > 0);
    if (!opening) {
      pending = null;
      out({ error: 'could not find the frame that opened the arbitrage' });
      continue;
    }
    const shift = (opening.t - start) * 1000;
    const r = await Promise.race([result, timeout]);
    pending = null;
    // Both ends were measured from `start`; re-base on the opening frame.
    out(r ? { us: r.us - shift, engineUs: r.engineUs - shift, burstUs, openingAtUs: shift } : { miss: true });
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
  const app = createMarketDataApp({ env, sink: h.sink });
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
    child.stdin!.write(`inject ${pairIndex} ${type}\n`);
    const r = await next();
    if (r.error) throw new Error(`simulator: ${String(r.error)}`);
    await h.executor.idle();
    if (r.miss) {
      misses++;
      continue;
    }
    if (i >= warmup) {
      us.push(r.us as number);
      engineUs.push(r.engineUs as number);
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
