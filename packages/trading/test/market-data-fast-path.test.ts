// The market-data fast paths (kalshi/delta-frame.ts, polymarket/price-change-frame.ts) must be
// pure accelerators: for any frame, a session with the fast path makes exactly the same sink calls
// and ends with the same counters as a session that JSON.parses everything. Checked with
// fast-check over valid frames, frames with odd values, reordered keys, whitespace, escapes and
// garbage; plus the readers' own accept/decline cases and the key table against a Map.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KalshiBookSession, type KalshiBookSink } from '../src/kalshi/market-data.ts';
import { PolyBookSession, type PolyBookSink } from '../src/polymarket/market-data.ts';
import { KalshiDeltaFrame, readKalshiDelta } from '../src/kalshi/delta-frame.ts';
import { PriceChangeFrame, readPriceChange } from '../src/polymarket/price-change-frame.ts';
import { KeyTable } from '../src/key-table.ts';
import type { FeedLiveness } from '../src/market-data-common.ts';

/** A sink that records every call as a line. */
class Recorder implements KalshiBookSink, PolyBookSink {
  readonly calls: string[] = [];
  kalshiSnapshot(t: string, y: number[], n: number[], at: number, _l: FeedLiveness): boolean {
    this.calls.push(`ksnap ${t} ${y.join(',')} / ${n.join(',')} @${at}`);
    return true;
  }
  kalshiDelta(t: string, side: string, px: number, d: number, at: number): boolean {
    this.calls.push(`kdelta ${t} ${side} ${px} ${d} @${at}`);
    return d !== 4242; // a "crossed" outcome for one size, to exercise the unsync path
  }
  kalshiInvalidate(t: readonly string[], reason: string): void {
    this.calls.push(`kinv ${t.join(',')} ${reason}`);
  }
  polyBook(a: string, b: number[], s: number[], at: number): boolean {
    this.calls.push(`pbook ${a} ${b.join(',')} / ${s.join(',')} @${at}`);
    return true;
  }
  polyLevel(a: string, side: string, px: number, q: number, at: number): void {
    this.calls.push(`plevel ${a} ${side} ${px} ${q} @${at}`);
  }
  polyCheck(a: string, bb: number, ba: number): boolean {
    this.calls.push(`pcheck ${a} ${bb} ${ba}`);
    return bb !== 4242;
  }
  polyTickSize(a: string, t: number): void {
    this.calls.push(`ptick ${a} ${t}`);
  }
  polyInvalidate(a: readonly string[], reason: string): void {
    this.calls.push(`pinv ${a.join(',')} ${reason}`);
  }
  badFrame(venue: string, reason: string, market: string | undefined, sample: string): void {
    this.calls.push(`bad ${venue} ${reason} ${market} ${sample}`);
  }
  frameEnd(): void {
    this.calls.push('end');
  }
}

/** Both sessions made the same sink calls and counted the same (apart from fast-path reads). */
function assertSame<S extends { fastFrames: number }>(fast: S, slow: S, rf: Recorder, rs: Recorder): void {
  assert.deepEqual(rf.calls, rs.calls);
  assert.deepEqual({ ...fast, fastFrames: 0 }, slow);
  assert.equal(slow.fastFrames, 0);
}

const TICKERS = ['KXNBA-26NOV25-LAL', 'KXNFL-26NOV25-KC', 'KXA'];
const quiet = { log: { warn() {}, error() {}, info() {}, debug() {} } as never };

function kalshiPair(): { fast: KalshiBookSession; slow: KalshiBookSession; rf: Recorder; rs: Recorder } {
  const rf = new Recorder();
  const rs = new Recorder();
  const mk = (r: Recorder, fastPath: boolean): KalshiBookSession => {
    const s = new KalshiBookSession(r, (m) => r.calls.push(`send ${JSON.stringify(m)}`), (why) => r.calls.push(`fatal ${why}`), { ...quiet, fastPath });
    s.add(TICKERS);
    s.handleText('{"id":1,"type":"subscribed","msg":{"channel":"orderbook_delta","sid":1}}', 1);
    TICKERS.forEach((t, i) =>
      s.handleText(`{"type":"orderbook_snapshot","sid":1,"seq":${i + 1},"msg":{"market_ticker":"${t}","yes_dollars_fp":[["0.4000","10.00"]],"no_dollars_fp":[["0.5000","5.00"]]}}`, 2),
    );
    return s;
  };
  return { fast: mk(rf, true), slow: mk(rs, false), rf, rs };
}

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);

