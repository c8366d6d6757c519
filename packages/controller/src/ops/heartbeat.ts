// The terminal heartbeat: every HEARTBEAT_INTERVAL_SECS one status line — a readable block in a
// TTY, a structured pino record otherwise.

import { logger } from '@parity/trading';

const log = logger.child({ mod: 'heartbeat' });

export interface HeartbeatStatus {
  pairs: number;
  tradeable: number;
  /** Market-data messages per minute over the last interval, per venue. */
  updatesPerMin: Record<string, number>;
  best: { pairId: string; type: string; profitUsd: string; contracts: string } | null;
  traders: Record<string, number>;
  breaker: string;
  fills: number;
  attempts: number;
  realizedUsd: string;
  exposureUsd: string;
}

export function formatHeartbeat(s: HeartbeatStatus): string {
  const ups = Object.entries(s.updatesPerMin).map(([v, n]) => `${v} ${n}/min`).join(', ');
  const tr = Object.entries(s.traders).map(([v, n]) => `${v} ${n}`).join(', ');
  const best = s.best ? `${s.best.pairId} ${s.best.type} ${s.best.contracts} ct, +$${s.best.profitUsd}` : 'none';
  return [
    `♥ pairs ${s.tradeable}/${s.pairs} tradeable · updates ${ups || '—'} · traders ${tr || 'none'} · breaker ${s.breaker}`,
    `  best opportunity: ${best} · attempts ${s.attempts} · fills ${s.fills} · realised $${s.realizedUsd} · exposure $${s.exposureUsd}`,
  ].join('\n');
}

export function startHeartbeat(intervalMs: number, status: () => HeartbeatStatus, out: NodeJS.WriteStream = process.stderr): () => void {
  if (intervalMs <= 0) return () => {};
  const timer = setInterval(() => {
    const s = status();
    if (out.isTTY) out.write(`${formatHeartbeat(s)}\n`);
    else log.info({ heartbeat: s }, 'heartbeat');
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
