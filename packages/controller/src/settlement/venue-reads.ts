// Public, unauthenticated reads of a market's resolution at both venues (no credentials needed,
// so a pure-router controller can settle too). Off the hot path: one small request per pair per
// poll, on an agent of its own that stop() closes.
//
//   Kalshi      GET {KALSHI_API_BASE}/markets/{ticker} -> {market: {status, result}}
//               resolved = status finalized/settled with result yes|no (kalshi.md §10.3/§10.4)
//   Polymarket  GET {POLY_CLOB_URL}/markets-by-token/{token} -> condition_id (cached), then
//               GET {POLY_CLOB_URL}/markets/{condition_id} -> {closed, tokens[{token_id, winner}]};
//               a closed market without a winner flag (or an unreachable CLOB) is asked of Gamma:
//               GET {POLY_GAMMA_URL}/markets?clob_token_ids={token} -> closed, umaResolutionStatus,
//               outcomePrices ["1","0"] aligned with clobTokenIds (polymarket.md §14).

import { Agent, request } from 'undici';
import type { OutcomeSide } from '@parity/trading';
import type { VenueVerdict } from './verdict.ts';

/** The pair's Polymarket tokens in Kalshi terms; either may be unknown. */
export interface PolyTokens {
  yes?: string | undefined;
  no?: string | undefined;
}

export interface ResolutionReader {
  kalshi(ticker: string): Promise<VenueVerdict>;
  polymarket(tokens: PolyTokens): Promise<VenueVerdict>;
  close(): Promise<void>;
}

export interface HttpReaderOptions {
  kalshiApiBase: string;
  polyClobUrl: string;
  polyGammaUrl: string;
  timeoutMs: number;
}

type Json = Record<string, unknown>;

class ReadError extends Error {}

const KALSHI_FINAL = new Set(['finalized', 'settled']);

/** Kalshi market object -> verdict. */
export function kalshiVerdict(m: Json): VenueVerdict {
  const status = typeof m.status === 'string' ? m.status : '';
  const result = typeof m.result === 'string' ? m.result.toLowerCase() : '';
  const detail = `status ${status || '?'}${result ? `, result ${result}` : ''}`;
  if (!status) return { state: 'unknown', detail: 'market object without a status' };
  if (!KALSHI_FINAL.has(status)) return { state: 'open', detail };
  if (result === 'yes' || result === 'no') return { state: 'resolved', winner: result, detail };
  return { state: 'void', detail };
}

/** The Kalshi-terms side a winning token pays on, given the market's token ids; null if not ours. */
function sideOfWinner(winnerToken: string, marketTokens: readonly string[], t: PolyTokens): OutcomeSide | null {
  if (t.yes !== undefined && winnerToken === t.yes) return 'yes';
  if (t.no !== undefined && winnerToken === t.no) return 'no';
  // Only one of our tokens is known: the other token of the same two-outcome market won.
  if (marketTokens.length === 2) {
    if (t.yes !== undefined && marketTokens.includes(t.yes)) return 'no';
    if (t.no !== undefined && marketTokens.includes(t.no)) return 'yes';
  }
  return null;
}

/** CLOB /markets/{condition_id} object -> verdict (open when closed without a winner flag yet). */
export function clobVerdict(m: Json, t: PolyTokens): VenueVerdict {
  if (typeof m.closed !== 'boolean' || !Array.isArray(m.tokens)) return { state: 'unknown', detail: 'CLOB market without closed/tokens' };
  if (!m.closed) return { state: 'open', detail: 'CLOB market open' };
  const tokens = (m.tokens as Json[]).map((x) => ({ id: String(x.token_id ?? ''), winner: x.winner === true }));
  const winners = tokens.filter((x) => x.winner);
  if (winners.length === 0) return { state: 'open', detail: 'CLOB market closed, no winner yet' };
  if (winners.length > 1) return { state: 'void', detail: `CLOB market closed with ${winners.length} winner flags` };
  const side = sideOfWinner(winners[0]!.id, tokens.map((x) => x.id), t);
  if (!side) return { state: 'unknown', detail: `CLOB winner token ${winners[0]!.id} is not one of the pair's tokens` };
  return { state: 'resolved', winner: side, detail: 'CLOB market closed, winner flagged' };
}

function jsonArray(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v;
  if (typeof v !== 'string') return null;
  try {
    const p = JSON.parse(v) as unknown;
    return Array.isArray(p) ? p : null;
  } catch {
    return null;
  }
}

