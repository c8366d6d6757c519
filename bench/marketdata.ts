// bench marketdata: venue frames for 5,000 pairs replayed through the real hot path on one thread:
// frame bytes -> feed session handleFrame (as the ws handler calls it) -> the native core (read,
// seq check, book, pair asks, price screen) or, for what it declines, text -> parse -> book ->
// detection. NATIVE_MARKET_DATA=0 measures the TypeScript path alone.
//
// Generated market data, shaped like the venues (and the simulator): Kalshi `orderbook_delta`
// frames (fixed-point strings, one seq per sid) and Polymarket `price_change` frames carrying the
// YES change and its mirrored NO change with the venue's best bid/ask. A generator keeps a model
// of every book so the stream is always consistent (no resyncs); 1% of the pairs are priced apart
// across venues so detection also sizes and emits real opportunities.
//
// Frames are bytes, as read off a socket, and enter the session as bytes inside the timed region
// (the TypeScript path decodes them there). Also measured in the same run, for scale: decoding alone, JSON.parse
// alone, and the latency of one cache miss (mem_latency_ns; 5,000 pairs' books do not fit in L2).
//
// Frames are generated in chunks outside the timed region. Even chunks measure throughput (one
// tight loop, no per-message clock; msgs_per_s per second of process CPU time, msgs_per_wall_s per
// wall second); odd chunks time every message (hrtime, wall) for p50/p99. On a busy machine the
// wall-clock figures include time spent waiting for a core; load_avg_1m is printed alongside.
//
//   npm run bench -- marketdata [--pairs 5000] [--messages 2000000]
// prints {"bench":"marketdata","msgs_per_s","p50_us","p90_us","p95_us","p99_us","p999_us","max_us",
//         "detect_share","detect_p50_us","detect_p99_us" (messages that reached detection in JS),
//         "decode_only_msgs_per_s","json_parse_only_msgs_per_s","mem_latency_ns","rss_mb","pairs",…}

import { cpus, loadavg } from 'node:os';
import { formatPx, formatQty, PX_ONE } from '@parity/trading';
import { KalshiBookSession } from '@parity/trading/kalshi/market-data.ts';
import { PolyBookSession } from '@parity/trading/polymarket/market-data.ts';
import { BookStore } from '../packages/controller/src/books/book-store.ts';
import { Detector } from '../packages/controller/src/detection/detector.ts';
import { FeeDirectory } from '../packages/controller/src/detection/fees.ts';
import type { Pair } from '../packages/controller/src/model.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : dflt;
}
const PAIRS = arg('pairs', 5_000);
const MESSAGES = arg('messages', 2_000_000);
// Small chunks: the generated frames die young, like frames read off a socket.
const CHUNK = 2_000;
const CENT = 100; // Px

