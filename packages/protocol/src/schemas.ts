// Every message of the controller <-> trader protocol, both directions, as zod schemas.
//
// Wire conventions: one JSON object per text frame, discriminated by "type", snake_case fields.
// Money is integers only: prices in Px (1/10,000 $), sizes in Qty (1/100 contract), amounts in
// Micros (1e-6 $). Unknown fields are ignored (stripped); optional fields may be absent or null.
//
// Handshake messages (challenge, hello, auth, and an error before auth) travel in the clear.
// Every later message carries a per-direction sequence number `seq` and is sealed with an HMAC
// under a per-connection session key (session.ts), so nothing can be injected, replayed or
// reordered on the link without the shared secret.

import { z } from 'zod';
import type { ErrorKind, LegStatus, Platform } from '@parity/trading';
import { MAX_ACK_IDS, PROTOCOL_VERSION } from './version.ts';

// ---- enumerations ---------------------------------------------------------------------------

export const PLATFORM_VALUES = ['kalshi', 'polymarket'] as const satisfies readonly Platform[];
export const LEG_STATUS_VALUES = [
  'filled', 'partial', 'unfilled', 'pending', 'rejected', 'unknown', 'dry_run',
] as const satisfies readonly LegStatus[];
export const ERROR_KIND_VALUES = [
  'validation', 'no_client', 'insufficient_balance', 'market_closed', 'market_not_found',
  'duplicate_order', 'rate_limited', 'auth', 'invalid_price', 'invalid_size',
  'order_version_mismatch', 'timeout', 'network', 'venue', 'refused', 'unknown',
] as const satisfies readonly ErrorKind[];

// Compile-time proof that the lists above cover the trading library's unions exactly.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _platformsExact: Exact<(typeof PLATFORM_VALUES)[number], Platform> = true;
const _statusExact: Exact<(typeof LEG_STATUS_VALUES)[number], LegStatus> = true;
const _kindsExact: Exact<(typeof ERROR_KIND_VALUES)[number], ErrorKind> = true;
void [_platformsExact, _statusExact, _kindsExact];

const platform = z.enum(PLATFORM_VALUES);
/** Safe integer (money units, counters). */
const int = z.number().int().refine(Number.isSafeInteger, 'not a safe integer');
const nonNegInt = int.refine((n) => n >= 0, 'must be >= 0');
const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 32 bytes as 64 lowercase hex digits');
/** Leg ids become venue client order ids: printable ASCII, no spaces, bounded. */
const legId = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const optStr = (max: number) => z.string().max(max).nullish();
const seq = int.refine((n) => n >= 1, 'seq starts at 1');

// ---- payloads -------------------------------------------------------------------------------

/**
 * One leg, as LegRequest on the wire. price/contracts are any integers here on purpose: a leg
 * with an out-of-range price is a leg the trader refuses with a reason in leg_result, not a
 * malformed frame that closes the link.
 */
export const WireLeg = z.object({
  leg_id: legId,
  platform,
  action: z.enum(['buy', 'sell']),
  side: z.enum(['yes', 'no']),
  price: int,
  contracts: int,
  kalshi_ticker: optStr(256),
  poly_token: optStr(256),
  created_at_ms: nonNegInt.nullish(),
  time_in_force: z.enum(['ioc', 'fok']).nullish(),
});
export type WireLeg = z.infer<typeof WireLeg>;

/** LegResult on the wire: every fill detail, integers for money. */
export const WireLegResult = z.object({
  leg_id: legId,
  platform,
  success: z.boolean(),
  status: z.enum(LEG_STATUS_VALUES),
  filled_contracts: nonNegInt,
  avg_price: int.nullable(),
  cost_micros: int,
  fees_micros: int,
  venue_order_id: optStr(256),
  client_order_id: optStr(256),
  latency_us: nonNegInt,
  error: optStr(2000),
  error_kind: z.enum(ERROR_KIND_VALUES).nullish(),
});
export type WireLegResult = z.infer<typeof WireLegResult>;

const unusableVenue = z.object({ venue: platform, reason: z.string().max(2000) });

// ---- handshake (clear text) -----------------------------------------------------------------

/** Controller -> trader, first frame on every connection: a fresh random nonce. */
export const Challenge = z.object({
  type: z.literal('challenge'),
  v: int,
  nonce: hex32,
});
/** Trader -> controller: the trader's own fresh nonce and its proof of the secret over both nonces. */
export const Hello = z.object({
  type: z.literal('hello'),
  v: int,
  trader_id: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  nonce: hex32,
  mac: hex32,
});
/** Controller -> trader: the controller's proof of the secret; the trader verifies it before anything else. */
export const Auth = z.object({
  type: z.literal('auth'),
  v: int,
  mac: hex32,
});

