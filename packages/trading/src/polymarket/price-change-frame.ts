// The fast path of the Polymarket feed: read a well-formed `price_change` frame (current schema,
// spec polymarket.md §12) in place, without JSON.parse. The two member orders seen in practice
// are matched whole by regexes; any other order (event_type may be absent) is read member by
// member by the cursor. Items are matched in the venue's key order (hash optional) by a regex.
// Anything else — another event, an array frame, the legacy schema, another item layout,
// whitespace between items, a number needing the full parser, a level outside (0, 1), too many
// items, escapes — returns false and the session takes its full path (JSON.parse + validation +
// bad-frame accounting).
//
//   {"event_type":"price_change","market":"0x…","timestamp":"1757908892351",
//    "price_changes":[{"asset_id":"…","price":"0.5","size":"200","side":"BUY","hash":"…",
//                      "best_bid":"0.5","best_ask":"1"}, …]}

import { JsonCursor } from '../json-cursor.ts';
import { fastScaledIn } from '../market-data-common.ts';
import { PX_ONE } from '../units.ts';

const OPEN = 123; // {
const CLOSE = 125; // }
const OPEN_ARRAY = 91; // [
const CLOSE_ARRAY = 93; // ]
const COMMA = 44;

/** Items per frame the fast path holds; a bigger frame (rare) takes the full parser. */
export const MAX_FAST_ITEMS = 16;

/** The decoded items of one price_change frame (reused across frames). */
export class PriceChangeFrame {
  n = 0;
  /** Item k's token id is text.slice(assetStart[k], assetEnd[k]) (looked up in place, never cut out). */
  readonly assetStart = new Int32Array(MAX_FAST_ITEMS);
  readonly assetEnd = new Int32Array(MAX_FAST_ITEMS);
  /** true = bid (BUY), false = ask (SELL). */
  readonly bid: boolean[] = new Array<boolean>(MAX_FAST_ITEMS).fill(false);
  /** Px. */
  readonly price = new Int32Array(MAX_FAST_ITEMS);
  /** Qty (>= 0; 0 removes the level). */
  readonly size = new Float64Array(MAX_FAST_ITEMS);
  /** The venue's top of book after the change, Px; -1 = not sent. */
  readonly bestBid = new Int32Array(MAX_FAST_ITEMS);
  readonly bestAsk = new Int32Array(MAX_FAST_ITEMS);
}

const cur = new JsonCursor();

// JSON pieces: a decimal string we read exactly, a string without escapes or control characters.
const PRICE = '0?\\.\\d{1,4}';
const SIZE = '(?:0|[1-9]\\d{0,11})(?:\\.\\d{1,2})?';
const TOP = '(?:[01](?:\\.\\d{1,4})?|\\.\\d{1,4})?';
const STR = '[^"\\\\\\u0000-\\u001f]';
const TS = '"timestamp":"\\d{0,20}"';

/**
 * One item as Polymarket (and the simulator) serialize it, key order included; sticky, so it is
 * matched exactly at lastIndex. Native regex code reads the ~250-character item several times
 * faster than a scanner in JS; the fields are then found at fixed offsets from the delimiters.
 */
const ITEM = new RegExp(
  `\\{"asset_id":"\\d{1,100}","price":"${PRICE}","size":"${SIZE}","side":"(?:BUY|SELL)",(?:"hash":"${STR}*",)?` +
    `"best_bid":"${TOP}","best_ask":"${TOP}"\\}`,
  'y',
);
const ASSET_AT = '{"asset_id":"'.length;
const PRICE_AFTER = '","price":"'.length;
const SIZE_AFTER = '","size":"'.length;
const SIDE_AFTER = '","side":"'.length;
const HASH_AFTER = '","hash":"'.length;
const BEST_AFTER = '","best_bid":"'.length; // same length for best_ask

// The two member orders seen in practice, matched whole: head, items, exact tail.
const HEAD_SPEC = new RegExp(`\\{"event_type":"price_change","market":"${STR}*",${TS},"price_changes":`, 'y');
const HEAD_MARKET_FIRST = new RegExp(`\\{"market":"${STR}*","price_changes":`, 'y');
const TAIL_MARKET_FIRST = new RegExp(`,${TS},"event_type":"price_change"\\}`, 'y');

