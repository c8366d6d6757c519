// Kalshi request signing (spec kalshi.md §2): RSA-PSS / SHA-256 / salt = digest length over
// `<timestamp_ms><METHOD><path>` where path is the full URL path (with the /trade-api/v2 prefix)
// cut at the first `?`. The body is not signed, which is what lets presign.ts sign ahead of time.

import { constants, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../env.ts';

export const KALSHI_HEADER_KEY = 'KALSHI-ACCESS-KEY';
export const KALSHI_HEADER_SIGNATURE = 'KALSHI-ACCESS-SIGNATURE';
export const KALSHI_HEADER_TIMESTAMP = 'KALSHI-ACCESS-TIMESTAMP';

// A type alias (not an interface) so it is assignable to Record<string, string> header maps.
export type KalshiAuthHeaders = {
  'KALSHI-ACCESS-KEY': string;
  'KALSHI-ACCESS-SIGNATURE': string;
  'KALSHI-ACCESS-TIMESTAMP': string;
};

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

const PSS = {
  padding: constants.RSA_PKCS1_PSS_PADDING,
  saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
} as const;

/** The path Kalshi signs: everything before the first `?` (the query string is never signed). */
export function signedPath(pathWithQuery: string): string {
  const q = pathWithQuery.indexOf('?');
  return q < 0 ? pathWithQuery : pathWithQuery.slice(0, q);
}

/** `<timestamp_ms><METHOD><path-without-query>` (spec §2.2). */
export function kalshiSignMessage(timestampMs: number | string, method: string, path: string): string {
  return `${timestampMs}${method.toUpperCase()}${signedPath(path)}`;
}

// ---- key loading -------------------------------------------------------------------------------

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/**
 * Normalize PEM text as people paste it into env files: literal `\n` escapes, CRLF, surrounding
 * quotes or whitespace, or the whole key squashed onto one line. Returns a canonical PEM block.
 */
export function normalizePem(text: string): string {
  let t = text.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) t = t.slice(1, -1).trim();
  t = t.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\r\n?/g, '\n');
  const m = PEM_BLOCK.exec(t);
  if (!m) return t;
  const label = m[1]!;
  const inner = m[2]!;
  // Legacy encrypted PEM carries headers ("Proc-Type: 4,ENCRYPTED"); keep those lines verbatim.
  if (/Proc-Type:|DEK-Info:/.test(inner)) return m[0];
  const body = inner.replace(/\s+/g, '');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Where a key comes from, for error messages: the env variable (or flag) that supplied it. */
export interface KeySource {
  /** PEM file path. */
  path?: string | undefined;
  /** Inline PEM text. */
  pem?: string | undefined;
  /** Name of the variable that gave `path` (default KALSHI_PRIVATE_KEY_PATH). */
  pathVar?: string | undefined;
  /** Name of the variable that gave `pem` (default KALSHI_PRIVATE_KEY). */
  pemVar?: string | undefined;
}

/**
 * Load a Kalshi RSA private key (PKCS#1 "BEGIN RSA PRIVATE KEY" or PKCS#8 "BEGIN PRIVATE KEY")
 * from a file or inline PEM text. Throws ConfigError naming the variable and saying what to do.
 */
export function loadKalshiPrivateKey(src: KeySource): KeyObject {
  const pathVar = src.pathVar ?? 'KALSHI_PRIVATE_KEY_PATH';
  const pemVar = src.pemVar ?? 'KALSHI_PRIVATE_KEY';
  let text: string;
  let where: string;
  if (src.path !== undefined && src.path !== '') {
    where = `${pathVar}=${src.path}`;
    try {
      text = readFileSync(src.path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      const why =
        code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code;
      throw new ConfigError(
        `${where}: cannot read the Kalshi private key file (${why}). Point ${pathVar} at the PEM file downloaded when the API key was created, or put the PEM text in ${pemVar}.`,
      );
    }
  } else if (src.pem !== undefined && src.pem.trim() !== '') {
    where = pemVar;
    text = src.pem;
  } else {
    throw new ConfigError(`No Kalshi private key: set ${pathVar} to the PEM file or ${pemVar} to its text.`);
  }
  return parseKalshiPrivateKey(text, where);
}

/** Parse PEM text into an RSA private KeyObject; `where` names its origin in errors. */
export function parseKalshiPrivateKey(text: string, where = 'KALSHI_PRIVATE_KEY'): KeyObject {
  const fix = 'Use the RSA private key PEM Kalshi gave you ("-----BEGIN RSA PRIVATE KEY-----" or "-----BEGIN PRIVATE KEY-----"), unencrypted.';
  const pem = normalizePem(text);
  const m = PEM_BLOCK.exec(pem);
  if (!m) throw new ConfigError(`${where} does not contain a PEM private key (no "-----BEGIN ... PRIVATE KEY-----" block). ${fix}`);
  const label = m[1]!;
  if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(m[0]))
    throw new ConfigError(`${where} holds a passphrase-encrypted key, which is not supported. Decrypt it first (openssl pkey -in key.pem -out plain.pem). ${fix}`);
  if (label !== 'RSA PRIVATE KEY' && label !== 'PRIVATE KEY')
    throw new ConfigError(`${where} holds a "${label}" PEM block, not a private key. ${fix}`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: m[0], format: 'pem' });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`${where} is not a valid private key (${why}); the PEM may be truncated or corrupted. ${fix}`);
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new ConfigError(`${where} is a ${key.asymmetricKeyType ?? 'unknown'} key; Kalshi keys are RSA. ${fix}`);
  return key;
}