/** Mostly `usual`, now and then one of the odd values. */
const mostly = <T>(usual: fc.Arbitrary<T>, odd: readonly T[]): fc.Arbitrary<T> =>
  fc.oneof({ arbitrary: usual, weight: 12 }, { arbitrary: fc.constantFrom(...odd), weight: 1 });
const decimal = (max: number, scale: number, trim: boolean): fc.Arbitrary<string> =>
  fc.integer({ min: 1, max }).map((v) => {
    const s = (v / 10 ** scale).toFixed(scale);
    return trim ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  });

/** A Kalshi frame: mostly canonical deltas, sometimes odd values, reordered, spaced or broken. */
const kalshiFrame = fc.record({
  ticker: mostly(pick(TICKERS), ['KXOTHER', '', 'KX\\u0041']),
  price: mostly(decimal(9_999, 4, false), ['0.08', '0.0000', '1.0000', '0.12345', '.5', '00.5', '0.5e1', '-0.10']),
  delta: mostly(
    fc.tuple(fc.boolean(), decimal(99_999, 2, false)).map(([neg, v]) => (neg ? `-${v}` : v)),
    ['12', '12.5', '0', '-0', '1.234', '01', '', '42.42', '99999999999.00'],
  ),
  side: mostly(pick(['yes', 'no']), ['YES', 'maybe']),
  seqStep: mostly(fc.constant(1), [0, 2]),
  sid: mostly(fc.constant(1), [2]),
  extra: pick(['', ',"ts_ms":1768932755691', ',"ts_ms":1768932755691,"client_order_id":"c-1"', ',"subaccount":3', ',"ts":"2026-01-01T00:00:00Z"']),
  shape: mostly(fc.constant('canonical'), ['reordered', 'spaced', 'garbage', 'snapshot', 'nested']),
});

test('Kalshi: a session with the fast path behaves exactly like one without (property)', () => {
  let fastReads = 0;
  let frameCount = 0;
  fc.assert(
    fc.property(fc.array(kalshiFrame, { minLength: 1, maxLength: 40 }), (frames) => {
      const { fast, slow, rf, rs } = kalshiPair();
      let seq = TICKERS.length;
      const d = new KalshiDeltaFrame();
      for (const f of frames) {
        seq += f.seqStep;
        const msg = `"market_ticker":"${f.ticker}","market_id":"9b0f","price_dollars":"${f.price}","delta_fp":"${f.delta}","side":"${f.side}"${f.extra}`;
        let text: string;
        if (f.shape === 'reordered') text = `{"msg":{${msg}},"seq":${seq},"type":"orderbook_delta","sid":${f.sid}}`;
        else if (f.shape === 'spaced') text = `{ "type": "orderbook_delta", "sid": ${f.sid}, "seq": ${seq}, "msg": {${msg}} }`;
        else if (f.shape === 'garbage') text = `{"type":"orderbook_delta","sid":${f.sid},"seq":${seq},"msg":{${msg}}}x`;
        else if (f.shape === 'nested') text = `{"type":"orderbook_delta","sid":${f.sid},"seq":${seq},"msg":{${msg},"x":{"y":1}}}`;
        else if (f.shape === 'snapshot') text = `{"type":"orderbook_snapshot","sid":${f.sid},"seq":${seq},"msg":{"market_ticker":"${f.ticker}","yes_dollars_fp":[["${f.price}","${f.delta}"]]}}`;
        else text = `{"type":"orderbook_delta","sid":${f.sid},"seq":${seq},"msg":{${msg}}}`;
        if (readKalshiDelta(text, d)) fastReads++;
        frameCount++;
        fast.handleText(text, 10);
        slow.handleText(text, 10);
      }
      assertSame(fast.stats, slow.stats, rf, rs);
      assert.ok(fast.stats.fastFrames <= fastReads);
    }),
    { numRuns: 400 },
  );
  // The comparison means something only if the fast path really read a good share of the frames.
  assert.ok(fastReads > frameCount / 2, `fast path read ${fastReads} of ${frameCount} frames`);
});