/** Either direction, at any time: a reason before closing (sealed after auth). */
export const ErrorMsg = z.object({
  type: z.literal('error'),
  seq: seq.optional(),
  code: z.string().max(64),
  message: z.string().max(2000),
});

// ---- sealed: controller -> trader -----------------------------------------------------------

export const Init = z.object({
  type: z.literal('init'),
  seq,
  /** The controller's dry-run flag. The trader runs dry if this OR its own DRY_RUN says so. */
  dry_run: z.boolean(),
  config: z.object({
    /** Venues the controller will route to traders. */
    venues: z.array(platform).max(2),
    /** How often each side pings. */
    heartbeat_ms: int.refine((n) => n >= 50 && n <= 60_000, '50..60000 ms'),
    /** Silence after which either side drops the link. */
    liveness_timeout_ms: int.refine((n) => n >= 100 && n <= 300_000, '100..300000 ms'),
  }),
});
/** Controller -> trader: the venues this trader is now registered for (it may now get legs). */
export const Registered = z.object({
  type: z.literal('registered'),
  seq,
  venues: z.array(platform).max(2),
});
export const ExecuteLeg = z.object({
  type: z.literal('execute_leg'),
  seq,
  leg: WireLeg,
  /**
   * The deadline, in ms from receipt (relative, so the two clocks need not agree). A trader
   * never starts a leg after its deadline: the controller has stopped waiting and will look it up.
   */
  deadline_in_ms: int.refine((n) => n > 0, '> 0'),
});
/** Controller -> trader: what happened to this leg? (resolveLeg by client order id at the venue). */
export const LookupLeg = z.object({
  type: z.literal('lookup_leg'),
  seq,
  req_id: int,
  leg: WireLeg,
  deadline_in_ms: int.refine((n) => n > 0, '> 0'),
});
/** Controller -> trader: these leg_results were received; the trader stops re-delivering them. */
export const LegAck = z.object({
  type: z.literal('leg_ack'),
  seq,
  leg_ids: z.array(legId).max(MAX_ACK_IDS),
});

// ---- sealed: trader -> controller -----------------------------------------------------------

export const Register = z.object({
  type: z.literal('register'),
  seq,
  /** Venues this trader serves: working credentials, narrowed by TRADER_PLATFORM. */
  venues: z.array(platform).max(2),
  /** The trader's effective dry-run flag (its own DRY_RUN or the controller's). */
  dry_run: z.boolean(),
  /** Venues it does not serve, and why (for the operator). */
  unusable: z.array(unusableVenue).max(2),
});
export const LegResultMsg = z.object({
  type: z.literal('leg_result'),
  seq,
  result: WireLegResult,
  /** True when delivered after a reconnect (the leg finished while the link was down). */
  replay: z.boolean().optional(),
});
export const LookupResult = z.object({
  type: z.literal('lookup_result'),
  seq,
  req_id: int,
  result: WireLegResult,
});

// ---- sealed: both directions ----------------------------------------------------------------

export const Ping = z.object({ type: z.literal('ping'), seq, t: nonNegInt });
export const Pong = z.object({ type: z.literal('pong'), seq, t: nonNegInt });

export const ControllerMessage = z.discriminatedUnion('type', [
  Challenge, Auth, Init, Registered, ExecuteLeg, LookupLeg, LegAck, Ping, Pong, ErrorMsg,
]);
export type ControllerMessage = z.infer<typeof ControllerMessage>;

export const TraderMessage = z.discriminatedUnion('type', [
  Hello, Register, LegResultMsg, LookupResult, Ping, Pong, ErrorMsg,
]);
export type TraderMessage = z.infer<typeof TraderMessage>;

export type Challenge = z.infer<typeof Challenge>;
export type Hello = z.infer<typeof Hello>;
export type Auth = z.infer<typeof Auth>;
export type Init = z.infer<typeof Init>;
export type Registered = z.infer<typeof Registered>;
export type ExecuteLeg = z.infer<typeof ExecuteLeg>;
export type LookupLeg = z.infer<typeof LookupLeg>;
export type LegAck = z.infer<typeof LegAck>;
export type Register = z.infer<typeof Register>;
export type LegResultMsg = z.infer<typeof LegResultMsg>;
export type LookupResult = z.infer<typeof LookupResult>;
export type Ping = z.infer<typeof Ping>;
export type Pong = z.infer<typeof Pong>;
export type ErrorMsg = z.infer<typeof ErrorMsg>;

/** Message types that travel in the clear (before the session key exists). */
export const CLEAR_TYPES: ReadonlySet<string> = new Set(['challenge', 'hello', 'auth', 'error']);

/** Distributive Omit over a union: a message body before the session numbers and seals it. */
export type Unsealed<M> = M extends unknown ? Omit<M, 'seq'> : never;

export { PROTOCOL_VERSION };
