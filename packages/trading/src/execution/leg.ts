// executeLeg: the one function both the controller (local legs) and every remote trader use.

import { VenueError, type ErrorKind } from '../errors.ts';
import { PX_ONE, formatPx, formatQty } from '../units.ts';
import { logger } from '../log.ts';
import {
  PLATFORMS,
  type ExecutionClients,
  type LegRequest,
  type LegResult,
  type LegVenueClient,
  type VenueOrderReport,
} from './types.ts';

const log = logger.child({ mod: 'executeLeg' });

export interface ExecuteOptions {
  dryRun: boolean;
}

/** Why a leg request is invalid, or null when it may be sent. Checks what needs no venue data. */
export function validateLeg(req: LegRequest): string | null {
  if (!PLATFORMS.includes(req.platform)) return `Unknown platform ${JSON.stringify(req.platform)} (expected kalshi or polymarket)`;
  if (req.action !== 'buy' && req.action !== 'sell') return `Unknown action ${JSON.stringify(req.action)} (expected buy or sell)`;
  if (req.side !== 'yes' && req.side !== 'no') return `Unknown side ${JSON.stringify(req.side)} (expected yes or no)`;
  if (!Number.isSafeInteger(req.price) || req.price <= 0 || req.price >= PX_ONE)
    return `Price ${req.price} is outside (0, 1): prices are in 1/10,000 dollar, strictly between 0 and 10000`;
  if (!Number.isSafeInteger(req.contracts) || req.contracts <= 0)
    return `Contracts must be a positive number of hundredths of a contract, got ${req.contracts}`;
  if (req.platform === 'kalshi' && !req.kalshiTicker) return 'Missing kalshi_ticker';
  if (req.platform === 'polymarket' && !req.polyToken) return 'Missing poly_token';
  if (req.timeInForce !== undefined && req.timeInForce !== 'ioc' && req.timeInForce !== 'fok')
    return `Unknown time in force ${JSON.stringify(req.timeInForce)} (expected ioc or fok)`;
  return null;
}

function clientFor(req: LegRequest, clients: ExecutionClients): LegVenueClient | null {
  return (req.platform === 'kalshi' ? clients.kalshi : clients.polymarket) ?? null;
}

export function resultFromReport(req: LegRequest, rep: VenueOrderReport, latencyUs: number): LegResult {
  const filled = rep.filledContracts;
  return {
    legId: req.legId,
    platform: req.platform,
    success: rep.status === 'filled' && filled >= req.contracts,
    status: rep.status,
    filledContracts: filled,
    avgPrice: filled > 0 ? Math.round(rep.costMicros / filled) : null,
    costMicros: rep.costMicros,
    feesMicros: rep.feesMicros,
    venueOrderId: rep.venueOrderId,
    clientOrderId: rep.clientOrderId,
    latencyUs,
    error: null,
    errorKind: null,
  };
}

/** A result with nothing filled and no error, in the given status (dry run, unfilled). */
export function emptyResult(
  req: Pick<LegRequest, 'legId' | 'platform'>,
  status: 'dry_run' | 'unfilled',
  latencyUs: number,
  clientOrderId: string | null = null,
): LegResult {
  return {
    legId: req.legId,
    platform: req.platform,
    success: status === 'dry_run',
    status,
    filledContracts: 0,
    avgPrice: null,
    costMicros: 0,
    feesMicros: 0,
    venueOrderId: null,
    clientOrderId,
    latencyUs,
    error: null,
    errorKind: null,
  };
}

export function failedResult(
  req: Pick<LegRequest, 'legId' | 'platform'>,
  error: string,
  errorKind: ErrorKind,
  latencyUs: number,
  clientOrderId: string | null = null,
): LegResult {
  const unknown = errorKind === 'timeout' || errorKind === 'unknown';
  return {
    legId: req.legId,
    platform: req.platform,
    success: false,
    status: unknown ? 'unknown' : 'rejected',
    filledContracts: 0,
    avgPrice: null,
    costMicros: 0,
    feesMicros: 0,
    venueOrderId: null,
    clientOrderId,
    latencyUs,
    error,
    errorKind,
  };
}

const elapsedUs = (t0: bigint): number => Number((process.hrtime.bigint() - t0) / 1000n);

/**
 * Execute one leg. Never throws: every failure becomes a LegResult with an error and a kind.
 * A result with status 'unknown' means the order may exist at the venue: resolve it with
 * lookupLeg before treating it as filled or unfilled.
 */
export async function executeLeg(req: LegRequest, clients: ExecutionClients, opts: ExecuteOptions): Promise<LegResult> {
  const t0 = process.hrtime.bigint();
  const invalid = validateLeg(req);
  if (invalid) return failedResult(req, invalid, 'validation', elapsedUs(t0));

  if (opts.dryRun) {
    log.info(
      { legId: req.legId, platform: req.platform, market: req.kalshiTicker ?? req.polyToken },
      `DRY RUN ${req.action} ${req.side} ${formatQty(req.contracts)} @ ${formatPx(req.price)}`,
    );
    return emptyResult(req, 'dry_run', elapsedUs(t0));
  }

  const client = clientFor(req, clients);
  if (!client) {
    const name = req.platform === 'kalshi' ? 'Kalshi' : 'Polymarket';
    return failedResult(req, `${name} client not available (no credentials configured for it here)`, 'no_client', elapsedUs(t0));
  }

  let clientOrderId: string | null = null;
  try {
    // Most clients derive the id synchronously: awaiting a plain value would still yield to the
    // event loop before the order is written.
    const id = client.clientOrderIdFor(req);
    clientOrderId = typeof id === 'string' ? id : await id;
    const report = await client.submitLeg(req);
    return resultFromReport(req, report, elapsedUs(t0));
  } catch (err) {
    const kind: ErrorKind = err instanceof VenueError ? err.kind : 'unknown';
    const msg = err instanceof Error ? err.message : String(err);
    return failedResult(req, msg, kind, elapsedUs(t0), clientOrderId);
  }
}

/**
 * Resolve a leg whose outcome is unknown by looking it up at the venue by its client order id.
 * Returns a result with status 'unfilled' when the venue has no such order (it never arrived).
 */
export async function resolveLeg(req: LegRequest, clients: ExecutionClients): Promise<LegResult> {
  const t0 = process.hrtime.bigint();
  const client = clientFor(req, clients);
  if (!client) return failedResult(req, `no ${req.platform} client to look the order up`, 'no_client', elapsedUs(t0));
  let clientOrderId: string | null = null;
  try {
    clientOrderId = await client.clientOrderIdFor(req);
    const rep = await client.lookupLeg(req);
    if (!rep) {
      return emptyResult(req, 'unfilled', elapsedUs(t0), clientOrderId);
    }
    return resultFromReport(req, rep, elapsedUs(t0));
  } catch (err) {
    const kind: ErrorKind = err instanceof VenueError ? err.kind : 'unknown';
    // A failed lookup leaves the outcome unknown, whatever the lookup's own error was.
    return { ...failedResult(req, err instanceof Error ? err.message : String(err), kind, elapsedUs(t0), clientOrderId), status: 'unknown' };
  }
}
