// Where detection's fee parameters come from: Kalshi series/event fee settings through the Kalshi
// REST client (public calls), Polymarket fee curves through the public CLOB metadata endpoints.
// Series and events are shared by many markets, so their lookups are cached.

import { VenueError } from '@parity/trading';
import type { KalshiClient } from '@parity/trading/kalshi/client.ts';
import { effectiveKalshiFeeParams, type KalshiFeeParams } from '@parity/trading/kalshi/fees.ts';
import type { KalshiEvent, KalshiSeries } from '@parity/trading/kalshi/wire.ts';
import type { PolyMetaFetcher } from '@parity/trading/polymarket/market-data-meta.ts';
import type { FeeSource, PolyTokenInfo } from '../detection/fees.ts';

type KalshiReads = Pick<KalshiClient, 'getMarket' | 'getEvent' | 'getSeries'>;

export function kalshiFeeParamsSource(client: KalshiReads): (ticker: string) => Promise<KalshiFeeParams> {
  const events = new Map<string, Promise<KalshiEvent>>();
  const series = new Map<string, Promise<KalshiSeries>>();
  const cached = <T>(m: Map<string, Promise<T>>, k: string, f: () => Promise<T>): Promise<T> => {
    let p = m.get(k);
    if (!p) {
      p = f();
      m.set(k, p);
      p.catch(() => m.delete(k));
    }
    return p;
  };
  return async (ticker: string) => {
    const market = await client.getMarket(ticker);
    const event = await cached(events, market.eventTicker, () => client.getEvent(market.eventTicker));
    if (!event.seriesTicker) throw new VenueError('venue', `Kalshi event ${event.eventTicker} names no series: fee type unknown`, { platform: 'kalshi' });
    const s = await cached(series, event.seriesTicker, () => client.getSeries(event.seriesTicker));
    return effectiveKalshiFeeParams(
      { fee_type: s.feeType, fee_multiplier: s.feeMultiplier },
      { fee_type_override: event.feeTypeOverride, fee_multiplier_override: event.feeMultiplierOverride },
    );
  };
}

export function polyTokenInfoSource(meta: PolyMetaFetcher): (token: string) => Promise<PolyTokenInfo> {
  return async (token: string) => {
    const info = await meta.tokenInfo(token);
    // No fee curve known is not "no fees": keep the conservative fallback and retry later.
    if (info.fees === null) throw new VenueError('venue', `Polymarket gives no fee curve for token ${token}`, { platform: 'polymarket' });
    return {
      fee: info.fees,
      minOrderSize: info.minOrderSize ?? undefined,
      tickSize: undefined,
    };
  };
}

export function feeSource(kalshi: KalshiReads | null, poly: PolyMetaFetcher | null): FeeSource {
  return {
    ...(kalshi ? { kalshiFeeParams: kalshiFeeParamsSource(kalshi) } : {}),
    ...(poly ? { polyTokenInfo: polyTokenInfoSource(poly) } : {}),
  };
}
