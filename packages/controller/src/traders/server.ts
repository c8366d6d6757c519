// The controller's trader server: a WebSocket server traders connect to. It authenticates each
// trader (mutual HMAC over TRADER_SECRET, protocol package), registers it by venue, checks it is
// alive from this side, and routes legs to it as the RemoteLegRouter the HybridExecutor uses.
//
// Guarantees:
// - no trader is registered, or sees any leg, before it has proven it knows the secret;
//   without a secret every connection is refused (and the start-up log says so);
// - a trader silent for livenessTimeoutMs is dropped and stops counting as a path;
// - a malformed, forged, replayed or oversized frame closes the connection;
// - sendLeg/lookupLeg never reject and never guess: without an answer by the deadline, or when
//   the trader goes away first, they resolve status 'unknown' (errorKind 'timeout').

import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import {
  PLATFORMS,
  failedResult,
  logger,
  platformLabel,
  type LegRequest,
  type LegResult,
  type Platform,
} from '@parity/trading';
import {
  ControllerHandshake,
  MAX_MESSAGE_BYTES,
  ProtocolError,
  TraderMessage,
  frameText,
  legToWire,
  parseClear,
  resultFromWire,
  type ErrorMsg,
} from '@parity/protocol';
import type { RemoteLegRouter } from './router.ts';
import { TraderConnection, type TraderInfo } from './connection.ts';
import { DEFAULT_TRADER_BIND, isLoopback, parseBind } from './config.ts';

const log = logger.child({ mod: 'trader-server' });

/** WebSocket close codes (4000-4999 are application-defined). */
export const CLOSE = {
  goingAway: 1001,
  auth: 4001,
  protocol: 4002,
  registration: 4003,
  silent: 4004,
} as const;

export interface TraderServerOptions {
  /** Default 127.0.0.1; port default 9001, 0 picks a free port. */
  host?: string;
  port?: number;
  /** TRADER_SECRET; undefined means no trader is accepted at all. */
  secret: string | undefined;
  /** The controller's DRY_RUN, sent to every trader in init. */
  dryRun: boolean;
  /** Venues routed to traders (default both). */
  venues?: readonly Platform[];
  /** Ping cadence, both ways (default 1000 ms). */
  heartbeatMs?: number;
  /** Silence after which a trader is dropped (default 3000 ms). */
  livenessTimeoutMs?: number;
  /** Time to authenticate and register after connecting (default 5000 ms). */
  handshakeTimeoutMs?: number;
  maxMessageBytes?: number;
}

export interface TraderServerEvents {
  connect: [{ connId: number; remote: string }];
  auth_failed: [{ connId: number; remote: string; reason: string }];
  register: [TraderInfo];
  disconnect: [{ connId: number; traderId: string | null; venues: Platform[]; reason: string }];
  /** Every leg_result received. late: its sendLeg had already resolved (timeout, disconnect) or never existed
   *  here (a result re-delivered after a reconnect or a controller restart); consumers must be idempotent by legId. */
  leg_result: [{ result: LegResult; traderId: string; late: boolean; replay: boolean }];
}

interface PendingLeg {
  req: LegRequest;
  conn: TraderConnection;
  waiters: ((r: LegResult) => void)[];
  timer: NodeJS.Timeout;
  t0: bigint;
}

interface PendingLookup {
  req: LegRequest;
  conn: TraderConnection;
  resolve: (r: LegResult) => void;
  timer: NodeJS.Timeout;
  t0: bigint;
}

const ROUTE_MEMORY = 10_000;
const elapsedUs = (t0: bigint): number => Number((process.hrtime.bigint() - t0) / 1000n);

/**
 * RemoteLegRouter's deadlineMs is read as a budget in ms from now; a value that is clearly an
 * epoch time (after 2001-09-09) is read as an absolute deadline instead, so either reading works.
 */
export function deadlineToTimeoutMs(deadlineMs: number): number {
  const ms = deadlineMs > 1e12 ? deadlineMs - Date.now() : deadlineMs;
  return Math.max(1, Math.min(Math.round(ms), 2_147_483_647));
}

