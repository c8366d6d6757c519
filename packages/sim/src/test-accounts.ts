// Test accounts generated at start: a Kalshi API key (RSA-2048, public key registered with the
// simulated exchange) and a Polymarket wallet (random secp256k1 key) with L2 API credentials.
// Never real credentials: everything here is minted per run.

import { createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { Micros } from '@parity/trading';
import { privateKeyToAddress } from 'viem/accounts';
import type { SimAccount } from './accounts.ts';
import type { SimContext } from './context.ts';
import { deriveApiCreds, venueSecretOf } from './polymarket/api-keys.ts';

const genKeyPair = promisify(generateKeyPair);

export interface TestAccounts {
  kalshi: { account: SimAccount; keyId: string; privateKeyPem: string };
  polymarket: { account: SimAccount; address: string; privateKey: `0x${string}`; apiKey: string; apiSecret: string; passphrase: string };
}

let rsaKey: Promise<string> | null = null;

/**
 * An RSA-2048 private key (PKCS#1 PEM, like keys downloaded from the Kalshi UI, spec §2.4).
 * Generated once per process on a libuv thread (100 ms - 1 s on a busy machine) and shared by
 * every simulator the process starts; each gets its own key id.
 */
export function testRsaKey(): Promise<string> {
  rsaKey ??= genKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  }).then((k) => k.privateKey);
  return rsaKey;
}

export async function createTestAccounts(ctx: SimContext, cash: { kalshi: Micros; polymarket: Micros }): Promise<TestAccounts> {
  const privateKey = await testRsaKey();
  const keyId = ctx.newId();
  const kalshi = ctx.addAccount({
    id: 'kalshi-test',
    venue: 'kalshi',
    label: 'Kalshi test account',
    cash: cash.kalshi,
    kalshi: { keyId, publicKey: createPublicKey(privateKey), privateKeyPem: privateKey },
  });

  // secp256k1 key from the seeded stream (valid with overwhelming probability; retry otherwise).
  let pk: `0x${string}`;
  let address: string;
  for (;;) {
    pk = `0x${ctx.rng.hex(32)}`;
    try {
      address = privateKeyToAddress(pk);
      break;
    } catch {
      continue;
    }
  }
  const creds = deriveApiCreds(venueSecretOf(ctx), address, 0n);
  const polymarket = ctx.addAccount({
    id: 'polymarket-test',
    venue: 'polymarket',
    label: 'Polymarket test wallet',
    cash: cash.polymarket,
    polymarket: {
      address: address.toLowerCase(),
      privateKey: pk,
      signatureType: 0,
      apiKeys: [{ key: creds.apiKey, secret: creds.secret, passphrase: creds.passphrase }],
    },
  });
  return {
    kalshi: { account: kalshi, keyId, privateKeyPem: privateKey },
    polymarket: { account: polymarket, address, privateKey: pk, apiKey: creds.apiKey, apiSecret: creds.secret, passphrase: creds.passphrase },
  };
}
