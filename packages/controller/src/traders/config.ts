// The trader server's settings from the environment: TRADER_BIND, TRADER_SECRET, DRY_RUN.

import { ConfigError, envBool, envString } from '@parity/trading';
import { readSecret } from '@parity/protocol';

export const DEFAULT_TRADER_BIND = '127.0.0.1:9001';

export interface BindAddress {
  host: string;
  port: number;
}

/** "host:port" or "[v6]:port"; port 0 picks a free port (tests). */
export function parseBind(raw: string, name = 'TRADER_BIND'): BindAddress {
  const s = raw.trim();
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(s) ?? /^([^:[\]]+):(\d{1,5})$/.exec(s);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || !Number.isInteger(port) || port > 65535) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not host:port (e.g. 127.0.0.1:9001, or [::1]:9001)`);
  }
  return { host: m[1], port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export interface TraderServerEnvConfig {
  bind: BindAddress;
  /** Undefined: no TRADER_SECRET, so no trader is accepted. */
  secret: string | undefined;
  dryRun: boolean;
}

export function traderServerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TraderServerEnvConfig {
  return {
    bind: parseBind(envString('TRADER_BIND', env) ?? DEFAULT_TRADER_BIND),
    secret: readSecret(env.TRADER_SECRET),
    dryRun: envBool('DRY_RUN', true, env),
  };
}