// Deterministic PRNG (mulberry32).
let seed = 12345;
function rnd(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const rint = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
const trim = (px: number): string => formatPx(px).replace(/0+$/, '').replace(/\.$/, '');

// --- the generator's model of every book ------------------------------------------------------

interface ModelPair {
  ticker: string;
  yesToken: string;
  noToken: string;
  kFair: number;
  pFair: number;
  kYes: Map<number, number>;
  kNo: Map<number, number>;
  /** Polymarket YES token book; the NO token's is its mirror. */
  pBids: Map<number, number>;
  pAsks: Map<number, number>;
}

const tokenId = (i: number): string => `${(1e18 + i * 7919).toString()}${String(i).padStart(59, '7')}`;

const model: ModelPair[] = [];
for (let i = 0; i < PAIRS; i++) {
  const kFair = rint(20, 80) * CENT;
  // 1% of pairs: Polymarket prices the same outcome 7¢ lower -> a real cross-venue arb.
  const pFair = i % 100 === 42 ? kFair - 7 * CENT : kFair;
  const m: ModelPair = {
    ticker: `KXBENCH-26NOV25-P${i}`,
    yesToken: tokenId(2 * i),
    noToken: tokenId(2 * i + 1),
    kFair,
    pFair,
    kYes: new Map(),
    kNo: new Map(),
    pBids: new Map(),
    pAsks: new Map(),
  };
  for (let l = 1; l <= 5; l++) {
    m.kYes.set(kFair - l * CENT, rint(10, 500) * 100);
    m.kNo.set(PX_ONE - kFair - l * CENT, rint(10, 500) * 100);
    m.pBids.set(pFair - l * CENT, rint(10, 500) * 100);
    m.pAsks.set(pFair + l * CENT, rint(10, 500) * 100);
  }
  model.push(m);
}

const flat = (m: Map<number, number>, mirror = false): number[] => [...m].flatMap(([p, q]) => [mirror ? PX_ONE - p : p, q]);
const levels = (m: Map<number, number>): string[][] => [...m].map(([p, q]) => [formatPx(p), formatQty(q)]);
const best = (m: Map<number, number>, max: boolean): number => {
  let b = -1;
  for (const p of m.keys()) if (b < 0 || (max ? p > b : p < b)) b = p;
  return b;
};

// --- the pipeline under test ---------------------------------------------------------------------

const store = new BookStore();
const fees = new FeeDirectory({}, { polyFallback: { ratePpm: 50_000, exponent: 1, takerOnly: true }, polyDefaultMinSize: 500 });
let emitted = 0;
const detector = new Detector(
  {
    minEdgeMicros: 10_000,
    minProfitMicros: 10_000,
    minContracts: 100,
    maxContracts: 10_000,
    maxCostMicros: 500_000_000,
    maxLevels: 20,
    contractStep: 100,
    maxBookAgeMs: 60_000,
    polyMinNotionalMicros: 1_000_000,
    repeatMs: 1_000,
  },
  fees,
  () => {
    emitted++;
  },
);
store.useDetector(detector);
for (const m of model) {
  const pair: Pair = { id: m.ticker, description: m.ticker, kalshiTicker: m.ticker, polyYesToken: m.yesToken, polyNoToken: m.noToken, source: 'file' };
  store.addPair(pair);
  fees.setKalshi(m.ticker, { feeType: 'quadratic_with_maker_fees', feeMultiplier: 1 });
  fees.setPoly(m.yesToken, { fee: { ratePpm: 50_000, exponent: 1, takerOnly: true }, minOrderSize: 500 });
  fees.setPoly(m.noToken, { fee: { ratePpm: 50_000, exponent: 1, takerOnly: true }, minOrderSize: 500 });
}

const noop = (): void => {};
const kalshi = new KalshiBookSession(store, noop, noop);
kalshi.add(model.map((m) => m.ticker));
kalshi.handleText(JSON.stringify({ id: 1, type: 'subscribed', msg: { channel: 'orderbook_delta', sid: 1 } }), Date.now());
let seq = 0;
const shards: PolyBookSession[] = [];
const shardOfPair: PolyBookSession[] = [];
for (let i = 0; i < PAIRS; i++) {
  const s = Math.floor((2 * i) / 500);
  if (!shards[s]) {
    shards[s] = new PolyBookSession(store, noop, noop);
  }
  shards[s]!.add([model[i]!.yesToken, model[i]!.noToken]);
  shardOfPair.push(shards[s]!);
}
for (const s of shards) s.start();

// Initial snapshots (not timed).
for (const m of model) {
  kalshi.handleText(
    JSON.stringify({ type: 'orderbook_snapshot', sid: 1, seq: ++seq, msg: { market_ticker: m.ticker, yes_dollars_fp: levels(m.kYes), no_dollars_fp: levels(m.kNo) } }),
    Date.now(),
  );
}
for (let i = 0; i < PAIRS; i++) {
  const m = model[i]!;
  const book = (asset: string, bids: number[], asks: number[]) => ({
    event_type: 'book',
    asset_id: asset,
    market: '0xbench',
    bids: pairsOf(bids).map(([p, q]) => ({ price: trim(p), size: formatQty(q) })),
    asks: pairsOf(asks).map(([p, q]) => ({ price: trim(p), size: formatQty(q) })),
    timestamp: '1',
    hash: '0x0',
  });
  shardOfPair[i]!.handleText(JSON.stringify([book(m.yesToken, flat(m.pBids), flat(m.pAsks)), book(m.noToken, flat(m.pAsks, true), flat(m.pBids, true))]), Date.now());
}
function pairsOf(f: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let k = 0; k < f.length; k += 2) out.push([f[k]!, f[k + 1]!]);
  return out;
}
{
  let tradeable = 0;
  for (const p of store.pairs.values()) if (p.tradeable(Date.now(), 60_000)) tradeable++;
  if (tradeable !== PAIRS) throw new Error(`only ${tradeable}/${PAIRS} pairs tradeable after the snapshots`);
}

// --- frame generation ------------------------------------------------------------------------------

/** Frames as they come off a socket: bytes (the feed decodes each one, as the ws handler does). */
const frames: Buffer[] = new Array<Buffer>(CHUNK);
const targets: Array<KalshiBookSession | PolyBookSession> = new Array(CHUNK);
let hashSeq = 0;

