// Kalshi configuration from the environment (DESIGN.md "Operator interface"):
//
//   KALSHI_API_BASE           REST base, default https://api.elections.kalshi.com/trade-api/v2
//   KALSHI_WS_URL             WebSocket URL, default wss://api.elections.kalshi.com/trade-api/ws/v2
//   KALSHI_API_KEY_ID         API key id (UUID)
//   KALSHI_PRIVATE_KEY_PATH   RSA private key PEM file, or
//   KALSHI_PRIVATE_KEY        the PEM text itself (literal \n escapes accepted)
//   KALSHI_ORDER_ENDPOINT     v2 (default: POST /portfolio/events/orders) | legacy (POST /portfolio/orders)
//   KALSHI_PRESIGN_MAX_AGE_MS oldest pre-signed order auth header used (default 500)
//   KALSHI_ORDER_TIMEOUT_MS   order POST timeout; after it the outcome is unknown (default 5000)

import { ConfigError, envNumber, envString } from '../env.ts';
import { loadKalshiPrivateKey } from './auth.ts';
import {
  KALSHI_DEFAULT_API_BASE,
  KALSHI_DEFAULT_WS_URL,
  KalshiClient,
  type KalshiClientOptions,
  type KalshiCredentials,
} from './client.ts';
import type { KalshiOrderEndpoint } from './orders.ts';

export interface KalshiEndpoints {
  apiBase: string;
  wsUrl: string;
}

export interface KalshiConfig extends KalshiEndpoints {
  credentials: KalshiCredentials;
  orderEndpoint: KalshiOrderEndpoint;
  presignMaxAgeMs: number;
  orderTimeoutMs: number;
}

function checkUrl(name: string, value: string, protocols: readonly string[], example: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(value)} is not a URL: use e.g. ${example}`);
  }
  if (!protocols.includes(u.protocol)) throw new ConfigError(`${name}=${value} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, e.g. ${example}`);
  if (u.search || u.hash) throw new ConfigError(`${name}=${value} must not contain a query or fragment`);
  return value.replace(/\/+$/, '');
}

/** The venue URLs (no credentials needed): public market data works with just these. */
export function kalshiEndpointsFromEnv(env: NodeJS.ProcessEnv = process.env): KalshiEndpoints {
  return {
    apiBase: checkUrl('KALSHI_API_BASE', envString('KALSHI_API_BASE', env) ?? KALSHI_DEFAULT_API_BASE, ['https:', 'http:'], KALSHI_DEFAULT_API_BASE),
    wsUrl: checkUrl('KALSHI_WS_URL', envString('KALSHI_WS_URL', env) ?? KALSHI_DEFAULT_WS_URL, ['wss:', 'ws:'], KALSHI_DEFAULT_WS_URL),
  };
}

/**
 * Kalshi trading configuration, or null when no Kalshi credentials are configured at all.
 * Half a configuration (a key id without a key, or a key without an id), an unreadable or
 * malformed key, or an unknown KALSHI_ORDER_ENDPOINT is a ConfigError saying what to set.
 */
export function kalshiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): KalshiConfig | null {
  const keyId = envString('KALSHI_API_KEY_ID', env);
  const keyPath = envString('KALSHI_PRIVATE_KEY_PATH', env);
  const keyPem = envString('KALSHI_PRIVATE_KEY', env);
  if (!keyId && !keyPath && !keyPem) return null;
  if (!keyId)
    throw new ConfigError(
      `${keyPath ? 'KALSHI_PRIVATE_KEY_PATH' : 'KALSHI_PRIVATE_KEY'} is set but KALSHI_API_KEY_ID is not: set it to the API key id (a UUID) shown next to the key in Kalshi's account settings, or unset the key to run without Kalshi.`,
    );
  if (!keyPath && !keyPem)
    throw new ConfigError(
      'KALSHI_API_KEY_ID is set but no private key is: set KALSHI_PRIVATE_KEY_PATH to the PEM file downloaded with the key (or KALSHI_PRIVATE_KEY to its text), or unset KALSHI_API_KEY_ID to run without Kalshi.',
    );
  if (keyPath && keyPem) throw new ConfigError('Both KALSHI_PRIVATE_KEY_PATH and KALSHI_PRIVATE_KEY are set: keep only one.');
  const ep = (envString('KALSHI_ORDER_ENDPOINT', env) ?? 'v2').toLowerCase();
  if (ep !== 'v2' && ep !== 'legacy')
    throw new ConfigError(`KALSHI_ORDER_ENDPOINT=${JSON.stringify(env.KALSHI_ORDER_ENDPOINT)} is not valid: use v2 (POST /portfolio/events/orders, default) or legacy (POST /portfolio/orders).`);
  const endpoints = kalshiEndpointsFromEnv(env);
  const privateKey = loadKalshiPrivateKey({ path: keyPath, pem: keyPem });
  return {
    ...endpoints,
    credentials: { keyId, privateKey },
    orderEndpoint: ep,
    presignMaxAgeMs: envNumber('KALSHI_PRESIGN_MAX_AGE_MS', 500, { min: 20, max: 30_000, integer: true }, env),
    orderTimeoutMs: envNumber('KALSHI_ORDER_TIMEOUT_MS', 5_000, { min: 100, max: 60_000, integer: true }, env),
  };
}

/** A client for this configuration (pre-signing starts at once; `await client.warm()` to pre-connect). */
export function createKalshiClient(config: KalshiConfig, overrides: Partial<KalshiClientOptions> = {}): KalshiClient {
  return new KalshiClient({
    apiBase: config.apiBase,
    wsUrl: config.wsUrl,
    credentials: config.credentials,
    orderEndpoint: config.orderEndpoint,
    orderTimeoutMs: config.orderTimeoutMs,
    presign: { maxAgeMs: config.presignMaxAgeMs },
    ...overrides,
  });
}
