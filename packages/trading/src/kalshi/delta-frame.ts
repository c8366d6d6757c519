// The fast path of the Kalshi feed: read a well-formed `orderbook_delta` frame in place
// (spec kalshi.md §5.4) without JSON.parse. Anything else — another type, another key order, a
// missing or odd field, a number needing the full parser, a price outside (0, 1), escapes —
// returns false and the session takes its full path (JSON.parse + validation + bad frames).
//
//   {"type":"orderbook_delta","sid":1,"seq":3,"msg":{"market_ticker":"…","market_id":"…",
//    "price_dollars":"0.0800","delta_fp":"-350.00","side":"yes","ts_ms":1768932755691}}

import { fastScaledIn } from '../market-data-common.ts';
import { PX_ONE, type Px, type Qty } from '../units.ts';

/** One decoded delta (reused across frames). */
export class KalshiDeltaFrame {
  sid = 0;
  seq = 0;
  /** The market ticker is text.slice(tickerStart, tickerEnd) (looked up in place, never cut out). */
  tickerStart = 0;
  tickerEnd = 0;
  yes = false;
  price: Px = 0;
  delta: Qty = 0;
}

// JSON pieces: an integer without leading zeros, a string without escapes or control characters.
const INT = '(?:0|[1-9]\\d{0,14})';
const STR = '[^"\\\\\\u0000-\\u001f]';
/**
 * The delta as Kalshi (and the simulator) serialize it, key order included. A match is valid JSON
 * whose fields are exactly where readKalshiDelta looks for them; the regex is compiled to native
 * code by V8, several times cheaper than JSON.parse or a hand-written scanner in JS.
 */
const DELTA = new RegExp(
  `^\\{"type":"orderbook_delta","sid":${INT},"seq":${INT},"msg":\\{"market_ticker":"${STR}+","market_id":"${STR}*",` +
    `"price_dollars":"0\\.\\d{1,4}","delta_fp":"-?${INT}(?:\\.\\d{1,2})?","side":"(?:yes|no)"` +
    `(?:,"ts_ms":${INT})?(?:,"client_order_id":"${STR}*")?(?:,"subaccount":${INT})?\\}\\}$`,
);

/** Offsets of the fixed pieces between the fields. */
const SID_AT = '{"type":"orderbook_delta","sid":'.length;
const SEQ_AFTER = ',"seq":'.length;
const TICKER_AFTER = ',"msg":{"market_ticker":"'.length;
const ID_AFTER = '","market_id":"'.length;
const PRICE_AFTER = '","price_dollars":"'.length;
const DELTA_AFTER = '","delta_fp":"'.length;
const SIDE_AFTER = '","side":"'.length;

/** Read `text` into `out` if it is a well-formed orderbook_delta; false = use the full parser. */
export function readKalshiDelta(text: string, out: KalshiDeltaFrame): boolean {
  if (text.length < 120 || text.charCodeAt(9) !== 111 /* o of orderbook_ */ || !DELTA.test(text)) return false;
  const sidEnd = text.indexOf(',', SID_AT);
  const seqAt = sidEnd + SEQ_AFTER;
  const seqEnd = text.indexOf(',', seqAt);
  const tickerAt = seqEnd + TICKER_AFTER;
  const tickerEnd = text.indexOf('"', tickerAt);
  const idEnd = text.indexOf('"', tickerEnd + ID_AFTER);
  const priceAt = idEnd + PRICE_AFTER;
  const priceEnd = text.indexOf('"', priceAt);
  const deltaAt = priceEnd + DELTA_AFTER;
  const deltaEnd = text.indexOf('"', deltaAt);
  const price = fastScaledIn(text, priceAt, priceEnd, 4);
  const delta = fastScaledIn(text, deltaAt, deltaEnd, 2);
  if (!(price > 0 && price < PX_ONE) || delta !== delta) return false;
  out.sid = digits(text, SID_AT, sidEnd);
  out.seq = digits(text, seqAt, seqEnd);
  out.tickerStart = tickerAt;
  out.tickerEnd = tickerEnd;
  out.yes = text.charCodeAt(deltaEnd + SIDE_AFTER) === 121; // y
  out.price = price;
  out.delta = delta;
  return true;
}

/** The integer in text[a, b) (validated by the regex: digits only, at most 15). */
function digits(text: string, a: number, b: number): number {
  let v = 0;
  for (let i = a; i < b; i++) v = v * 10 + text.charCodeAt(i) - 48;
  return v;
}
