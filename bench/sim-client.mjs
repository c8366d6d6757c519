// Client side of `npm run bench -- sim`, run in a worker thread so the simulator keeps its own
// core: signed REST orders (mode "orders") or one WS market-data subscriber (mode "md").
import { constants, createPrivateKey, sign } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import WebSocket from 'ws';

const { mode, keyPem, keyId, apiBase, wsUrl } = workerData;
const key = createPrivateKey(keyPem);
const sig = (ts, method, path) =>
  sign('sha256', Buffer.from(`${ts}${method}${path}`), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');

async function orders({ count, inflight, ticker }) {
  const path = new URL(apiBase).pathname + '/portfolio/events/orders';
  const pool = new Pool(new URL(apiBase).origin, { connections: inflight, pipelining: 1 });
  const bodies = [
    JSON.stringify({ ticker, side: 'bid', count: '1', price: '0.4500', time_in_force: 'immediate_or_cancel', self_trade_prevention_type: 'taker_at_cross' }),
    JSON.stringify({ ticker, side: 'ask', count: '1', price: '0.4000', time_in_force: 'immediate_or_cancel', self_trade_prevention_type: 'taker_at_cross' }),
  ];
  const CHUNK = 1000;
  const headers = new Array(count);
  let next = 0;
  let limit = 0;
  let filled = 0;
  let failed = 0;
  let firstError = null;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= limit) return;
      const r = await pool.request({ method: 'POST', path, headers: headers[i], body: bodies[i % 2] });
      const j = await r.body.json();
      if (r.statusCode === 201 && j.fill_count === '1.00') filled++;
      else {
        failed++;
        firstError ??= `${r.statusCode} ${JSON.stringify(j)}`;
      }
    }
  };
  let nanos = 0n;
  for (let from = 0; from < count; from += CHUNK) {
    // Sign this chunk just before sending it (untimed): every timestamp is fresh.
    const now = Date.now();
    limit = Math.min(count, from + CHUNK);
    for (let i = from; i < limit; i++) {
      const ts = String(now + (i - from));
      headers[i] = { 'KALSHI-ACCESS-KEY': keyId, 'KALSHI-ACCESS-TIMESTAMP': ts, 'KALSHI-ACCESS-SIGNATURE': sig(ts, 'POST', path), 'content-type': 'application/json' };
    }
    next = from;
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: inflight }, worker));
    nanos += process.hrtime.bigint() - t0;
  }
  await pool.close();
  return { filled, failed, firstError, secs: Number(nanos) / 1e9 };
}

async function md({ count, ticker }) {
  const ts = String(Date.now());
  const path = new URL(wsUrl).pathname;
  const ws = new WebSocket(wsUrl, { headers: { 'KALSHI-ACCESS-KEY': keyId, 'KALSHI-ACCESS-TIMESTAMP': ts, 'KALSHI-ACCESS-SIGNATURE': sig(ts, 'GET', path) }, perMessageDeflate: false });
  await new Promise((res, rej) => {
    ws.once('open', res);
    ws.once('error', rej);
  });
  let deltas = 0;
  let lastSeq = 0;
  let t0 = 0n;
  let gaps = 0;
  return await new Promise((resolve) => {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.type === 'orderbook_snapshot') {
        t0 = process.hrtime.bigint();
        parentPort.postMessage({ ready: true });
      } else if (m.type === 'orderbook_delta') {
        if (m.seq !== lastSeq + 1) gaps++;
        deltas++;
        if (deltas % 10_000 === 0) parentPort.postMessage({ progress: deltas });
        if (deltas >= count) {
          const secs = Number(process.hrtime.bigint() - t0) / 1e9;
          ws.close();
          resolve({ deltas, gaps, secs });
        }
      }
      if (m.seq !== undefined) lastSeq = m.seq;
    });
    ws.send(JSON.stringify({ id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: [ticker], use_yes_price: false } }));
  });
}

const result = mode === 'orders' ? await orders(workerData) : await md(workerData);
parentPort.postMessage({ result });