export class TraderServer extends EventEmitter<TraderServerEvents> implements RemoteLegRouter {
  private readonly secret: string | undefined;
  private readonly dryRun: boolean;
  private readonly venues: readonly Platform[];
  private readonly heartbeatMs: number;
  private readonly livenessTimeoutMs: number;
  private readonly handshakeTimeoutMs: number;
  private readonly maxBytes: number;
  private readonly conns = new Map<number, TraderConnection>();
  private readonly pendingLegs = new Map<string, PendingLeg>();
  private readonly pendingLookups = new Map<number, PendingLookup>();
  /** legId -> traderId that got it, so a lookup goes to the trader that knows the leg. */
  private readonly routes = new Map<string, string>();
  private wss: WebSocketServer | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private connSeq = 0;
  private lookupSeq = 0;
  private bound: { host: string; port: number } | null = null;

  private constructor(private readonly opts: TraderServerOptions) {
    super();
    this.secret = opts.secret;
    this.dryRun = opts.dryRun;
    this.venues = opts.venues ?? PLATFORMS;
    this.heartbeatMs = opts.heartbeatMs ?? 1000;
    this.livenessTimeoutMs = opts.livenessTimeoutMs ?? 3000;
    this.handshakeTimeoutMs = opts.handshakeTimeoutMs ?? 5000;
    this.maxBytes = opts.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    if (this.livenessTimeoutMs <= this.heartbeatMs) throw new Error('livenessTimeoutMs must exceed heartbeatMs');
  }

  /** Listen and return once bound. */
  static async start(opts: TraderServerOptions): Promise<TraderServer> {
    const s = new TraderServer(opts);
    await s.listen();
    return s;
  }