test('Kalshi delta reader: reads the canonical frame, declines what it does not fully understand', () => {
  const d = new KalshiDeltaFrame();
  const ok = '{"type":"orderbook_delta","sid":7,"seq":123456,"msg":{"market_ticker":"KXNBA-26-SAS","market_id":"9b0f","price_dollars":"0.0800","delta_fp":"-350.00","side":"no","ts_ms":1768932755691,"client_order_id":"mine"}}';
  assert.equal(readKalshiDelta(ok, d), true);
  assert.deepEqual(
    { sid: d.sid, seq: d.seq, ticker: ok.slice(d.tickerStart, d.tickerEnd), yes: d.yes, price: d.price, delta: d.delta },
    { sid: 7, seq: 123456, ticker: 'KXNBA-26-SAS', yes: false, price: 800, delta: -35000 },
  );
  const bad = [
    ok.replace('"sid":7', '"sid":07'), // leading zero: not JSON
    ok.replace('"seq":123456', '"seq":1.5'),
    ok.replace('KXNBA-26-SAS', 'KXNBA\\u002d26'), // escape
    ok.replace('"0.0800"', '"1.0000"'), // outside (0, 1)
    ok.replace('"0.0800"', '"0.00001"'), // more decimals than a Px holds
    ok.replace('"no"', '"NO"'),
    ok + ' x',
    ok.replace('"type":"orderbook_delta"', '"type":"orderbook_snapshot"'),
    ok.replace('"market_ticker":"KXNBA-26-SAS",', ''),
  ];
  for (const b of bad) assert.equal(readKalshiDelta(b, d), false, b);
});

// --- Polymarket ---------------------------------------------------------------------------------

const ASSETS = ['71321045679252212594626385532706912750332728571942532289631379312455583992563', '52114319501245915516055106046884209969926127482827954674443846427813813222426', '9'];

function polyPair(): { fast: PolyBookSession; slow: PolyBookSession; rf: Recorder; rs: Recorder } {
  const rf = new Recorder();
  const rs = new Recorder();
  const mk = (r: Recorder, fastPath: boolean): PolyBookSession => {
    const s = new PolyBookSession(r, (m) => r.calls.push(`send ${m}`), (why) => r.calls.push(`fatal ${why}`), { ...quiet, fastPath });
    s.add(ASSETS);
    s.start();
    for (const a of ASSETS) s.handleText(`{"event_type":"book","asset_id":"${a}","market":"0x1","bids":[{"price":"0.40","size":"10"}],"asks":[{"price":"0.60","size":"10"}]}`, 2);
    return s;
  };
  return { fast: mk(rf, true), slow: mk(rs, false), rf, rs };
}

const polyItem = fc.record({
  asset: mostly(pick(ASSETS), ['123', '']),
  price: mostly(decimal(9_999, 4, true), ['0', '1', '0.12345', '-0.1', '.48']),
  size: mostly(decimal(99_999, 2, true), ['0', '1.234', '-1', '007', '']),
  side: mostly(pick(['BUY', 'SELL']), ['buy']),
  bb: mostly(decimal(9_999, 4, true), ['', '0', '1', 'x']),
  ba: mostly(decimal(9_999, 4, true), ['', '1', '.61']),
  shape: mostly(fc.constant('canonical'), ['reordered', 'nohash']),
});

function itemText(i: { asset: string; price: string; size: string; side: string; bb: string; ba: string; shape: string }): string {
  if (i.shape === 'reordered') return `{"price":"${i.price}","asset_id":"${i.asset}","size":"${i.size}","side":"${i.side}","hash":"ab","best_bid":"${i.bb}","best_ask":"${i.ba}"}`;
  if (i.shape === 'nohash') return `{"asset_id":"${i.asset}","price":"${i.price}","size":"${i.size}","side":"${i.side}","best_bid":"${i.bb}","best_ask":"${i.ba}"}`;
  return `{"asset_id":"${i.asset}","price":"${i.price}","size":"${i.size}","side":"${i.side}","hash":"0a1b","best_bid":"${i.bb}","best_ask":"${i.ba}"}`;
}

const polyFrame = fc.record({
  items: fc.array(polyItem, { minLength: 0, maxLength: 4 }),
  shape: mostly(pick(['spec', 'sim']), ['spaced', 'array', 'legacy', 'garbage', 'noType', 'PONG']),
});

