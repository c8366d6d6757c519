// Polymarket V2 order build + sign + serialize: ours vs the official @polymarket/clob-client-v2
// OrderBuilder (same wallet, same order, measured in the same run, alternating one call each).
//
//   npm run bench -- poly-sign [iterations]
//
// Ours: leg amounts (integer, §6.5-safe) -> EIP-712 digest over the precomputed domain -> native
// secp256k1 signature -> exact POST body string. Official: OrderBuilder.buildOrder (limit amounts,
// typed-data signing through an ethers v5 Wallet, as its README shows) -> orderToJsonV2 -> JSON.
// Prints one JSON line {"bench":"poly-sign", poly_sign_us_p50, poly_sign_us_p99, official_sign_us_p50, speedup}.

import { loadavg } from 'node:os';
import { OrderBuilder, Side, orderToJsonV2 } from '@polymarket/clob-client-v2';
import { polyLegAmounts } from '../packages/trading/src/polymarket/amounts.ts';
import { PolyOrderSigner, polyOrderBody } from '../packages/trading/src/polymarket/order-signer.ts';

// Hardhat/Anvil account #0: a publicly known test key, never funded.
const TEST_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const OWNER = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

async function officialWallet(): Promise<unknown> {
  try {
    // The wallet type the official README uses (a dependency of @polymarket/clob-client-v2).
    const { Wallet } = (await import('@ethersproject/wallet' as string)) as { Wallet: new (k: string) => unknown };
    return new Wallet(TEST_KEY);
  } catch {
    // Fallback: a viem wallet client, which the official client accepts too.
    const { createWalletClient, http } = await import('viem');
    const { privateKeyToAccount } = await import('viem/accounts');
    const { polygon } = await import('viem/chains');
    return createWalletClient({ account: privateKeyToAccount(TEST_KEY), chain: polygon, transport: http('http://127.0.0.1:9') });
  }
}

export async function run(iterations = 2000): Promise<Record<string, number>> {
  const ours = new PolyOrderSigner({ privateKey: TEST_KEY });
  const official = new OrderBuilder((await officialWallet()) as never, 137, 0);

  let salt = 1_000_000;
  const oursOnce = (i: number): string => {
    // A FAK BUY of 21 shares at 0.56 (+ a varying cent so no two orders are alike).
    const price = 5600 + (i % 3) * 100;
    const a = polyLegAmounts('BUY', price, 2100, '0.01');
    const o = ours.sign({
      tokenId: TOKEN, side: 'BUY', makerAmount: a.makerAmount, takerAmount: a.takerAmount, salt: salt++,
      timestampMs: 1_767_225_601_000 + i, negRisk: false,
    });
    return polyOrderBody(o, OWNER, 'FAK');
  };
  const officialOnce = async (i: number): Promise<string> => {
    const price = 0.56 + (i % 3) / 100;
    const o = await official.buildOrder({ tokenID: TOKEN, price, size: 21, side: Side.BUY }, { tickSize: '0.01', negRisk: false }, 2);
    return JSON.stringify(orderToJsonV2(o as never, OWNER, 'FAK' as never));
  };

  // Warm both paths (JIT, caches, lazy imports).
  for (let i = 0; i < 300; i++) oursOnce(i);
  for (let i = 0; i < 30; i++) await officialOnce(i);

  const oursUs: number[] = [];
  const officialUs: number[] = [];
  let sink = 0;
  for (let i = 0; i < iterations; i++) {
    let t = process.hrtime.bigint();
    sink += oursOnce(i).length;
    oursUs.push(Number(process.hrtime.bigint() - t) / 1000);
    // The official path is ~20-50x slower: one official call per 4 of ours keeps the run short
    // while still interleaving the two under the same machine conditions.
    if (i % 4 === 0) {
      t = process.hrtime.bigint();
      sink += (await officialOnce(i)).length;
      officialUs.push(Number(process.hrtime.bigint() - t) / 1000);
    }
  }
  if (sink === 0) throw new Error('nothing was built');
  oursUs.sort((a, b) => a - b);
  officialUs.sort((a, b) => a - b);
  const p50 = percentile(oursUs, 0.5);
  const off50 = percentile(officialUs, 0.5);
  return {
    poly_sign_us_p50: round1(p50),
    poly_sign_us_p99: round1(percentile(oursUs, 0.99)),
    official_sign_us_p50: round1(off50),
    speedup: Math.round((off50 / p50) * 10) / 10,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = process.argv[2] ? Number(process.argv[2]) : undefined;
  if (n !== undefined && (!Number.isInteger(n) || n < 10)) {
    console.error('usage: npm run bench -- poly-sign [iterations >= 10]');
    process.exit(2);
  }
  const r = await run(n);
  // The machine's load during the run: both medians inflate under load (the official path far more).
  const load = Math.round(loadavg()[0]! * 100) / 100;
  console.log(JSON.stringify({ bench: 'poly-sign', ...r, load_avg_1m: load, signer: new PolyOrderSigner({ privateKey: TEST_KEY }).backend }));
}
