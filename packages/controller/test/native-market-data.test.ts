// The native market-data core (@parity/mdcore) must be a pure accelerator: a book store whose
// ladders live in the core, fed frame bytes through handleFrame (the core applies what it can),
// ends every random frame sequence in exactly the state of a store with TypeScript ladders fed
// the same frames as text through the reference path (JSON.parse, fastPath false): same levels,
// best prices, tradeability and reasons, pair asks, detection evaluations and opportunities,
// session counters and invalidations. Checked with fast-check over canonical, odd, gapped,
// crossing, drifting and malformed frames, with books shared by two pairs (which the core leaves
// to TypeScript) and pairs removed and re-added on the fly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { core, coreError } from '@parity/mdcore';
import { KalshiBookSession } from '@parity/trading/kalshi/market-data.ts';
import { PolyBookSession } from '@parity/trading/polymarket/market-data.ts';
import { BookStore } from '../src/books/book-store.ts';
import type { PairState } from '../src/books/pair-state.ts';
import { Detector } from '../src/detection/detector.ts';
import { FeeDirectory } from '../src/detection/fees.ts';
import type { Opportunity, Pair } from '../src/model.ts';

const quietLog = { warn() {}, error() {}, info() {}, debug() {}, child() { return quietLog; } } as never;
const NOW = 1_800_000_000_000;

const TICKERS = ['KXA-26NOV25-X', 'KXB-26NOV25-Y', 'KXC-26NOV25-Z'];
const TOKENS = [
  '71321045679252212594626385532706912750332728571942532289631379312455583992563',
  '52114319501245915516055106046884209969926127482827954674443846427813813222426',
  '11',
  '12',
  '3133',
  '3134',
];
/** Pairs: p0..p2 one per ticker; p3 shares KXA's book with p0 (a book with two pairs). */
const PAIRS: Pair[] = [
  ...TICKERS.map((t, i) => ({ id: `p${i}`, description: t, kalshiTicker: t, polyYesToken: TOKENS[2 * i]!, polyNoToken: TOKENS[2 * i + 1]!, source: 'file' as const })),
  { id: 'p3', description: 'shares KXA', kalshiTicker: TICKERS[0]!, polyYesToken: '4001', polyNoToken: '4002', source: 'file' as const },
];
const ALL_TOKENS = [...TOKENS, '4001', '4002'];

interface Side {
  store: BookStore;
  kalshi: KalshiBookSession;
  poly: PolyBookSession;
  opps: Opportunity[];
  det: Detector;
  fees: FeeDirectory;
  /** Feed one frame (bytes through the core for the native side, text through the reference path otherwise). */
  feed(venue: 'k' | 'p', text: string): void;
}

function side(native: boolean, clock = { now: NOW }): Side {
  const store = new BookStore(quietLog, { native });
  const fees = new FeeDirectory({}, { polyFallback: { ratePpm: 30_000, exponent: 1, takerOnly: true }, polyDefaultMinSize: 100, log: quietLog });
  const opps: Opportunity[] = [];
  const det = new Detector(
    {
      minEdgeMicros: 10_000,
      minProfitMicros: 1_000,
      minContracts: 100,
      maxContracts: 1_000_000,
      maxCostMicros: 0,
      maxLevels: 10,
      contractStep: 100,
      maxBookAgeMs: 60_000,
      polyMinNotionalMicros: 0,
      repeatMs: 1_000, // identical repeats held back (the core must agree on what is a repeat)
    },
    fees,
    (o) => opps.push(o),
    () => clock.now,
    quietLog,
  );
  for (const p of PAIRS) {
    store.addPair(p);
    fees.setKalshi(p.kalshiTicker, { feeType: 'quadratic', feeMultiplier: 1 });
  }
  store.useDetector(det);
  const opts = { log: quietLog, fastPath: native };
  const kalshi = new KalshiBookSession(store, () => {}, () => {}, opts);
  const poly = new PolyBookSession(store, () => {}, () => {}, opts);
  kalshi.add(TICKERS);
  poly.add(ALL_TOKENS);
  poly.start();
  return {
    store,
    kalshi,
    poly,
    opps,
    det,
    fees,
    feed(venue, text) {
      const s = venue === 'k' ? kalshi : poly;
      if (native) s.handleFrame(Buffer.from(text), clock.now);
      else s.handleText(text, clock.now);
    },
  };
}

