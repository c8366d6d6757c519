// Connects the controller's components to the operator surfaces: executor, breaker, trader server
// and market-data events feed the OpsHub (dashboard) and the Prometheus metrics; the hub's
// providers read live books and state on demand. Nothing here sits on the detection hot path
// except one timing around each detection pass.

import { PX_ONE, formatMicros, formatPx, formatQty, formatUsd, PLATFORMS, type Micros, type Platform } from '@parity/trading';
import type { MarketDataApp } from '../app.ts';
import type { ExecutionConfig } from '../config/execution.ts';
import type { ExecutionHandle } from '../execution/attach.ts';
import type { Opportunity } from '../model.ts';
import type { TraderServer } from '../traders/server.ts';
import type { BookLadder } from '../books/ladder.ts';
import type { ConfirmGate } from './confirm.ts';
import type { BookSideView, BreakerView, ExecutionView, OpsHub, PairBooksView, PairView } from './hub.ts';
import type { HeartbeatStatus } from './heartbeat.ts';
import type { ParityMetrics } from './metrics.ts';

export interface WireOptions {
  hub: OpsHub;
  metrics: ParityMetrics;
  app: MarketDataApp;
  execution: ExecutionHandle;
  traders: TraderServer;
  gate: ConfirmGate;
  execCfg: ExecutionConfig;
}

export interface OpsWiring {
  onOpportunity(opp: Opportunity): void;
  heartbeat(): HeartbeatStatus;
  close(): void;
}

const usd = (m: Micros): string => formatUsd(m).replace('$', '');
const dollars = (m: Micros): number => m / 1_000_000;
const DEPTH = 8;

function levels(l: BookLadder, invert: boolean): [string, string][] {
  const out: [string, string][] = [];
  const n = Math.min(l.n, DEPTH);
  for (let i = 0; i < n; i++) {
    const px = l.pxAt(i);
    if (!(px > 0)) break;
    out.push([formatPx(invert ? PX_ONE - px : px), formatQty(l.qtyAt(i))]);
  }
  return out;
}

interface FeedStats {
  messages: number;
  fastFrames?: number;
  nativeFrames?: number;
  badFrames: number;
  resyncRequests: number;
  gaps?: number;
  duplicates?: number;
}

/**
 * Profit locked in by `matched` contracts held on both sides: $1 each at settlement, minus what
 * those contracts cost on each buy leg (a leg that filled more is pro-rated; its excess was unwound
 * and is in realised P&L).
 */
export function lockedProfit(fills: ReadonlyArray<{ legId: string; action: string; contracts: number; costMicros: Micros; feesMicros: Micros }>, matched: number): Micros {
  const legs = new Map<string, { qty: number; spent: Micros }>();
  for (const f of fills) {
    if (f.action !== 'buy') continue;
    const l = legs.get(f.legId) ?? { qty: 0, spent: 0 };
    l.qty += f.contracts;
    l.spent += f.costMicros + f.feesMicros;
    legs.set(f.legId, l);
  }
  let spent = 0;
  for (const l of legs.values()) spent += l.qty > 0 ? Math.round((l.spent * Math.min(matched, l.qty)) / l.qty) : 0;
  return matched * PX_ONE - spent;
}

