// A minimal HTTP stand-in that serves a generated catalog in the venues' shapes: Kalshi's public
// listing endpoints under /trade-api/v2 (cursor pagination, status filter) and Gamma's
// /markets?slug=... and /events?series_id=... under /gamma. It counts requests and can inject
// 429s, so tests and the discovery benchmark can check pacing and request counts. The full
// simulator (startSim) serves the same catalog objects; this server exists for tests/benchmarks
// that need only listings.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimCatalog } from './generate.ts';
import type { GammaEventObj, GammaMarketObj, KalshiMarketObj } from './shapes.ts';

export interface CatalogServerFaults {
  /** The next N Gamma requests answer 429. */
  gamma429?: number;
  /** Retry-After header sent with those 429s (omitted when undefined). */
  gammaRetryAfter?: string;
  /** The next N Kalshi requests answer 429 ({"error":"too many requests"}, no Retry-After). */
  kalshi429?: number;
  /** Gamma /markets answers this body verbatim (e.g. "{}" or "oops") for the next N requests. */
  gammaRawBody?: { body: string; times: number };
}

export interface CatalogServerStats {
  kalshiRequests: number;
  gammaRequests: number;
  /** Kalshi /markets requests per series_ticker (or event_ticker). */
  kalshiMarketsRequestsBy: Map<string, number>;
  /** Slugs in each Gamma /markets request. */
  gammaSlugsPerRequest: number[];
  gammaEventsRequests: number;
}

export interface CatalogServer {
  url: string;
  kalshiBase: string;
  gammaBase: string;
  stats: CatalogServerStats;
  faults: CatalogServerFaults;
  /** Reset counters (not the catalog). */
  resetStats(): void;
  close(): Promise<void>;
}

const encodeCursor = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');
function decodeCursor(c: string | null): number | null {
  if (!c) return 0;
  const s = Buffer.from(c, 'base64url').toString();
  const m = /^o:(\d+)$/.exec(s);
  return m ? Number(m[1]) : null;
}