/** Everything observable about a store's books, pairs and feeds. */
function state(s: Side): unknown {
  const pairs = [...s.store.pairs.values()].map((ps: PairState) => ({
    id: ps.pair.id,
    asks: [ps.kYesAsk, ps.kNoAsk, ps.pYesAsk, ps.pNoAsk],
    evaluations: ps.evaluations,
  }));
  const kalshi = [...s.store.kalshiBooks.values()].map((b) => ({
    t: b.ticker, yes: b.yes.toArray(), no: b.no.toArray(), best: [b.bestYes, b.bestNo], tradeable: b.tradeable, reason: b.reason, at: b.appliedAtMs, updates: b.updates,
  }));
  const poly = [...s.store.polyBooks.values()].map((b) => ({
    a: b.assetId, bids: b.bids.toArray(), asks: b.asks.toArray(), best: [b.bestBid, b.bestAsk], tradeable: b.tradeable, reason: b.reason, at: b.appliedAtMs, updates: b.updates,
  }));
  const { fastFrames: _kf, nativeFrames: _kn, ...kstats } = s.kalshi.stats;
  const { fastFrames: _pf, nativeFrames: _pn, ...pstats } = s.poly.stats;
  // An opportunity id ends in a counter of evaluations; the core runs fewer of them (it skips the
  // ones that cannot change the outcome), so ids are compared without it.
  const opps = s.opps.map((o) => ({ ...o, id: o.id.replace(/-[0-9a-z]+$/, '') }));
  return { pairs, kalshi, poly, kstats, pstats, inv: s.store.invalidations, opps };
}

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const mostly = <T>(usual: fc.Arbitrary<T>, odd: readonly T[]): fc.Arbitrary<T> =>
  fc.oneof({ arbitrary: usual, weight: 10 }, { arbitrary: fc.constantFrom(...odd), weight: 1 });
const cents = (lo: number, hi: number, digits: number): fc.Arbitrary<string> =>
  fc.integer({ min: lo, max: hi }).map((c) => (c / 100).toFixed(digits));

const kalshiEvent = fc.record({
  kind: mostly(fc.constant('delta'), ['snapshot', 'gap', 'odd', 'reordered', 'remove']),
  ticker: mostly(pick(TICKERS), ['KXNOPE']),
  yes: fc.boolean(),
  // Mostly near the books' prices, where arbitrage against the Polymarket asks (0.55) opens and closes.
  price: mostly(fc.oneof({ arbitrary: cents(35, 60, 4), weight: 4 }, { arbitrary: cents(1, 99, 4), weight: 1 }), ['0.0000', '0.12345', '.5']),
  delta: mostly(
    fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 5_000 })).map(([neg, v]) => `${neg ? '-' : ''}${(v / 100).toFixed(2)}`),
    ['-0.00', '7', '99999999999999.99', '1.234'],
  ),
  levels: fc.array(fc.tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 900 })), { maxLength: 4 }),
});

const polyItem = fc.record({
  asset: mostly(pick(ALL_TOKENS), ['999']),
  price: mostly(fc.oneof({ arbitrary: cents(38, 62, 2), weight: 4 }, { arbitrary: cents(1, 99, 2), weight: 1 }), ['0', '0.12345', '.5']),
  size: mostly(fc.integer({ min: 0, max: 3_000 }).map((v) => (v / 10).toFixed(1)), ['0', '007', '1.234']),
  bid: fc.boolean(),
  /** Activity away from the top (bids 1-30¢, asks 70-99¢): books stay tradeable, tops unchanged. */
  deep: fc.option(fc.integer({ min: 1, max: 30 }), { freq: 2 }),
  bb: mostly(fc.constant(''), ['0.5', '0', '1']),
  ba: mostly(fc.constant(''), ['0.5', '1', '.61']),
  hash: fc.boolean(),
});

