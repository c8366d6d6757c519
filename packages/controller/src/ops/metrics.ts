// Prometheus metrics (prom-client), one registry per controller. Components do not import this:
// ops/wire.ts feeds it from their events, so the hot path pays only a counter increment.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ParityMetrics {
  registry: Registry;
  mdMessages: Counter<'venue'>;
  mdFastFrames: Counter<'venue'>;
  mdNativeFrames: Counter<'venue'>;
  bookResyncs: Counter<'venue' | 'reason'>;
  badFrames: Counter<'venue'>;
  pairsTradeable: Gauge;
  pairsWatched: Gauge;
  opportunities: Counter<'type'>;
  detectionLatency: Histogram;
  orderLatency: Histogram<'venue' | 'route'>;
  legs: Counter<'venue' | 'route' | 'outcome'>;
  fillsContracts: Counter<'venue'>;
  exposureUsd: Gauge;
  realizedPnlUsd: Gauge;
  lockedPnlUsd: Gauge;
  breakerTripped: Gauge;
  tradersConnected: Gauge<'venue'>;
  dropped: Counter<'reason'>;
  polyTradeOutcomes: Counter<'outcome'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): ParityMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'parity_process_' });
  const r = [registry];
  return {
    registry,
    mdMessages: new Counter({ name: 'parity_md_messages_total', help: 'Market-data messages received, per venue', labelNames: ['venue'], registers: r }),
    mdFastFrames: new Counter({
      name: 'parity_md_fast_frames_total',
      help: 'Market-data messages read in place by the fast path (a falling share means the venue changed its frame layout)',
      labelNames: ['venue'],
      registers: r,
    }),
    mdNativeFrames: new Counter({
      name: 'parity_md_native_frames_total',
      help: 'Market-data messages read and applied by the native market-data core (0 when it is not loaded)',
      labelNames: ['venue'],
      registers: r,
    }),
    bookResyncs: new Counter({ name: 'parity_book_resyncs_total', help: 'Book resyncs (seq gap, reconnect, stale), per venue', labelNames: ['venue', 'reason'], registers: r }),
    badFrames: new Counter({ name: 'parity_bad_frames_total', help: 'Market-data frames rejected as malformed', labelNames: ['venue'], registers: r }),
    pairsTradeable: new Gauge({ name: 'parity_pairs_tradeable', help: 'Pairs whose books on both venues are tradeable', registers: r }),
    pairsWatched: new Gauge({ name: 'parity_pairs_watched', help: 'Pairs watched', registers: r }),
    opportunities: new Counter({ name: 'parity_opportunities_total', help: 'Arbitrage opportunities detected, per type', labelNames: ['type'], registers: r }),
    detectionLatency: new Histogram({
      name: 'parity_detection_latency_seconds',
      help: 'Detection time of one market-data frame (sampled: 1 frame in 16), seconds',
      buckets: [1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 5e-4, 1e-3, 1e-2],
      registers: r,
    }),
    orderLatency: new Histogram({
      name: 'parity_order_latency_seconds',
      help: 'Leg sent to leg result, per venue and route',
      labelNames: ['venue', 'route'],
      buckets: [1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 5e-2, 0.1, 0.5, 1, 5],
      registers: r,
    }),
    legs: new Counter({ name: 'parity_legs_total', help: 'Legs by venue, route (local/remote) and outcome (status)', labelNames: ['venue', 'route', 'outcome'], registers: r }),
    fillsContracts: new Counter({ name: 'parity_fills_contracts_total', help: 'Contracts filled, per venue', labelNames: ['venue'], registers: r }),
    exposureUsd: new Gauge({ name: 'parity_exposure_usd', help: 'Total exposure from actual fills, dollars', registers: r }),
    realizedPnlUsd: new Gauge({ name: 'parity_realized_pnl_usd', help: 'Realised P&L, dollars', registers: r }),
    // Matched arbitrage positions pay $1 at settlement: their profit is certain but not yet realised.
    lockedPnlUsd: new Gauge({ name: 'parity_locked_pnl_usd', help: 'Profit locked in by matched positions (paid at settlement), dollars', registers: r }),
    breakerTripped: new Gauge({ name: 'parity_breaker_tripped', help: '1 when the circuit breaker (or kill switch) stops new trades', registers: r }),
    tradersConnected: new Gauge({ name: 'parity_traders_connected', help: 'Authenticated remote traders connected, per venue', labelNames: ['venue'], registers: r }),
    dropped: new Counter({ name: 'parity_opportunities_dropped_total', help: 'Opportunities not executed, per reason', labelNames: ['reason'], registers: r }),
    polyTradeOutcomes: new Counter({
      name: 'parity_poly_trade_outcomes_total',
      help: 'Matched Polymarket legs followed on-chain: confirmed, failed (fill taken back, other leg unwound) or gave_up (still unsettled at the limit)',
      labelNames: ['outcome'],
      registers: r,
    }),
  };
}
