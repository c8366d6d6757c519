// Polymarket configuration from the environment, and the client built from it.

import { ConfigError, envBool, envString } from '../env.ts';
import { logger } from '../log.ts';
import { validatePolyCreds, type PolyApiCreds } from './auth.ts';
import { PolymarketClient } from './client.ts';
import { POLY_CONTRACTS, type PolySignatureType } from './contracts.ts';
import { parsePrivateKey } from './crypto.ts';
import type { PolyHttpTimeouts } from './http.ts';
import { PolyOrderSigner } from './order-signer.ts';

const log = logger.child({ mod: 'polymarket' });

export const POLY_DEFAULT_CLOB_URL = 'https://clob.polymarket.com';
export const POLY_DEFAULT_WS_URL = 'wss://ws-subscriptions-clob.polymarket.com/ws/market';
export const POLY_DEFAULT_GAMMA_URL = 'https://gamma-api.polymarket.com';

export interface PolymarketConfig {
  clobUrl: string;
  wsUrl: string;
  gammaUrl: string;
  /** 0x-hex private key of the signing EOA. Secret: never log. */
  privateKey: string;
  /** Wallet holding the funds (order maker); null = the EOA. */
  funder: string | null;
  signatureType: PolySignatureType;
  /** L2 credentials; null = derive through L1 (create or derive API key) at startup. */
  creds: PolyApiCreds | null;
  chainId: number;
  /** Sign orders from background-precomputed nonces (POLY_PRECOMPUTED_NONCES, default true). */
  precomputedNonces?: boolean | undefined;
}

function url(env: NodeJS.ProcessEnv, name: string, dflt: string, protocols: string[]): string {
  const v = envString(name, env) ?? dflt;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(v)} is not a URL`);
  }
  if (!protocols.includes(u.protocol)) throw new ConfigError(`${name}=${JSON.stringify(v)} must use ${protocols.map((p) => p.replace(':', '')).join(' or ')}`);
  return v.replace(/\/+$/, '');
}

/**
 * Polymarket settings from the environment; null when POLY_PRIVATE_KEY is unset (no Polymarket
 * trading here). Malformed values are ConfigErrors that name the variable and the fix.
 *   POLY_CLOB_URL (default https://clob.polymarket.com), POLY_WS_URL, POLY_GAMMA_URL,
 *   POLY_PRIVATE_KEY, POLY_FUNDER, POLY_SIGNATURE_TYPE (0-3, default 0),
 *   POLY_API_KEY / POLY_API_SECRET / POLY_API_PASSPHRASE (all three, or none: derived via L1),
 *   POLY_CHAIN_ID (default 137), POLY_PRECOMPUTED_NONCES (default on: sign orders from nonces
 *   prepared in the background; off = deterministic RFC 6979 signatures).
 */
export function polymarketConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PolymarketConfig | null {
  const privateKey = envString('POLY_PRIVATE_KEY', env);
  if (privateKey === undefined) return null;
  parsePrivateKey(privateKey, 'POLY_PRIVATE_KEY');

  const st = envString('POLY_SIGNATURE_TYPE', env) ?? '0';
  if (!/^[0-3]$/.test(st))
    throw new ConfigError(`POLY_SIGNATURE_TYPE=${JSON.stringify(st)} must be 0 (EOA), 1 (POLY_PROXY), 2 (POLY_GNOSIS_SAFE) or 3 (POLY_1271 deposit wallet)`);
  const signatureType = Number(st) as PolySignatureType;

  const funder = envString('POLY_FUNDER', env) ?? null;
  if (funder !== null && !/^0x[0-9a-fA-F]{40}$/.test(funder))
    throw new ConfigError(`POLY_FUNDER=${JSON.stringify(funder)} is not an address (0x followed by 40 hex digits)`);
  if (signatureType !== 0 && funder === null)
    throw new ConfigError(`POLY_SIGNATURE_TYPE=${signatureType} needs POLY_FUNDER: the proxy, safe or deposit wallet that holds the funds`);

  const chainRaw = envString('POLY_CHAIN_ID', env) ?? '137';
  if (!/^\d+$/.test(chainRaw) || !POLY_CONTRACTS[Number(chainRaw)])
    throw new ConfigError(`POLY_CHAIN_ID=${JSON.stringify(chainRaw)} is not supported: use 137 (Polygon) or 80002 (Amoy)`);

  const key = envString('POLY_API_KEY', env);
  const secret = envString('POLY_API_SECRET', env);
  const passphrase = envString('POLY_API_PASSPHRASE', env);
  const given = [key, secret, passphrase].filter((x) => x !== undefined).length;
  if (given !== 0 && given !== 3)
    throw new ConfigError('POLY_API_KEY, POLY_API_SECRET and POLY_API_PASSPHRASE go together: set all three, or none to derive them from POLY_PRIVATE_KEY');
  const creds = given === 3 ? validatePolyCreds({ key: key!, secret: secret!, passphrase: passphrase! }) : null;

  return {
    clobUrl: url(env, 'POLY_CLOB_URL', POLY_DEFAULT_CLOB_URL, ['http:', 'https:']),
    wsUrl: url(env, 'POLY_WS_URL', POLY_DEFAULT_WS_URL, ['ws:', 'wss:']),
    gammaUrl: url(env, 'POLY_GAMMA_URL', POLY_DEFAULT_GAMMA_URL, ['http:', 'https:']),
    privateKey,
    funder,
    signatureType,
    creds,
    chainId: Number(chainRaw),
    precomputedNonces: envBool('POLY_PRECOMPUTED_NONCES', true, env),
  };
}

export interface CreatePolymarketClientOptions {
  timeouts?: PolyHttpTimeouts | undefined;
  connections?: number | undefined;
  orderTimeoutMs?: number | undefined;
  /** Read GET /version at startup and warn when it is not 2. Default true. */
  checkVersion?: boolean | undefined;
  /** L1 nonce for deriving credentials. Default 0. */
  apiKeyNonce?: number | undefined;
  nowMs?: (() => number) | undefined;
}

/**
 * Builds the client: signer from the key, keep-alive pool to the CLOB, credentials from the config
 * or created/derived through L1 auth (a network call) when absent. Close it with `close()`.
 */
export async function createPolymarketClient(config: PolymarketConfig, opts: CreatePolymarketClientOptions = {}): Promise<PolymarketClient> {
  const signer = new PolyOrderSigner({
    privateKey: config.privateKey, chainId: config.chainId, signatureType: config.signatureType, funder: config.funder,
    precomputedNonces: config.precomputedNonces ?? true,
  });
  const client = new PolymarketClient({
    clobUrl: config.clobUrl, signer, creds: config.creds, timeouts: opts.timeouts, connections: opts.connections,
    orderTimeoutMs: opts.orderTimeoutMs, nowMs: opts.nowMs,
  });
  try {
    if (!config.creds) {
      client.setCreds(await client.createOrDeriveApiKey(opts.apiKeyNonce ?? 0));
      log.info({ address: signer.address }, 'Polymarket API credentials derived through L1 auth');
    }
    if (opts.checkVersion ?? true) await client.checkVersion();
  } catch (err) {
    await client.close();
    throw err;
  }
  return client;
}