test('Polymarket: a session with the fast path behaves exactly like one without (property)', () => {
  let fastReads = 0;
  let frameCount = 0;
  const pf = new PriceChangeFrame();
  fc.assert(
    fc.property(fc.array(polyFrame, { minLength: 1, maxLength: 25 }), (frames) => {
      const { fast, slow, rf, rs } = polyPair();
      for (const f of frames) {
        const items = f.items.map(itemText).join(f.shape === 'spaced' ? ' , ' : ',');
        let text: string;
        if (f.shape === 'sim') text = `{"market":"0x1","price_changes":[${items}],"timestamp":"1","event_type":"price_change"}`;
        else if (f.shape === 'spaced') text = ` { "event_type" : "price_change" , "price_changes" : [ ${items} ] } `;
        else if (f.shape === 'array') text = `[{"event_type":"price_change","price_changes":[${items}]}]`;
        else if (f.shape === 'legacy') text = `{"event_type":"price_change","asset_id":"${ASSETS[0]}","changes":[${items}]}`;
        else if (f.shape === 'garbage') text = `{"event_type":"price_change","price_changes":[${items}]`;
        else if (f.shape === 'noType') text = `{"market":"0x1","price_changes":[${items}]}`;
        else if (f.shape === 'PONG') text = 'PONG';
        else text = `{"event_type":"price_change","market":"0x1","timestamp":"1757908892351","price_changes":[${items}]}`;
        if (readPriceChange(text, pf) && pf.n > 0) fastReads++;
        frameCount++;
        fast.handleText(text, 10);
        slow.handleText(text, 10);
      }
      assertSame(fast.stats, slow.stats, rf, rs);
    }),
    { numRuns: 400 },
  );
  assert.ok(fastReads > frameCount / 4, `fast path read ${fastReads} of ${frameCount} frames`);
});

test('Polymarket price_change reader: members in any order, items in the venue order', () => {
  const p = new PriceChangeFrame();
  const item = (a: string, px: string, side: string, bb: string, ba: string) =>
    `{"asset_id":"${a}","price":"${px}","size":"120.5","side":"${side}","hash":"00ab","best_bid":"${bb}","best_ask":"${ba}"}`;
  const sim = `{"market":"0x1","price_changes":[${item('123', '.57', 'SELL', '0.56', '')},${item('124', '0.43', 'BUY', '0.43', '0.44')}],"timestamp":"1","event_type":"price_change"}`;
  assert.equal(readPriceChange(sim, p), true);
  assert.equal(p.n, 2);
  assert.deepEqual([sim.slice(p.assetStart[0], p.assetEnd[0]), sim.slice(p.assetStart[1], p.assetEnd[1])], ['123', '124']);
  assert.deepEqual([p.bid[0], p.bid[1]], [false, true]);
  assert.deepEqual([...p.price.subarray(0, 2)], [5700, 4300]);
  assert.deepEqual([...p.size.subarray(0, 2)], [12050, 12050]);
  assert.deepEqual([...p.bestBid.subarray(0, 2)], [5600, 4300]);
  assert.deepEqual([...p.bestAsk.subarray(0, 2)], [-1, 4400], '"" = not sent');
  // discovery-and-arb.md's example: no event_type, no hash.
  const bare = '{"market":"0x1","price_changes":[{"asset_id":"4321","price":"0.34","size":"0","side":"SELL","best_bid":"0.33","best_ask":"0.35"}]}';
  assert.equal(readPriceChange(bare, p), true);
  assert.deepEqual([p.n, bare.slice(p.assetStart[0], p.assetEnd[0]), p.bid[0], p.price[0], p.size[0], p.bestBid[0], p.bestAsk[0]], [1, '4321', false, 3400, 0, 3300, 3500]);
  for (const b of [
    sim.replace('"event_type":"price_change"', '"event_type":"book"'),
    sim.replace('"0.43"', '"0.43\\u0030"'),
    sim.replace('"price_changes":[', '"price_changes":{').replace(']', '}'),
    `[${sim}]`,
    sim.slice(0, -1),
  ]) {
    assert.equal(readPriceChange(b, p), false, b);
  }
});

test('key table: lookups in place agree with a Map under random inserts and deletes', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('set', 'delete', 'get'), fc.stringMatching(/^[0-9A-Z-]{0,40}$/), fc.integer()), { maxLength: 300 }),
      (ops) => {
        const t = new KeyTable<number>(4);
        const m = new Map<string, number>();
        for (const [op, key, v] of ops) {
          if (op === 'set') {
            t.set(key, v);
            m.set(key, v);
          } else if (op === 'delete') assert.equal(t.delete(key), m.delete(key));
          const frame = `{"k":"${key}"}`;
          assert.equal(t.getIn(frame, 6, 6 + key.length), m.get(key));
          assert.equal(t.size, m.size);
        }
        for (const [k, v] of m) assert.equal(t.get(k), v);
      },
    ),
    { numRuns: 300 },
  );
});
