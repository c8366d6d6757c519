// One pino logger for every package: JSON when piped, pretty in a TTY, secrets redacted.

import pino from 'pino';

const REDACT = [
  '*.privateKey', '*.private_key', '*.secret', '*.apiSecret', '*.passphrase', '*.apiKey',
  '*.headers.authorization', '*.headers["KALSHI-ACCESS-SIGNATURE"]', '*.headers.POLY_SIGNATURE',
  '*.headers.POLY_PASSPHRASE', '*.headers.POLY_API_KEY', 'KALSHI_PRIVATE_KEY', 'POLY_PRIVATE_KEY',
  'POLY_API_SECRET', 'POLY_API_PASSPHRASE', 'TRADER_SECRET', '*.TRADER_SECRET', '*.KALSHI_PRIVATE_KEY',
  '*.POLY_PRIVATE_KEY', '*.POLY_API_SECRET', '*.POLY_API_PASSPHRASE',
];

function level(): string {
  if (process.env.LOG_LEVEL) return process.env.LOG_LEVEL;
  return process.env.PARITY_TEST ? 'warn' : 'info';
}

// Logs go to stderr so that command output on stdout (JSON results, tables) stays clean.
const pretty = process.stderr.isTTY && !process.env.PARITY_LOG_JSON;

export const logger = pino(
  {
    level: level(),
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { pid: process.pid },
  },
  pretty
    ? pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', destination: 2 } })
    : pino.destination({ fd: 2, sync: false }),
);

export type Logger = typeof logger;
