// HTTP for the CLOB: one undici keep-alive Pool per origin, opened once, with explicit timeouts.
// Transport failures become VenueErrors whose kind says whether the request may have been
// processed: 'network' = certainly not sent (connect failed); 'timeout' = outcome unknown.

import { Pool, errors as undiciErrors } from 'undici';
import { VenueError } from '../errors.ts';
import { OrderChannel, type OrderChannelOptions } from '../http-order-channel.ts';

export interface PolyHttpTimeouts {
  /** TCP/TLS connect (ms). Default 3000. */
  connectMs?: number | undefined;
  /** Waiting for response headers (ms). Default 10000. */
  headersMs?: number | undefined;
  /** Between body chunks (ms). Default 10000. */
  bodyMs?: number | undefined;
  /** Idle keep-alive socket lifetime (ms). Default 60000. */
  keepAliveMs?: number | undefined;
}

export interface PolyHttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface PolyHttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path as signed, starting with '/', without query (the base URL's own path prefix is added). */
  path: string;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
  /** Overrides the pool's headers timeout for this request (ms). */
  timeoutMs?: number | undefined;
  /** An order: written at once on a warm connection of the order channel when one is ready. */
  order?: boolean | undefined;
}

/** Unsigned headers the official client sends outside browsers (minus Connection, which undici owns). */
export const POLY_DEFAULT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'User-Agent': '@polymarket/clob-client',
  Accept: '*/*',
  'Content-Type': 'application/json',
});

const DEFAULT_HEADER_LINES = Object.entries(POLY_DEFAULT_HEADERS)
  .map(([k, v]) => `${k}: ${v}\r\n`)
  .join('');

export class PolyHttp {
  readonly origin: string;
  /** Path prefix of the base URL ('' for https://clob.polymarket.com). */
  readonly prefix: string;
  private readonly pool: Pool;
  private readonly headersMs: number;
  private readonly orders: OrderChannel | null;

  constructor(
    baseUrl: string,
    opts: { connections?: number | undefined; timeouts?: PolyHttpTimeouts | undefined; fastOrders?: OrderChannelOptions | false | undefined } = {},
  ) {
    let u: URL;
    try {
      u = new URL(baseUrl);
    } catch {
      throw new RangeError(`invalid Polymarket URL ${JSON.stringify(baseUrl)}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RangeError(`Polymarket URL must be http(s), got ${JSON.stringify(baseUrl)}`);
    this.origin = u.origin;
    this.prefix = u.pathname.replace(/\/+$/, '');
    const t = opts.timeouts ?? {};
    this.headersMs = t.headersMs ?? 10_000;
    this.pool = new Pool(this.origin, {
      connections: opts.connections ?? 8,
      pipelining: 1,
      keepAliveTimeout: t.keepAliveMs ?? 60_000,
      keepAliveMaxTimeout: Math.max(t.keepAliveMs ?? 60_000, 60_000),
      headersTimeout: this.headersMs,
      bodyTimeout: t.bodyMs ?? 10_000,
      connect: { timeout: t.connectMs ?? 3_000 },
    });
    // Connections open at warmOrders() or on the first order, never at construction.
    this.orders = opts.fastOrders === false ? null : new OrderChannel(this.origin, { connectTimeoutMs: t.connectMs ?? 3_000, ...opts.fastOrders });
  }

  /** Open the order channel's connections; resolves when one is ready (or after its timeout). */
  warmOrders(): Promise<void> {
    return this.orders?.ready() ?? Promise.resolve();
  }

  /** The full path sent on the wire (prefix + path + query). */
  wirePath(path: string, query?: PolyHttpRequest['query']): string {
    let p = this.prefix + path;
    if (query) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.append(k, String(v));
      const s = qs.toString();
      if (s) p += '?' + s;
    }
    return p;
  }

  async request(req: PolyHttpRequest): Promise<PolyHttpResponse> {
    if (req.order && req.body !== undefined && this.orders) {
      let lines = DEFAULT_HEADER_LINES;
      const h = req.headers;
      if (h) for (const k in h) lines += `${k}: ${h[k]}\r\n`;
      const fast = this.orders.send(req.method, this.wirePath(req.path, req.query), lines, req.body, req.timeoutMs ?? this.headersMs);
      if (fast) {
        try {
          return await fast;
        } catch (err) {
          throw transportError(err, req);
        }
      }
    }
    const headers: Record<string, string> = { ...POLY_DEFAULT_HEADERS, ...req.headers };
    try {
      const res = await this.pool.request({
        method: req.method,
        path: this.wirePath(req.path, req.query),
        headers,
        body: req.body,
        headersTimeout: req.timeoutMs ?? this.headersMs,
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, text };
    } catch (err) {
      throw transportError(err, req);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.orders?.close()]);
  }
}

function transportError(err: unknown, req: PolyHttpRequest): VenueError {
  const what = `${req.method} ${req.path}`;
  const code = (err as { code?: string } | null)?.code ?? '';
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return new VenueError('timeout', `Polymarket ${what} timed out waiting for the answer; the outcome is unknown: look the order up before retrying`, { platform: 'polymarket', cause: err });
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return new VenueError('network', `cannot reach Polymarket (${what}): ${msg}; nothing was sent`, { platform: 'polymarket', cause: err });
  // The socket failed after the request may have gone out: a POST's outcome is unknown.
  if (req.method === 'POST' || req.method === 'DELETE')
    return new VenueError('timeout', `Polymarket ${what} failed mid-request (${msg}); the outcome is unknown: look the order up before retrying`, { platform: 'polymarket', cause: err });
  return new VenueError('network', `Polymarket ${what} failed: ${msg}`, { platform: 'polymarket', cause: err });
}