/** Read `text` into `out` if it is a well-formed price_change event; false = use the full parser. */
export function readPriceChange(text: string, out: PriceChangeFrame): boolean {
  if (text.indexOf('\\') >= 0) return false; // an escape anywhere: the full parser
  return readKnownLayout(text, out) || readAnyOrder(text, out);
}

function readKnownLayout(s: string, out: PriceChangeFrame): boolean {
  HEAD_SPEC.lastIndex = 0;
  if (HEAD_SPEC.test(s)) {
    const end = readItems(s, HEAD_SPEC.lastIndex, out);
    return end === s.length - 1 && s.charCodeAt(end) === CLOSE;
  }
  HEAD_MARKET_FIRST.lastIndex = 0;
  if (HEAD_MARKET_FIRST.test(s)) {
    const end = readItems(s, HEAD_MARKET_FIRST.lastIndex, out);
    if (end < 0) return false;
    TAIL_MARKET_FIRST.lastIndex = end;
    return TAIL_MARKET_FIRST.test(s) && TAIL_MARKET_FIRST.lastIndex === s.length;
  }
  return false;
}

/** Members in any order, whitespace allowed between them (the cursor). */
function readAnyOrder(text: string, out: PriceChangeFrame): boolean {
  const c = cur;
  if (!c.reset(text) || !c.eat(OPEN)) return false;
  let items = false;
  for (;;) {
    if (!c.key()) return false;
    if (c.is('event_type')) {
      // Optional: venues also send price changes without it (identified by price_changes).
      if (!c.str() || !c.is('price_change')) return false;
    } else if (c.is('price_changes')) {
      c.peek();
      const end = readItems(text, c.i, out);
      if (end < 0) return false;
      c.i = end;
      items = true;
    } else if (!c.skipScalar()) return false;
    const more = c.next(CLOSE);
    if (more === null) return false;
    if (!more) break;
  }
  return items && c.atEnd();
}

/**
 * The items array starting at s[at] === '[' (compact: no whitespace between items). Returns the
 * index just after its ']', or -1.
 */
function readItems(s: string, at: number, out: PriceChangeFrame): number {
  out.n = 0;
  if (s.charCodeAt(at) !== OPEN_ARRAY) return -1;
  let i = at + 1;
  if (s.charCodeAt(i) === CLOSE_ARRAY) return i + 1;
  for (;;) {
    const k = out.n;
    if (k === MAX_FAST_ITEMS) return -1;
    ITEM.lastIndex = i;
    if (!ITEM.test(s)) return -1;
    const assetAt = i + ASSET_AT;
    const assetEnd = s.indexOf('"', assetAt);
    const priceAt = assetEnd + PRICE_AFTER;
    const priceEnd = s.indexOf('"', priceAt);
    const sizeAt = priceEnd + SIZE_AFTER;
    const sizeEnd = s.indexOf('"', sizeAt);
    const sideAt = sizeEnd + SIDE_AFTER;
    const bid = s.charCodeAt(sideAt) === 66; // B(UY)
    const sideEnd = sideAt + (bid ? 3 : 4);
    // The hash is optional (older frames): `","hash":"…","best_bid":"` or `","best_bid":"`.
    const bbAt = (s.charCodeAt(sideEnd + 3) === 104 /* h */ ? s.indexOf('"', sideEnd + HASH_AFTER) : sideEnd) + BEST_AFTER;
    const bbEnd = s.indexOf('"', bbAt);
    const baAt = bbEnd + BEST_AFTER;
    const baEnd = s.indexOf('"', baAt);
    const price = fastScaledIn(s, priceAt, priceEnd, 4);
    if (!(price > 0 && price < PX_ONE)) return -1;
    out.assetStart[k] = assetAt;
    out.assetEnd[k] = assetEnd;
    out.bid[k] = bid;
    out.price[k] = price;
    out.size[k] = fastScaledIn(s, sizeAt, sizeEnd, 2);
    out.bestBid[k] = bbEnd === bbAt ? -1 : fastScaledIn(s, bbAt, bbEnd, 4); // "" = absent
    out.bestAsk[k] = baEnd === baAt ? -1 : fastScaledIn(s, baAt, baEnd, 4);
    out.n = k + 1;
    i = ITEM.lastIndex;
    const c = s.charCodeAt(i);
    if (c === CLOSE_ARRAY) return i + 1;
    if (c !== COMMA) return -1;
    i++;
  }
}
