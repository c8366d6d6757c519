// Shared-fault-controller faults on the Polymarket HTTP services (CLOB and Gamma): added latency,
// 429 with or without Retry-After, 5xx. A rule may name `params.service` ("clob" | "gamma") and
// `params.path` (a path prefix) to hit only some requests.

import type { SimContext } from '../context.ts';
import { numParam, type ActiveFault } from '../faults.ts';
import { json, type Gate, type HttpRequest } from './http.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function applies(f: ActiveFault | undefined, service: string, req: HttpRequest): boolean {
  if (!f) return false;
  const s = f.params?.service;
  const p = f.params?.path;
  if (typeof s === 'string' && s !== service) return false;
  if (typeof p === 'string' && !req.path.startsWith(p)) return false;
  return true;
}

export function faultGate(ctx: SimContext, service: 'clob' | 'gamma'): Gate {
  return async (req) => {
    if (!ctx.faults.any) return undefined;
    const f = ctx.faults;
    const lat = f.active('polymarket', 'latency');
    if (applies(lat, service, req)) await sleep(numParam(lat, 'ms', 200));
    if (applies(f.active('polymarket', 'http_429'), service, req)) {
      const r = f.take('polymarket', 'http_429')!;
      const secs = r.params?.retryAfterSecs;
      const headers: Record<string, string> = typeof secs === 'number' ? { 'retry-after': String(secs) } : {};
      return json({ error: 'Too Many Requests' }, 429, headers);
    }
    if (applies(f.active('polymarket', 'http_5xx'), service, req)) {
      const r = f.take('polymarket', 'http_5xx')!;
      const status = numParam(r, 'status', 500);
      const message = typeof r.params?.message === 'string' ? r.params.message : status === 503 ? 'service unavailable' : 'could not run the execution';
      return json({ error: message }, status);
    }
    return undefined;
  };
}