const polyEvent = fc.record({
  kind: mostly(pick(['spec', 'sim']), ['book', 'anyOrder', 'array', 'garbage']),
  items: fc.array(polyItem, { minLength: 1, maxLength: 4 }),
  asset: pick(ALL_TOKENS),
  bids: fc.array(fc.tuple(fc.integer({ min: 1, max: 49 }), fc.integer({ min: 1, max: 900 })), { maxLength: 3 }),
  asks: fc.array(fc.tuple(fc.integer({ min: 51, max: 99 }), fc.integer({ min: 1, max: 900 })), { maxLength: 3 }),
});

const lv = (levels: Array<[number, number]>): string => levels.map(([c, q]) => `["${(c / 100).toFixed(4)}","${q}.00"]`).join(',');
const pl = (levels: Array<[number, number]>): string => levels.map(([c, q]) => `{"price":"${c / 100}","size":"${q}"}`).join(',');

test('native market-data core is built and loaded (npm install compiles it)', () => {
  assert.ok(core, coreError ?? '');
});

test('native core: a store fed frame bytes through the core ends exactly like the TypeScript reference (property)', () => {
  if (!core) return assert.fail(coreError ?? 'no core');
  const numRuns = 300;
  let frames = 0;
  let native = 0;
  let opportunities = 0;
  const reused0 = core.reuses();
  fc.assert(
    fc.property(fc.array(fc.oneof(kalshiEvent.map((e) => ({ v: 'k' as const, e })), polyEvent.map((e) => ({ v: 'p' as const, e }))), { minLength: 20, maxLength: 80 }), (events) => {
      const sides = [side(true), side(false)];
      let seq = 0;
      const both = (venue: 'k' | 'p', text: string): void => {
        for (const s of sides) s.feed(venue, text);
      };
      both('k', '{"id":1,"type":"subscribed","msg":{"channel":"orderbook_delta","sid":1}}');
      // Kalshi YES ask 0.40 + Polymarket NO ask 0.55: every pair starts in arbitrage (kalshi_yes_poly_no).
      for (const t of TICKERS) both('k', `{"type":"orderbook_snapshot","sid":1,"seq":${++seq},"msg":{"market_ticker":"${t}","yes_dollars_fp":[["0.3500","10.00"],["0.3000","20.00"]],"no_dollars_fp":[["0.6000","5.00"],["0.5500","9.00"]]}}`);
      for (const a of ALL_TOKENS) both('p', `{"event_type":"book","asset_id":"${a}","market":"0x1","bids":[{"price":"0.40","size":"10"}],"asks":[{"price":"0.55","size":"10"},{"price":"0.6","size":"30"}]}`);
      const before = sides[0]!.kalshi.stats.nativeFrames + sides[0]!.poly.stats.nativeFrames;
      for (const { v, e } of events) {
        frames++;
        if (v === 'k') {
          const k = e as typeof kalshiEvent extends fc.Arbitrary<infer T> ? T : never;
          const msg = `"market_ticker":"${k.ticker}","market_id":"m","price_dollars":"${k.price}","delta_fp":"${k.delta}","side":"${k.yes ? 'yes' : 'no'}","ts_ms":1`;
          if (k.kind === 'snapshot') both('k', `{"type":"orderbook_snapshot","sid":1,"seq":${++seq},"msg":{"market_ticker":"${k.ticker}","yes_dollars_fp":[${lv(k.levels)}],"no_dollars_fp":[${lv(k.levels.map(([c, q]) => [100 - c - 2, q]).filter(([c]) => c! > 0) as Array<[number, number]>)}]}}`);
          else if (k.kind === 'gap') both('k', `{"type":"orderbook_delta","sid":1,"seq":${(seq += 2)},"msg":{${msg}}}`);
          else if (k.kind === 'reordered') both('k', `{"msg":{${msg}},"sid":1,"seq":${++seq},"type":"orderbook_delta"}`);
          else if (k.kind === 'odd') both('k', `{"type":"orderbook_delta","sid":1,"seq":${++seq},"msg":{${msg}}} `);
          else if (k.kind === 'remove') {
            // Drop pair p0 and add it back: its Polymarket books are new, KXA's book stays (p3 uses it).
            for (const s of sides) {
              s.store.removePair('p0');
              s.store.addPair(PAIRS[0]!);
            }
          } else both('k', `{"type":"orderbook_delta","sid":1,"seq":${++seq},"msg":{${msg}}}`);
        } else {
          const p = e as typeof polyEvent extends fc.Arbitrary<infer T> ? T : never;
          const items = p.items
            .map((i) => `{"asset_id":"${i.asset}","price":"${i.deep === null ? i.price : ((i.bid ? i.deep : 100 - i.deep) / 100).toFixed(2)}","size":"${i.size}","side":"${i.bid ? 'BUY' : 'SELL'}",${i.hash ? '"hash":"ab12",' : ''}"best_bid":"${i.bb}","best_ask":"${i.ba}"}`)
            .join(',');
          if (p.kind === 'book') both('p', `{"event_type":"book","asset_id":"${p.asset}","market":"0x1","bids":[${pl(p.bids)}],"asks":[${pl(p.asks)}]}`);
          else if (p.kind === 'sim') both('p', `{"market":"0x1","price_changes":[${items}],"timestamp":"5","event_type":"price_change"}`);
          else if (p.kind === 'anyOrder') both('p', `{"timestamp":"5","price_changes":[${items}],"event_type":"price_change"}`);
          else if (p.kind === 'array') both('p', `[{"event_type":"price_change","market":"0x1","price_changes":[${items}]}]`);
          else if (p.kind === 'garbage') both('p', `{"event_type":"price_change","market":"0x1","timestamp":"5","price_changes":[${items}]`);
          else both('p', `{"event_type":"price_change","market":"0x1","timestamp":"5","price_changes":[${items}]}`);
        }
      }
      assert.deepEqual(state(sides[0]!), state(sides[1]!));
      opportunities += sides[1]!.opps.length;
      native += sides[0]!.kalshi.stats.nativeFrames + sides[0]!.poly.stats.nativeFrames - before;
      assert.equal(sides[1]!.kalshi.stats.nativeFrames + sides[1]!.poly.stats.nativeFrames, 0);
    }),
    { numRuns },
  );
  // The comparison means something only if the core really applied a good share of the events
  // (not all: a market's first change binds its book in TypeScript, odd frames are declined).
  assert.ok(native > frames / 3, `the core applied ${native} of ${frames} frames`);
  // …and detection really found arbitrage in these books (so a wrong screen would show).
  // (About one per run on average; a third of that leaves room for fast-check's random draws.)
  assert.ok(opportunities > numRuns / 3, `${opportunities} opportunities in ${numRuns} runs`);
  // …and the core really settled changes on a standing detection outcome (so a wrong reuse would show).
  const reused = core.reuses() - reused0;
  assert.ok(reused > numRuns / 3, `the core reused a detection outcome ${reused} times`);
});

