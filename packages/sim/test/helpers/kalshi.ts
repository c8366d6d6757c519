// Test-side Kalshi request signing with node:crypto (independent of any client library).

import { constants, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export function kalshiHeaders(keyId: string, privateKey: KeyObject, method: string, pathWithQuery: string, tsMs = Date.now()): Record<string, string> {
  const path = pathWithQuery.split('?')[0]!;
  const sig = sign('sha256', Buffer.from(`${tsMs}${method}${path}`), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  return { 'KALSHI-ACCESS-KEY': keyId, 'KALSHI-ACCESS-TIMESTAMP': String(tsMs), 'KALSHI-ACCESS-SIGNATURE': sig.toString('base64') };
}

/** Untyped JSON, as tests poke at wire shapes. */
export type Json = ReturnType<typeof JSON.parse>;

export interface KalshiCaller {
  (method: string, path: string, body?: unknown, opts?: { tsMs?: number; key?: KeyObject; keyId?: string }): Promise<{ status: number; headers: Headers; json: Json }>;
}

/** A signed fetch against `apiBase` (http://host:port/trade-api/v2). */
export function kalshiCaller(apiBase: string, keyId: string, privateKey: KeyObject): KalshiCaller {
  const prefix = new URL(apiBase).pathname;
  return async (method, path, body, opts = {}) => {
    const full = `${prefix}${path}`;
    const headers: Record<string, string> = kalshiHeaders(opts.keyId ?? keyId, opts.key ?? privateKey, method, full, opts.tsMs);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${apiBase}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    return { status: r.status, headers: r.headers, json: text ? JSON.parse(text) : null };
  };
}

/** Poll until `f` returns a truthy value or the deadline passes. */
export async function waitFor<T>(f: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
