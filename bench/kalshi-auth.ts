// Kalshi order-path auth cost: taking a pre-signed header set from the pool (what an order pays)
// vs RSA-PSS signing per request (what it would pay without the pool).
//
//   npm run bench -- kalshi-auth [iterations]
//   -> {"bench":"kalshi-auth","kalshi_auth_us_p50":...,"kalshi_rsa_us_p50":...,...}

import { generateKeyPairSync } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { KalshiSigner } from '../packages/trading/src/kalshi/auth.ts';
import { PresignedHeaderPool } from '../packages/trading/src/kalshi/presign.ts';

const ORDER_PATH = '/trade-api/v2/portfolio/events/orders';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const nowUs = (): number => Number(process.hrtime.bigint()) / 1000;

export async function run(iterations = 2000): Promise<Record<string, number>> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signer = new KalshiSigner('bench-key', privateKey);

  // Order path with the pool, as KalshiClient does it: a taker bound to the order endpoint hands
  // out a ready header object (auth + content-type merged in the background). Between takes,
  // wait (untimed) for the background refill that the client triggers after the request is sent.
  const pool = new PresignedHeaderPool(signer, [{ method: 'POST', path: ORDER_PATH }], {
    depth: 3,
    extraHeaders: { 'content-type': 'application/json', accept: 'application/json' },
  }).start();
  const take = pool.taker('POST', ORDER_PATH);
  await pool.ready();
  const auth: number[] = [];
  let sink = 0;
  for (let i = 0; i < iterations + 100; i++) {
    while (!pool.has('POST', ORDER_PATH)) await new Promise((r) => setImmediate(r));
    const t0 = nowUs();
    const headers = take();
    const dt = nowUs() - t0;
    pool.refillSoon();
    sink += headers['KALSHI-ACCESS-SIGNATURE'].length;
    if (i >= 100) auth.push(dt); // first 100: warm-up
  }
  const stats = pool.stats();
  pool.close();

  // Signing every request (synchronous RSA-PSS-2048 on the caller's thread).
  const rsa: number[] = [];
  for (let i = 0; i < iterations + 20; i++) {
    const t0 = nowUs();
    const h = signer.headers('POST', ORDER_PATH);
    const dt = nowUs() - t0;
    sink += h['KALSHI-ACCESS-SIGNATURE'].length;
    if (i >= 20) rsa.push(dt);
  }
  if (sink === 0) throw new Error('unreachable');

  auth.sort((a, b) => a - b);
  rsa.sort((a, b) => a - b);
  return {
    kalshi_auth_us_p50: round3(quantile(auth, 0.5)),
    kalshi_auth_us_p99: round3(quantile(auth, 0.99)),
    kalshi_rsa_us_p50: round3(quantile(rsa, 0.5)),
    kalshi_rsa_us_p99: round3(quantile(rsa, 0.99)),
    kalshi_presign_misses: stats.misses,
    iterations,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 2000);
  const res = await run(Number.isInteger(n) && n > 0 ? n : 2000);
  console.log(JSON.stringify({ bench: 'kalshi-auth', ...res }));
}
