// Paired candidates -> PAIRS_FILE entries (README.md, "Pairs file") and controller Pairs.
// Only verdict "paired" ever leaves discovery as a pair: review and rejected candidates never do.

import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import YAML from 'yaml';
import type { Pair } from '../model.ts';
import type { Candidate, DiscoveryResult } from './types.ts';

export interface PairsFileEntryOut {
  id: string;
  description: string;
  kalshi_ticker: string;
  /** Polymarket outcome token listed first. */
  poly_yes_token: string;
  poly_no_token: string;
  kalshi_yes_pays_with: 'poly_yes' | 'poly_no';
  league: string;
  market_type: Candidate['marketType'];
  poly_neg_risk?: boolean;
}

function tradable(c: Candidate): c is Candidate & { orientation: NonNullable<Candidate['orientation']>; polyTokens: [string, string]; polySlug: string } {
  return c.verdict === 'paired' && c.orientation !== null && c.polyTokens !== null && c.polySlug !== null;
}

export function describeCandidate(c: Candidate): string {
  const what = c.kalshiTitle || c.kalshiEventTicker;
  return `${what} | Kalshi ${c.kalshiTicker} YES = Polymarket ${c.polySlug ?? '?'} "${c.orientation?.yesOutcome ?? '?'}"`;
}

export function pairsFileEntries(result: DiscoveryResult): PairsFileEntryOut[] {
  return result.candidates.filter(tradable).map((c) => ({
    id: c.kalshiTicker,
    description: describeCandidate(c),
    kalshi_ticker: c.kalshiTicker,
    poly_yes_token: c.polyTokens[0],
    poly_no_token: c.polyTokens[1],
    kalshi_yes_pays_with: c.orientation.yesIndex === 0 ? 'poly_yes' : 'poly_no',
    league: c.league,
    market_type: c.marketType,
    ...(c.polyNegRisk !== null ? { poly_neg_risk: c.polyNegRisk } : {}),
  }));
}

export function pairsFileText(result: DiscoveryResult): string {
  const entries = pairsFileEntries(result);
  const head = `# Written by \`parity discover\` at ${new Date(result.startedAtMs).toISOString()}: ${entries.length} pairs (verdict "paired" only).\n`;
  // Token ids are 77-digit numbers: keep them strings (quoted) so no reader turns them into floats.
  const doc = new YAML.Document({ version: 1, pairs: entries });
  YAML.visit(doc, {
    Pair(_, p) {
      const k = YAML.isScalar(p.key) ? p.key.value : null;
      if ((k === 'poly_yes_token' || k === 'poly_no_token') && YAML.isScalar(p.value)) p.value.type = 'QUOTE_DOUBLE';
    },
  });
  return head + doc.toString({ lineWidth: 0 });
}

export function writePairsFile(path: string, result: DiscoveryResult): number {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, pairsFileText(result));
  return pairsFileEntries(result).length;
}

/** The controller's Pair for a paired candidate (polyYesToken pays when Kalshi YES pays). */
export function candidateToPair(c: Candidate): Pair | null {
  if (!tradable(c)) return null;
  return {
    id: c.kalshiTicker,
    description: describeCandidate(c),
    kalshiTicker: c.kalshiTicker,
    polyYesToken: c.orientation.yesToken,
    polyNoToken: c.orientation.noToken,
    league: c.league,
    marketType: c.marketType,
    source: 'discovery',
  };
}

export function discoveredPairs(result: DiscoveryResult): Pair[] {
  return result.candidates.map(candidateToPair).filter((p): p is Pair => p !== null);
}