function kalshiDelta(m: ModelPair): string {
  const yes = rnd() < 0.5;
  const book = yes ? m.kYes : m.kNo;
  const fair = yes ? m.kFair : PX_ONE - m.kFair;
  const px = fair - rint(1, 10) * CENT;
  const q = book.get(px) ?? 0;
  let d: number;
  if (q > 0 && rnd() < 0.5) d = rnd() < 0.3 ? -q : -Math.max(1, Math.min(q, rint(1, 100) * 100));
  else d = rint(1, 200) * 100;
  const v = q + d;
  if (v > 0) book.set(px, v);
  else book.delete(px);
  return `{"type":"orderbook_delta","sid":1,"seq":${++seq},"msg":{"market_ticker":"${m.ticker}","market_id":"9b0f6d2e-1c1a-4c55-a111-3c0e8d1f2a7b","price_dollars":"${formatPx(px)}","delta_fp":"${formatQty(d)}","side":"${yes ? 'yes' : 'no'}","ts_ms":${Date.now()}}}`;
}

function polyChange(m: ModelPair): string {
  const bid = rnd() < 0.5;
  const book = bid ? m.pBids : m.pAsks;
  const px = bid ? m.pFair - rint(1, 10) * CENT : m.pFair + rint(1, 10) * CENT;
  const size = book.has(px) && rnd() < 0.3 ? 0 : rint(1, 500) * 100;
  if (size > 0) book.set(px, size);
  else book.delete(px);
  const bb = best(m.pBids, true);
  const ba = best(m.pAsks, false);
  const yesBest = `"best_bid":"${bb < 0 ? '0' : trim(bb)}","best_ask":"${ba < 0 ? '1' : trim(ba)}"`;
  const noBest = `"best_bid":"${ba < 0 ? '0' : trim(PX_ONE - ba)}","best_ask":"${bb < 0 ? '1' : trim(PX_ONE - bb)}"`;
  const hash = (++hashSeq).toString(16).padStart(40, '0');
  const sz = formatQty(size);
  return (
    `{"event_type":"price_change","market":"0xbench","timestamp":"${Date.now()}","price_changes":[` +
    `{"asset_id":"${m.yesToken}","price":"${trim(px)}","size":"${sz}","side":"${bid ? 'BUY' : 'SELL'}","hash":"${hash}",${yesBest}},` +
    `{"asset_id":"${m.noToken}","price":"${trim(PX_ONE - px)}","size":"${sz}","side":"${bid ? 'SELL' : 'BUY'}","hash":"${hash}",${noBest}}]}`
  );
}

function generate(): void {
  for (let k = 0; k < CHUNK; k++) {
    const i = rint(0, PAIRS - 1);
    const m = model[i]!;
    if (rnd() < 0.5) {
      frames[k] = Buffer.from(kalshiDelta(m));
      targets[k] = kalshi;
    } else {
      frames[k] = Buffer.from(polyChange(m));
      targets[k] = shardOfPair[i]!;
    }
  }
}

// --- run ----------------------------------------------------------------------------------------------

const lat = new Float64Array(MESSAGES);
let nLat = 0;
/** Latencies of the messages that reached detection in JavaScript (the price screen passed). */
const latDetect = new Float64Array(MESSAGES);
let nDetect = 0;
let tputMsgs = 0;
let tputNs = 0n;
/** CPU time (user + system, all threads of the process) spent in the throughput loops, µs. */
let tputCpuUs = 0;
let bytes = 0;

let parseCpuUs = 0;
let parseMsgs = 0;
let parseSink = 0;
/** JSON.parse alone over the same frames: the floor every JSON.parse-based design pays. */
function runParseOnly(): void {
  const c0 = process.cpuUsage();
  for (let k = 0; k < CHUNK; k++) parseSink += (JSON.parse(frames[k]!.toString()) as { type?: unknown }).type === undefined ? 1 : 0;
  const c = process.cpuUsage(c0);
  parseCpuUs += c.user + c.system;
  parseMsgs += CHUNK;
}

let decodeCpuUs = 0;
let decodeMsgs = 0;
/** Bytes -> string alone: what every design pays per frame before reading a single field. */
function runDecodeOnly(): void {
  const c0 = process.cpuUsage();
  for (let k = 0; k < CHUNK; k++) parseSink += frames[k]!.toString().length === 0 ? 1 : 0;
  const c = process.cpuUsage(c0);
  decodeCpuUs += c.user + c.system;
  decodeMsgs += CHUNK;
}

/**
 * Latency of one dependent memory load over a 64 MB working set (a random pointer chase), ns:
 * what each cache miss costs on this machine. The books of 5,000 pairs do not fit in L2, and an
 * update for a random pair misses on its book, ladder and pair state.
 */
function memoryLatencyNs(): number {
  const words = (64 * 1024 * 1024) / 4;
  const lines = words / 16;
  const a = new Int32Array(words);
  const perm = new Int32Array(lines);
  for (let i = 0; i < lines; i++) perm[i] = i;
  for (let i = lines - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  for (let i = 0; i < lines; i++) a[perm[i]! * 16] = perm[(i + 1) % lines]! * 16;
  let p = 0;
  const steps = 1_000_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) p = a[p]!;
  const ns = Number(process.hrtime.bigint() - t0) / steps;
  return p >= 0 ? ns : -1;
}

