// A local stand-in for the Polymarket CLOB on 127.0.0.1 for the client tests: it verifies the L1
// signature and the L2 HMAC of every private call, verifies order signatures (viem, independent of
// the code under test), and answers like the CLOB. Behaviour per test through `onOrder`.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { recoverTypedDataAddress, verifyTypedData, type Hex } from 'viem';
import { POLY_ORDER_TYPE_STRING } from '../src/polymarket/contracts.ts';

export interface Captured {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

export interface MarketDef {
  conditionId: string;
  tokens: string[];
  tick: number;
  negRisk: boolean;
  fee?: { r: number; e: number; to: boolean };
  minSize?: number;
  /** Known only to /tick-size and /neg-risk (no /markets-by-token entry). */
  legacyOnly?: boolean;
}

export interface OrderAnswer {
  status: number;
  json: unknown;
  /** Never answer (the client must time out). */
  hang?: boolean;
}

export interface ServerOptions {
  creds: { key: string; secret: string; passphrase: string };
  /** The EOA expected in POLY_ADDRESS. */
  address: string;
  markets?: MarketDef[];
  version?: number;
  chainId?: number;
  /** Decides the answer to a verified POST /order; default: fully matched. */
  onOrder?: (body: OrderBody) => OrderAnswer;
  /** Credentials returned by POST /auth/api-key (null: answer 400 as when the key exists). */
  createdCreds?: { apiKey: string; secret: string; passphrase: string } | null;
}

export interface OrderBody {
  order: Record<string, string | number>;
  owner: string;
  orderType: string;
  deferExec: boolean;
  postOnly: boolean;
}

const ORDER_FIELDS = POLY_ORDER_TYPE_STRING.slice(6, -1).split(',').map((f) => {
  const [type, name] = f.split(' ');
  return { name: name!, type: type! };
});

const EXCHANGES: Record<string, string> = {
  false: '0xE111180000d2663C0091e4f400237545B87B996B',
  true: '0xe2222d279d744050d28e00520010520000310F59',
};

function hmac(secret: string, msg: string): string {
  const key = Buffer.from(secret.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return createHmac('sha256', key).update(msg).digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export class FakeClob {
  readonly requests: Captured[] = [];
  /** Orders accepted, by order hash, as GET /data/order returns them. */
  readonly orders = new Map<string, Record<string, unknown>>();
  url = '';
  private server: Server;
  private readonly hung: ServerResponse[] = [];

  constructor(readonly opts: ServerOptions) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err: unknown) => {
          this.send(res, 500, { error: `test server: ${err instanceof Error ? err.message : String(err)}` });
        });
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const r of this.hung) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  private send(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(json);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://x');
    const headers: Record<string, string> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i]!] = req.rawHeaders[i + 1]!;
    const cap: Captured = { method: req.method ?? '', path: u.pathname, query: Object.fromEntries(u.searchParams), headers, body };
    this.requests.push(cap);
    const p = u.pathname;
    const markets = this.opts.markets ?? [];

    // ---- public ----
    if (req.method === 'GET' && p === '/ok') return this.send(res, 200, 'OK');
    if (req.method === 'GET' && p === '/version') return this.send(res, 200, { version: this.opts.version ?? 2 });
    if (req.method === 'GET' && p.startsWith('/markets-by-token/')) {
      const m = markets.find((x) => !x.legacyOnly && x.tokens.includes(p.slice('/markets-by-token/'.length)));
      return m ? this.send(res, 200, { condition_id: m.conditionId, primary_token_id: m.tokens[0] }) : this.send(res, 404, { error: 'market not found' });
    }
    if (req.method === 'GET' && p.startsWith('/clob-markets/')) {
      const m = markets.find((x) => x.conditionId === p.slice('/clob-markets/'.length));
      if (!m) return this.send(res, 404, { error: 'market not found' });
      return this.send(res, 200, {
        c: m.conditionId, t: m.tokens.map((t, i) => ({ t, o: i === 0 ? 'Yes' : 'No' })), mts: m.tick, nr: m.negRisk,
        ...(m.fee ? { fd: m.fee } : {}), mos: m.minSize ?? 5, mbf: 0, tbf: 0, r: null, itode: false,
      });
    }
    if (req.method === 'GET' && (p === '/tick-size' || p === '/neg-risk')) {
      const m = markets.find((x) => x.tokens.includes(u.searchParams.get('token_id') ?? ''));
      if (!m) return this.send(res, 404, { error: 'No orderbook exists for the requested token id' });
      return this.send(res, 200, p === '/tick-size' ? { minimum_tick_size: m.tick } : { neg_risk: m.negRisk });
    }

    // ---- L1 ----
    if (p === '/auth/api-key' || p === '/auth/derive-api-key') {
      const ok = await verifyTypedData({
        address: headers.POLY_ADDRESS as Hex,
        domain: { name: 'ClobAuthDomain', version: '1', chainId: this.opts.chainId ?? 137 },
        types: { ClobAuth: [{ name: 'address', type: 'address' }, { name: 'timestamp', type: 'string' }, { name: 'nonce', type: 'uint256' }, { name: 'message', type: 'string' }] },
        primaryType: 'ClobAuth',
        message: { address: headers.POLY_ADDRESS as Hex, timestamp: headers.POLY_TIMESTAMP ?? '', nonce: BigInt(headers.POLY_NONCE ?? '0'), message: 'This message attests that I control the given wallet' },
        signature: (headers.POLY_SIGNATURE ?? '0x') as Hex,
      }).catch(() => false);
      if (!ok) return this.send(res, 401, { error: 'Invalid L1 Request headers' });
      const c = this.opts.creds;
      if (req.method === 'POST') {
        if (this.opts.createdCreds === null) return this.send(res, 400, { error: 'Could not create api key' });
        return this.send(res, 200, this.opts.createdCreds ?? { apiKey: c.key, secret: c.secret, passphrase: c.passphrase });
      }
      return this.send(res, 200, { apiKey: c.key, secret: c.secret, passphrase: c.passphrase });
    }

    // ---- L2: verify the HMAC over timestamp + method + path + body ----
    const c = this.opts.creds;
    const expected = hmac(c.secret, `${headers.POLY_TIMESTAMP}${req.method}${p}${body}`);
    if (headers.POLY_SIGNATURE !== expected || headers.POLY_API_KEY !== c.key || headers.POLY_PASSPHRASE !== c.passphrase || headers.POLY_ADDRESS !== this.opts.address)
      return this.send(res, 401, { error: 'Unauthorized/Invalid api key' });

    if (req.method === 'POST' && p === '/order') {
      const b = JSON.parse(body) as OrderBody;
      if (b.owner !== c.key) return this.send(res, 400, { error: 'the order owner has to be the owner of the API KEY' });
      const o = b.order;
      const negRisk = markets.find((m) => m.tokens.includes(String(o.tokenId)))?.negRisk ?? false;
      const typed = {
        domain: { name: 'Polymarket CTF Exchange', version: '2', chainId: this.opts.chainId ?? 137, verifyingContract: EXCHANGES[String(negRisk)] as Hex },
        types: { Order: ORDER_FIELDS },
        primaryType: 'Order' as const,
        message: {
          salt: BigInt(o.salt!), maker: o.maker as Hex, signer: o.signer as Hex, tokenId: BigInt(o.tokenId!), makerAmount: BigInt(o.makerAmount!),
          takerAmount: BigInt(o.takerAmount!), side: o.side === 'BUY' ? 0 : 1, signatureType: Number(o.signatureType), timestamp: BigInt(o.timestamp!),
          metadata: o.metadata as Hex, builder: o.builder as Hex,
        },
      };
      const signer = await recoverTypedDataAddress({ ...typed, signature: o.signature as Hex }).catch(() => null);
      if (signer !== o.signer) return this.send(res, 400, { error: 'invalid signature' });
      const { hashTypedData } = await import('viem');
      const orderID = hashTypedData(typed);
      if (this.orders.has(orderID)) return this.send(res, 400, { error: `order ${orderID} is invalid. Duplicated.` });
      const ans = (this.opts.onOrder ?? fullFill)(b);
      if (ans.hang) {
        this.recordOrder(orderID, b, ans);
        this.hung.push(res);
        return;
      }
      if (ans.status < 300) this.recordOrder(orderID, b, ans);
      const json = ans.json && typeof ans.json === 'object' && !Array.isArray(ans.json) ? { orderID, ...ans.json } : ans.json;
      return this.send(res, ans.status, json, ans.status === 429 ? { 'retry-after': '3' } : {});
    }
    if (req.method === 'GET' && p.startsWith('/data/order/')) {
      const o = this.orders.get(p.slice('/data/order/'.length));
      return o ? this.send(res, 200, o) : this.send(res, 404, { error: 'order not found' });
    }
    if (req.method === 'DELETE' && p === '/order') {
      const id = (JSON.parse(body) as { orderID: string }).orderID;
      return this.send(res, 200, this.orders.has(id) ? { canceled: [id], not_canceled: {} } : { canceled: [], not_canceled: { [id]: 'order not found' } });
    }
    if (req.method === 'GET' && p === '/balance-allowance')
      return this.send(res, 200, { balance: '1500000000', allowances: { [EXCHANGES.false!]: '115792089237316195423570985008687907853269984665640564039457584007913129639935' } });
    if (req.method === 'GET' && p === '/balance-allowance/update') return this.send(res, 200, '');
    if (req.method === 'GET' && p === '/data/trades') return this.send(res, 200, { data: [], next_cursor: 'LTE=', limit: 100, count: 0 });
    if (req.method === 'POST' && p === '/v1/heartbeats') return this.send(res, 200, { heartbeat_id: 'hb-1' });
    if (req.method === 'GET' && p === '/data/orders') {
      const all = [...this.orders.values()];
      return u.searchParams.get('next_cursor') === 'MA=='
        ? this.send(res, 200, { data: all.slice(0, 1), next_cursor: 'MQ==', limit: 1, count: 1 })
        : this.send(res, 200, { data: all.slice(1), next_cursor: 'LTE=', limit: 1, count: all.length - 1 });
    }
    return this.send(res, 404, { error: `test server: no route ${req.method} ${p}` });
  }

  /** What GET /data/order returns for an accepted order (size_matched from the answer). */
  private recordOrder(orderID: string, b: OrderBody, ans: OrderAnswer): void {
    const o = b.order;
    const buy = o.side === 'BUY';
    const shares = Number(buy ? o.takerAmount : o.makerAmount) / 1e6;
    const j = (ans.json ?? {}) as { takingAmount?: string; makingAmount?: string; status?: string };
    const matched = ans.hang ? shares : Number((buy ? j.takingAmount : j.makingAmount) || 0);
    const price = buy ? Number(o.makerAmount) / Number(o.takerAmount) : Number(o.takerAmount) / Number(o.makerAmount);
    this.orders.set(orderID, {
      id: orderID, status: matched > 0 ? 'MATCHED' : 'CANCELED', owner: b.owner, maker_address: o.maker, market: '0xcond', asset_id: String(o.tokenId),
      side: o.side, original_size: String(shares), size_matched: String(matched), price: price.toFixed(4), outcome: 'Yes', expiration: '0',
      order_type: b.orderType, associate_trades: matched > 0 ? ['trade-1'] : [], created_at: 1_767_225_600,
    });
  }
}

/** The default answer: everything matched at the order's own price. */
export function fullFill(b: OrderBody): OrderAnswer {
  const o = b.order;
  return {
    status: 200,
    json: {
      errorMsg: '', takingAmount: String(Number(o.takerAmount) / 1e6), makingAmount: String(Number(o.makerAmount) / 1e6),
      status: 'matched', tradeIDs: ['trade-1'], transactionsHashes: [], success: true,
    },
  };
}
