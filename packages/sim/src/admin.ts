// The admin endpoint (SIM_ADMIN_URL): run-time faults, the order log, arbitrage injection.
//
//   GET    /admin/health                     {"ok":true}
//   GET    /admin/faults                     active fault rules
//   POST   /admin/faults                     FaultSpec or [FaultSpec] -> created rules (201)
//   DELETE /admin/faults[?venue=kalshi]      clear; DELETE /admin/faults/{id} removes one
//   GET    /admin/orders[?venue=&account=&client_order_id=&result=]   the order log
//   POST   /admin/inject-arb                 {pairIndex|pairId, type, edgePx, size, durationMs, venue}
//   GET    /admin/arbs                       arbitrage windows so far
//   GET    /admin/pairs                      the pairs-file entries
//   GET    /admin/accounts                   test-account balances and positions
//   POST   /admin/settle                     {target, winner: yes|no, venue?} resolve a pair/market (201)
//   GET    /admin/settlements                payouts of settled markets

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import type { FaultSpec, Venue } from './faults.ts';
import { closeServer, listen, readBody, sendJson, trackSockets, urlHost } from './http.ts';
import type { InjectArbOptions, Scenario } from './scenario/build.ts';
import { settleTarget } from './settlement.ts';

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const VENUES = ['kalshi', 'polymarket'];

export async function startAdmin(ctx: SimContext, scenario: Scenario, host: string): Promise<AdminServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const json = async (): Promise<unknown> => {
      const text = await readBody(req);
      try {
        return JSON.parse(text || 'null');
      } catch {
        throw new HttpError(400, 'body must be JSON');
      }
    };
    if (method === 'GET' && path === '/admin/health') return sendJson(res, 200, { ok: true });
    if (path === '/admin/faults') {
      if (method === 'GET') return sendJson(res, 200, { faults: ctx.faults.list() });
      if (method === 'POST') {
        const body = await json();
        const specs = (Array.isArray(body) ? body : [body]) as FaultSpec[];
        const created = [];
        for (const s of specs) {
          if (typeof s !== 'object' || s === null) throw new HttpError(400, 'a fault is an object {venue, kind, params?, count?, durationMs?, market?}');
          try {
            created.push(ctx.faults.add(s));
          } catch (e) {
            throw new HttpError(400, (e as Error).message);
          }
        }
        return sendJson(res, 201, { faults: created });
      }
      if (method === 'DELETE') {
        const v = url.searchParams.get('venue');
        if (v !== null && !VENUES.includes(v)) throw new HttpError(400, 'venue must be kalshi or polymarket');
        ctx.faults.clear((v ?? undefined) as Venue | undefined);
        return sendJson(res, 200, { faults: ctx.faults.list() });
      }
    }
    const fm = /^\/admin\/faults\/([^/]+)$/.exec(path);
    if (fm && method === 'DELETE') {
      if (!ctx.faults.remove(decodeURIComponent(fm[1]!))) throw new HttpError(404, `no fault ${fm[1]}`);
      return sendJson(res, 200, { removed: fm[1] });
    }
    if (method === 'GET' && path === '/admin/orders') {
      const q = url.searchParams;
      const venue = q.get('venue');
      if (venue !== null && !VENUES.includes(venue)) throw new HttpError(400, 'venue must be kalshi or polymarket');
      const result = q.get('result');
      if (result !== null && result !== 'accepted' && result !== 'rejected') throw new HttpError(400, 'result must be accepted or rejected');
      const orders = ctx.orderLog.list({
        ...(venue ? { venue: venue as Venue } : {}),
        ...(q.get('account') ? { accountId: q.get('account')! } : {}),
        ...(q.get('client_order_id') ? { clientOrderId: q.get('client_order_id')! } : {}),
        ...(result ? { result } : {}),
      });
      return sendJson(res, 200, { orders });
    }
    if (method === 'POST' && path === '/admin/inject-arb') {
      const body = (await json()) as InjectArbOptions | null;
      if (typeof body !== 'object' || body === null) throw new HttpError(400, 'body must be {pairIndex|pairId, type, edgePx, size, durationMs}');
      try {
        return sendJson(res, 201, { window: scenario.injectArb(body) });
      } catch (e) {
        throw new HttpError(400, (e as Error).message);
      }
    }
    if (method === 'POST' && path === '/admin/settle') {
      const body = (await json()) as { target?: unknown; winner?: unknown; venue?: unknown } | null;
      if (typeof body !== 'object' || body === null || typeof body.target !== 'string' || (body.winner !== 'yes' && body.winner !== 'no')) {
        throw new HttpError(400, 'body must be {target: pair id | Kalshi ticker | condition id | token id, winner: "yes" | "no", venue?: "kalshi" | "polymarket"}');
      }
      if (body.venue !== undefined && !VENUES.includes(body.venue as string)) throw new HttpError(400, 'venue must be kalshi or polymarket');
      try {
        return sendJson(res, 201, { settled: settleTarget(ctx, body.target, body.winner, { venue: body.venue as Venue | undefined }) });
      } catch (e) {
        throw new HttpError(400, (e as Error).message);
      }
    }
    if (method === 'GET' && path === '/admin/settlements') return sendJson(res, 200, { settlements: ctx.settlements });
    if (method === 'GET' && path === '/admin/arbs') return sendJson(res, 200, { windows: scenario.mm.windows });
    if (method === 'GET' && path === '/admin/pairs') return sendJson(res, 200, { version: 1, pairs: scenario.pairs });
    if (method === 'GET' && path === '/admin/accounts') {
      const accounts = [...ctx.accounts.values()]
        .filter((a) => !a.marketMaker)
        .map((a) => ({
          id: a.id,
          venue: a.venue,
          cash_micros: a.cash,
          reserved_micros: a.reserved,
          positions: Object.fromEntries([...a.positions].filter(([, p]) => p.yes || p.no).map(([m, p]) => [m, { yes: p.yes, no: p.no }])),
        }));
      return sendJson(res, 200, { accounts });
    }
    throw new HttpError(404, `no admin route ${method} ${path}`);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return;
      if (e instanceof HttpError) sendJson(res, e.status, { error: e.message });
      else sendJson(res, 500, { error: (e as Error)?.message ?? String(e) });
    });
  });
  const sockets = trackSockets(server);
  const port = await listen(server, host);
  return { url: `http://${urlHost(host, port)}`, close: () => closeServer(server, sockets) };
}
