// A forward-only reader over one JSON object's members, for the Polymarket `price_change` fast
// path when the members come in an order it does not know (price-change-frame.ts). JSON.parse
// builds an object graph and a string per field; reading the few we need in place is cheaper.
//
// It is an accelerator, never the authority: every method reports failure on anything it does
// not fully understand (escapes, nesting where a scalar is expected, malformed numbers, a missing
// brace), and the caller then hands the whole frame to JSON.parse and the full validation path.
// So a frame is either read exactly as JSON.parse would read it, or not read here at all.
//
// Not checked in strings: raw control characters (JSON forbids them; no venue sends them, and the
// fields the fast paths use are validated by content anyway).

const QUOTE = 34; // "
const COMMA = 44;
const COLON = 58;
const MINUS = 45;
const DOT = 46;

export class JsonCursor {
  /** The text being read. */
  s = '';
  /** Read position. */
  i = 0;
  /** Bounds of the last string read by str(), without its quotes: s.slice(a, b). */
  a = 0;
  b = 0;

  /**
   * Start reading `text`. False when it contains a backslash (an escape anywhere makes every
   * string boundary suspect, so such frames always take the full parser).
   */
  reset(text: string): boolean {
    this.s = text;
    this.i = 0;
    return text.indexOf('\\') < 0;
  }

  /** Skip whitespace; return the next character code (NaN at the end). */
  peek(): number {
    const s = this.s;
    let i = this.i;
    let c = s.charCodeAt(i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = s.charCodeAt(++i);
    this.i = i;
    return c;
  }

  /** Consume character `c` (after whitespace). */
  eat(c: number): boolean {
    if (this.peek() !== c) return false;
    this.i++;
    return true;
  }

  /** True at the end of the text (only whitespace left). */
  atEnd(): boolean {
    const c = this.peek();
    return c !== c;
  }

  /** Read a string (no escapes, guaranteed by reset) into [a, b). */
  str(): boolean {
    if (this.peek() !== QUOTE) return false;
    const start = this.i + 1;
    const end = this.s.indexOf('"', start);
    if (end < 0) return false;
    this.a = start;
    this.b = end;
    this.i = end + 1;
    return true;
  }

  /** Read an object key and its colon; the key is in [a, b). */
  key(): boolean {
    return this.str() && this.eat(COLON);
  }

  /** Does the last string read equal `lit`? */
  is(lit: string): boolean {
    const a = this.a;
    const n = lit.length;
    if (this.b - a !== n) return false;
    // A plain loop: String.prototype.startsWith(lit, pos) is a slow runtime call in V8.
    const s = this.s;
    for (let k = 0; k < n; k++) if (s.charCodeAt(a + k) !== lit.charCodeAt(k)) return false;
    return true;
  }

  /** After a member: true if another follows (comma consumed), false at `close` (consumed), null otherwise. */
  next(close: number): boolean | null {
    const c = this.peek();
    this.i++;
    if (c === COMMA) return true;
    if (c === close) return false;
    return null;
  }

  /** Skip a string, number, true, false or null. False for objects, arrays or anything malformed. */
  skipScalar(): boolean {
    const c = this.peek();
    if (c === QUOTE) return this.str();
    if (c === MINUS || isDigit(c)) return this.skipNumber();
    const s = this.s;
    const i = this.i;
    if (c === 116 && s.startsWith('true', i)) this.i = i + 4;
    else if (c === 102 && s.startsWith('false', i)) this.i = i + 5;
    else if (c === 110 && s.startsWith('null', i)) this.i = i + 4;
    else return false;
    return true;
  }

  /** JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  private skipNumber(): boolean {
    const s = this.s;
    let i = this.i;
    if (s.charCodeAt(i) === MINUS) i++;
    let c = s.charCodeAt(i);
    if (c === 48) c = s.charCodeAt(++i);
    else if (isDigit(c)) {
      do c = s.charCodeAt(++i);
      while (isDigit(c));
    } else return false;
    if (c === DOT) {
      c = s.charCodeAt(++i);
      if (!isDigit(c)) return false;
      do c = s.charCodeAt(++i);
      while (isDigit(c));
    }
    if (c === 101 || c === 69) {
      c = s.charCodeAt(++i);
      if (c === 43 || c === MINUS) c = s.charCodeAt(++i);
      if (!isDigit(c)) return false;
      do c = s.charCodeAt(++i);
      while (isDigit(c));
    }
    this.i = i;
    return true;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
