// tick-to-trade: from the simulator writing the book frame that opens an arbitrage to the
// simulator receiving both orders, with both legs executed locally by the controller, on loopback.
//
//   npm run bench -- tick-to-trade [--iterations N] [--warmup N] [--pairs N]
//
// Two processes, like production: the simulator runs in a child process (started by this file
// with --sim-child) and measures both ends on its own clock; this process is the controller
// (market data -> books -> detection -> attachExecution -> Kalshi + Polymarket clients).
//
// Per iteration, on one pair: (setup, not timed) the simulator takes the Kalshi YES bids off the
// book; then it rests ONE Kalshi YES ask cheap enough that buying it plus the Polymarket token
// that pays on Kalshi NO locks in ~6 cents before fees: one order, one book change, one frame
// opens the arbitrage. The controller notes the text of the last frame it read before its
// opportunity sink fired and the simulator checks it is that frame and when it wrote it (t0, a
// hook on ws send). t1 = when the HTTP request of the later of the two orders arrived at the
// simulator (headers parsed, a hook on http.Server 'request'). Afterwards the bids are put back.
// Also reported: when both orders reached the simulator's matching engine (after its own auth and
// signature checks), engine_*.
//
// Prints one JSON line: {"bench":"tick-to-trade","p50_us":..,"p99_us":..,...}.

import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
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


if (args.includes('--sim-child')) await simChild();
else await controller();

// ---- the simulator process ---------------------------------------------------------------------

