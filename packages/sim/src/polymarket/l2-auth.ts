// L2 (HMAC) authentication of private CLOB requests (spec §4), checked with node:crypto
// independently of any client-side signer.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { ClobError, MSG } from './errors.ts';

export interface ApiCreds {
  apiKey: string;
  /** url-safe base64 (may also arrive in the standard alphabet / unpadded). */
  secret: string;
  passphrase: string;
  /** EOA the key belongs to, checksummed. */
  address: string;
}

export interface L2Request {
  method: string;
  /** Path only, no host, no query string. */
  path: string;
  /** Raw body bytes as received ('' when none). */
  body: string;
  /** Lower-cased header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
}

/** Decode a secret in either base64 alphabet, padded or not (§4 step 2). */
export function decodeSecret(secret: string): Buffer {
  let s = secret.replace(/-/g, '+').replace(/_/g, '/');
  while (s.length % 4 !== 0) s += '=';
  return Buffer.from(s, 'base64');
}

/** The url-safe base64 HMAC-SHA256 the CLOB expects (keeps `=` padding, §4 step 4); `method` as sent (upper-case on the wire). */
export function l2Signature(secret: string, timestamp: string, method: string, path: string, body: string): string {
  const mac = createHmac('sha256', decodeSecret(secret))
    .update(timestamp + method + path + body, 'utf8')
    .digest('base64');
  return mac.replace(/\+/g, '-').replace(/\//g, '_');
}

export function header(headers: L2Request['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export interface L2VerifyOptions {
  /** Unix seconds "now" (tests pin it). */
  nowSecs: number;
  /** Largest accepted |now - POLY_TIMESTAMP|, seconds. The real window is unconfirmed (§4). */
  maxSkewSecs: number;
}

/**
 * Check the five POLY_* headers of a private request; returns the creds it authenticated.
 * Every failure is the CLOB's single 401 `Unauthorized/Invalid api key`; `reason` says which
 * check failed, for the simulator's own log.
 */
export function verifyL2(
  req: L2Request,
  lookup: (apiKey: string) => ApiCreds | undefined,
  opts: L2VerifyOptions,
): ApiCreds {
  const fail = (reason: string): never => {
    throw Object.assign(new ClobError(401, MSG.invalidApiKey), { reason });
  };
  const address = header(req.headers, 'poly_address');
  const signature = header(req.headers, 'poly_signature');
  const timestamp = header(req.headers, 'poly_timestamp');
  const apiKey = header(req.headers, 'poly_api_key');
  const passphrase = header(req.headers, 'poly_passphrase');
  if (!address || !signature || !timestamp || !apiKey || !passphrase) return fail('missing POLY_* header');
  const creds = lookup(apiKey);
  if (!creds) return fail('unknown api key');
  if (!safeEqual(passphrase, creds.passphrase)) return fail('wrong passphrase');
  if (address.toLowerCase() !== creds.address.toLowerCase()) return fail('POLY_ADDRESS is not the key owner');
  if (!/^\d{1,12}$/.test(timestamp)) return fail('POLY_TIMESTAMP not unix seconds');
  if (Math.abs(opts.nowSecs - Number(timestamp)) > opts.maxSkewSecs) return fail('stale POLY_TIMESTAMP');
  const expected = l2Signature(creds.secret, timestamp, req.method, req.path, req.body);
  // Accept the standard alphabet too: same MAC, different spelling.
  const got = signature.replace(/\+/g, '-').replace(/\//g, '_');
  if (!safeEqual(got, expected)) return fail('HMAC mismatch');
  return creds;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
