// The controller process, market-data half: config -> pairs -> feeds -> books -> detection ->
// an OpportunitySink. The executor plugs into the sink; nothing here trades.
//
//   const app = await createMarketDataApp({ env: process.env, sink: (opp) => executor.offer(opp) });
//   app.start();  …  await app.stop();
//
// Every part is injectable (tests swap the feeds, the fee source, the clock or the pairs).

import type { Logger } from '@parity/trading';
import { ConfigError, logger as rootLogger } from '@parity/trading';
import { KalshiSigner, kalshiWsAuthHeadersAsync } from '@parity/trading/kalshi/auth.ts';
import { KalshiClient } from '@parity/trading/kalshi/client.ts';
import { kalshiConfigFromEnv, kalshiEndpointsFromEnv } from '@parity/trading/kalshi/config.ts';
import { KalshiMarketData } from '@parity/trading/kalshi/market-data.ts';
import { createPolyMetaFetcher, type PolyMetaFetcher } from '@parity/trading/polymarket/market-data-meta.ts';
import { PolyMarketData } from '@parity/trading/polymarket/market-data.ts';
import { POLY_DEFAULT_CLOB_URL, POLY_DEFAULT_WS_URL } from '@parity/trading/polymarket/config.ts';
import { envString } from '@parity/trading';
import { BookStore } from './books/book-store.ts';
import { marketDataConfigFromEnv, type MarketDataConfig } from './config/market-data.ts';
import { warmUpDetection } from './detection/warm-up.ts';
import { Detector, type OpportunitySink } from './detection/detector.ts';
import { FeeDirectory, type FeeSource } from './detection/fees.ts';
import { feeSource } from './feeds/fee-sources.ts';
import { MarketDataFeeds, type KalshiFeed, type PolyFeed } from './feeds/market-data-feeds.ts';
import type { Pair } from './model.ts';
import { loadPairsFile } from './pairs/pairs-file.ts';
import { PairRegistry } from './pairs/registry.ts';

export type { OpportunitySink } from './detection/detector.ts';

export interface MarketDataAppParts {
  config: MarketDataConfig;
  sink: OpportunitySink;
  /** Pairs to start with (default: read config.pairsFile). */
  pairs?: readonly Pair[];
  /** Feeds are built from `store` (the sink they write into); null = venue not followed. */
  kalshiFeed: (store: BookStore) => KalshiFeed | null;
  polyFeed: (store: BookStore) => PolyFeed | null;
  feeSource: FeeSource;
  now?: () => number;
  log?: Logger;
  /** Called by stop() after the feeds closed (HTTP pools of the fee source…). */
  onStop?: () => Promise<void> | void;
}

export interface MarketDataApp {
  readonly config: MarketDataConfig;
  readonly registry: PairRegistry;
  readonly store: BookStore;
  readonly fees: FeeDirectory;
  readonly detector: Detector;
  readonly feeds: MarketDataFeeds;
  start(): void;
  stop(): Promise<void>;
  /** Pairs whose three books are tradeable and fresh now. */
  tradeablePairs(nowMs?: number): number;
}

/** Assemble the market-data pipeline from explicit parts (no environment access). */
export function assembleMarketDataApp(parts: MarketDataAppParts): MarketDataApp {
  const log = parts.log ?? rootLogger.child({ mod: 'controller' });
  const now = parts.now ?? Date.now;
  const config = parts.config;
  const registry = new PairRegistry(parts.pairs ?? (config.pairsFile ? loadPairsFile(config.pairsFile) : []));
  const store = new BookStore(log.child({ mod: 'books' }));
  const fees = new FeeDirectory(parts.feeSource, {
    polyFallback: config.polyFeeFallback,
    polyDefaultMinSize: config.polyDefaultMinSize,
    log: log.child({ mod: 'fees' }),
  });
  const detector = new Detector(config.detection, fees, parts.sink, now, log.child({ mod: 'detect' }));
  if (config.warmUpRounds > 0) {
    const w = warmUpDetection(config.detection, config.warmUpRounds, log);
    log.debug({ rounds: w.rounds, opportunities: w.opportunities, ms: Math.round(w.ms) }, 'detection warmed up');
  }
  store.useDetector(detector);
  const feeds = new MarketDataFeeds(registry, store, detector, fees, parts.kalshiFeed(store), parts.polyFeed(store));
  let stopped = false;
  return {
    config,
    registry,
    store,
    fees,
    detector,
    feeds,
    start() {
      log.info({ pairs: registry.size, kalshi: feeds.kalshi !== null, polymarket: feeds.poly !== null }, 'market data starting');
      feeds.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await feeds.stop();
      fees.close();
      await parts.onStop?.();
    },
    tradeablePairs(nowMs = now()) {
      let n = 0;
      for (const p of store.pairs.values()) if (p.tradeable(nowMs, config.detection.maxBookAgeMs)) n++;
      return n;
    },
  };
}

