import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { OrderChannel, ChannelError } from '../src/http-order-channel.ts';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: Socket;
}

async function server(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, socket: req.socket });
      handler(req, res, body);
    });
  });
  s.on('connection', (c: Socket) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    sockets,
    server: s,
    close: () =>
      new Promise<void>((r) => {
        for (const c of sockets) c.destroy();
        s.close(() => r());
      }),
  };
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('writes the request as given (host and content-length added), parses the answer, reuses the connection', async () => {
  const srv = await server((_req, res, body) => {
    const text = JSON.stringify({ echo: JSON.parse(body) as unknown, ok: 'é' });
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-a': '1' });
    res.end(text);
  });
  const ch = new OrderChannel(srv.url, { connections: 1 });
  try {
    assert.equal(ch.send('POST', '/x', '', '{}', 1000), null, 'nothing is written before a connection is open');
    await ch.ready();
    assert.equal(ch.idleCount(), 1);
    const body = JSON.stringify({ order: 'é', n: 1 });
    const p = ch.send('POST', '/trade-api/v2/portfolio/events/orders', 'content-type: application/json\r\nKALSHI-ACCESS-KEY: k\r\n', body, 2000);
    assert.ok(p, 'an idle connection takes the request');
    assert.equal(ch.idleCount(), 0, 'busy while the answer is outstanding');
    const r = await p;
    assert.equal(r.status, 201);
    assert.equal(r.headers['x-a'], '1');
    assert.deepEqual(JSON.parse(r.text), { echo: { order: 'é', n: 1 }, ok: 'é' });
    const s0 = srv.seen[0]!;
    assert.equal(s0.method, 'POST');
    assert.equal(s0.url, '/trade-api/v2/portfolio/events/orders');
    assert.equal(s0.headers.host, new URL(srv.url).host);
    assert.equal(s0.headers['content-length'], String(Buffer.byteLength(body)));
    assert.equal(s0.headers['kalshi-access-key'], 'k');
    assert.equal(s0.body, body);
    const again = await ch.send('POST', '/y', '', '{"n":2}', 2000)!;
    assert.equal(again.status, 201);
    assert.equal(srv.seen[1]!.socket, s0.socket, 'the same keep-alive connection');
  } finally {
    await ch.close();
    await srv.close();
  }
});

test('chunked answers, interim 100 answers and answers framed by close are read whole', async () => {
  let mode = 'chunked';
  const srv = await server((req, res) => {
    if (mode === 'chunked') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"a":');
      setTimeout(() => res.end('"b"}'), 5);
    } else if (mode === 'continue') {
      res.writeContinue();
      res.writeHead(200, { 'content-length': '2' });
      res.end('ok');
    } else {
      // HTTP/1.0-style: no length, the body ends when the connection closes.
      req.socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil close', () => req.socket.end());
    }
  });
  const ch = new OrderChannel(srv.url, { connections: 1 });
  try {
    await ch.ready();
    const a = await ch.send('POST', '/', '', '{}', 2000)!;
    assert.deepEqual([a.status, a.text, a.headers['transfer-encoding']], [200, '{"a":"b"}', 'chunked']);
    mode = 'continue';
    const b = await ch.send('POST', '/', '', '{}', 2000)!;
    assert.deepEqual([b.status, b.text], [200, 'ok']);
    mode = 'close';
    const c = await ch.send('POST', '/', '', '{}', 2000)!;
    assert.deepEqual([c.status, c.text], [200, 'until close']);
    // The closed connection is replaced in the background.
    await until(() => ch.idleCount() === 1, 'a new connection');
  } finally {
    await ch.close();
    await srv.close();
  }
});

test('no answer in time: UND_ERR_HEADERS_TIMEOUT; a connection dropped mid-request: a socket error; both replaced', async () => {
  let mode = 'hang';
  const srv = await server((req, res) => {
    if (mode === 'hang') return;
    if (mode === 'drop') {
      req.socket.destroy();
      return;
    }
    res.end('fine');
  });
  const ch = new OrderChannel(srv.url, { connections: 1 });
  try {
    await ch.ready();
    await assert.rejects(ch.send('POST', '/', '', '{}', 100)!, (e: unknown) => e instanceof ChannelError && e.code === 'UND_ERR_HEADERS_TIMEOUT');
    await until(() => ch.idleCount() === 1, 'a fresh connection after the timeout');
    mode = 'drop';
    await assert.rejects(ch.send('POST', '/', '', '{}', 2000)!, (e: unknown) => e instanceof ChannelError && /UND_ERR_SOCKET|ECONNRESET/.test(e.code));
    await until(() => ch.idleCount() === 1, 'a fresh connection after the drop');
    mode = 'ok';
    assert.equal((await ch.send('POST', '/', '', '{}', 2000)!).text, 'fine');
  } finally {
    await ch.close();
    await srv.close();
  }
});

test('the server\'s Keep-Alive timeout bounds how long an idle connection is used; connections closed by the server are not used', async () => {
  const srv = await server((_req, res) => res.end('x'));
  srv.server.keepAliveTimeout = 1500; // advertised as timeout=1: usable for 0 s after an answer
  const ch = new OrderChannel(srv.url, { connections: 1 });
  try {
    await ch.ready();
    assert.equal((await ch.send('POST', '/', '', '{}', 2000)!).text, 'x');
    const used = srv.seen[0]!.socket;
    // Too old at once (1 s - 1 s margin): not written on; a fresh connection replaces it.
    assert.equal(ch.send('POST', '/', '', '{}', 2000), null);
    await until(() => ch.idleCount() === 1, 'a replacement connection');
    assert.equal((await ch.send('POST', '/', '', '{}', 2000)!).text, 'x');
    assert.notEqual(srv.seen[1]!.socket, used, 'the request went on a new connection');
    // The server closing an idle connection: noticed, never written on, replaced.
    const before = new Set(srv.sockets);
    for (const s of before) s.destroy();
    await until(() => srv.sockets.size === 1 && !before.has([...srv.sockets][0]!), 'the channel to reconnect after the server closed');
    await until(() => ch.idleCount() === 1, 'the new connection to be ready');
    assert.equal((await ch.send('POST', '/', '', '{}', 2000)!).text, 'x');
    assert.ok(!before.has(srv.seen.at(-1)!.socket), 'written on the new connection');
  } finally {
    await ch.close();
    await srv.close();
  }
});

test('connect failures back off and send() keeps answering null until the venue is up', async () => {
  const srv = await server((_req, res) => res.end('up'));
  const port = (srv.server.address() as AddressInfo).port;
  await srv.close();
  const ch = new OrderChannel(`http://127.0.0.1:${port}`, { connections: 1, connectTimeoutMs: 500 });
  try {
    ch.start();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(ch.send('POST', '/', '', '{}', 1000), null);
    assert.equal(ch.idleCount(), 0);
  } finally {
    await ch.close();
  }
  assert.equal(ch.send('POST', '/', '', '{}', 1000), null, 'closed: nothing is written');
});
