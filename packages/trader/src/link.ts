// The trader's connection to the controller: connect out, mutual authentication, init and
// registration, heartbeat both ways, and reconnect with jittered exponential backoff when the
// link is lost. Nothing reaches the trader's leg handling before the controller has proven it
// knows TRADER_SECRET and every message after that is sealed (protocol package).

import { WebSocket, type RawData } from 'ws';
import { logger, type Platform } from '@parity/trading';
import {
  ControllerMessage,
  MAX_MESSAGE_BYTES,
  ProtocolError,
  TraderHandshake,
  frameText,
  parseClear,
  type ExecuteLeg,
  type Init,
  type LegAck,
  type LookupLeg,
  type Register,
  type TraderMessage,
  type TraderSession,
  type Unsealed,
} from '@parity/protocol';
import { Backoff } from './backoff.ts';

const log = logger.child({ mod: 'trader-link' });

export type LegMessage = ExecuteLeg | LookupLeg | LegAck;

export interface LinkHooks {
  /** The controller's init: return what to register (venues served, effective dry run). */
  onInit(init: Init): Omit<Register, 'type' | 'seq'>;
  /** Registered: legs may arrive from now on. */
  onReady(venues: Platform[]): void;
  onMessage(msg: LegMessage): void;
  /** The link went down after being ready. */
  onDown(reason: string): void;
}

export interface LinkOptions {
  url: string;
  secret: string;
  traderId: string;
  hooks: LinkHooks;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  /** Until init says otherwise. */
  heartbeatMs?: number;
  livenessTimeoutMs?: number;
  /** Time from socket open to registered. */
  handshakeTimeoutMs?: number;
  maxMessageBytes?: number;
}

type Phase = 'connecting' | 'challenge' | 'auth' | 'init' | 'registering' | 'ready';

interface Conn {
  ws: WebSocket;
  hs: TraderHandshake;
  session: TraderSession | null;
  phase: Phase;
  lastSeenMs: number;
  heartbeat: NodeJS.Timeout | null;
  handshakeTimer: NodeJS.Timeout | null;
  closed: boolean;
}

export class ControllerLink {
  private conn: Conn | null = null;
  private readonly backoff: Backoff;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private heartbeatMs: number;
  private livenessTimeoutMs: number;