function runThroughput(): void {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < CHUNK; k++) targets[k]!.handleFrame(frames[k]!, Date.now());
  tputNs += process.hrtime.bigint() - t0;
  const c = process.cpuUsage(c0);
  tputCpuUs += c.user + c.system;
  tputMsgs += CHUNK;
}

function runLatency(): void {
  const st = detector.stats;
  for (let k = 0; k < CHUNK; k++) {
    const e0 = st.evaluations;
    const t0 = process.hrtime.bigint();
    targets[k]!.handleFrame(frames[k]!, Date.now());
    const dt = process.hrtime.bigint() - t0;
    if (nLat < lat.length) lat[nLat++] = Number(dt) / 1000;
    if (st.evaluations !== e0) latDetect[nDetect++] = Number(dt) / 1000;
  }
}

// Warm-up (JIT), not measured.
for (let w = 0; w < 100; w++) {
  generate();
  runThroughput();
}
tputMsgs = 0;
tputNs = 0n;
tputCpuUs = 0;
emitted = 0;
const evalBefore = detector.stats.evaluations;

const chunks = Math.max(2, Math.ceil(MESSAGES / CHUNK));
for (let c = 0; c < chunks; c++) {
  generate();
  for (let k = 0; k < CHUNK; k++) bytes += frames[k]!.length;
  if (c % 2 === 0) {
    // Same frames, parse-only first (it does not change any book), then the pipeline.
    runDecodeOnly();
    runParseOnly();
    runThroughput();
  } else runLatency();
}

if (parseSink < 0) throw new Error('unreachable');

const sorted = lat.subarray(0, nLat).sort();
const pct = (p: number): number => sorted[Math.min(nLat - 1, Math.floor((p / 100) * nLat))]!;
const sortedDetect = latDetect.subarray(0, nDetect).sort();
const pctDetect = (p: number): number => (nDetect > 0 ? sortedDetect[Math.min(nDetect - 1, Math.floor((p / 100) * nDetect))]! : 0);
const stats = { k: kalshi.stats, poly: shards.reduce((a, s) => a + s.stats.badFrames + s.stats.drift, 0) };
if (stats.k.gaps + stats.k.badFrames + stats.poly + store.badFrames.total > 0) throw new Error(`the replay was not clean: ${JSON.stringify(stats)}`);
let tradeable = 0;
for (const p of store.pairs.values()) if (p.tradeable(Date.now(), 60_000)) tradeable++;
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;
const rssMb = process.memoryUsage().rss / 1048576; // before the memory probe allocates its 64 MB
const memLatency = memoryLatencyNs();
process.stdout.write(
  `${JSON.stringify({
    bench: 'marketdata',
    // Per second of CPU time: what one core sustains (wall time on a shared machine includes waiting for a core).
    msgs_per_s: Math.round(tputMsgs / (tputCpuUs / 1e6)),
    msgs_per_wall_s: Math.round(tputMsgs / (Number(tputNs) / 1e9)),
    p50_us: round(pct(50)),
    p99_us: round(pct(99)),
    p90_us: round(pct(90)),
    p95_us: round(pct(95)),
    p999_us: round(pct(99.9)),
    max_us: round(sorted[nLat - 1]!),
    // Messages whose price screen passed, so detection ran in JavaScript (sizing, fees, the Opportunity).
    detect_share: round(nDetect / nLat, 4),
    detect_p50_us: round(pctDetect(50)),
    detect_p99_us: round(pctDetect(99)),
    decode_only_msgs_per_s: Math.round(decodeMsgs / (decodeCpuUs / 1e6)),
    json_parse_only_msgs_per_s: Math.round(parseMsgs / (parseCpuUs / 1e6)),
    pipeline_over_parse: round(tputCpuUs / tputMsgs / (parseCpuUs / parseMsgs)),
    mem_latency_ns: round(memLatency, 1),
    rss_mb: round(rssMb, 1),
    heap_mb: round(process.memoryUsage().heapUsed / 1048576, 1),
    pairs: PAIRS,
    messages: tputMsgs + nLat,
    avg_frame_bytes: Math.round(bytes / (tputMsgs + nLat)),
    fast_path_share: round(
      (kalshi.stats.fastFrames + shards.reduce((a, s) => a + s.stats.fastFrames, 0)) /
        (kalshi.stats.messages + shards.reduce((a, s) => a + s.stats.messages, 0)),
      3,
    ),
    detections: detector.stats.evaluations - evalBefore,
    opportunities: emitted,
    tradeable_pairs: tradeable,
    node: process.version,
    load_avg_1m: round(loadavg()[0]!),
    cpus: cpus().length,
  })}\n`,
);