/** Gamma market object -> verdict (`outcomes`, `clobTokenIds`, `outcomePrices` are JSON strings). */
export function gammaVerdict(m: Json, t: PolyTokens): VenueVerdict {
  if (typeof m.closed !== 'boolean') return { state: 'unknown', detail: 'Gamma market without closed' };
  const uma = typeof m.umaResolutionStatus === 'string' ? m.umaResolutionStatus : '';
  const detail = `Gamma closed ${m.closed}${uma ? `, UMA ${uma}` : ''}`;
  if (!m.closed || (uma !== '' && uma !== 'resolved')) return { state: 'open', detail };
  const tokens = (jsonArray(m.clobTokenIds) ?? jsonArray(m.positionIds) ?? []).map(String);
  const prices = (jsonArray(m.outcomePrices) ?? []).map((x) => Number(x));
  if (tokens.length !== 2 || prices.length !== 2 || prices.some((x) => !Number.isFinite(x))) return { state: 'unknown', detail: `${detail}, unreadable tokens/prices` };
  const won = prices.findIndex((x) => x === 1);
  if (won < 0 || prices[1 - won] !== 0) {
    // Closed and resolved without a 1/0 split (e.g. 0.5/0.5): no definite winner.
    return uma === 'resolved' ? { state: 'void', detail: `${detail}, prices ${prices.join('/')}` } : { state: 'open', detail: `${detail}, prices ${prices.join('/')}` };
  }
  const side = sideOfWinner(tokens[won]!, tokens, t);
  if (!side) return { state: 'unknown', detail: `${detail}, winner token is not one of the pair's tokens` };
  return { state: 'resolved', winner: side, detail: `${detail}, prices ${prices.join('/')}` };
}

export class HttpResolutionReader implements ResolutionReader {
  private readonly o: HttpReaderOptions;
  private readonly agent: Agent;
  /** token -> condition id (never changes for a token). */
  private readonly conditionOf = new Map<string, string>();

  constructor(o: HttpReaderOptions) {
    this.o = o;
    this.agent = new Agent({ connections: 2, keepAliveTimeout: 10_000, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs, connectTimeout: o.timeoutMs });
  }

  private async get(url: string): Promise<{ status: number; body: unknown }> {
    let res;
    try {
      res = await request(url, { method: 'GET', dispatcher: this.agent, headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.o.timeoutMs) });
    } catch (err) {
      throw new ReadError(`${new URL(url).origin} unreachable: ${(err as Error).message}`);
    }
    const text = await res.body.text();
    if (res.statusCode === 404) return { status: 404, body: null };
    if (res.statusCode !== 200) throw new ReadError(`HTTP ${res.statusCode} from ${new URL(url).pathname}`);
    try {
      return { status: 200, body: JSON.parse(text) as unknown };
    } catch {
      throw new ReadError(`non-JSON answer from ${new URL(url).pathname}`);
    }
  }

  async kalshi(ticker: string): Promise<VenueVerdict> {
    try {
      const r = await this.get(`${this.o.kalshiApiBase}/markets/${encodeURIComponent(ticker)}`);
      if (r.status === 404) return { state: 'unknown', detail: `Kalshi market ${ticker} not found` };
      const m = (r.body as Json | null)?.market;
      if (typeof m !== 'object' || m === null) return { state: 'unknown', detail: 'Kalshi answer without a market object' };
      return kalshiVerdict(m as Json);
    } catch (err) {
      return { state: 'unknown', detail: (err as Error).message };
    }
  }

  async polymarket(t: PolyTokens): Promise<VenueVerdict> {
    const token = t.yes ?? t.no;
    if (token === undefined) return { state: 'unknown', detail: 'no Polymarket token known for the pair' };
    let clob: VenueVerdict;
    let closed = false;
    try {
      ({ verdict: clob, closed } = await this.clob(token, t));
    } catch (err) {
      clob = { state: 'unknown', detail: `CLOB: ${(err as Error).message}` };
    }
    if (clob.state === 'resolved' || clob.state === 'void') return clob;
    if (clob.state === 'open' && !closed) return clob;
    // Closed without a winner flag yet, or CLOB unreadable: Gamma may already know.
    try {
      const r = await this.get(`${this.o.polyGammaUrl}/markets?clob_token_ids=${encodeURIComponent(token)}`);
      const list = r.status === 200 && Array.isArray(r.body) ? (r.body as Json[]) : [];
      if (list.length !== 1) return clob.state === 'unknown' ? { state: 'unknown', detail: `${clob.detail}; Gamma: ${list.length} markets for the token` } : clob;
      const g = gammaVerdict(list[0]!, t);
      return g.state === 'unknown' ? clob : g;
    } catch (err) {
      return clob.state === 'unknown' ? { state: 'unknown', detail: `${clob.detail}; Gamma: ${(err as Error).message}` } : clob;
    }
  }

  private async clob(token: string, t: PolyTokens): Promise<{ verdict: VenueVerdict; closed: boolean }> {
    let cid = this.conditionOf.get(token);
    if (cid === undefined) {
      const r = await this.get(`${this.o.polyClobUrl}/markets-by-token/${encodeURIComponent(token)}`);
      const c = (r.body as Json | null)?.condition_id;
      if (r.status === 404 || typeof c !== 'string' || c === '') return { verdict: { state: 'unknown', detail: `CLOB knows no market for token ${token}` }, closed: false };
      cid = c;
      this.conditionOf.set(token, cid);
    }
    const r = await this.get(`${this.o.polyClobUrl}/markets/${encodeURIComponent(cid)}`);
    if (r.status === 404 || typeof r.body !== 'object' || r.body === null) return { verdict: { state: 'unknown', detail: `CLOB market ${cid} not found` }, closed: false };
    const m = r.body as Json;
    return { verdict: clobVerdict(m, t), closed: m.closed === true };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
