// OrderChannel: order POSTs written straight onto warm keep-alive sockets, synchronously.
//
// Why not undici for the order itself: undici (7.x) defers every request on a reused keep-alive
// socket to the next check phase (setImmediate, to notice a FIN first) and spends ~100-200 us
// building the request on this machine. An order has to leave within the tick that found the
// opportunity, before anything else runs. So the order path renders the request head itself and
// writes head + body in one socket.write on an idle connection opened earlier; reads and
// everything else stay on the clients' undici pools. When no connection is ready (start-up, a
// burst, a reconnect) send() returns null and the caller uses its pool as before.
//
// The response parser handles what venues send to an order POST: a status line, headers, and a
// body framed by content-length or chunked encoding (or, without either, ending at close).
// A connection is reused only after a complete response that did not ask to close it, and never
// after it has been idle longer than the server keeps it (its Keep-Alive timeout, minus a margin,
// or maxIdleMs): an idle connection past that age is replaced in the background, so a write does
// not race the server closing it. Failures reject with undici-compatible error codes
// (UND_ERR_HEADERS_TIMEOUT, UND_ERR_SOCKET, ECONNRESET...) so the clients' existing mapping
// applies: after the write, any failure means "the order may exist: look it up".

import net from 'node:net';
import tls from 'node:tls';

export interface OrderChannelOptions {
  /** Connections kept open (default 2: two legs on one venue at once). */
  connections?: number | undefined;
  /**
   * Never write on a connection idle longer than this (default 10 s; shortened to the server's
   * Keep-Alive timeout minus 1 s when it says one). Idle connections are replaced before that.
   */
  maxIdleMs?: number | undefined;
  connectTimeoutMs?: number | undefined;
  /** Extra TLS options (tests: a CA). */
  tls?: tls.ConnectionOptions | undefined;
}

export interface ChannelResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  text: string;
}

/** An error with a `code`, like undici's and node's. */
export class ChannelError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ChannelError';
    this.code = code;
  }
}

const CRLF2 = Buffer.from('\r\n\r\n');

interface Pending {
  resolve: (r: ChannelResponse) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** One keep-alive connection: idle, or carrying exactly one request. */
class Conn {
  readonly socket: net.Socket;
  open = false;
  dead = false;
  /** When the connection last became idle (ms, Date.now). */
  idleSince = 0;
  /** Server's Keep-Alive timeout (ms) minus margin, when it said one. */
  keepAliveMs: number | null = null;
  pending: Pending | null = null;
  // response parsing state
  private buf: Buffer | null = null;
  private status = 0;
  private headers: Record<string, string> | null = null;
  private bodyParts: Buffer[] = [];
  private remaining = -1; // content-length left; -1 unknown
  private chunked = false;
  private untilClose = false;
  private closeAfter = false;

  constructor(
    socket: net.Socket,
    private readonly onIdle: (c: Conn) => void,
    private readonly onDead: (c: Conn) => void,
  ) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('end', () => this.fail(new ChannelError('UND_ERR_SOCKET', 'the server closed the connection before answering')));
    socket.on('close', () => this.fail(new ChannelError('UND_ERR_SOCKET', 'the connection closed before the answer')));
    socket.on('error', (err: Error & { code?: string }) => this.fail(new ChannelError(err.code ?? 'UND_ERR_SOCKET', err.message)));
  }

  /** How long this connection may stay idle and still be written on. */
  window(maxIdleMs: number): number {
    return Math.min(maxIdleMs, this.keepAliveMs ?? Infinity);
  }

  usable(now: number, maxIdleMs: number): boolean {
    if (!this.open || this.dead || this.pending !== null) return false;
    const s = this.socket;
    if (s.destroyed || !s.writable || s.readableEnded) return false;
    return now - this.idleSince < this.window(maxIdleMs);
  }

