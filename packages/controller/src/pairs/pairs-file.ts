// PAIRS_FILE: the pairs to trade, YAML or JSON (same structure; JSON is read as YAML 1.2, so one
// parser gives source positions for both). Format: README.md, "Pairs file" —
//
//   version: 1
//   pairs:
//     - id: …                        optional, defaults to kalshi_ticker, unique
//       description: "…"
//       kalshi_ticker: KX…
//       poly_yes_token: "7132…"      Polymarket outcome token listed first
//       poly_no_token: "5211…"
//       kalshi_yes_pays_with: poly_yes | poly_no   REQUIRED
//       league, market_type, poly_neg_risk         optional
//
// Validated with zod at startup; every problem is reported with file:line:column. Entries are
// normalized to model.ts `Pair`, where polyYesToken is the token that pays when Kalshi YES pays.

import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '@parity/trading';
import type { Pair } from '../model.ts';

export class PairsFileError extends ConfigError {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = 'PairsFileError';
  }
}

const TOKEN_ID = /^[0-9]{1,90}$/;
const TICKER = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const pairEntrySchema = z
  .object({
    id: z.string().trim().min(1, 'must not be empty').optional(),
    description: z.string().trim().min(1, 'must not be empty'),
    kalshi_ticker: z.string().trim().regex(TICKER, 'must be a Kalshi market ticker such as KXNBAGAME-26NOV25LALBOS-LAL'),
    poly_yes_token: z.string().trim().regex(TOKEN_ID, 'must be a Polymarket token id (a decimal number, quoted)'),
    poly_no_token: z.string().trim().regex(TOKEN_ID, 'must be a Polymarket token id (a decimal number, quoted)'),
    kalshi_yes_pays_with: z.enum(['poly_yes', 'poly_no'], {
      error: 'must say which Polymarket token pays when Kalshi YES pays: poly_yes or poly_no',
    }),
    league: z.string().trim().min(1).optional(),
    market_type: z.enum(['moneyline', 'spread', 'total', 'btts', 'esports']).optional(),
    poly_neg_risk: z.boolean().optional(),
  })
  .strict()
  .refine((e) => e.poly_yes_token !== e.poly_no_token, {
    message: 'poly_yes_token and poly_no_token are the same token',
    path: ['poly_no_token'],
  });

const pairsFileSchema = z
  .object({
    version: z.literal(1, { error: 'must be 1' }),
    pairs: z.array(pairEntrySchema),
  })
  .strict();

export type PairEntry = z.infer<typeof pairEntrySchema>;

/** Token ids are 70+ digit numbers: unquoted they would lose precision as JS numbers, so take the source text. */
function keepTokenDigits(doc: Document): void {
  const pairs = doc.get('pairs', true);
  if (!isSeq(pairs)) return;
  for (const item of pairs.items) {
    if (!isMap(item)) continue;
    for (const key of ['poly_yes_token', 'poly_no_token']) {
      const node = item.get(key, true);
      if (isScalar(node) && typeof node.value === 'number' && typeof node.source === 'string') node.value = node.source;
    }
  }
}

function position(doc: Document, lc: LineCounter, path: readonly PropertyKey[]): string {
  // Walk down as far as the path exists (a missing key points at its parent).
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true)) as Node | null | undefined;
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      const { line, col } = lc.linePos(node.range[0]);
      return `${line}:${col}`;
    }
  }
  return '1:1';
}

function pathLabel(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s || '(file)';
}

/** Parse and validate PAIRS_FILE text. `name` is used in messages. Throws PairsFileError. */
export function parsePairsText(text: string, name: string): Pair[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
      return `${name}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`;
    });
    throw new PairsFileError(`PAIRS_FILE ${name} is not valid YAML/JSON:\n  ${problems.join('\n  ')}`, problems);
  }
  keepTokenDigits(doc);
  const parsed = pairsFileSchema.safeParse(doc.toJS());
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 50)) {
      let msg = issue.message;
      if (issue.code === 'unrecognized_keys') msg = `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (check the spelling; see the PAIRS_FILE format)`;
      problems.push(`${name}:${position(doc, lc, issue.path)}: ${pathLabel(issue.path)}: ${msg}`);
    }
  } else {
    const seen = new Map<string, number>();
    parsed.data.pairs.forEach((e, i) => {
      const id = e.id ?? e.kalshi_ticker;
      const prev = seen.get(id);
      if (prev !== undefined) {
        problems.push(`${name}:${position(doc, lc, ['pairs', i])}: pairs[${i}]: id ${JSON.stringify(id)} is already used by pairs[${prev}] (ids default to kalshi_ticker; set a distinct id)`);
      } else {
        seen.set(id, i);
      }
    });
  }
  if (problems.length > 0 || !parsed.success) {
    throw new PairsFileError(`PAIRS_FILE ${name} is invalid:\n  ${problems.join('\n  ')}`, problems);
  }
  return parsed.data.pairs.map(toPair);
}

/** Normalize one entry: polyYesToken becomes the token that pays when Kalshi YES pays. */
export function toPair(e: PairEntry): Pair {
  const swap = e.kalshi_yes_pays_with === 'poly_no';
  return {
    id: e.id ?? e.kalshi_ticker,
    description: e.description,
    kalshiTicker: e.kalshi_ticker,
    polyYesToken: swap ? e.poly_no_token : e.poly_yes_token,
    polyNoToken: swap ? e.poly_yes_token : e.poly_no_token,
    league: e.league,
    marketType: e.market_type,
    source: 'file',
  };
}

/** Read and validate a PAIRS_FILE. Throws PairsFileError (a ConfigError) with the line and the problem. */
export function loadPairsFile(path: string): Pair[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PairsFileError(`cannot read PAIRS_FILE ${path}: ${(e as Error).message}; set PAIRS_FILE to an existing YAML or JSON file`, []);
  }
  return parsePairsText(text, path);
}