  private async listen(): Promise<void> {
    const dflt = parseBind(DEFAULT_TRADER_BIND);
    const host = this.opts.host ?? dflt.host;
    const port = this.opts.port ?? dflt.port;
    const wss = new WebSocketServer({ host, port, maxPayload: this.maxBytes, perMessageDeflate: false, clientTracking: false });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', (err) => reject(new Error(`trader server cannot listen on ${host}:${port}: ${err.message} (set TRADER_BIND to a free host:port)`)));
    });
    wss.on('error', (err) => log.error({ err: err.message }, 'trader server error'));
    wss.on('connection', (ws, req) => this.onConnection(ws, req));
    this.wss = wss;
    const addr = wss.address() as AddressInfo;
    this.bound = { host, port: addr.port };
    this.sweepTimer = setInterval(() => this.sweep(), this.heartbeatMs);
    this.sweepTimer.unref();

    if (!this.secret) {
      log.error({ bind: `${host}:${addr.port}` }, 'TRADER_SECRET is not set: the trader server accepts NO trader (every connection is refused). Set TRADER_SECRET (>= 16 chars) here and on each trader.');
    } else {
      log.info({ bind: `${host}:${addr.port}`, venues: this.venues, dryRun: this.dryRun }, 'trader server listening');
      if (!isLoopback(host)) {
        log.warn({ host }, 'trader server listens beyond loopback: messages are authenticated but not encrypted; keep it on a private network (VPN/tailnet) or behind a TLS proxy');
      }
    }
  }

  get address(): { host: string; port: number } {
    if (!this.bound) throw new Error('trader server is not listening');
    return this.bound;
  }

  get url(): string {
    const { host, port } = this.address;
    return `ws://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  // ---- RemoteLegRouter -------------------------------------------------------------------------

  isConnected(platform: Platform): boolean {
    return this.pick(platform) !== null;
  }

  connectedCount(platform: Platform): number {
    let n = 0;
    for (const c of this.conns.values()) if (this.isLive(c) && c.venues.includes(platform)) n++;
    return n;
  }

  sendLeg(req: LegRequest, opts: { deadlineMs: number }): Promise<LegResult> {
    const existing = this.pendingLegs.get(req.legId);
    if (existing) return new Promise((resolve) => existing.waiters.push(resolve));
    const c = this.pick(req.platform);
    if (!c) {
      // Nothing was sent, so the outcome is known: not executed.
      return Promise.resolve(failedResult(req, `no live ${platformLabel(req.platform)} trader is connected`, 'no_client', 0));
    }
    const timeoutMs = deadlineToTimeoutMs(opts.deadlineMs);
    const t0 = process.hrtime.bigint();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.settleLeg(req.legId, failedResult(req, `no leg_result from trader ${c.traderId} within ${timeoutMs} ms: look the leg up`, 'timeout', elapsedUs(t0)));
      }, timeoutMs);
      this.pendingLegs.set(req.legId, { req, conn: c, waiters: [resolve], timer, t0 });
      c.legs.add(req.legId);
      this.remember(req.legId, c.traderId!);
      c.send({ type: 'execute_leg', leg: legToWire(req), deadline_in_ms: timeoutMs });
    });
  }

  lookupLeg(req: LegRequest, opts: { deadlineMs: number }): Promise<LegResult> {
    const c = this.pick(req.platform, this.routes.get(req.legId));
    if (!c) {
      return Promise.resolve(failedResult(req, `no live ${platformLabel(req.platform)} trader to look the leg up`, 'timeout', 0));
    }
    const timeoutMs = deadlineToTimeoutMs(opts.deadlineMs);
    const reqId = ++this.lookupSeq;
    const t0 = process.hrtime.bigint();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.settleLookup(reqId, failedResult(req, `no lookup_result from trader ${c.traderId} within ${timeoutMs} ms`, 'timeout', elapsedUs(t0)));
      }, timeoutMs);
      this.pendingLookups.set(reqId, { req, conn: c, resolve, timer, t0 });
      c.lookups.add(reqId);
      c.send({ type: 'lookup_leg', req_id: reqId, leg: legToWire(req), deadline_in_ms: timeoutMs });
    });
  }

  // ---- introspection -------------------------------------------------------------------------

  traders(): TraderInfo[] {
    return [...this.conns.values()].map((c) => c.info());
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    const closing = [...this.conns.values()].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          const t = setTimeout(() => {
            c.ws.terminate();
            resolve();
          }, 1000);
          c.ws.once('close', () => {
            clearTimeout(t);
            resolve();
          });
          this.drop(c, 'controller shutting down', CLOSE.goingAway);
        }),
    );
    await Promise.all(closing);
    const wss = this.wss;
    this.wss = null;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  // ---- connections ---------------------------------------------------------------------------

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const c = new TraderConnection(++this.connSeq, ws, remote);
    this.conns.set(c.id, c);
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(c, data, isBinary));
    ws.on('close', (code, reason) => this.cleanup(c, `connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`));
    ws.on('error', (err) => {
      // ws reports oversized frames here and closes with 1009 itself.
      log.warn({ connId: c.id, remote, err: err.message }, 'trader connection error');
      this.cleanup(c, `socket error: ${err.message}`);
    });
    this.emit('connect', { connId: c.id, remote });

    if (!this.secret) {
      const reason = 'this controller has no TRADER_SECRET set: it accepts no trader';
      log.warn({ connId: c.id, remote }, `trader refused: ${reason}`);
      this.emit('auth_failed', { connId: c.id, remote, reason });
      this.reject(c, new ProtocolError('auth', reason), CLOSE.auth);
      return;
    }
    c.handshake = new ControllerHandshake(this.secret);
    ws.send(c.handshake.challenge());
    c.handshakeTimer = setTimeout(() => {
      if (c.state !== 'registered') this.reject(c, new ProtocolError('timeout', `not authenticated and registered within ${this.handshakeTimeoutMs} ms`), CLOSE.auth);
    }, this.handshakeTimeoutMs);
    c.handshakeTimer.unref();
  }

  private onMessage(c: TraderConnection, data: RawData, isBinary: boolean): void {
    if (c.state === 'closed') return;
    const text = frameText(data, isBinary, this.maxBytes);
    if (!text.ok) return this.reject(c, text.error);

    if (c.state === 'handshake') {
      const m = parseClear(text.msg, TraderMessage);
      if (!m.ok) return this.reject(c, m.error);
      if (m.msg.type === 'error') return this.drop(c, `trader error before auth: ${m.msg.code}: ${m.msg.message}`, CLOSE.auth);
      if (m.msg.type !== 'hello') return this.reject(c, new ProtocolError('unexpected', `${m.msg.type} before authentication`), CLOSE.auth);
      const r = c.handshake!.onHello(m.msg);
      if (!r.ok) {
        log.warn({ connId: c.id, remote: c.remote, traderId: m.msg.trader_id, reason: r.error.message }, 'trader authentication failed');
        this.emit('auth_failed', { connId: c.id, remote: c.remote, reason: r.error.message });
        return this.reject(c, r.error, CLOSE.auth);
      }
      c.session = r.msg.session;
      c.traderId = r.msg.traderId;
      c.state = 'authed';
      c.lastSeenMs = Date.now();
      c.ws.send(r.msg.authFrame);
      c.send({
        type: 'init',
        dry_run: this.dryRun,
        config: { venues: [...this.venues], heartbeat_ms: this.heartbeatMs, liveness_timeout_ms: this.livenessTimeoutMs },
      });
      return;
    }

    const m = c.session!.open(text.msg);
    if (!m.ok) return this.reject(c, m.error);
    c.lastSeenMs = Date.now();
    const msg = m.msg;
    switch (msg.type) {
      case 'register':
        return this.onRegister(c, msg.venues, msg.dry_run, msg.unusable);
      case 'leg_result': {
        if (c.state !== 'registered') return this.reject(c, new ProtocolError('unexpected', 'leg_result before register'));
        const result = resultFromWire(msg.result);
        const p = this.pendingLegs.get(result.legId);
        if (p && p.req.platform !== result.platform) {
          return this.reject(c, new ProtocolError('invalid', `leg_result for ${result.legId} names ${result.platform}, the leg is ${p.req.platform}`));
        }
        const settled = this.settleLeg(result.legId, result);
        c.ack(result.legId);
        this.emit('leg_result', { result, traderId: c.traderId!, late: !settled, replay: msg.replay === true });
        return;
      }
      case 'lookup_result': {
        const p = this.pendingLookups.get(msg.req_id);
        const result = resultFromWire(msg.result);
        if (p && p.req.legId !== result.legId) {
          return this.reject(c, new ProtocolError('invalid', `lookup_result ${msg.req_id} is for ${result.legId}, asked for ${p.req.legId}`));
        }
        this.settleLookup(msg.req_id, result);
        return;
      }
      case 'ping':
        c.send({ type: 'pong', t: msg.t });
        return;
      case 'pong':
        if (c.lastPingHr !== 0n) c.rttUs = elapsedUs(c.lastPingHr);
        return;
      case 'error':
        return this.drop(c, `trader reported ${msg.code}: ${msg.message}`, CLOSE.protocol);
      case 'hello':
        return this.reject(c, new ProtocolError('unexpected', 'hello after authentication'));
    }
  }

  private onRegister(c: TraderConnection, offered: Platform[], traderDry: boolean, unusable: { venue: Platform; reason: string }[]): void {
    if (c.state !== 'authed') return this.reject(c, new ProtocolError('unexpected', 'register twice'));
    const venues = [...new Set(offered)].filter((v) => this.venues.includes(v));
    if (traderDry && !this.dryRun) {
      return this.reject(
        c,
        new ProtocolError('unexpected', 'the trader runs in dry run (its DRY_RUN is on) but this controller is live: it would fill nothing; set DRY_RUN=0 on the trader'),
        CLOSE.registration,
      );
    }
    if (venues.length === 0) {
      const why = unusable.map((u) => `${u.venue}: ${u.reason}`).join('; ');
      return this.reject(
        c,
        new ProtocolError('unexpected', `no venue in common: trader serves [${offered.join(', ')}], controller routes [${this.venues.join(', ')}]${why ? ` (${why})` : ''}`),
        CLOSE.registration,
      );
    }
    c.venues = venues;
    c.dryRun = traderDry;
    c.state = 'registered';
    c.registeredAtMs = Date.now();
    if (c.handshakeTimer) clearTimeout(c.handshakeTimer);
    c.send({ type: 'registered', venues });
    log.info({ connId: c.id, traderId: c.traderId, remote: c.remote, venues, dryRun: traderDry, unusable }, 'trader registered');
    this.emit('register', c.info());
  }

  /** Ping every live trader; drop the ones silent for longer than the liveness timeout. */
  private sweep(): void {
    const now = Date.now();
    for (const c of this.conns.values()) {
      if (c.state !== 'authed' && c.state !== 'registered') continue;
      if (now - c.lastSeenMs > this.livenessTimeoutMs) {
        log.warn({ connId: c.id, traderId: c.traderId, silentMs: now - c.lastSeenMs }, 'trader silent: dropping it');
        c.ws.terminate();
        this.cleanup(c, `silent for ${now - c.lastSeenMs} ms (liveness timeout ${this.livenessTimeoutMs} ms)`);
        continue;
      }
      c.lastPingHr = process.hrtime.bigint();
      c.send({ type: 'ping', t: now });
    }
  }

  private isLive(c: TraderConnection): boolean {
    return c.state === 'registered' && c.open && Date.now() - c.lastSeenMs <= this.livenessTimeoutMs;
  }

  /** A live trader for the venue: the preferred one if live, else the least busy, newest first. */
  private pick(platform: Platform, preferTraderId?: string): TraderConnection | null {
    let best: TraderConnection | null = null;
    for (const c of this.conns.values()) {
      if (!this.isLive(c) || !c.venues.includes(platform)) continue;
      if (preferTraderId !== undefined && c.traderId === preferTraderId) return c;
      if (!best || c.legs.size < best.legs.size || (c.legs.size === best.legs.size && c.registeredAtMs > best.registeredAtMs)) best = c;
    }
    return best;
  }

  private remember(legId: string, traderId: string): void {
    this.routes.delete(legId);
    this.routes.set(legId, traderId);
    if (this.routes.size > ROUTE_MEMORY) {
      const oldest = this.routes.keys().next();
      if (!oldest.done) this.routes.delete(oldest.value);
    }
  }

  private settleLeg(legId: string, result: LegResult): boolean {
    const p = this.pendingLegs.get(legId);
    if (!p) return false;
    clearTimeout(p.timer);
    this.pendingLegs.delete(legId);
    p.conn.legs.delete(legId);
    for (const w of p.waiters) w(result);
    return true;
  }

  private settleLookup(reqId: number, result: LegResult): void {
    const p = this.pendingLookups.get(reqId);
    if (!p) return;
    clearTimeout(p.timer);
    this.pendingLookups.delete(reqId);
    p.conn.lookups.delete(reqId);
    p.resolve(result);
  }

  /** Tell the peer why (best effort) and close. */
  private reject(c: TraderConnection, err: ProtocolError, code: number = CLOSE.protocol): void {
    if (c.state === 'closed') return;
    log.warn({ connId: c.id, traderId: c.traderId, remote: c.remote, code: err.code, reason: err.message }, 'closing trader connection');
    const msg: Omit<ErrorMsg, 'seq'> = { type: 'error', code: err.code, message: err.message };
    if (c.open) {
      if (c.session) c.send(msg);
      else c.ws.send(JSON.stringify(msg));
    }
    this.drop(c, `${err.code}: ${err.message}`, code);
  }

  private drop(c: TraderConnection, reason: string, code: number): void {
    if (c.open) c.ws.close(code, reason.slice(0, 120));
    const t = setTimeout(() => c.ws.terminate(), 1000);
    t.unref();
    this.cleanup(c, reason);
  }

  /** Forget the connection; every leg and lookup it owed is resolved 'unknown' (never guessed). */
  private cleanup(c: TraderConnection, reason: string): void {
    if (c.state === 'closed') return;
    const wasAuthed = c.state !== 'handshake';
    c.state = 'closed';
    if (c.handshakeTimer) clearTimeout(c.handshakeTimer);
    this.conns.delete(c.id);
    for (const legId of [...c.legs]) {
      const p = this.pendingLegs.get(legId);
      if (!p) continue;
      this.settleLeg(legId, failedResult(p.req, `trader ${c.traderId} went away before answering (${reason}): look the leg up`, 'timeout', elapsedUs(p.t0)));
    }
    for (const reqId of [...c.lookups]) {
      const p = this.pendingLookups.get(reqId);
      if (!p) continue;
      this.settleLookup(reqId, failedResult(p.req, `trader ${c.traderId} went away before answering the lookup (${reason})`, 'timeout', elapsedUs(p.t0)));
    }
    if (wasAuthed) log.info({ connId: c.id, traderId: c.traderId, venues: c.venues, reason }, 'trader disconnected');
    this.emit('disconnect', { connId: c.id, traderId: c.traderId, venues: [...c.venues], reason });
  }
}
