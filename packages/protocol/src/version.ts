// The controller <-> trader protocol version and its fixed limits. Both ends must speak the
// same version: a mismatch ends the handshake with a clear error instead of guessing.

export const PROTOCOL_VERSION = 1;

/** Largest frame either side accepts, in bytes. A leg message is well under 1 KiB. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** Shortest TRADER_SECRET accepted: an HMAC key of a few characters is guessable offline. */
export const MIN_SECRET_LENGTH = 16;

/** Most leg ids one leg_ack may carry. */
export const MAX_ACK_IDS = 1000;
