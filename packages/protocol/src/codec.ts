// Frame-level checks and clear-text parsing: the typed-error front door for every frame.

import type { z } from 'zod';
import { ProtocolError, type Decoded } from './errors.ts';
import { describeZodError } from './session.ts';
import { MAX_MESSAGE_BYTES } from './version.ts';

/** What ws hands to a 'message' listener. */
export type RawFrame = Buffer | ArrayBuffer | Buffer[] | string;

/** A frame as text, or a typed error: binary frames and frames above the size limit are refused. */
export function frameText(data: RawFrame, isBinary: boolean, maxBytes = MAX_MESSAGE_BYTES): Decoded<string> {
  if (isBinary) return { ok: false, error: new ProtocolError('binary', 'binary frames are not part of the protocol') };
  let buf: Buffer | string;
  if (typeof data === 'string') buf = data;
  else if (Array.isArray(data)) buf = Buffer.concat(data);
  else if (data instanceof ArrayBuffer) buf = Buffer.from(data);
  else buf = data;
  const size = typeof buf === 'string' ? Buffer.byteLength(buf) : buf.length;
  if (size > maxBytes) return { ok: false, error: new ProtocolError('too_large', `frame of ${size} bytes exceeds the ${maxBytes}-byte limit`) };
  return { ok: true, msg: typeof buf === 'string' ? buf : buf.toString('utf8') };
}

/** Parse a clear-text (handshake) message against a schema. */
export function parseClear<T>(text: string, schema: z.ZodType<T>): Decoded<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: new ProtocolError('not_json', 'frame is not JSON') };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, error: new ProtocolError('invalid', describeZodError(parsed.error)) };
  return { ok: true, msg: parsed.data };
}

/** Parse any frame (size, JSON, schema) without a session: for tools and tests. */
export function parseMessage<T>(data: RawFrame, schema: z.ZodType<T>, isBinary = false): Decoded<T> {
  const text = frameText(data, isBinary);
  if (!text.ok) return text;
  return parseClear(text.msg, schema);
}
