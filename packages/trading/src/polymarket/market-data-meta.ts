// Public Polymarket market metadata for market-data consumers (fee curve, minimum size, tick) —
// the same two unauthenticated calls the official client makes (token -> condition id ->
// /clob-markets), parsed by the shared wire parser. Needs no keys, so a controller that does not
// trade Polymarket itself can still price its fees.

import { Agent, request } from 'undici';
import { VenueError } from '../errors.ts';
import { parsePolyClobMarket, type PolyMarketInfo } from './wire.ts';

export interface PolyMetaFetcher {
  /** Market info of a token (cached per market: one fetch serves both tokens). */
  tokenInfo(tokenId: string): Promise<PolyMarketInfo>;
  close(): Promise<void>;
}

export function createPolyMetaFetcher(clobUrl: string, opts: { timeoutMs?: number } = {}): PolyMetaFetcher {
  const base = clobUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const dispatcher = new Agent({ connections: 4, keepAliveTimeout: 30_000 });
  const cache = new Map<string, Promise<PolyMarketInfo>>();

  async function get(path: string): Promise<unknown> {
    const res = await request(`${base}${path}`, { dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const text = await res.body.text();
    const status = res.statusCode;
    if (status === 404) throw new VenueError('market_not_found', `Polymarket GET ${path}: not found`, { platform: 'polymarket', httpStatus: 404 });
    if (status < 200 || status >= 300) throw new VenueError('venue', `Polymarket GET ${path}: HTTP ${status} ${text.slice(0, 200)}`, { platform: 'polymarket', httpStatus: status });
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new VenueError('unknown', `Polymarket GET ${path}: not JSON`, { platform: 'polymarket', httpStatus: status });
    }
  }

  async function fetchInfo(tokenId: string): Promise<PolyMarketInfo> {
    if (!/^\d{1,90}$/.test(tokenId)) throw new VenueError('validation', `Polymarket token id must be a decimal integer, got ${JSON.stringify(tokenId)}`, { platform: 'polymarket' });
    const m = (await get(`/markets-by-token/${tokenId}`)) as { condition_id?: unknown } | null;
    const cid = m?.condition_id;
    if (typeof cid !== 'string' || cid === '') throw new VenueError('market_not_found', `Polymarket has no market for token ${tokenId}`, { platform: 'polymarket' });
    const infos = parsePolyClobMarket(await get(`/clob-markets/${cid}`), cid);
    for (const i of infos) if (!cache.has(i.tokenId)) cache.set(i.tokenId, Promise.resolve(i));
    const mine = infos.find((i) => i.tokenId === tokenId);
    if (!mine) throw new VenueError('market_not_found', `Polymarket market ${cid} does not list token ${tokenId}`, { platform: 'polymarket' });
    return mine;
  }

  return {
    tokenInfo(tokenId: string): Promise<PolyMarketInfo> {
      let p = cache.get(tokenId);
      if (!p) {
        p = fetchInfo(tokenId);
        cache.set(tokenId, p);
        p.catch(() => cache.delete(tokenId)); // failures are retried by the caller
      }
      return p;
    },
    async close(): Promise<void> {
      await dispatcher.close();
    },
  };
}
