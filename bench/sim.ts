// Simulator throughput (issue 3): market-data fan-out to one Kalshi WS subscriber and orders
// matched per second over signed REST.
//
//   npm run bench -- sim [orders] [mdMessages]
//   -> {"bench":"sim","md_msgs_per_s":...,"orders_per_s":...,"rss_mb":...}
//
// The simulator runs in this thread; the client (bench/sim-client.mjs) in a worker thread, so
// each has a core. Orders: every request carries its own KALSHI-ACCESS-* headers, RSA-PSS signed
// just before its chunk of 1,000 is sent (untimed, as the trading client's pre-signed pool does)
// and verified by the simulator; each is an IOC matching deep static liquidity; 16 in flight on a
// keep-alive undici pool. Market data: this thread churns one market (rest + cancel = one delta
// each) as fast as the subscriber keeps up; the subscriber parses every frame and checks seq.
// rss_mb is this process (simulator + client worker).

import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { startSim } from '../packages/sim/src/index.ts';

const ORDERS = Number(process.argv[2] ?? 10_000);
const MD = Number(process.argv[3] ?? 300_000);
const T = 'KXBENCH-26-A';
const TMD = 'KXBENCH-26-MD';

const sim = await startSim({
  seed: 1,
  polymarket: false,
  balances: { kalshi: 100_000_000 },
  scenario: {
    name: 'bench',
    market_maker: { enabled: false },
    arbs: { enabled: false },
    pairs: [
      { kalshi: { ticker: T, fee_type: 'quadratic' }, books: { kalshi: { bids: [[0.4, 10_000_000]], asks: [[0.45, 10_000_000]] } } },
      { kalshi: { ticker: TMD, fee_type: 'quadratic' } },
    ],
  },
});

/**
 * CPU seconds used so far by this (the simulator's) thread, from /proc (Linux; null elsewhere).
 * The machine is shared, so *_per_cpu_s says what one dedicated core would sustain.
 */
function serverCpuSecs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return null;
  }
}

interface ClientMsg {
  ready?: boolean;
  progress?: number;
  result?: Record<string, number | string | null>;
}

function client(data: Record<string, unknown>, onMsg: (m: ClientMsg) => void = () => {}): Promise<Record<string, number | string | null>> {
  const w = new Worker(new URL('./sim-client.mjs', import.meta.url), {
    workerData: { keyPem: sim.accounts.kalshi.privateKeyPem, keyId: sim.accounts.kalshi.keyId, apiBase: sim.urls.kalshiApiBase, wsUrl: sim.urls.kalshiWs, ...data },
  });
  return new Promise((resolve, reject) => {
    w.on('message', (m: ClientMsg) => {
      if (m.result) {
        resolve(m.result);
        void w.terminate();
      } else onMsg(m);
    });
    w.on('error', reject);
  });
}

try {
  const c0 = serverCpuSecs();
  const o = await client({ mode: 'orders', count: ORDERS, inflight: 16, ticker: T });
  const c1 = serverCpuSecs();
  if (o.failed) throw new Error(`${o.failed} of ${ORDERS} bench orders did not fill (first: ${o.firstError})`);

  const ctx = sim.ctx;
  // Flagged as a market maker so the simulator forgets its finished orders (as for the scenario MM).
  const mdAccount = ctx.addAccount({ id: 'bench-md', venue: 'kalshi', cash: 1e15, marketMaker: true });
  let received = 0;
  let produced = 0;
  let k = 0;
  let pumping = false;
  const pump = (): void => {
    if (produced >= MD) return;
    // Keep at most ~20k frames in flight so the measurement is delivery, not buffering.
    if (produced - received < 20_000) {
      for (let i = 0; i < 1000 && produced < MD; i++) {
        const r = ctx.placeOrder({ venue: 'kalshi', accountId: mdAccount.id, marketId: TMD, action: 'buy', outcome: 'yes', px: 1000 + 100 * (k++ % 30), qty: 100, tif: 'gtc', silent: true });
        produced++;
        if (r.ok && produced < MD) {
          ctx.cancelOrder(mdAccount.id, r.order.id);
          produced++;
        }
      }
    }
    setImmediate(pump);
  };
  const m = await client({ mode: 'md', count: MD, ticker: TMD }, (msg) => {
    if (msg.ready && !pumping) {
      pumping = true;
      pump();
    }
    if (msg.progress) received = msg.progress;
  });
  const c2 = serverCpuSecs();
  if (m.gaps) throw new Error(`market data had ${m.gaps} seq gaps`);
  const perCpu = (n: number, a: number | null, b: number | null): number | null => (a === null || b === null || b <= a ? null : Math.round(n / (b - a)));
  console.log(
    JSON.stringify({
      bench: 'sim',
      md_msgs_per_s: Math.round(Number(m.deltas) / Number(m.secs)),
      orders_per_s: Math.round(Number(o.filled) / Number(o.secs)),
      rss_mb: Math.round((process.memoryUsage().rss / (1024 * 1024)) * 10) / 10,
      md_msgs_per_cpu_s: perCpu(Number(m.deltas), c1, c2),
      orders_per_cpu_s: perCpu(Number(o.filled), c0, c1),
      orders: o.filled,
      md_msgs: m.deltas,
      inflight: 16,
    }),
  );
} finally {
  await sim.close();
}
