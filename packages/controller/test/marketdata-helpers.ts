// Helpers for the market-data tests: a WebSocket server on 127.0.0.1 (port 0) and polling waits.

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface TestWsServer {
  url: string;
  wss: WebSocketServer;
  connections: WebSocket[];
  upgrades: IncomingMessage[];
  close(): Promise<void>;
}

export async function startWsServer(path: string, onConnection: (ws: WebSocket, req: IncomingMessage) => void): Promise<TestWsServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path });
  const connections: WebSocket[] = [];
  const upgrades: IncomingMessage[] = [];
  wss.on('connection', (ws, req) => {
    connections.push(ws);
    upgrades.push(req);
    onConnection(ws, req);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}${path}`,
    wss,
    connections,
    upgrades,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

/** Poll `cond` until it holds or `timeoutMs` passes (then throw with `what`). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000, everyMs = 10): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
