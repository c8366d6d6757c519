// Kalshi request authentication as the exchange checks it (spec kalshi.md §2): RSA-PSS SHA-256
// (MGF1 SHA-256, salt 32) over `<timestamp_ms><METHOD><path without query>`, with the key id's
// registered public key, and a timestamp freshness window. Written with node:crypto directly,
// independently of the trading client's signer.

import { constants, verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SimAccount } from '../accounts.ts';
import type { SimContext } from '../context.ts';

/** How far the signed timestamp may be from our clock (Kalshi's tolerance is unconfirmed). */
export const DEFAULT_AUTH_WINDOW_MS = 30_000;

export type KalshiAuthResult = { ok: true; account: SimAccount } | { ok: false; why: string };

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Check a request's Kalshi auth headers. The RSA verification runs on libuv's thread pool
 * (crypto.verify with a callback), so the event loop keeps serving while it happens.
 */
export async function checkKalshiAuth(
  ctx: SimContext,
  headers: IncomingHttpHeaders,
  method: string,
  rawUrl: string,
  windowMs = DEFAULT_AUTH_WINDOW_MS,
  nowMs = Date.now(),
): Promise<KalshiAuthResult> {
  const keyId = header(headers, 'kalshi-access-key');
  const ts = header(headers, 'kalshi-access-timestamp');
  const sig = header(headers, 'kalshi-access-signature');
  if (!keyId || !ts || !sig) return { ok: false, why: 'missing KALSHI-ACCESS-KEY / -TIMESTAMP / -SIGNATURE header' };
  if (!/^\d{1,16}$/.test(ts)) return { ok: false, why: 'timestamp is not milliseconds since the epoch' };
  const t = Number(ts);
  if (Math.abs(nowMs - t) > windowMs) return { ok: false, why: `timestamp ${ts} is outside the ${windowMs} ms window` };
  const account = ctx.accountByKalshiKey(keyId);
  if (!account?.kalshi) return { ok: false, why: 'unknown API key id' };
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const sigBytes = Buffer.from(sig, 'base64');
  if (sigBytes.length === 0) return { ok: false, why: 'signature is not base64' };
  const good = await new Promise<boolean>((resolve) => {
    try {
      verify(
        'sha256',
        Buffer.from(ts + method.toUpperCase() + path, 'utf8'),
        { key: account.kalshi!.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        sigBytes,
        (err, ok) => resolve(!err && ok),
      );
    } catch {
      resolve(false);
    }
  });
  return good ? { ok: true, account } : { ok: false, why: 'signature does not verify' };
}