export function wireOps(o: WireOptions): OpsWiring {
  const { hub, metrics, app, execution, traders, gate } = o;
  const { executor, breaker, ledger } = execution;
  const maxAge = app.config.detection.maxBookAgeMs;
  const execs = new Map<string, ExecutionView>();
  let best: Opportunity | null = null;
  let fills = 0;

  // --- live state providers (read on demand by the dashboard and heartbeat) ---
  const pairs = (): PairView[] => {
    const now = Date.now();
    const out: PairView[] = [];
    for (const ps of app.store.pairs.values()) {
      const k = ps.kalshi.confirmedAtMs();
      const p = Math.min(ps.polyYesBook.confirmedAtMs(), ps.polyNoBook.confirmedAtMs());
      out.push({
        id: ps.pair.id,
        description: ps.pair.description,
        tradeable: ps.tradeable(now, maxAge),
        kalshiAgeMs: k > 0 ? now - k : null,
        polyAgeMs: p > 0 ? now - p : null,
      });
    }
    return out;
  };
  const books = (pairId: string): PairBooksView | null => {
    const ps = app.store.pairs.get(pairId);
    if (!ps) return null;
    const now = Date.now();
    const side = (bids: BookLadder, asks: BookLadder, invertAsks: boolean): BookSideView => ({ bids: levels(bids, false), asks: levels(asks, invertAsks) });
    const kAge = ps.kalshi.confirmedAtMs();
    const pAge = Math.min(ps.polyYesBook.confirmedAtMs(), ps.polyNoBook.confirmedAtMs());
    return {
      pairId,
      description: ps.pair.description,
      // Kalshi publishes bids only: a YES ask is 1 - the best NO bid, and vice versa.
      kalshi: { yes: side(ps.kalshi.yes, ps.kalshi.no, true), no: side(ps.kalshi.no, ps.kalshi.yes, true), tradeable: ps.kalshi.tradeable, ageMs: kAge > 0 ? now - kAge : null },
      polymarket: {
        yes: side(ps.polyYesBook.bids, ps.polyYesBook.asks, false),
        no: side(ps.polyNoBook.bids, ps.polyNoBook.asks, false),
        tradeable: ps.polyYesBook.tradeable && ps.polyNoBook.tradeable,
        ageMs: pAge > 0 ? now - pAge : null,
      },
    };
  };
  const breakerView = (): BreakerView => {
    const s = breaker.state();
    return {
      tripped: s.halted,
      killSwitch: s.killed,
      reason: s.halted ? (s.tripDetail ?? s.tripReason ?? 'halted') : null,
      exposureUsd: usd(s.exposureMicros),
      dailyPnlUsd: usd(s.dailyPnlMicros),
      consecutiveErrors: s.consecutiveErrors,
    };
  };
  const tradersView = () => {
    const connected: Record<string, number> = {};
    for (const p of PLATFORMS) connected[p] = traders.connectedCount(p);
    return {
      connected,
      list: traders.traders().map((t) => ({ id: t.traderId ?? `conn-${t.connId}`, venues: t.venues, since: t.connectedAtMs, address: t.remote })),
    };
  };
  const feedStats = (): Record<string, FeedStats | null> => ({
    kalshi: (app.feeds.kalshi as { stats?: () => FeedStats } | null)?.stats?.() ?? null,
    polymarket: (app.feeds.poly as { stats?: () => FeedStats } | null)?.stats?.() ?? null,
  });
  hub.providers = {
    pairs,
    books,
    breaker: breakerView,
    traders: tradersView,
    stats: () => ({
      detector: app.detector.stats,
      executor: executor.stats(),
      marketData: feedStats(),
      badFrames: app.store.badFrames.total,
    }),
  };
  hub.actions = {
    setKillSwitch: (on, by) => {
      if (on) breaker.kill(`kill switch (${by})`);
      else breaker.resume();
      hub.notify('breaker', breakerView());
    },
    approve: (id) => gate.approve(id),
    reject: (id) => gate.reject(id),
  };

  // --- executor events -> executions view + metrics ---
  executor.on('attempt', (a) => {
    const v: ExecutionView = {
      attemptId: a.attemptId,
      pairId: a.pairId,
      at: Date.now(),
      status: 'open',
      contracts: formatQty(a.contracts),
      legs: a.legs.map((l) => ({
        legId: l.legId,
        role: 'arb',
        action: 'buy',
        platform: l.platform,
        side: l.side,
        route: l.route,
        price: formatPx(l.price),
        contracts: formatQty(l.contracts),
        status: 'sent',
        filled: '0.00',
        avgPrice: null,
        fees: '0.00',
        latencyUs: null,
        error: null,
      })),
      realizedUsd: null,
      lockedUsd: null,
      note: null,
      dryRun: a.dryRun,
    };
    execs.set(a.attemptId, v);
    hub.markOpportunity(a.opportunityId, `executing (${a.attemptId})`);
    hub.upsertExecution(v);
  });
  executor.on('leg', (e) => {
    const r = e.result;
    metrics.legs.inc({ venue: r.platform, route: e.route, outcome: r.status });
    if (r.latencyUs > 0 && r.status !== 'unknown') metrics.orderLatency.observe({ venue: r.platform, route: e.route }, r.latencyUs / 1e6);
    if (r.filledContracts > 0) {
      metrics.fillsContracts.inc({ venue: r.platform }, r.filledContracts / 100);
      fills++;
    }
    const v = execs.get(e.attemptId);
    if (!v) return;
    let leg = v.legs.find((l) => l.legId === r.legId);
    if (!leg) {
      // An unwind leg sells back the excess of an arb leg on the same venue.
      const orig = v.legs.find((l) => l.platform === r.platform && l.role === 'arb');
      leg = { legId: r.legId, role: e.role, action: e.role === 'unwind' ? 'sell' : 'buy', platform: r.platform, side: orig?.side ?? '?', route: e.route, price: '', contracts: '', status: '', filled: '', avgPrice: null, fees: '', latencyUs: null, error: null };
      v.legs.push(leg);
    }
    leg.role = e.role;
    leg.route = e.route;
    leg.status = r.status;
    leg.filled = formatQty(r.filledContracts);
    leg.avgPrice = r.avgPrice === null ? null : formatPx(r.avgPrice);
    leg.fees = usd(r.feesMicros);
    leg.latencyUs = r.latencyUs;
    leg.error = r.error;
    hub.upsertExecution(v);
  });
  executor.on('resolved', (e) => {
    const v = execs.get(e.attemptId);
    if (!v) return;
    v.status = e.status;
    v.realizedUsd = usd(e.realizedMicros);
    if (e.matched > 0) v.lockedUsd = usd(lockedProfit(ledger.fillsOf(e.attemptId), e.matched));
    v.note = e.note;
    hub.upsertExecution(v);
    execs.delete(e.attemptId);
  });
  executor.on('dropped', (d) => {
    metrics.dropped.inc({ reason: d.reason });
    hub.markOpportunity(d.opportunityId, `dropped: ${d.reason}`);
  });
  executor.on('settlement', (e) => metrics.polyTradeOutcomes.inc({ outcome: e.outcome }));
  breaker.on('trip', () => hub.notify('breaker', breakerView()));
  breaker.on('reset', () => hub.notify('breaker', breakerView()));
  const tradersChanged = (): void => {
    for (const p of PLATFORMS) metrics.tradersConnected.set({ venue: p }, traders.connectedCount(p));
    hub.notify('traders', tradersView());
  };
  traders.on('register', tradersChanged);
  traders.on('disconnect', tradersChanged);
  // Export 0 from the start: an alert on "no trader" must not depend on a series appearing.
  tradersChanged();

  // Detection timing: one pass of the detector per market-data frame, sampled (1 frame in 16) so
  // the clock reads and the histogram update stay off most frames of the hot path.
  // (Changes the native core settles at its price screen never reach this hook.)
  app.store.wrapUpdate((detect) => {
    let n = 0;
    return (ps) => {
      if ((++n & 15) !== 0) {
        detect(ps);
        return;
      }
      const t0 = process.hrtime.bigint();
      detect(ps);
      metrics.detectionLatency.observe(Number(process.hrtime.bigint() - t0) / 1e9);
    };
  });

  // Periodic: market-data counters, gauges, P&L series.
  const last: Record<string, FeedStats> = {};
  const perMin: Record<string, number> = {};
  let lastTick = Date.now();
  const tick = (): void => {
    const now = Date.now();
    const st = feedStats();
    for (const v of ['kalshi', 'polymarket'] as Platform[]) {
      const s = st[v];
      if (!s) continue;
      const prev = last[v] ?? { messages: 0, badFrames: 0, resyncRequests: 0, gaps: 0, duplicates: 0 };
      const dm = s.messages - prev.messages;
      if (dm > 0) metrics.mdMessages.inc({ venue: v }, dm);
      const df = (s.fastFrames ?? 0) - (prev.fastFrames ?? 0);
      if (df > 0) metrics.mdFastFrames.inc({ venue: v }, df);
      const dn = (s.nativeFrames ?? 0) - (prev.nativeFrames ?? 0);
      if (dn > 0) metrics.mdNativeFrames.inc({ venue: v }, dn);
      const dr = s.resyncRequests - prev.resyncRequests;
      if (dr > 0) metrics.bookResyncs.inc({ venue: v, reason: 'resync' }, dr);
      const dg = (s.gaps ?? 0) - (prev.gaps ?? 0);
      if (dg > 0) metrics.bookResyncs.inc({ venue: v, reason: 'seq_gap' }, dg);
      const db = s.badFrames - prev.badFrames;
      if (db > 0) metrics.badFrames.inc({ venue: v }, db);
      perMin[v] = Math.round((dm * 60_000) / Math.max(1, now - lastTick));
      last[v] = { ...s };
    }
    lastTick = now;
    const ps = pairs();
    metrics.pairsWatched.set(ps.length);
    metrics.pairsTradeable.set(ps.filter((p) => p.tradeable).length);
    const bs = breaker.state();
    metrics.breakerTripped.set(bs.halted ? 1 : 0);
    metrics.exposureUsd.set(dollars(bs.exposureMicros));
    const t = ledger.pnlTotals();
    metrics.realizedPnlUsd.set(dollars(t.realizedMicros));
    metrics.lockedPnlUsd.set(dollars(t.lockedProfitMicros));
    hub.pushPnl({
      t: now,
      pnlUsd: dollars(t.realizedMicros + t.lockedProfitMicros),
      realizedUsd: dollars(t.realizedMicros),
      lockedUsd: dollars(t.lockedProfitMicros),
      exposureUsd: dollars(t.openCostMicros),
    });
    if (best && now - best.detectedAtMs > 30_000) best = null;
  };
  const timer = setInterval(tick, 1000);
  timer.unref();
  tick();

  return {
    onOpportunity(opp) {
      metrics.opportunities.inc({ type: opp.type });
      if (!best || opp.expectedProfitMicros > best.expectedProfitMicros || Date.now() - best.detectedAtMs > 10_000) best = opp;
      hub.pushOpportunity({
        id: opp.id,
        pairId: opp.pairId,
        type: opp.type,
        at: opp.detectedAtMs,
        contracts: formatQty(opp.contracts),
        costUsd: usd(opp.totalCostMicros),
        feesUsd: usd(opp.feesMicros),
        profitUsd: usd(opp.expectedProfitMicros),
        legs: opp.legs.map((l) => ({ platform: l.platform, side: l.side, price: formatPx(l.price) })),
        outcome: 'detected',
      });
    },
    heartbeat() {
      const ps = pairs();
      const bs = breaker.state();
      const t = ledger.pnlTotals();
      return {
        pairs: ps.length,
        tradeable: ps.filter((p) => p.tradeable).length,
        updatesPerMin: { ...perMin },
        best: best ? { pairId: best.pairId, type: best.type, profitUsd: usd(best.expectedProfitMicros), contracts: formatQty(best.contracts) } : null,
        traders: Object.fromEntries(PLATFORMS.map((p) => [p, traders.connectedCount(p)])),
        breaker: bs.halted ? `HALTED (${bs.tripDetail ?? bs.tripReason ?? 'kill switch'})` : 'ok',
        fills,
        attempts: executor.stats().attempts,
        realizedUsd: formatMicros(t.realizedMicros + t.lockedProfitMicros).replace(/(\.\d{2})\d+$/, '$1'),
        exposureUsd: usd(t.openCostMicros),
      };
    },
    close() {
      clearInterval(timer);
    },
  };
}
