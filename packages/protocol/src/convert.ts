// LegRequest / LegResult <-> their wire form. Field by field, so an internal rename never
// silently changes the protocol.

import type { LegRequest, LegResult } from '@parity/trading';
import type { WireLeg, WireLegResult } from './schemas.ts';

export function legToWire(r: LegRequest): WireLeg {
  return {
    leg_id: r.legId,
    platform: r.platform,
    action: r.action,
    side: r.side,
    price: r.price,
    contracts: r.contracts,
    kalshi_ticker: r.kalshiTicker ?? null,
    poly_token: r.polyToken ?? null,
    created_at_ms: r.createdAtMs ?? null,
    time_in_force: r.timeInForce ?? null,
  };
}

export function legFromWire(w: WireLeg): LegRequest {
  const r: LegRequest = {
    legId: w.leg_id,
    platform: w.platform,
    action: w.action,
    side: w.side,
    price: w.price,
    contracts: w.contracts,
  };
  if (w.kalshi_ticker != null) r.kalshiTicker = w.kalshi_ticker;
  if (w.poly_token != null) r.polyToken = w.poly_token;
  if (w.created_at_ms != null) r.createdAtMs = w.created_at_ms;
  if (w.time_in_force != null) r.timeInForce = w.time_in_force;
  return r;
}

export function resultToWire(r: LegResult): WireLegResult {
  return {
    leg_id: r.legId,
    platform: r.platform,
    success: r.success,
    status: r.status,
    filled_contracts: r.filledContracts,
    avg_price: r.avgPrice,
    cost_micros: r.costMicros,
    fees_micros: r.feesMicros,
    venue_order_id: r.venueOrderId,
    client_order_id: r.clientOrderId,
    latency_us: r.latencyUs,
    error: r.error,
    error_kind: r.errorKind,
  };
}

export function resultFromWire(w: WireLegResult): LegResult {
  return {
    legId: w.leg_id,
    platform: w.platform,
    success: w.success,
    status: w.status,
    filledContracts: w.filled_contracts,
    avgPrice: w.avg_price,
    costMicros: w.cost_micros,
    feesMicros: w.fees_micros,
    venueOrderId: w.venue_order_id ?? null,
    clientOrderId: w.client_order_id ?? null,
    latencyUs: w.latency_us,
    error: w.error ?? null,
    errorKind: w.error_kind ?? null,
  };
}