test('native core: a removed book is never written again; its replacement is', () => {
  if (!core) return assert.fail(coreError ?? 'no core');
  const s = side(true);
  let seq = 0;
  s.feed('k', '{"id":1,"type":"subscribed","msg":{"channel":"orderbook_delta","sid":1}}');
  const t = TICKERS[1]!;
  s.feed('k', `{"type":"orderbook_snapshot","sid":1,"seq":${++seq},"msg":{"market_ticker":"${t}","yes_dollars_fp":[["0.4000","10.00"]],"no_dollars_fp":[["0.5000","5.00"]]}}`);
  const delta = (px: string, q: string): string =>
    `{"type":"orderbook_delta","sid":1,"seq":${++seq},"msg":{"market_ticker":"${t}","market_id":"m","price_dollars":"${px}","delta_fp":"${q}","side":"yes"}}`;
  s.feed('k', delta('0.4000', '1.00')); // binds the market to its book in the core
  s.feed('k', delta('0.4000', '1.00'));
  const old = s.store.kalshiBooks.get(t)!;
  assert.deepEqual(old.yes.toArray(), [[4000, 1200]]);
  assert.ok(s.kalshi.stats.nativeFrames >= 1, 'the core applied the second delta');
  s.store.removePair('p1');
  s.feed('k', delta('0.4000', '1.00'));
  assert.deepEqual(old.yes.toArray(), [[4000, 1200]], 'a dropped book stays as it was');
  s.store.addPair(PAIRS[1]!);
  const fresh = s.store.kalshiBooks.get(t)!;
  assert.notEqual(fresh, old);
  // The session still counts the market as synced; the new book starts empty and takes the deltas.
  s.feed('k', delta('0.4000', '2.00'));
  s.feed('k', delta('0.4000', '2.00'));
  assert.deepEqual(fresh.yes.toArray(), [[4000, 400]]);
  assert.deepEqual(old.yes.toArray(), [[4000, 1200]]);
});