// ---- signing -----------------------------------------------------------------------------------

/** Signs Kalshi requests with one API key. */
export class KalshiSigner {
  readonly keyId: string;
  readonly #key: KeyObject;

  constructor(keyId: string, privateKey: KeyObject) {
    if (!keyId) throw new ConfigError('KALSHI_API_KEY_ID is empty: set it to the API key id (a UUID) shown in Kalshi account settings.');
    this.keyId = keyId;
    this.#key = privateKey;
  }

  /** The public half (for tests and local verifiers). */
  publicKey(): KeyObject {
    return createPublicKey(this.#key);
  }

  /** base64 RSA-PSS-SHA256 signature of `message` (synchronous, ~0.3-1 ms). */
  signMessage(message: string): string {
    return sign('sha256', Buffer.from(message, 'utf8'), { key: this.#key, ...PSS }).toString('base64');
  }

  /** Same, on libuv's thread pool so the event loop keeps running (background pre-signing). */
  signMessageAsync(message: string): Promise<string> {
    return new Promise((resolve, reject) => {
      sign('sha256', Buffer.from(message, 'utf8'), { key: this.#key, ...PSS }, (err, sig) => {
        if (err) reject(err);
        else resolve(sig.toString('base64'));
      });
    });
  }

  /** Auth headers for one request; `path` is the full path (with /trade-api/v2), query ignored. */
  headers(method: HttpMethod, path: string, timestampMs: number = Date.now()): KalshiAuthHeaders {
    const ts = String(timestampMs);
    return this.#assemble(ts, this.signMessage(kalshiSignMessage(ts, method, path)));
  }

  async headersAsync(method: HttpMethod, path: string, timestampMs: number = Date.now()): Promise<KalshiAuthHeaders> {
    const ts = String(timestampMs);
    return this.#assemble(ts, await this.signMessageAsync(kalshiSignMessage(ts, method, path)));
  }

  #assemble(ts: string, signature: string): KalshiAuthHeaders {
    return { 'KALSHI-ACCESS-KEY': this.keyId, 'KALSHI-ACCESS-SIGNATURE': signature, 'KALSHI-ACCESS-TIMESTAMP': ts };
  }
}

/**
 * Headers for the WebSocket upgrade: sign GET + the URL's path (`/trade-api/ws/v2`; `ws` before
 * `v2`). Build fresh ones for every (re)connect.
 */
export function kalshiWsAuthHeaders(signer: KalshiSigner, wsUrl: string, timestampMs: number = Date.now()): KalshiAuthHeaders {
  return signer.headers('GET', new URL(wsUrl).pathname, timestampMs);
}

/** Same, signed on libuv's thread pool (does not block the event loop for the RSA work). */
export function kalshiWsAuthHeadersAsync(signer: KalshiSigner, wsUrl: string, timestampMs: number = Date.now()): Promise<KalshiAuthHeaders> {
  return signer.headersAsync('GET', new URL(wsUrl).pathname, timestampMs);
}

// ---- verification (tests, the simulator) -------------------------------------------------------

export type KalshiVerifyResult = { ok: true; keyId: string; timestampMs: number } | { ok: false; reason: string };

/**
 * Verify a request's Kalshi auth headers against a public key, as the venue would: the signature
 * must cover `<timestamp><METHOD><path-without-query>`. Optionally bound the timestamp's age.
 */
export function verifyKalshiRequest(
  publicKey: KeyObject,
  method: string,
  pathWithQuery: string,
  headers: KalshiAuthHeaders | Readonly<Record<string, string | string[] | undefined>>,
  opts: { nowMs?: number; maxSkewMs?: number } = {},
): KalshiVerifyResult {
  const get = (name: string): string | undefined => {
    const h = headers as Readonly<Record<string, string | string[] | undefined>>;
    const v = h[name] ?? h[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  };
  const keyId = get(KALSHI_HEADER_KEY);
  const sig = get(KALSHI_HEADER_SIGNATURE);
  const ts = get(KALSHI_HEADER_TIMESTAMP);
  if (!keyId || !sig || !ts) return { ok: false, reason: 'missing KALSHI-ACCESS-* header' };
  if (!/^\d{13}$/.test(ts)) return { ok: false, reason: `timestamp ${ts} is not Unix milliseconds` };
  const tsMs = Number(ts);
  if (opts.maxSkewMs !== undefined && Math.abs((opts.nowMs ?? Date.now()) - tsMs) > opts.maxSkewMs)
    return { ok: false, reason: `timestamp ${ts} outside the allowed skew of ${opts.maxSkewMs} ms` };
  const msg = Buffer.from(kalshiSignMessage(ts, method, pathWithQuery), 'utf8');
  const good = verify('sha256', msg, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(sig, 'base64'));
  return good ? { ok: true, keyId, timestampMs: tsMs } : { ok: false, reason: 'signature does not verify' };
}
