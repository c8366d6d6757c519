// The Kalshi venue: REST (/trade-api/v2) and WebSocket (/trade-api/ws/v2) on one HTTP server.

import { createServer } from 'node:http';
import type { SimContext } from '../context.ts';
import { closeServer, listen, trackSockets, urlHost } from '../http.ts';
import { createKalshiRest, type KalshiRestOptions } from './rest.ts';
import { KalshiWsServer, type KalshiWsOptions } from './ws.ts';

export { KalshiFeeModel } from './fees.ts';
export { checkKalshiAuth, DEFAULT_AUTH_WINDOW_MS } from './auth.ts';
export { KALSHI_PREFIX } from './rest.ts';
export { KALSHI_WS_PATH, KalshiWsServer } from './ws.ts';

export interface KalshiVenue {
  /** http://host:port/trade-api/v2 */
  apiBase: string;
  /** ws://host:port/trade-api/ws/v2 */
  wsUrl: string;
  ws: KalshiWsServer;
  close(): Promise<void>;
}

export async function startKalshiVenue(ctx: SimContext, opts: { host: string } & KalshiRestOptions & KalshiWsOptions): Promise<KalshiVenue> {
  const rest = createKalshiRest(ctx, opts);
  const server = createServer({ keepAliveTimeout: 30_000 }, rest);
  const sockets = trackSockets(server);
  const ws = new KalshiWsServer(ctx, opts);
  server.on('upgrade', (req, socket, head) => ws.handleUpgrade(req, socket, head));
  const port = await listen(server, opts.host);
  const hp = urlHost(opts.host, port);
  return {
    apiBase: `http://${hp}/trade-api/v2`,
    wsUrl: `ws://${hp}/trade-api/ws/v2`,
    ws,
    async close() {
      await ws.close();
      await closeServer(server, sockets);
    },
  };
}
