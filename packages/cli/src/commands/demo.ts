// `parity demo` (what `npm start` runs): the simulator, a controller trading Kalshi itself
// (CONTROLLER_PLATFORMS=kalshi) and a remote trader holding the Polymarket keys, as three
// processes over real sockets, live against the simulator (not dry run). The terminal shows
// opportunities, each leg's route and result, fills and P&L, read from the controller's own
// event stream; Ctrl-C stops everything; --duration S exits by itself with a summary.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { ConfigError } from '@parity/trading';
import type { ExecutionView, PnlPoint } from '@parity/controller/ops/hub.ts';

const BIN = new URL('../../../../bin/parity.mjs', import.meta.url).pathname;

interface DemoOpts {
  duration?: string;
  seed: string;
  pairs: string;
  keep?: boolean;
  confirm?: boolean;
}

interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const color = process.stdout.isTTY
  ? { dim: (s: string) => `\x1b[2m${s}\x1b[0m`, green: (s: string) => `\x1b[32m${s}\x1b[0m`, red: (s: string) => `\x1b[31m${s}\x1b[0m`, yellow: (s: string) => `\x1b[33m${s}\x1b[0m`, cyan: (s: string) => `\x1b[36m${s}\x1b[0m`, bold: (s: string) => `\x1b[1m${s}\x1b[0m` }
  : { dim: (s: string) => s, green: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s, cyan: (s: string) => s, bold: (s: string) => s };

const ts = (): string => new Date().toISOString().slice(11, 23);
const say = (s: string): void => {
  process.stdout.write(`${color.dim(ts())} ${s}\n`);
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function parseEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  return out;
}

function start(name: string, args: string[], env: Record<string, string>, logFile: string | null, onLine?: (l: string) => void): Proc {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env, PARITY_LOG_JSON: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const tail: string[] = [];
  const keep = (l: string): void => {
    tail.push(l);
    if (tail.length > 40) tail.shift();
  };
  createInterface({ input: child.stdout! }).on('line', (l) => {
    keep(l);
    onLine?.(l);
  });
  createInterface({ input: child.stderr! }).on('line', (l) => {
    keep(l);
    // Warnings and errors of any process reach the operator; the rest stays in the log tail.
    try {
      const rec = JSON.parse(l) as { level?: number; msg?: string };
      if ((rec.level ?? 0) >= 40) say(`${color.yellow(name)} ${rec.level! >= 50 ? color.red(rec.msg ?? l) : rec.msg ?? l}`);
    } catch {
      if (l.trim()) say(`${color.yellow(name)} ${l}`);
    }
  });
  void logFile;
  void exited.then((code) => {
    if (!stopping) {
      say(color.red(`${name} exited unexpectedly (code ${code}); last output:`));
      for (const l of tail.slice(-15)) process.stdout.write(`    ${l}\n`);
      failed = true;
      void shutdown(1);
    }
  });
  return { name, child, exited };
}

let stopping = false;
let failed = false;
const procs: Proc[] = [];
let shutdown: (code: number) => Promise<void> = async () => {};

function waitForLine(p: Proc, match: (l: string) => boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: p.child.stdout! });
    const timer = setTimeout(() => reject(new Error(`${p.name} did not get ready within ${timeoutMs / 1000} s`)), timeoutMs);
    rl.on('line', (l) => {
      if (match(l)) {
        clearTimeout(timer);
        rl.close();
        resolve(l);
      }
    });
    void p.exited.then(() => reject(new Error(`${p.name} exited before it was ready`)));
  });
}