test('native core: a standing detection outcome is reused only while it stands (repeat window, fee changes)', () => {
  if (!core) return assert.fail(coreError ?? 'no core');
  const clock = { now: NOW };
  const s = side(true, clock);
  let seq = 0;
  s.feed('k', '{"id":1,"type":"subscribed","msg":{"channel":"orderbook_delta","sid":1}}');
  const t = TICKERS[1]!;
  const [yes, no] = [TOKENS[2]!, TOKENS[3]!];
  s.feed('k', `{"type":"orderbook_snapshot","sid":1,"seq":${++seq},"msg":{"market_ticker":"${t}","yes_dollars_fp":[["0.3500","10.00"]],"no_dollars_fp":[["0.6000","5.00"]]}}`);
  for (const a of [yes, no]) s.feed('p', `{"event_type":"book","asset_id":"${a}","market":"0x1","bids":[{"price":"0.40","size":"10"}],"asks":[{"price":"0.55","size":"10"}]}`);
  // Polymarket YES bids far from the top: no ask ladder of the pair changes.
  let size = 1;
  const deepBid = (): string =>
    `{"event_type":"price_change","market":"0x1","timestamp":"1","price_changes":[{"asset_id":"${yes}","price":"0.05","size":"${size++}","side":"BUY","best_bid":"0.4","best_ask":"0.55"}]}`;
  const evals = (): number => s.det.stats.evaluations;
  // Bind the tokens' books to the core (their first change goes through TypeScript).
  s.feed('p', deepBid());
  s.feed('p', `{"event_type":"price_change","market":"0x1","timestamp":"1","price_changes":[{"asset_id":"${no}","price":"0.05","size":"1","side":"BUY","best_bid":"0.4","best_ask":"0.55"}]}`);
  const emitted = s.opps.filter((o) => o.pairId === 'p1').length;
  assert.ok(emitted >= 1, 'Kalshi YES 0.40 + Polymarket NO 0.55 is an arbitrage');
  // Within the repeat window: the core settles the change on the standing outcome, no JS detection.
  clock.now += 10;
  let e0 = evals();
  let r0 = core.reuses();
  s.feed('p', deepBid());
  assert.equal(evals(), e0, 'detection did not run in JavaScript');
  assert.equal(core.reuses(), r0 + 1);
  assert.equal(s.opps.filter((o) => o.pairId === 'p1').length, emitted);
  // After the repeat window the same opportunity is due again: detection runs and emits it.
  clock.now += 1_000;
  s.feed('p', deepBid());
  assert.equal(s.opps.filter((o) => o.pairId === 'p1').length, emitted + 1, 're-emitted after the repeat window');
  // Within the new window: reused again.
  clock.now += 10;
  e0 = evals();
  s.feed('p', deepBid());
  assert.equal(evals(), e0);
  // A fee change (the venue's parameters arrive): the outcome no longer stands, detection runs.
  s.fees.setPoly(no, { fee: { ratePpm: 10_000, exponent: 1, takerOnly: true }, minOrderSize: 100 });
  e0 = evals();
  r0 = core.reuses();
  s.feed('p', deepBid());
  assert.equal(evals(), e0 + 1, 'detection ran after the fee change');
  assert.equal(core.reuses(), r0);
});
