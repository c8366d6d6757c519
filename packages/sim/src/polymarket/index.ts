// The simulated Polymarket venue: CLOB REST (+ market WebSocket on the same port, /ws/market) and
// the Gamma API on a second port, all over one SimContext.
//
//   const pm = await startPolymarketVenue(ctx, { host: '127.0.0.1' });
//   pm.clobUrl  -> POLY_CLOB_URL   (http://127.0.0.1:P)
//   pm.wsUrl    -> POLY_WS_URL     (ws://127.0.0.1:P/ws/market)
//   pm.gammaUrl -> POLY_GAMMA_URL  (http://127.0.0.1:Q)

import type { Server } from 'node:http';
import { logger } from '@parity/trading';
import type { SimContext } from '../context.ts';
import { NO_FEES } from '../markets.ts';
import { buildClobRouter } from './clob-routes.ts';
import { polymarketFeeModel } from './fees.ts';
import { buildGammaRouter, gammaError } from './gamma.ts';
import { faultGate } from './http-faults.ts';
import { closeServer, createHttpService, listen } from './http.ts';
import { PolyVenue, type PolyVenueOptions } from './venue.ts';
import { MarketWs, type MarketWsOptions } from './ws-market.ts';

export interface PolymarketVenueOptions extends PolyVenueOptions, MarketWsOptions {
  host: string;
  /** Called with unexpected handler errors (answered 500). */
  onError?: (e: unknown) => void;
  /** Observes every HTTP request: service, method, path (no query). */
  onRequest?: (service: 'clob' | 'gamma', method: string, path: string) => void;
}

export interface PolymarketVenueHandle {
  clobUrl: string;
  wsUrl: string;
  gammaUrl: string;
  /** Venue state (orders by hash, trades, API keys) for tests and the admin endpoint. */
  venue: PolyVenue;
  ws: MarketWs;
  close(): Promise<void>;
}

const urlHost = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/**
 * Start the Polymarket CLOB + WS and Gamma servers for every Polymarket market of `ctx`.
 * Markets still on NO_FEES with a fee rate in their metadata get the Polymarket fee model.
 */
export async function startPolymarketVenue(ctx: SimContext, opts: PolymarketVenueOptions): Promise<PolymarketVenueHandle> {
  for (const m of ctx.markets.values()) {
    if (m.polymarket && m.fees === NO_FEES && m.polymarket.feeRate > 0) m.fees = polymarketFeeModel(m.polymarket);
  }
  const venue = new PolyVenue(ctx, opts);
  const ws = new MarketWs(ctx, opts);
  const log = logger.child({ mod: 'sim-polymarket' });
  const onError = (e: unknown): void => {
    if (opts.onError) opts.onError(e);
    else log.error({ err: e instanceof Error ? e.message : String(e) }, 'Polymarket venue handler failed (answered 500)');
  };
  const clob: Server = createHttpService({
    router: buildClobRouter(venue),
    gate: faultGate(ctx, 'clob'),
    onError,
    onRequest: (method, path) => opts.onRequest?.('clob', method, path),
  });
  clob.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/ws/market') ws.handleUpgrade(req, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
  });
  const gamma: Server = createHttpService({
    router: buildGammaRouter(ctx),
    gate: faultGate(ctx, 'gamma'),
    onError,
    onRequest: (method, path) => opts.onRequest?.('gamma', method, path),
    notFound: () => gammaError(404, 'not found', 'route not found'),
  });
  const clobPort = await listen(clob, opts.host);
  const gammaPort = await listen(gamma, opts.host);
  return {
    clobUrl: `http://${urlHost(opts.host, clobPort)}`,
    wsUrl: `ws://${urlHost(opts.host, clobPort)}/ws/market`,
    gammaUrl: `http://${urlHost(opts.host, gammaPort)}`,
    venue,
    ws,
    async close() {
      venue.close();
      await ws.close();
      await Promise.all([closeServer(clob), closeServer(gamma)]);
    },
  };
}

export { PolyVenue } from './venue.ts';
export { deriveApiCreds, venueSecretOf } from './api-keys.ts';
export { polymarketFeeModel } from './fees.ts';
