// Operator-surface configuration: dashboard/metrics listener, heartbeat, confirm mode.

import { ConfigError, envBool, envNumber, envString } from '@parity/trading';

export interface OpsConfig {
  /** HTTP_PORT: dashboard + /metrics; 0 = any free port; unset = 8080; -1 = disabled. */
  httpPort: number;
  httpHost: string;
  dashboardToken: string | undefined;
  heartbeatMs: number;
  confirmMode: boolean;
  confirmAutoApprove: string[];
  confirmTimeoutMs: number;
}

export function opsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OpsConfig {
  const host = envString('HTTP_HOST', env) ?? '127.0.0.1';
  const token = envString('DASHBOARD_TOKEN', env);
  if (token !== undefined && token.length < 16) throw new ConfigError('DASHBOARD_TOKEN must be at least 16 characters');
  return {
    httpPort: envNumber('HTTP_PORT', 8080, { min: -1, max: 65535, integer: true }, env),
    httpHost: host,
    dashboardToken: token,
    heartbeatMs: envNumber('HEARTBEAT_INTERVAL_SECS', 10, { min: 0, max: 3600 }, env) * 1000,
    confirmMode: envBool('CONFIRM_MODE', false, env),
    confirmAutoApprove: (envString('CONFIRM_AUTO_APPROVE', env) ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    confirmTimeoutMs: envNumber('CONFIRM_TIMEOUT_SECS', 60, { min: 1, max: 86_400 }, env) * 1000,
  };
}