async function simChild(): Promise<void> {
  const { startSim } = await import('@parity/sim');
  const { WebSocket } = await import('ws');
  const pairs = flag('pairs', 8);
  // Simulated time 50x: Polymarket trades confirm in ~40 ms instead of 2 s, so each iteration's
  // attempt (which stays open until its trades confirm) ends quickly. Nothing on the measured
  // path (frame written -> orders received) runs on the simulator's clock.
  const sim = await startSim({ scenario: 'static', seed: 5, pairs, arbs: false, speed: 50, balances: { kalshi: 10_000_000, polymarket: 10_000_000 } });
  const kalshiPort = Number(new URL(sim.urls.kalshiApiBase).port);
  const polyPort = Number(new URL(sim.urls.polyClob).port);
  const testAccounts = new Set([sim.accounts.kalshi.account.id, sim.accounts.polymarket.account.id]);
  const ctx = sim.ctx;
  const maker = ctx.addAccount({ id: 'bench-maker', venue: 'kalshi', label: 'bench maker', cash: 1e15, marketMaker: true });
  const removedBids = new Map<number, Array<{ yesPx: number; qty: number }>>();
  /** The Kalshi market of a pair, and the Polymarket token (and its book side) paying on Kalshi NO. */
  const legsOf = (i: number) => {
    const pair = sim.pairs[i]!;
    const k = ctx.marketByKalshiTicker(pair.kalshi_ticker)!;
    const noToken = pair.kalshi_yes_pays_with === 'poly_yes' ? pair.poly_no_token : pair.poly_yes_token;
    const p = ctx.marketByToken(noToken)!;
    const noAsk = (): number | null => {
      if (p.outcome === 'yes') return p.market.book.bestAsk();
      const b = p.market.book.bestBid();
      return b === null ? null : 10_000 - b;
    };
    return { k, noAsk };
  };

  // Instrumentation (measurement only): every frame written, the moment each order request
  // arrives, and the moment the engine takes it (the simulator's synchronous event bus).
  let recording = false;
  let frames: Array<{ data: unknown; t: number; ns: bigint }> = [];
  // The same instants on CLOCK_MONOTONIC (process.hrtime), shared by both processes: breakdown only.
  let arrivalNs = { kalshi: 0n, polymarket: 0n };
  const send = WebSocket.prototype.send as (this: InstanceType<typeof WebSocket>, data: unknown, ...rest: unknown[]) => void;
  WebSocket.prototype.send = function (this: InstanceType<typeof WebSocket>, data: unknown, ...rest: unknown[]) {
    if (recording) frames.push({ data, t: performance.now(), ns: process.hrtime.bigint() });
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
        if (port === kalshiPort && !arrivals.kalshi) {
          arrivals.kalshi = now;
          arrivalNs.kalshi = process.hrtime.bigint();
        }
        if (port === polyPort && !arrivals.polymarket) {
          arrivals.polymarket = now;
          arrivalNs.polymarket = process.hrtime.bigint();
        }
      }
    }
    return emit.call(this, event, ...rest);
  } as typeof http.Server.prototype.emit;
  sim.ctx.bus.on((e) => {
    if (e.type !== 'order' || !recording || !testAccounts.has(e.order.accountId)) return;
    if (!engine[e.order.venue]) engine[e.order.venue] = performance.now();
    check();
  });

  // The floor, measured in the same run: a bare WebSocket frame from this process to the
  // controller, and a bare HTTP request (raw keep-alive socket) from the controller to here, each
  // timed one way on the shared monotonic clock. No venue logic on either side.
  const { WebSocketServer } = await import('ws');
  const probeWss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((r) => probeWss.once('listening', r));
  const probe: { ws: InstanceType<typeof WebSocket> | null } = { ws: null };
  probeWss.on('connection', (ws) => (probe.ws = ws));
  const probeHttp = http.createServer({ keepAliveTimeout: 600_000 }, (req, res) => {
    const at = process.hrtime.bigint();
    req.resume();
    req.on('end', () => res.end(String(at)));
  });
  // The probe's one connection must outlive the warm-up iterations (Node's default idle timeout is 5 s).
  probeHttp.keepAliveTimeout = 600_000;
  await new Promise<void>((r) => probeHttp.listen(0, '127.0.0.1', r));
  const out = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
  out({ ready: true, env: sim.env, probeWsPort: (probeWss.address() as { port: number }).port, probeHttpPort: (probeHttp.address() as { port: number }).port });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const sp = line.indexOf(' ');
    const cmd = sp < 0 ? line.trim() : line.slice(0, sp);
    const rest = sp < 0 ? '' : line.slice(sp + 1);
    if (cmd === 'quit') break;
    if (cmd === 'probe') {
      probe.ws?.send(String(process.hrtime.bigint()));
      out({ ok: true });
      continue;
    }
    if (cmd === 'setup') {
      // Not timed: take every YES bid off the pair's Kalshi book (remembered, put back later).
      const i = Number(rest);
      const { k } = legsOf(i);
      const gone: Array<{ yesPx: number; qty: number }> = [];
      for (const acct of ['kalshi-mm', maker.id]) {
        for (const o of ctx.restingOrders(acct, k.id)) {
          if (o.bookSide !== 'bid') continue;
          const r = ctx.cancelOrder(acct, o.id, 'bench');
          if (r.ok) gone.push({ yesPx: o.yesPx, qty: r.removed });
        }
      }
      removedBids.set(i, gone);
      out({ ok: true });
    } else if (cmd === 'open') {
      const i = Number(rest);
      const { k, noAsk } = legsOf(i);
      const a = noAsk();
      const yesAsk = a === null ? null : k.grid.snap(10_000 - a - 600, 'down');
      if (yesAsk === null || yesAsk < 100) {
        out({ error: `no room for an arbitrage on pair ${i}` });
        continue;
      }
      frames = [];
      arrivals = { kalshi: 0, polymarket: 0 };
      arrivalNs = { kalshi: 0n, polymarket: 0n };
      engine = { kalshi: 0, polymarket: 0 };
      const done = new Promise<boolean>((resolve) => {
        both = () => resolve(true);
        setTimeout(() => resolve(false), 5000).unref();
      });
      recording = true;
      // The one order that opens the arbitrage: a resting YES ask (a NO bid on Kalshi's book).
      const placed = ctx.placeOrder({ venue: 'kalshi', accountId: maker.id, marketId: k.id, action: 'buy', outcome: 'no', px: 10_000 - yesAsk, qty: 500, tif: 'gtc', stp: 'cancel_maker' });
      if (!placed.ok || placed.order.status !== 'resting') {
        recording = false;
        both = null;
        out({ error: 'the opening order did not rest' });
        continue;
      }
      const ok = await done;
      recording = false;
      both = null;
      out(ok ? { ok: true, frames: frames.length } : { miss: true });
    } else if (cmd === 'restore') {
      const i = Number(rest);
      const { k } = legsOf(i);
      for (const o of ctx.restingOrders(maker.id, k.id)) ctx.cancelOrder(maker.id, o.id, 'bench');
      for (const b of removedBids.get(i) ?? []) {
        ctx.placeOrder({ venue: 'kalshi', accountId: maker.id, marketId: k.id, action: 'buy', outcome: 'yes', px: b.yesPx, qty: b.qty, tif: 'gtc', stp: 'cancel_maker' });
      }
      removedBids.delete(i);
      out({ ok: true });
    } else if (cmd === 'trigger') {
      // The controller's triggering frame: when did we write it?
      const text = JSON.parse(rest) as string;
      const f = frames.find((x) => (typeof x.data === 'string' ? x.data : String(x.data)) === text);
      if (!f) out({ error: 'the controller fired on a frame other than the one that opened the arbitrage' });
      else
        out({
          us: (Math.max(arrivals.kalshi, arrivals.polymarket) - f.t) * 1000,
          engineUs: (Math.max(engine.kalshi, engine.polymarket) - f.t) * 1000,
          ns: { frame: String(f.ns), kalshi: String(arrivalNs.kalshi), polymarket: String(arrivalNs.polymarket) },
        });
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
  const floorWs: number[] = [];
  const floorHttp: number[] = [];
  const probeWs = new (await import('ws')).WebSocket(`ws://127.0.0.1:${String(hello.probeWsPort)}`, { perMessageDeflate: false });
  let probeGot: (() => void) | null = null;
  probeWs.on('message', (d) => {
    floorWs.push(Number(process.hrtime.bigint() - BigInt(d.toString())) / 1000);
    probeGot?.();
  });
  await new Promise((r) => probeWs.once('open', r));
  // The bare HTTP floor: one keep-alive connection to a plain http server in the simulator's
  // process. Reconnected (with one unrecorded warm-up request) if the server closed it while idle.
  let probeSock: net.Socket | null = null;
  let probeAnswer: ((s: string) => void) | null = null;
  const probeBody = '{"probe":true,"pad":"' + 'x'.repeat(400) + '"}';
  const probeConn = async (): Promise<net.Socket> => {
    const sock = net.connect(Number(hello.probeHttpPort), '127.0.0.1');
    sock.setNoDelay(true);
    await new Promise((r) => sock.once('connect', r));
    sock.on('data', (b) => {
      const text = b.toString('latin1');
      probeAnswer?.(text.slice(text.indexOf('\r\n\r\n') + 4));
    });
    sock.on('close', () => {
      if (probeSock === sock) probeSock = null;
    });
    return sock;
  };
  const probeRound = async (sock: net.Socket): Promise<number> => {
    const got = new Promise<string>((r) => (probeAnswer = r));
    const t = process.hrtime.bigint();
    sock.write(`POST /order HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${probeBody.length}\r\n\r\n${probeBody}`);
    const at = BigInt(await got);
    return Number(at - t) / 1000;
  };
  const probeHttpOnce = async (): Promise<void> => {
    if (probeSock === null) {
      probeSock = await probeConn();
      await probeRound(probeSock);
    }
    floorHttp.push(await probeRound(probeSock));
  };
  const dir = mkdtempSync(join(tmpdir(), 'parity-bench-t2t-'));
  const env = {
    ...process.env, ...simEnv, ARB_REPEAT_MS: '0', DRY_RUN: 'off', CONTROLLER_PLATFORMS: 'kalshi,polymarket', PARITY_DB: join(dir, 'parity.db'),
    CB_MAX_POSITION_PER_MARKET: '1000000', CB_MAX_TOTAL_POSITION: '10000000', CB_MAX_DAILY_LOSS: '1000000', CB_MAX_CONSECUTIVE_ERRORS: '1000',
    // Following the Polymarket trades to CONFIRMED comes after both orders arrived (outside the
    // measured path); polled quickly here so an iteration does not wait the production 2 s.
    POLY_TRADE_FOLLOW_MS: '20',
  };
  const config = parseExecutionConfig(env);
  const clients = await buildExecutionClients(env, { platforms: ['kalshi', 'polymarket'], warm: true });
  await clients.polymarket?.warm();
  const h = attachExecution({ config, router: null, clients });
  await h.ready;
  // Instrumentation (measurement only): the last frame read before the sink fired, and how long
  // the executor's synchronous part took (checks, ledger intent, both legs started).
  const submitUs: number[] = [];
  const { WebSocket } = await import('ws');
  let lastFrame: unknown = null;
  let lastFrameNs = 0n;
  let trigger: unknown = null;
  const wsEmit = WebSocket.prototype.emit as (this: unknown, event: string, ...rest: unknown[]) => boolean;
  WebSocket.prototype.emit = function (this: unknown, event: string, ...rest: unknown[]) {
    if (event === 'message') {
      lastFrame = rest[0];
      lastFrameNs = process.hrtime.bigint();
    }
    return wsEmit.call(this, event, ...rest);
  } as typeof WebSocket.prototype.emit;
  // Breakdown (CLOCK_MONOTONIC, shared with the simulator process): when the trigger frame was
  // read, when the sink was called and returned, and when the first bytes of each order were
  // handed to the kernel (first socket write to each venue's port after the sink fired).
  const kalshiPort = Number(new URL(simEnv.KALSHI_API_BASE!).port);
  const polyPort = Number(new URL(simEnv.POLY_CLOB_URL!).port);
  let mark = { read: 0n, sink: 0n, sinkEnd: 0n, kalshiWrite: 0n, polyWrite: 0n };
  const sockWrite = net.Socket.prototype.write as (this: net.Socket, ...a: unknown[]) => boolean;
  net.Socket.prototype.write = function (this: net.Socket, ...a: unknown[]) {
    if (mark.sink !== 0n) {
      const port = this.remotePort;
      if (port === kalshiPort && mark.kalshiWrite === 0n) mark.kalshiWrite = process.hrtime.bigint();
      else if (port === polyPort && mark.polyWrite === 0n) mark.polyWrite = process.hrtime.bigint();
    }
    return sockWrite.apply(this, a);
  } as typeof net.Socket.prototype.write;
  const sink = h.sink;
  const app = createMarketDataApp({
    env,
    sink: (opp) => {
      if (trigger !== null) return sink(opp);
      trigger = lastFrame;
      mark.read = lastFrameNs;
      mark.sink = process.hrtime.bigint();
      const t = performance.now();
      sink(opp);
      submitUs.push((performance.now() - t) * 1000);
      mark.sinkEnd = process.hrtime.bigint();
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
  /** Per phase, microseconds from the simulator writing the trigger frame (shared monotonic clock). */
  const phases: Record<string, number[]> = {};
  let misses = 0;
  let unfilled = 0;
  const ask = async (line: string): Promise<Record<string, unknown>> => {
    child.stdin!.write(`${line}\n`);
    const r = await next();
    if (r.error) throw new Error(`simulator: ${String(r.error)}`);
    return r;
  };
  const pause = (ms: number) => new Promise((res) => setTimeout(res, ms));
  /** A step that never finishes is a bug worth naming, not a silent hang. */
  const within = <T>(what: string, p: Promise<T>, ms = 20_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`tick-to-trade: ${what} did not finish within ${ms} ms`)), ms);
      p.then((v) => (clearTimeout(t), resolve(v)), (e: unknown) => (clearTimeout(t), reject(e as Error)));
    });
  for (let i = 0; i < warmup + iterations; i++) {
    const pairIndex = i % pairs;
    await ask(`setup ${pairIndex}`);
    await pause(15); // let the controller read the setup frames first
    trigger = null;
    mark = { read: 0n, sink: 0n, sinkEnd: 0n, kalshiWrite: 0n, polyWrite: 0n };
    const r = await ask(`open ${pairIndex}`);
    await within(`iteration ${i}: the executor settling the attempt`, h.executor.idle());
    if (r.miss || trigger === null) {
      misses++;
    } else {
      const t = await ask(`trigger ${JSON.stringify(Buffer.isBuffer(trigger) ? trigger.toString('utf8') : String(trigger))}`);
      if (i >= warmup) {
        us.push(t.us as number);
        engineUs.push(t.engineUs as number);
        const ns = t.ns as { frame: string; kalshi: string; polymarket: string };
        const frame = BigInt(ns.frame);
        const since = (x: bigint): number => (x === 0n ? NaN : Number(x - frame) / 1000);
        for (const [k, v] of Object.entries({
          read: mark.read, sink: mark.sink, sink_end: mark.sinkEnd, kalshi_write: mark.kalshiWrite, poly_write: mark.polyWrite,
          kalshi_arrival: BigInt(ns.kalshi), poly_arrival: BigInt(ns.polymarket),
        })) (phases[k] ??= []).push(since(v));
      }
    }
    await ask(`restore ${pairIndex}`);
    await pause(10);
    if (i >= warmup) {
      const got = new Promise<void>((r) => (probeGot = r));
      await ask('probe');
      await within('the WebSocket floor probe', got, 5000);
      await pause(2);
      await within('the HTTP floor probe', probeHttpOnce(), 5000);
    }
  }
  for (const e of h.ledger.recentExecutions(iterations)) if (e.status !== 'filled') unfilled++;
  child.stdin!.write('quit\n');
  probeWs.close();
  (probeSock as net.Socket | null)?.destroy();
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
      submit_p50_us: pct(submitUs.slice(warmup), 50),
      submit_p99_us: pct(submitUs.slice(warmup), 99),
      // Breakdown, p50 of each instant after the frame was written (not additive percentiles).
      at_p50_us: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, pct(v, 50)])),
      at_p99_us: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, pct(v, 99)])),
      // The floor on this machine in the same run: one bare WebSocket frame sim -> controller, and
      // one bare HTTP request controller -> sim (raw keep-alive socket), each one way, p50/p99.
      floor_ws_p50_us: pct(floorWs, 50),
      floor_ws_p99_us: pct(floorWs, 99),
      floor_http_p50_us: pct(floorHttp, 50),
      floor_http_p99_us: pct(floorHttp, 99),
      samples: us.length,
      misses,
      not_hedged: unfilled,
      target: { p50_us: 300, p99_us: 1000 },
    })}\n`,
  );
  process.exit(0);
}
