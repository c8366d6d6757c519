// Mutual HMAC-SHA256 challenge-response over TRADER_SECRET.
//
//   controller -> trader   challenge { nonce_c }                       fresh 32 random bytes
//   trader -> controller   hello     { trader_id, nonce_t, mac_t }     mac_t = HMAC(secret, "trader-proof" | nonce_c | nonce_t | id)
//   controller -> trader   auth      { mac_c }                         mac_c = HMAC(secret, "controller-proof" | nonce_c | nonce_t | id)
//
// Each side's proof covers the other side's fresh nonce, so a recorded handshake replayed on a
// new connection fails on both ends; the two proofs carry different labels, so one side's proof
// can never be reflected back as the other's. Both then derive one session key per direction from
// the secret and both nonces (session.ts), which authenticates every later message.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '@parity/trading';
import { MIN_SECRET_LENGTH, PROTOCOL_VERSION } from './version.ts';

const LABEL = `parity/v${PROTOCOL_VERSION}`;

export function newNonce(): string {
  return randomBytes(32).toString('hex');
}

function mac(key: string | Buffer, label: string, nonceC: string, nonceT: string, traderId: string): Buffer {
  return createHmac('sha256', key).update(`${LABEL}/${label}|${nonceC}|${nonceT}|${traderId}`).digest();
}

export function traderProof(secret: string, nonceC: string, nonceT: string, traderId: string): string {
  return mac(secret, 'trader-proof', nonceC, nonceT, traderId).toString('hex');
}

export function controllerProof(secret: string, nonceC: string, nonceT: string, traderId: string): string {
  return mac(secret, 'controller-proof', nonceC, nonceT, traderId).toString('hex');
}

/** Constant-time comparison of two hex digests (false on any length or format difference). */
export function hexEqual(expectedHex: string, gotHex: string): boolean {
  const a = Buffer.from(expectedHex, 'hex');
  const b = Buffer.from(gotHex, 'hex');
  if (a.length === 0 || a.length !== b.length || b.length * 2 !== gotHex.length) return false;
  return timingSafeEqual(a, b);
}

export interface SessionKeys {
  /** Key of controller -> trader messages. */
  c2t: Buffer;
  /** Key of trader -> controller messages. */
  t2c: Buffer;
}

export function sessionKeys(secret: string, nonceC: string, nonceT: string, traderId: string): SessionKeys {
  return {
    c2t: mac(secret, 'session-c2t', nonceC, nonceT, traderId),
    t2c: mac(secret, 'session-t2c', nonceC, nonceT, traderId),
  };
}

/**
 * TRADER_SECRET as a usable key, or a ConfigError that says what to do. Unset or empty returns
 * undefined: the caller decides what "no secret" means (the controller accepts no trader, the
 * trader cannot start).
 */
export function readSecret(raw: string | undefined, name = 'TRADER_SECRET'): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const s = raw.trim();
  if (s.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `${name} is too short (${s.length} characters): use at least ${MIN_SECRET_LENGTH}, e.g. the output of \`openssl rand -hex 32\`, and set the same value on the controller and every trader`,
    );
  }
  return s;
}
