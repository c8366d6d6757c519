// The controller's HTTP surface on HTTP_PORT: the dashboard page, /metrics, a JSON snapshot,
// a Server-Sent Events stream of every change, and the operator's actions (kill switch, confirm).
// Bound to loopback by default; any other bind requires DASHBOARD_TOKEN.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ConfigError, logger } from '@parity/trading';
import type { OpsHub } from './hub.ts';
import type { ParityMetrics } from './metrics.ts';

const log = logger.child({ mod: 'http' });
const PAGE = readFileSync(new URL('./dashboard.html', import.meta.url), 'utf8');
const MAX_BODY = 16 * 1024;

export interface HttpOptions {
  host: string;
  port: number;
  token?: string | undefined;
  hub: OpsHub;
  metrics: ParityMetrics;
  /** Period of live book/state pushes to each browser, ms. */
  pushIntervalMs?: number;
}

export interface HttpHandle {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object');
  return v as Record<string, unknown>;
}

export async function startHttpServer(o: HttpOptions): Promise<HttpHandle> {
  if (!isLoopback(o.host) && !o.token) {
    throw new ConfigError(`HTTP_HOST=${o.host} is not loopback: set DASHBOARD_TOKEN so the dashboard and its kill switch are not open to the network`);
  }
  const pushEvery = o.pushIntervalMs ?? 500;
  const streams = new Set<ServerResponse>();

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    if (!o.token) return true;
    const h = req.headers.authorization;
    const given = h?.startsWith('Bearer ') ? h.slice(7) : url.searchParams.get('token') ?? '';
    return given !== '' && sameSecret(given, o.token);
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      log.warn({ err: String(err) }, 'http handler failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/healthz') return send(res, 200, { ok: true });
    if (!authorized(req, url)) return send(res, 401, { error: 'missing or wrong token: open the dashboard with ?token=DASHBOARD_TOKEN' });

    if (req.method === 'GET') {
      if (path === '/' || path === '/index.html') return send(res, 200, PAGE, 'text/html; charset=utf-8');
      if (path === '/metrics') {
        const body = await o.metrics.registry.metrics();
        return send(res, 200, body, o.metrics.registry.contentType);
      }
      if (path === '/api/state') return send(res, 200, o.hub.snapshot());
      if (path === '/api/books') {
        const v = o.hub.providers?.books(url.searchParams.get('pair') ?? '') ?? null;
        return v ? send(res, 200, v) : send(res, 404, { error: 'no such pair' });
      }
      if (path === '/api/events') return openStream(req, res, url);
      return send(res, 404, { error: 'not found' });
    }

    if (req.method === 'POST') {
      // JSON only: a cross-site form cannot send it without a CORS preflight we never answer.
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return send(res, 415, { error: 'send application/json' });
      }
      let body: Record<string, unknown>;
      try {
        body = await readJson(req);
      } catch (e) {
        return send(res, 400, { error: `bad request body: ${(e as Error).message}` });
      }
      const actions = o.hub.actions;
      if (!actions) return send(res, 503, { error: 'controller not ready' });
      if (path === '/api/kill') {
        const on = body.on !== false;
        actions.setKillSwitch(on, 'dashboard');
        log.warn(`kill switch ${on ? 'ENGAGED' : 'released'} from the dashboard`);
        return send(res, 200, { ok: true, killSwitch: on });
      }
      const m = /^\/api\/confirm\/([^/]+)\/(approve|reject)$/.exec(path);
      if (m) {
        const id = decodeURIComponent(m[1]!);
        const outcome = m[2] === 'approve' ? await actions.approve(id) : actions.reject(id);
        return send(res, 200, { ok: true, outcome });
      }
      return send(res, 404, { error: 'not found' });
    }
    return send(res, 405, { error: 'method not allowed' });
  }

  function openStream(req: IncomingMessage, res: ServerResponse, url: URL): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const write = (kind: string, data: unknown): void => {
      res.write(`event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    let pair = url.searchParams.get('pair');
    write('snapshot', o.hub.snapshot());
    const onPush = (kind: string, data: unknown): void => write(kind, data);
    o.hub.on('push', onPush);
    const timer = setInterval(() => {
      const p = o.hub.providers;
      if (!p) return;
      const pairs = p.pairs();
      if (!pair && pairs[0]) pair = pairs[0].id;
      write('live', { now: Date.now(), pairs, breaker: p.breaker(), traders: p.traders(), stats: p.stats() });
      if (pair) {
        const b = p.books(pair);
        if (b) write('books', b);
      }
    }, pushEvery);
    streams.add(res);
    req.on('close', () => {
      clearInterval(timer);
      o.hub.off('push', onPush);
      streams.delete(res);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}/`;
  return {
    url,
    server,
    close: async () => {
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
