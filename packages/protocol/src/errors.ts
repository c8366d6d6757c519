// Typed protocol failures: what went wrong with a frame, so the receiver can log it and close.

export type ProtocolErrorCode =
  | 'too_large' // frame above MAX_MESSAGE_BYTES
  | 'binary' // binary frames carry no meaning here
  | 'not_json' // not parseable JSON
  | 'invalid' // JSON, but not a message of this protocol (schema)
  | 'unexpected' // a valid message the receiver must not get now (wrong direction or state)
  | 'bad_mac' // the message authentication code does not verify
  | 'bad_seq' // replayed, dropped or reordered message
  | 'version' // the peer speaks another protocol version
  | 'auth' // the handshake failed (wrong secret, replayed handshake, no secret configured)
  | 'timeout'; // the peer did not complete a step in time

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  constructor(code: ProtocolErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

export type Decoded<T> = { ok: true; msg: T } | { ok: false; error: ProtocolError };