export interface MarketDataAppOptions {
  env?: NodeJS.ProcessEnv;
  sink: OpportunitySink;
  pairs?: readonly Pair[];
  log?: Logger;
}

/**
 * The pipeline against whatever venues the environment names (the simulator's env file, or the
 * real venues — nothing here places orders). Kalshi's WebSocket requires an API key even for
 * market data, so KALSHI_API_KEY_ID and its private key are required.
 */
export function createMarketDataApp(opts: MarketDataAppOptions): MarketDataApp {
  const env = opts.env ?? process.env;
  const log = opts.log ?? rootLogger.child({ mod: 'controller' });
  const config = marketDataConfigFromEnv(env);
  const kalshiCfg = kalshiConfigFromEnv(env);
  if (!kalshiCfg)
    throw new ConfigError(
      'Kalshi market data needs an API key (its WebSocket requires authentication): set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH (or KALSHI_PRIVATE_KEY).',
    );
  const endpoints = kalshiEndpointsFromEnv(env);
  const signer = new KalshiSigner(kalshiCfg.credentials.keyId, kalshiCfg.credentials.privateKey);
  const polyWs = envString('POLY_WS_URL', env) ?? POLY_DEFAULT_WS_URL;
  const polyClob = envString('POLY_CLOB_URL', env) ?? POLY_DEFAULT_CLOB_URL;
  for (const [name, v, protos] of [['POLY_WS_URL', polyWs, ['ws:', 'wss:']], ['POLY_CLOB_URL', polyClob, ['http:', 'https:']]] as const) {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new ConfigError(`${name}=${JSON.stringify(v)} is not a URL`);
    }
    if (!(protos as readonly string[]).includes(u.protocol)) throw new ConfigError(`${name}=${v} must use ${protos.join(' or ')}`);
  }
  const kalshiReads = new KalshiClient({ apiBase: endpoints.apiBase, wsUrl: endpoints.wsUrl, credentials: null, presign: false, connections: 2 });
  const polyMeta: PolyMetaFetcher = createPolyMetaFetcher(polyClob);
  const t = config.feeds;
  return assembleMarketDataApp({
    config,
    sink: opts.sink,
    pairs: opts.pairs,
    log,
    feeSource: feeSource(kalshiReads, polyMeta),
    kalshiFeed: (store) =>
      new KalshiMarketData({
        url: endpoints.wsUrl,
        // Signed off the event loop (RSA ~1 ms), fresh for every connect.
        authHeaders: async () => ({ ...(await kalshiWsAuthHeadersAsync(signer, endpoints.wsUrl)) }),
        sink: store,
        pingIntervalMs: t.kalshiPingMs,
        staleMs: t.kalshiStaleMs,
        resyncTimeoutMs: t.resyncTimeoutMs,
        backoff: { baseMs: 250, maxMs: t.reconnectMaxMs },
        log: log.child({ mod: 'kalshi-md' }),
      }),
    polyFeed: (store) =>
      new PolyMarketData({
        url: polyWs.replace(/\/+$/, ''),
        sink: store,
        maxAssetsPerConnection: t.polyMaxAssetsPerConnection,
        pingIntervalMs: t.polyPingMs,
        staleMs: t.polyStaleMs,
        resyncTimeoutMs: t.resyncTimeoutMs,
        backoff: { baseMs: 250, maxMs: t.reconnectMaxMs },
        log: log.child({ mod: 'poly-md' }),
      }),
    async onStop() {
      await Promise.allSettled([kalshiReads.close(), polyMeta.close()]);
    },
  });
}
