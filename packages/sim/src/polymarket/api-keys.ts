// API credentials of the simulated CLOB, kept on the SimContext accounts. Keys derive
// deterministically from a venue secret, the EOA and the nonce, so "derive" always gives back
// what "create" handed out (spec §3), and the same seed gives the same keys.

import { createHmac } from 'node:crypto';
import { getAddress } from 'viem';
import type { SimAccount } from '../accounts.ts';
import type { SimContext } from '../context.ts';
import { ClobError, MSG } from './errors.ts';
import type { ApiCreds } from './l2-auth.ts';

/** The creds an EOA + nonce always gets under `venueSecret` (pure). */
export function deriveApiCreds(venueSecret: string, address: string, nonce: bigint): ApiCreds {
  const addr = getAddress(address);
  const mac = (label: string): Buffer =>
    createHmac('sha256', venueSecret).update(`${label}|${addr.toLowerCase()}|${nonce}`).digest();
  const k = mac('key').toString('hex');
  const variant = '89ab'[parseInt(k[16]!, 16) % 4]!;
  const apiKey = `${k.slice(0, 8)}-${k.slice(8, 12)}-4${k.slice(13, 16)}-${variant}${k.slice(17, 20)}-${k.slice(20, 32)}`;
  const secret = mac('secret').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  const passphrase = mac('passphrase').toString('hex');
  return { apiKey, secret, passphrase, address: addr };
}

/** The venue secret of a context: fixed per seed, so runs with the same seed agree. */
export const venueSecretOf = (ctx: SimContext): string => `parity-sim-polymarket-api-keys|${ctx.seed}`;

export interface Authenticated {
  creds: ApiCreds;
  account: SimAccount;
}

export class PolyApiKeys {
  private readonly revoked = new Set<string>();
  private readonly secret: string;

  constructor(private readonly ctx: SimContext, venueSecret?: string) {
    this.secret = venueSecret ?? venueSecretOf(ctx);
  }

  derive(address: string, nonce: bigint): ApiCreds {
    return deriveApiCreds(this.secret, address, nonce);
  }

  /** POST /auth/api-key. A wallet the simulator does not know gets an empty account. */
  create(address: string, nonce: bigint): ApiCreds {
    const account = this.accountFor(address);
    if (this.existing(account, address, nonce)) throw new ClobError(400, MSG.couldNotCreateKey);
    const creds = this.derive(address, nonce);
    this.revoked.delete(creds.apiKey);
    this.ctx.addPolyApiKey(account.id, { key: creds.apiKey, secret: creds.secret, passphrase: creds.passphrase });
    return creds;
  }

  /** GET /auth/derive-api-key: only a key that exists. */
  deriveExisting(address: string, nonce: bigint): ApiCreds {
    const account = this.ctx.accountByAddress(address);
    const creds = account ? this.existing(account, address, nonce) : undefined;
    if (!creds) throw new ClobError(400, MSG.couldNotDeriveKey);
    return creds;
  }

  /** L2 lookup: the creds of a live key and its account. */
  lookup(apiKey: string): Authenticated | undefined {
    if (this.revoked.has(apiKey)) return undefined;
    const account = this.ctx.accountByPolyApiKey(apiKey);
    const k = account?.polymarket?.apiKeys.find((c) => c.key === apiKey);
    if (!account?.polymarket || !k) return undefined;
    return {
      account,
      creds: { apiKey: k.key, secret: k.secret, passphrase: k.passphrase, address: getAddress(account.polymarket.address) },
    };
  }

  /** DELETE /auth/api-key. */
  revoke(apiKey: string): void {
    const a = this.lookup(apiKey);
    if (!a?.account.polymarket) return;
    this.revoked.add(apiKey);
    const keys = a.account.polymarket.apiKeys;
    const i = keys.findIndex((k) => k.key === apiKey);
    if (i >= 0) keys.splice(i, 1);
  }

  /** Live keys of an account. */
  keysOf(account: SimAccount): ApiCreds[] {
    const pm = account.polymarket;
    if (!pm) return [];
    return pm.apiKeys
      .filter((k) => !this.revoked.has(k.key))
      .map((k) => ({ apiKey: k.key, secret: k.secret, passphrase: k.passphrase, address: getAddress(pm.address) }));
  }

  /**
   * The key registered for this nonce: the derived one, or, for nonce 0, a key the simulator
   * provisioned up front (the test account of the env file).
   */
  private existing(account: SimAccount, address: string, nonce: bigint): ApiCreds | undefined {
    const live = this.keysOf(account);
    const derived = this.derive(address, nonce);
    const hit = live.find((k) => k.apiKey === derived.apiKey);
    if (hit) return hit;
    if (nonce === 0n) return live.find((k) => !this.isDerivedForSomeNonce(address, k.apiKey));
    return undefined;
  }

  private isDerivedForSomeNonce(address: string, apiKey: string): boolean {
    // Nonces in practice are small; a provisioned key is one no small nonce derives to.
    for (let n = 0n; n < 16n; n++) if (this.derive(address, n).apiKey === apiKey) return true;
    return false;
  }

  private accountFor(address: string): SimAccount {
    const found = this.ctx.accountByAddress(address);
    if (found?.polymarket) return found;
    return this.ctx.addAccount({
      // A fixed id (not from the context's id stream, so other ids do not shift).
      id: `polymarket-wallet-${address.toLowerCase().slice(2, 14)}`,
      venue: 'polymarket',
      cash: 0,
      label: `wallet ${address.slice(0, 10)}`,
      polymarket: { address: address.toLowerCase(), signatureType: 0, apiKeys: [] },
    });
  }
}
