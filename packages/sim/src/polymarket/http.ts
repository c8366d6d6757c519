// A small HTTP layer for the simulated Polymarket services: exact routes and `:param` routes,
// the raw body kept byte-for-byte (the HMAC covers it), JSON answers, CLOB-shaped errors.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ClobError } from './errors.ts';

export { listen } from '../http.ts';

export interface HttpRequest {
  method: string;
  /** Path only, no query string. */
  path: string;
  query: URLSearchParams;
  /** Raw body as received ('' when none). */
  body: string;
  headers: IncomingMessage['headers'];
  /** Route parameters (`/data/order/:id` -> { id }). */
  params: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  /** JSON-serialised unless `raw` is given. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: HttpRequest) => HttpResponse | Promise<HttpResponse>;

/** Runs before every handler: may delay, or answer instead of it (faults). */
export type Gate = (req: HttpRequest) => Promise<HttpResponse | undefined> | HttpResponse | undefined;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

export class Router {
  private readonly exact = new Map<string, Handler>();
  private readonly patterns: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    if (path.includes(':')) this.patterns.push({ method, parts: path.split('/'), handler });
    else this.exact.set(`${method} ${path}`, handler);
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    const h = this.exact.get(`${method} ${path}`);
    if (h) return { handler: h, params: {} };
    const parts = path.split('/');
    for (const r of this.patterns) {
      if (r.method !== method || r.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const want = r.parts[i]!;
        const got = parts[i]!;
        if (want.startsWith(':')) {
          if (got === '') ok = false;
          else params[want.slice(1)] = decodeURIComponent(got);
        } else ok = want === got;
      }
      if (ok) return { handler: r.handler, params };
    }
    return undefined;
  }
}

export const json = (body: unknown, status = 200, headers?: Record<string, string>): HttpResponse => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

export function errorResponse(e: unknown): HttpResponse {
  if (e instanceof ClobError) {
    const headers: Record<string, string> = {};
    if (e.retryAfterSecs !== undefined) headers['retry-after'] = String(e.retryAfterSecs);
    return { status: e.status, body: e.body(), headers };
  }
  return { status: 500, body: { error: 'could not run the execution' } };
}

const MAX_BODY = 4 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > MAX_BODY) {
        reject(new ClobError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: HttpResponse): void {
  const payload = r.raw ?? (r.body === undefined ? '' : JSON.stringify(r.body));
  res.writeHead(r.status, {
    'content-type': r.raw !== undefined ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...r.headers,
  });
  res.end(payload);
}

export interface HttpServiceOptions {
  router: Router;
  gate?: Gate;
  /** Called for unexpected handler errors (the answer is a 500 either way). */
  onError?: (e: unknown, req: HttpRequest) => void;
  notFound?: (req: HttpRequest) => HttpResponse;
  /** Observes every request (method, path) before it is handled, e.g. for a request log. */
  onRequest?: (method: string, path: string) => void;
}

export function createHttpService(opts: HttpServiceOptions): Server {
  const notFound = opts.notFound ?? (() => json({ error: 'not found' }, 404));
  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let r: HttpRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        body: '',
        headers: req.headers,
        params: {},
      };
      try {
        r.body = await readBody(req);
        opts.onRequest?.(r.method, r.path);
        const m = opts.router.match(r.method, r.path);
        if (!m) return send(res, notFound(r));
        r = { ...r, params: m.params };
        const gated = opts.gate ? await opts.gate(r) : undefined;
        if (gated) return send(res, gated);
        send(res, await m.handler(r));
      } catch (e) {
        if (!(e instanceof ClobError)) opts.onError?.(e, r);
        if (!res.headersSent) send(res, errorResponse(e));
      }
    })();
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