  constructor(private readonly o: LinkOptions) {
    this.backoff = new Backoff(o.reconnectBaseMs, o.reconnectMaxMs);
    this.heartbeatMs = o.heartbeatMs ?? 1000;
    this.livenessTimeoutMs = o.livenessTimeoutMs ?? 3000;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  get ready(): boolean {
    return this.conn?.phase === 'ready' && this.conn.ws.readyState === WebSocket.OPEN;
  }

  /** Seal and send; false (nothing sent) unless registered and open. */
  send(msg: Unsealed<TraderMessage>): boolean {
    const c = this.conn;
    if (!c || c.phase !== 'ready' || !c.session || c.ws.readyState !== WebSocket.OPEN) return false;
    c.ws.send(c.session.seal(msg));
    return true;
  }

  /** Close for good (no reconnect). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const c = this.conn;
    if (!c || c.closed) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        c.ws.terminate();
        resolve();
      }, 1000);
      c.ws.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      if (c.ws.readyState === WebSocket.CONNECTING) c.ws.terminate();
      else c.ws.close(1001, 'trader shutting down');
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.o.url, {
      maxPayload: this.o.maxMessageBytes ?? MAX_MESSAGE_BYTES,
      perMessageDeflate: false,
      handshakeTimeout: 5000,
    });
    const c: Conn = {
      ws,
      hs: new TraderHandshake(this.o.secret, this.o.traderId),
      session: null,
      phase: 'connecting',
      lastSeenMs: Date.now(),
      heartbeat: null,
      handshakeTimer: null,
      closed: false,
    };
    this.conn = c;
    ws.on('open', () => {
      c.phase = 'challenge';
      c.lastSeenMs = Date.now();
      c.handshakeTimer = setTimeout(() => {
        if (c.phase !== 'ready') this.fail(c, new ProtocolError('timeout', `not registered within ${this.o.handshakeTimeoutMs ?? 10_000} ms of connecting`));
      }, this.o.handshakeTimeoutMs ?? 10_000);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(c, data, isBinary));
    ws.on('close', (code, reason) => this.down(c, `connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`));
    ws.on('error', (err) => this.down(c, err.message));
  }

  private onFrame(c: Conn, data: RawData, isBinary: boolean): void {
    if (c.closed) return;
    const text = frameText(data, isBinary, this.o.maxMessageBytes ?? MAX_MESSAGE_BYTES);
    if (!text.ok) return this.fail(c, text.error);

    if (c.phase === 'challenge' || c.phase === 'auth') {
      const m = parseClear(text.msg, ControllerMessage);
      if (!m.ok) return this.fail(c, m.error);
      const msg = m.msg;
      if (msg.type === 'error') {
        log.error({ code: msg.code, reason: msg.message }, `controller refused this trader: ${msg.message}`);
        return this.down(c, `controller refused: ${msg.code}`);
      }
      if (c.phase === 'challenge' && msg.type === 'challenge') {
        const hello = c.hs.onChallenge(msg);
        if (!hello.ok) return this.fail(c, hello.error);
        c.ws.send(hello.msg);
        c.phase = 'auth';
        return;
      }
      if (c.phase === 'auth' && msg.type === 'auth') {
        const s = c.hs.onAuth(msg);
        if (!s.ok) {
          log.error({ url: this.o.url, reason: s.error.message }, 'the controller failed to prove it knows TRADER_SECRET: refusing it (check WEBSOCKET_URL and TRADER_SECRET)');
          return this.fail(c, s.error);
        }
        c.session = s.msg;
        c.phase = 'init';
        c.lastSeenMs = Date.now();
        this.startHeartbeat(c);
        return;
      }
      return this.fail(c, new ProtocolError('unexpected', `${msg.type} during the handshake`));
    }

    const m = c.session!.open(text.msg);
    if (!m.ok) return this.fail(c, m.error);
    c.lastSeenMs = Date.now();
    const msg = m.msg;
    switch (msg.type) {
      case 'init': {
        if (c.phase !== 'init') return this.fail(c, new ProtocolError('unexpected', 'init twice'));
        this.heartbeatMs = msg.config.heartbeat_ms;
        this.livenessTimeoutMs = msg.config.liveness_timeout_ms;
        this.startHeartbeat(c);
        const reg = this.o.hooks.onInit(msg);
        c.ws.send(c.session!.seal({ type: 'register', ...reg }));
        c.phase = 'registering';
        return;
      }
      case 'registered':
        if (c.phase !== 'registering') return this.fail(c, new ProtocolError('unexpected', 'registered before register'));
        c.phase = 'ready';
        if (c.handshakeTimer) clearTimeout(c.handshakeTimer);
        this.backoff.reset();
        log.info({ url: this.o.url, venues: msg.venues }, 'registered with the controller');
        this.o.hooks.onReady(msg.venues);
        return;
      case 'ping':
        c.ws.send(c.session!.seal({ type: 'pong', t: msg.t }));
        return;
      case 'pong':
        return;
      case 'error':
        log.error({ code: msg.code, reason: msg.message }, `controller closed the link: ${msg.message}`);
        return this.down(c, `controller error ${msg.code}`);
      case 'execute_leg':
      case 'lookup_leg':
      case 'leg_ack':
        if (c.phase !== 'ready') return this.fail(c, new ProtocolError('unexpected', `${msg.type} before registration`));
        this.o.hooks.onMessage(msg);
        return;
      default:
        return this.fail(c, new ProtocolError('unexpected', `${msg.type} after authentication`));
    }
  }

  private startHeartbeat(c: Conn): void {
    if (c.heartbeat) clearInterval(c.heartbeat);
    c.heartbeat = setInterval(() => {
      if (c.closed || !c.session) return;
      const silent = Date.now() - c.lastSeenMs;
      if (silent > this.livenessTimeoutMs) {
        log.warn({ silentMs: silent }, 'controller silent: dropping the link');
        return this.down(c, `controller silent for ${silent} ms`);
      }
      if (c.ws.readyState === WebSocket.OPEN) c.ws.send(c.session.seal({ type: 'ping', t: Date.now() }));
    }, this.heartbeatMs);
  }

  /** Protocol violation: say why (best effort) and drop. */
  private fail(c: Conn, err: ProtocolError): void {
    if (c.closed) return;
    log.warn({ code: err.code, reason: err.message }, 'dropping the controller link');
    if (c.ws.readyState === WebSocket.OPEN) {
      const msg = { type: 'error' as const, code: err.code, message: err.message };
      c.ws.send(c.session ? c.session.seal(msg) : JSON.stringify(msg));
      c.ws.close(4002, err.code);
    }
    this.down(c, `${err.code}: ${err.message}`);
  }

  private down(c: Conn, reason: string): void {
    if (c.closed) return;
    c.closed = true;
    const wasReady = c.phase === 'ready';
    if (c.heartbeat) clearInterval(c.heartbeat);
    if (c.handshakeTimer) clearTimeout(c.handshakeTimer);
    if (c.ws.readyState !== WebSocket.CLOSED) {
      const t = setTimeout(() => c.ws.terminate(), 1000);
      t.unref();
      if (c.ws.readyState === WebSocket.OPEN) c.ws.close(1001, 'link down');
    }
    if (this.conn === c) this.conn = null;
    if (wasReady) this.o.hooks.onDown(reason);
    if (this.stopped) return;
    const delay = this.backoff.next();
    log.info({ reason, retryInMs: delay }, wasReady ? 'lost the controller link; reconnecting' : 'could not connect to the controller; retrying');
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }
}