export async function startCatalogServer(catalog: SimCatalog, opts: { host?: string } = {}): Promise<CatalogServer> {
  const stats: CatalogServerStats = { kalshiRequests: 0, gammaRequests: 0, kalshiMarketsRequestsBy: new Map(), gammaSlugsPerRequest: [], gammaEventsRequests: 0 };
  const faults: CatalogServerFaults = {};
  const marketsBySeries = new Map<string, KalshiMarketObj[]>();
  const seriesOfEvent = new Map(catalog.kalshi.events.map((e) => [e.event_ticker, e.series_ticker]));
  for (const m of catalog.kalshi.markets) {
    const s = seriesOfEvent.get(m.event_ticker) ?? m.event_ticker.split('-')[0]!;
    let a = marketsBySeries.get(s);
    if (!a) marketsBySeries.set(s, (a = []));
    a.push(m);
  }
  const marketByTicker = new Map(catalog.kalshi.markets.map((m) => [m.ticker, m]));
  const gammaBySlug = new Map<string, GammaMarketObj>(catalog.gamma.markets.map((m) => [m.slug, m]));

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const kalshiError = (res: ServerResponse, status: number, code: string, message: string): void =>
    send(res, status, { error: { code, message, service: 'exchange' } });

  const page = <T>(res: ServerResponse, items: T[], key: string, q: URLSearchParams, dflt: number, max: number): void => {
    const limit = q.has('limit') ? Number(q.get('limit')) : dflt;
    if (!Number.isInteger(limit) || limit < 1 || limit > max) return kalshiError(res, 400, 'invalid_parameters', `limit must be 1..${max}`);
    const offset = decodeCursor(q.get('cursor'));
    if (offset === null) return kalshiError(res, 400, 'invalid_parameters', 'bad cursor');
    const slice = items.slice(offset, offset + limit);
    const more = offset + limit < items.length;
    send(res, 200, { [key]: slice, cursor: more ? encodeCursor(offset + limit) : '' });
  };

  const statusOk = (m: KalshiMarketObj, status: string | null): boolean => {
    if (!status) return true;
    if (status === 'open') return m.status === 'active';
    if (status === 'closed') return m.status === 'closed';
    if (status === 'settled') return m.status === 'finalized' || m.status === 'settled';
    if (status === 'unopened') return m.status === 'initialized';
    return false;
  };

  const kalshi = (req: IncomingMessage, res: ServerResponse, path: string, q: URLSearchParams): void => {
    stats.kalshiRequests++;
    if (faults.kalshi429 && faults.kalshi429 > 0) {
      faults.kalshi429--;
      return send(res, 429, { error: 'too many requests' });
    }
    if (path === '/series') return send(res, 200, { series: catalog.kalshi.series });
    if (path.startsWith('/series/')) {
      const s = catalog.kalshi.series.find((x) => x.ticker === decodeURIComponent(path.slice(8)));
      return s ? send(res, 200, { series: s }) : kalshiError(res, 404, 'not_found', 'series not found');
    }
    if (path === '/events') {
      let evs = catalog.kalshi.events;
      const st = q.get('series_ticker');
      if (st) evs = evs.filter((e) => e.series_ticker === st);
      return page(res, evs, 'events', q, 200, 200);
    }
    if (path.startsWith('/events/')) {
      const t = decodeURIComponent(path.slice(8));
      const ev = catalog.kalshi.events.find((e) => e.event_ticker === t);
      if (!ev) return kalshiError(res, 404, 'not_found', 'event not found');
      return send(res, 200, { event: ev, markets: catalog.kalshi.markets.filter((m) => m.event_ticker === t) });
    }
    if (path === '/markets') {
      const st = q.get('series_ticker');
      const et = q.get('event_ticker');
      const tickers = q.get('tickers');
      let ms: KalshiMarketObj[];
      if (st) ms = marketsBySeries.get(st) ?? [];
      else if (et) ms = catalog.kalshi.markets.filter((m) => m.event_ticker === et || m.mve_collection_ticker === et);
      else if (tickers) ms = tickers.split(',').map((t) => marketByTicker.get(t)).filter((m): m is KalshiMarketObj => !!m);
      else ms = catalog.kalshi.markets;
      const key = st ?? et ?? '(all)';
      stats.kalshiMarketsRequestsBy.set(key, (stats.kalshiMarketsRequestsBy.get(key) ?? 0) + 1);
      return page(res, ms.filter((m) => statusOk(m, q.get('status'))), 'markets', q, 100, 1000);
    }
    if (path.startsWith('/markets/')) {
      const m = marketByTicker.get(decodeURIComponent(path.slice(9)));
      return m ? send(res, 200, { market: m }) : kalshiError(res, 404, 'market_not_found', 'market not found');
    }
    void req;
    kalshiError(res, 404, 'not_found', `no route ${path}`);
  };

  const gamma = (res: ServerResponse, path: string, q: URLSearchParams): void => {
    stats.gammaRequests++;
    if (faults.gamma429 && faults.gamma429 > 0) {
      faults.gamma429--;
      return send(res, 429, { error: 'Too Many Requests' }, faults.gammaRetryAfter !== undefined ? { 'retry-after': faults.gammaRetryAfter } : {});
    }
    if (path === '/markets') {
      const slugs = q.getAll('slug');
      stats.gammaSlugsPerRequest.push(slugs.length);
      if (faults.gammaRawBody && faults.gammaRawBody.times > 0) {
        faults.gammaRawBody.times--;
        return send(res, 200, faults.gammaRawBody.body);
      }
      const out = slugs.map((s) => gammaBySlug.get(s)).filter((m): m is GammaMarketObj => !!m);
      return send(res, 200, out);
    }
    if (path === '/events') {
      stats.gammaEventsRequests++;
      const sid = q.get('series_id');
      const closed = q.get('closed');
      const limit = Math.min(Number(q.get('limit') ?? 100), 500);
      const offset = Number(q.get('offset') ?? 0);
      let evs: GammaEventObj[] = catalog.gamma.events;
      if (sid) evs = evs.filter((e) => e.series.some((s) => s.id === sid));
      if (closed === 'false') evs = evs.filter((e) => !e.closed);
      return send(res, 200, evs.slice(offset, offset + limit));
    }
    send(res, 404, { error: `no route ${path}` });
  };

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' });
    if (u.pathname.startsWith('/trade-api/v2')) return kalshi(req, res, u.pathname.slice('/trade-api/v2'.length), u.searchParams);
    if (u.pathname.startsWith('/gamma')) return gamma(res, u.pathname.slice('/gamma'.length), u.searchParams);
    send(res, 404, { error: 'not found' });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    kalshiBase: `${url}/trade-api/v2`,
    gammaBase: `${url}/gamma`,
    stats,
    faults,
    resetStats() {
      stats.kalshiRequests = 0;
      stats.gammaRequests = 0;
      stats.kalshiMarketsRequestsBy.clear();
      stats.gammaSlugsPerRequest.length = 0;
      stats.gammaEventsRequests = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