  /** Writes the request now (one write) and resolves with the response. */
  send(request: string, timeoutMs: number): Promise<ChannelResponse> {
    // Write first: the answer can only be read in a later event-loop turn, so the promise and
    // its timer can be set up after the bytes are handed to the kernel.
    this.socket.write(request, 'utf8');
    this.socket.ref();
    return new Promise<ChannelResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new ChannelError('UND_ERR_HEADERS_TIMEOUT', `no complete answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = { resolve, reject, timer };
    });
  }

  private fail(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      // A body that ends at close is complete at close.
      if (this.untilClose && this.headers) p.resolve(this.response());
      else p.reject(err);
    }
    this.socket.destroy();
    this.onDead(this);
  }

  private onData(d: Buffer): void {
    if (this.pending === null) {
      // Bytes nobody asked for: the connection cannot be trusted any more.
      this.fail(new ChannelError('UND_ERR_SOCKET', 'unexpected data on an idle connection'));
      return;
    }
    this.buf = this.buf ? Buffer.concat([this.buf, d]) : d;
    try {
      this.parse();
    } catch (err) {
      this.fail(new ChannelError('HPE_INVALID', `malformed HTTP answer: ${(err as Error).message}`));
    }
  }

  private parse(): void {
    for (;;) {
      const buf = this.buf;
      if (buf === null || buf.length === 0) return;
      if (this.headers === null) {
        const end = buf.indexOf(CRLF2);
        if (end < 0) {
          if (buf.length > 64 * 1024) throw new Error('header block over 64 KiB');
          return;
        }
        const lines = buf.toString('latin1', 0, end).split('\r\n');
        this.buf = buf.subarray(end + 4);
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
        if (!m) throw new Error(`bad status line ${JSON.stringify(lines[0]?.slice(0, 80))}`);
        const status = Number(m[1]);
        const headers: Record<string, string> = {};
        for (let i = 1; i < lines.length; i++) {
          const line = lines[i]!;
          const c = line.indexOf(':');
          if (c <= 0) continue;
          const k = line.slice(0, c).trim().toLowerCase();
          const v = line.slice(c + 1).trim();
          headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
        }
        if (status >= 100 && status < 200) continue; // interim answer: the real one follows
        this.status = status;
        this.headers = headers;
        const conn = (headers.connection ?? '').toLowerCase();
        this.closeAfter = conn.includes('close') || lines[0]!.startsWith('HTTP/1.0');
        const ka = /timeout=(\d+)/i.exec(headers['keep-alive'] ?? '');
        if (ka) this.keepAliveMs = Math.max(0, Number(ka[1]) * 1000 - 1000);
        const te = (headers['transfer-encoding'] ?? '').toLowerCase();
        if (te.includes('chunked')) this.chunked = true;
        else if (headers['content-length'] !== undefined) {
          const n = Number(headers['content-length']);
          if (!Number.isSafeInteger(n) || n < 0) throw new Error(`bad content-length ${headers['content-length']}`);
          this.remaining = n;
        } else if (status === 204 || status === 304) this.remaining = 0;
        else this.untilClose = true;
        if (this.remaining === 0) return this.complete();
        continue;
      }
      if (this.untilClose) {
        this.bodyParts.push(buf);
        this.buf = null;
        return;
      }
      if (!this.chunked) {
        const take = Math.min(this.remaining, buf.length);
        this.bodyParts.push(buf.subarray(0, take));
        this.remaining -= take;
        this.buf = buf.subarray(take);
        if (this.remaining === 0) return this.complete();
        return;
      }
      // chunked: size line, data, CRLF; a zero chunk then trailers and a blank line
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, buf.length);
        this.bodyParts.push(buf.subarray(0, take));
        this.remaining -= take;
        this.buf = buf.subarray(take);
        if (this.remaining > 0) return;
        this.remaining = -2; // expect the CRLF after the data
        continue;
      }
      if (this.remaining === -2) {
        if (buf.length < 2) return;
        this.buf = buf.subarray(2);
        this.remaining = -1;
        continue;
      }
      if (this.remaining === -3) {
        // after the last chunk: trailers end with an empty line
        const e = buf.indexOf('\r\n');
        if (e < 0) return;
        this.buf = buf.subarray(e + 2);
        if (e === 0) return this.complete();
        continue;
      }
      const e = buf.indexOf('\r\n');
      if (e < 0) return;
      const size = parseInt(buf.toString('latin1', 0, e).split(';')[0]!.trim(), 16);
      if (!Number.isFinite(size) || size < 0) throw new Error('bad chunk size');
      this.buf = buf.subarray(e + 2);
      this.remaining = size === 0 ? -3 : size;
    }
  }

  private response(): ChannelResponse {
    const parts = this.bodyParts;
    const text = parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8');
    return { status: this.status, headers: this.headers!, text };
  }

  private complete(): void {
    const p = this.pending!;
    const res = this.response();
    const leftover = this.buf !== null && this.buf.length > 0;
    this.pending = null;
    this.buf = null;
    this.headers = null;
    this.bodyParts = [];
    this.remaining = -1;
    this.chunked = false;
    clearTimeout(p.timer);
    if (this.closeAfter || leftover) {
      this.dead = true;
      this.socket.destroy();
      this.onDead(this);
    } else {
      this.idleSince = Date.now();
      this.socket.unref();
      this.onIdle(this);
    }
    p.resolve(res);
  }
}

export class OrderChannel {
  readonly origin: string;
  private readonly host: string;
  private readonly port: number;
  private readonly secure: boolean;
  private readonly hostHeader: string;
  private readonly size: number;
  private readonly maxIdleMs: number;
  /** Maintenance period: replaces connections well before they grow too old to use. */
  private readonly everyMs: number;
  private readonly connectTimeoutMs: number;
  private readonly tlsOpts: tls.ConnectionOptions | undefined;
  private readonly conns = new Set<Conn>();
  private connecting = 0;
  private started = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private waiters: (() => void)[] = [];
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(origin: string, opts: OrderChannelOptions = {}) {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RangeError(`order channel needs an http(s) origin, got ${origin}`);
    this.origin = u.origin;
    this.secure = u.protocol === 'https:';
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = u.port ? Number(u.port) : this.secure ? 443 : 80;
    this.hostHeader = u.host;
    this.size = opts.connections ?? 2;
    this.maxIdleMs = opts.maxIdleMs ?? 10_000;
    this.everyMs = Math.max(50, Math.min(1000, Math.floor(this.maxIdleMs / 4)));
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
    this.tlsOpts = opts.tls;
  }

  /** Open the connections in the background (idempotent); they are kept open and young. */
  start(): this {
    if (this.started || this.closed) return this;
    this.started = true;
    this.timer = setInterval(() => this.maintain(), this.everyMs);
    this.timer.unref();
    this.maintain();
    return this;
  }

  /** Resolves when a connection is open (or after `timeoutMs`, or when closed). */
  ready(timeoutMs = 5000): Promise<void> {
    this.start();
    if (this.closed || this.idleCount() > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, timeoutMs);
      t.unref();
      const self = this.waiters;
      function done(): void {
        clearTimeout(t);
        const i = self.indexOf(done);
        if (i >= 0) self.splice(i, 1);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /** Idle connections ready to carry a request now. */
  idleCount(): number {
    const now = Date.now();
    let n = 0;
    for (const c of this.conns) if (c.usable(now, this.maxIdleMs)) n++;
    return n;
  }

  /**
   * Write `METHOD path` with the given header lines ("name: value\r\n" each; host and
   * content-length are added) and body on an idle connection, synchronously. Null when no
   * connection is ready: nothing was written, use another transport.
   */
  send(method: string, path: string, headerLines: string, body: string, timeoutMs: number): Promise<ChannelResponse> | null {
    if (this.closed) return null;
    const now = Date.now();
    let conn: Conn | null = null;
    for (const c of this.conns) {
      if (c.usable(now, this.maxIdleMs)) {
        conn = c;
        break;
      }
    }
    if (conn === null) {
      this.start();
      return null;
    }
    const req = `${method} ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n${headerLines}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    return conn.send(req, timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = null;
    for (const c of [...this.conns]) {
      // In-flight requests keep their sockets until answered or timed out.
      if (c.pending === null) {
        c.dead = true;
        c.socket.destroy();
        this.conns.delete(c);
      }
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** Drop connections idle too long, and open new ones up to the target size. */
  private maintain(): void {
    if (this.closed) return;
    const now = Date.now();
    for (const c of [...this.conns]) {
      const old = now - c.idleSince > c.window(this.maxIdleMs) - 1.5 * this.everyMs;
      if (c.open && !c.dead && c.pending === null && (old || !c.usable(now, this.maxIdleMs))) {
        c.dead = true;
        c.socket.destroy();
        this.conns.delete(c);
      }
    }
    while (this.conns.size + this.connecting < this.size && this.retryTimer === null) this.connect();
  }

  private connect(): void {
    this.connecting++;
    let settled = false;
    const socket: net.Socket = this.secure
      ? tls.connect({ host: this.host, port: this.port, servername: net.isIP(this.host) ? undefined : this.host, ALPNProtocols: ['http/1.1'], ...this.tlsOpts })
      : net.connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    const conn = new Conn(
      socket,
      (c) => {
        if (!this.closed) return;
        c.dead = true;
        c.socket.destroy();
        this.conns.delete(c);
      },
      (c) => {
        this.conns.delete(c);
        if (!settled) {
          settled = true;
          this.connecting--;
          this.connectFailed();
        } else if (!this.closed) {
          // Replace it in the background (not in the caller's tick).
          setImmediate(() => this.maintain()).unref();
        }
      },
    );
    const t = setTimeout(() => socket.destroy(new Error(`connect timeout after ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs);
    t.unref();
    socket.once(this.secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(t);
      if (settled) return;
      settled = true;
      this.connecting--;
      this.failures = 0;
      if (this.closed) {
        conn.dead = true;
        socket.destroy();
        return;
      }
      conn.open = true;
      conn.idleSince = Date.now();
      socket.unref();
      this.conns.add(conn);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Back off after failed connects (the venue may be down; the pool path reports errors). */
  private connectFailed(): void {
    if (this.closed) return;
    this.failures++;
    const wait = Math.min(30_000, 100 * 2 ** Math.min(this.failures, 9));
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.maintain();
    }, wait);
    this.retryTimer.unref();
  }
}
