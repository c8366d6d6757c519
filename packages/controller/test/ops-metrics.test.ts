// /metrics during a simulator run: the whole controller (startController) live against the
// simulator with CONTROLLER_PLATFORMS=kalshi and a real remote Polymarket trader. Scraped over
// HTTP before and after trading; every metric of the operator-surface issue must be exposed and
// must have moved: messages per venue, book resyncs, detection latency, order latency per venue,
// legs by route and outcome, fills, exposure, P&L, breaker state, traders connected.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { opsRig, postJson, untilAsync, untilTradeable, type OpsRig } from './ops-rig.ts';

type Samples = { name: string; labels: Record<string, string>; value: number }[];

/** Prometheus text exposition -> samples (enough of the format for prom-client's output). */
function parseProm(text: string): Samples {
  const out: Samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparseable /metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(rig: OpsRig): Promise<{ text: string; samples: Samples }> {
  const r = await fetch(`${rig.base}metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await r.text();
  return { text, samples: parseProm(text) };
}

/** Sum of the series of `name` whose labels include `want` (0 when none exist yet). */
function val(s: Samples, name: string, want: Record<string, string> = {}): number {
  return s.filter((x) => x.name === name && Object.entries(want).every(([k, v]) => x.labels[k] === v)).reduce((a, x) => a + x.value, 0);
}

test('/metrics exposes every operator metric and the values move during a simulator run', { timeout: 240_000 }, async () => {
  const rig = await opsRig();
  try {
    await untilTradeable(rig);
    // Market-data counters are fed once a second: wait for the first update of both venues.
    let before = await scrape(rig);
    await untilAsync(async () => {
      before = await scrape(rig);
      return val(before.samples, 'parity_md_messages_total', { venue: 'kalshi' }) > 0 && val(before.samples, 'parity_md_messages_total', { venue: 'polymarket' }) > 0;
    }, 'market-data messages of both venues to be counted');
    const A = before.samples;

    // Every metric the issue names is exposed, with HELP and TYPE, from the first scrape.
    for (const [name, type] of [
      ['parity_md_messages_total', 'counter'],
      ['parity_md_fast_frames_total', 'counter'],
      ['parity_poly_trade_outcomes_total', 'counter'],
      ['parity_book_resyncs_total', 'counter'],
      ['parity_detection_latency_seconds', 'histogram'],
      ['parity_order_latency_seconds', 'histogram'],
      ['parity_legs_total', 'counter'],
      ['parity_fills_contracts_total', 'counter'],
      ['parity_exposure_usd', 'gauge'],
      ['parity_realized_pnl_usd', 'gauge'],
      ['parity_locked_pnl_usd', 'gauge'],
      ['parity_breaker_tripped', 'gauge'],
      ['parity_traders_connected', 'gauge'],
    ] as const) {
      assert.match(before.text, new RegExp(`^# HELP ${name} \\S`, 'm'), `${name} has HELP`);
      assert.match(before.text, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), `${name} is a ${type}`);
    }
    // Baseline: books are flowing, nothing has traded, no trader yet, breaker clear.
    const noTrader = A.find((x) => x.name === 'parity_traders_connected' && x.labels.venue === 'polymarket');
    assert.equal(noTrader?.value, 0, 'traders connected is exported as 0 before any trader registers');
    assert.equal(val(A, 'parity_breaker_tripped'), 0);
    assert.equal(val(A, 'parity_legs_total'), 0);
    assert.equal(val(A, 'parity_fills_contracts_total'), 0);
    assert.equal(val(A, 'parity_exposure_usd'), 0);
    assert.equal(val(A, 'parity_realized_pnl_usd'), 0);
    assert.equal(val(A, 'parity_locked_pnl_usd'), 0);
    assert.equal(val(A, 'parity_order_latency_seconds_count'), 0);

    await rig.startTrader();

    // A Kalshi sequence gap forces a book resync.
    rig.sim.faults.seqGap(1);

    // A clean arbitrage: Kalshi leg local, Polymarket leg through the remote trader, both fill.
    const w1 = rig.sim.injectArb({ pairIndex: 0, type: 'kalshi_yes_poly_no', durationMs: 120_000 });
    await untilAsync(async () => rig.ctl.hub.executions.some((e) => e.pairId === w1.pairId && e.status === 'filled'), 'the first arbitrage to fill on both venues');

    // A broken arbitrage: the Kalshi account cannot pay, so the Polymarket leg fills alone and is
    // unwound at a loss: realised P&L moves.
    const kalshiAccount = rig.sim.accounts.kalshi.account;
    const cash = kalshiAccount.cash;
    kalshiAccount.cash = kalshiAccount.reserved;
    const w2 = rig.sim.injectArb({ pairIndex: 2, type: 'poly_yes_kalshi_no', durationMs: 120_000 });
    await untilAsync(
      async () => rig.ctl.hub.executions.some((e) => e.pairId === w2.pairId && e.status !== 'open' && e.realizedUsd !== null && Number(e.realizedUsd) !== 0),
      'the one-legged arbitrage to be unwound with a realised result',
    );
    kalshiAccount.cash = cash;

    // The operator presses the kill switch.
    await postJson(`${rig.base}api/kill`, { on: true });

    let B: Samples = [];
    const moved = (): string[] => {
      const late: string[] = [];
      const grew = (what: string, name: string, labels: Record<string, string> = {}): void => {
        if (!(val(B, name, labels) > val(A, name, labels))) late.push(what);
      };
      grew('Kalshi messages', 'parity_md_messages_total', { venue: 'kalshi' });
      grew('Polymarket messages', 'parity_md_messages_total', { venue: 'polymarket' });
      // The simulator's frames are read by the in-place fast paths, not JSON.parse.
      grew('Kalshi fast-path frames', 'parity_md_fast_frames_total', { venue: 'kalshi' });
      grew('Polymarket fast-path frames', 'parity_md_fast_frames_total', { venue: 'polymarket' });
      grew('Kalshi book resyncs', 'parity_book_resyncs_total', { venue: 'kalshi' });
      grew('detection latency observations', 'parity_detection_latency_seconds_count');
      grew('Kalshi order latency (local)', 'parity_order_latency_seconds_count', { venue: 'kalshi', route: 'local' });
      grew('Polymarket order latency (remote)', 'parity_order_latency_seconds_count', { venue: 'polymarket', route: 'remote' });
      grew('local Kalshi legs filled', 'parity_legs_total', { venue: 'kalshi', route: 'local', outcome: 'filled' });
      grew('remote Polymarket legs filled', 'parity_legs_total', { venue: 'polymarket', route: 'remote', outcome: 'filled' });
      grew('Kalshi fills', 'parity_fills_contracts_total', { venue: 'kalshi' });
      grew('Polymarket fills', 'parity_fills_contracts_total', { venue: 'polymarket' });
      grew('exposure', 'parity_exposure_usd');
      grew('locked-in P&L', 'parity_locked_pnl_usd');
      grew('breaker state', 'parity_breaker_tripped');
      grew('Polymarket traders connected', 'parity_traders_connected', { venue: 'polymarket' });
      if (val(B, 'parity_realized_pnl_usd') === val(A, 'parity_realized_pnl_usd')) late.push('realised P&L');
      return late;
    };
    // Gauges and market-data counters are refreshed once a second: poll until all have moved.
    await untilAsync(async () => {
      B = (await scrape(rig)).samples;
      return moved().length === 0;
    }, 'every metric to move', 60_000).catch((e: Error) => assert.fail(`${e.message}; not moved: ${moved().join(', ')}`));

    // The values agree with what happened.
    assert.equal(val(B, 'parity_breaker_tripped'), 1, 'the kill switch shows as a tripped breaker');
    assert.equal(val(B, 'parity_traders_connected', { venue: 'polymarket' }), 1);
    assert.equal(val(B, 'parity_traders_connected', { venue: 'kalshi' }), 0);
    assert.ok(val(B, 'parity_realized_pnl_usd') < 0, 'the unwind realised a loss');
    assert.ok(val(B, 'parity_legs_total', { venue: 'kalshi', route: 'local', outcome: 'rejected' }) >= 1, 'the unfunded Kalshi leg counted as rejected');
    assert.ok(val(B, 'parity_legs_total', { venue: 'polymarket', route: 'remote' }) >= 3, 'two arb legs and at least one unwind leg went through the trader');
    assert.equal(val(B, 'parity_legs_total', { route: 'remote', venue: 'kalshi' }), 0, 'Kalshi is traded locally only');
    assert.equal(val(B, 'parity_legs_total', { route: 'local', venue: 'polymarket' }), 0, 'the controller holds no Polymarket keys');
    // Histogram buckets are cumulative and end at +Inf = count.
    const inf = val(B, 'parity_order_latency_seconds_bucket', { venue: 'kalshi', route: 'local', le: '+Inf' });
    assert.equal(inf, val(B, 'parity_order_latency_seconds_count', { venue: 'kalshi', route: 'local' }));
    assert.ok(val(B, 'parity_order_latency_seconds_sum', { venue: 'kalshi', route: 'local' }) > 0);
  } finally {
    await rig.done();
  }
});