async function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Wait until the controller reports a connected remote trader for `venue`. */
async function waitTrader(stateUrl: string, venue: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const s = (await getJson(stateUrl)) as { traders?: { connected?: Record<string, number> } };
      if ((s.traders?.connected?.[venue] ?? 0) > 0) return;
    } catch {
      // the controller is busy or restarting its stream: ask again
    }
    if (Date.now() > end) throw new Error(`the ${venue} trader did not connect to the controller within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitHttp(url: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await getJson(url);
      return;
    } catch {
      if (Date.now() > end) throw new Error(`controller dashboard did not answer at ${url} within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

// What the controller's event stream carries (the dashboard's own types).
type ExecView = ExecutionView;

const STARTUP_MS = 90_000;

const FINAL = new Set(['filled', 'partial', 'unfilled', 'rejected', 'dry_run']);

/** Follow the controller's SSE stream and print what happens. */
function follow(base: string, stats: { opps: number; attempts: Map<string, ExecView> }): () => void {
  const printedLegs = new Set<string>();
  const printedAttempts = new Set<string>();
  const seenOpps = new Set<string>();
  let req: ReturnType<typeof request> | null = null;
  let closed = false;
  const connect = (): void => {
    req = request(`${base}api/events`, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (ev && data) handle(ev, JSON.parse(data));
        }
      });
      res.on('end', () => {
        if (!closed) setTimeout(connect, 500);
      });
    });
    req.on('error', () => {
      if (!closed) setTimeout(connect, 500);
    });
    req.end();
  };
  const handle = (ev: string, data: unknown): void => {
    if (ev === 'opportunity') {
      const o = data as { id: string; pairId: string; type: string; contracts: string; profitUsd: string; costUsd: string; outcome: string };
      if (seenOpps.has(o.id)) return;
      seenOpps.add(o.id);
      stats.opps++;
      say(`${color.cyan('OPPORTUNITY')} ${o.pairId} ${o.type} ${o.contracts} ct · cost $${o.costUsd} · expected +$${o.profitUsd}`);
    } else if (ev === 'execution') {
      const e = data as ExecView;
      stats.attempts.set(e.attemptId, e);
      for (const l of e.legs) {
        if (!FINAL.has(l.status) || printedLegs.has(l.legId)) continue;
        printedLegs.add(l.legId);
        const ok = l.status === 'filled' || l.status === 'dry_run';
        const st = ok ? color.green(l.status) : color.red(l.status);
        const lat = l.latencyUs != null ? ` ${(l.latencyUs / 1000).toFixed(1)} ms` : '';
        say(`  ${color.bold(l.route.toUpperCase().padEnd(6))} ${l.platform.padEnd(10)} ${l.action.padEnd(4)} ${l.side.padEnd(3)} ${st} ${l.filled} @ ${l.avgPrice ?? '—'} fee $${l.fees}${lat}${l.error ? ` — ${l.error}` : ''}`);
      }
      if (e.realizedUsd !== null && e.status !== 'open' && !printedAttempts.has(e.attemptId)) {
        printedAttempts.add(e.attemptId);
        const locked = e.lockedUsd !== null ? ` · locked-in $${e.lockedUsd}` : '';
        say(`  ${e.status === 'filled' ? color.green('RESOLVED') : color.yellow('RESOLVED')} ${e.pairId} ${e.status}${locked} · realised $${e.realizedUsd}`);
      }
    }
  };
  connect();
  return () => {
    closed = true;
    req?.destroy();
  };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('simulated venues + a controller (trades Kalshi locally) + a remote Polymarket trader, live, as separate processes')
    .option('--duration <seconds>', 'exit by itself after this many seconds, with a summary')
    .option('--seed <n>', 'simulator seed', '7')
    .option('--pairs <n>', 'pairs in the simulated scenario', '8')
    .option('--confirm', 'confirm mode: opportunities wait for approval in the dashboard')
    .option('--keep', 'keep the temporary directory (env file, ledger, logs)')
    .action(async (o: DemoOpts) => {
      const duration = o.duration === undefined ? null : Number(o.duration);
      if (duration !== null && (!Number.isFinite(duration) || duration <= 0)) throw new ConfigError(`--duration ${JSON.stringify(o.duration)} must be a positive number of seconds`);
      const dir = mkdtempSync(join(tmpdir(), 'parity-demo-'));
      const envFile = join(dir, 'sim.env');
      const secret = randomBytes(24).toString('hex');
      const [traderPort, httpPort] = [await freePort(), await freePort()];
      const stats = { opps: 0, attempts: new Map<string, ExecView>() };
      let unfollow = (): void => {};

      shutdown = async (code: number): Promise<void> => {
        if (stopping) return;
        stopping = true;
        unfollow();
        // Trader and controller first (they finish in-flight legs), the venues last.
        for (const p of [...procs].reverse()) p.child.kill('SIGTERM');
        const all = Promise.all(procs.map((p) => p.exited));
        const timeout = new Promise((r) => setTimeout(r, 8000).unref());
        await Promise.race([all, timeout]);
        for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
        if (!o.keep) rmSync(dir, { recursive: true, force: true });
        else say(`kept ${dir}`);
        process.exit(code);
      };
      process.once('SIGINT', () => void summarizeAndStop(0));
      process.once('SIGTERM', () => void summarizeAndStop(0));

      const summarizeAndStop = async (code: number): Promise<void> => {
        if (stopping) return;
        try {
          const s = (await getJson(`http://127.0.0.1:${httpPort}/api/state`)) as { executions: ExecView[]; pnl: PnlPoint[]; stats: Record<string, unknown> };
          printSummary(s.executions, s.pnl.at(-1) ?? null, stats.opps);
        } catch (e) {
          say(color.red(`could not read the controller's final state: ${(e as Error).message}`));
        }
        await shutdown(failed ? 1 : code);
      };

      // Start-up deadlines are generous (a cold start on a busy 2-core machine takes tens of
      // seconds); a start-up failure stops whatever was already started.
      try {
        say(`starting the venue simulator (seed ${o.seed}, ${o.pairs} pairs)…`);
        const sim = start('sim', ['sim', '--scenario', 'demo', '--seed', o.seed, '--pairs', o.pairs, '--env-out', envFile], {}, null);
        procs.push(sim);
        const ready = await waitForLine(sim, (l) => l.startsWith('{'), STARTUP_MS);
        const simInfo = JSON.parse(ready) as Record<string, unknown>;
        const simEnv = parseEnvFile(envFile);
        say(`simulator ready: ${JSON.stringify(simInfo.urls ?? simInfo)}`);

        const common = { ...simEnv, TRADER_SECRET: secret, DRY_RUN: '0' };
        const controllerEnv = {
          ...common,
          CONTROLLER_PLATFORMS: 'kalshi',
          TRADER_BIND: `127.0.0.1:${traderPort}`,
          HTTP_PORT: String(httpPort),
          PARITY_DB: join(dir, 'parity.db'),
          CONFIRM_MODE: o.confirm ? '1' : '0',
          HEARTBEAT_INTERVAL_SECS: process.env.HEARTBEAT_INTERVAL_SECS ?? '10',
        };
        // The controller holds no Polymarket keys: the remote trader does.
        for (const k of ['POLY_PRIVATE_KEY', 'POLY_API_KEY', 'POLY_API_SECRET', 'POLY_API_PASSPHRASE', 'POLY_FUNDER']) delete (controllerEnv as Record<string, string>)[k];
        say('starting the controller (CONTROLLER_PLATFORMS=kalshi)…');
        procs.push(start('controller', ['controller'], controllerEnv, null));
        const dash = `http://127.0.0.1:${httpPort}/`;
        await waitHttp(`${dash}api/state`, STARTUP_MS);

        say('starting the remote trader (TRADER_PLATFORM=polymarket)…');
        const traderEnv = { ...common, WEBSOCKET_URL: `ws://127.0.0.1:${traderPort}`, TRADER_PLATFORM: 'polymarket', TRADER_DB: join(dir, 'trader.db') };
        for (const k of ['KALSHI_API_KEY_ID', 'KALSHI_PRIVATE_KEY_PATH', 'KALSHI_PRIVATE_KEY']) delete (traderEnv as Record<string, string>)[k];
        procs.push(start('trader', ['trader'], traderEnv, null));

        say(color.bold(`dashboard: ${dash}`) + color.dim(`   metrics: ${dash}metrics   (Ctrl-C stops everything)`));
        unfollow = follow(dash, stats);
        await waitTrader(`${dash}api/state`, 'polymarket', STARTUP_MS);
        say(`remote trader connected: Kalshi legs run ${color.bold('LOCAL')}, Polymarket legs ${color.bold('REMOTE')}`);
      } catch (e) {
        if (stopping) return;
        say(color.red(`demo could not start: ${(e as Error).message}`));
        failed = true;
        await shutdown(1);
        return;
      }
      // --duration counts trading time: from the moment every process is up and connected.
      if (duration !== null) setTimeout(() => void summarizeAndStop(0), duration * 1000);
    });
}

function printSummary(execs: ExecView[], pnl: PnlPoint | null, opps: number): void {
  const filled = execs.filter((e) => e.status === 'filled');
  const mixed = execs.filter((e) => e.legs.some((l) => l.route === 'local') && e.legs.some((l) => l.route === 'remote') && e.legs.every((l) => l.status === 'filled'));
  const legs = execs.flatMap((e) => e.legs);
  const lines = [
    '',
    color.bold('── demo summary ──'),
    `opportunities seen        ${opps}`,
    `arbitrage attempts        ${execs.length}`,
    `fully filled (both legs)  ${filled.length}`,
    `local+remote arbitrages   ${mixed.length}`,
    `legs local / remote       ${legs.filter((l) => l.route === 'local').length} / ${legs.filter((l) => l.route === 'remote').length}`,
    `P&L (realised + locked)   $${(pnl?.pnlUsd ?? 0).toFixed(2)}  (realised $${(pnl?.realizedUsd ?? 0).toFixed(2)}, locked-in $${(pnl?.lockedUsd ?? 0).toFixed(2)})`,
    `open exposure             $${(pnl?.exposureUsd ?? 0).toFixed(2)}`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}
