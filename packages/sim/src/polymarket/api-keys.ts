// API credentials of the simulated CLOB. Keys derive deterministically from a venue secret,
// the EOA and the nonce, so "derive" always gives back what "create" handed out (spec §3).

import { createHmac } from 'node:crypto';
import { getAddress } from 'viem';
import { ClobError, MSG } from './errors.ts';
import type { ApiCreds } from './l2-auth.ts';

export class ApiKeyStore {
  private readonly byKey = new Map<string, ApiCreds>();
  /** `${address lowercase}|${nonce}` -> api key, once created. */
  private readonly created = new Map<string, string>();

  /** `venueSecret` seeds the derivation; pass something seed-derived for reproducible runs. */
  constructor(private readonly venueSecret: string) {}

  /** The creds a given EOA + nonce always gets (not registered by this call). */
  derive(address: string, nonce: bigint): ApiCreds {
    const addr = getAddress(address);
    const mac = (label: string): Buffer =>
      createHmac('sha256', this.venueSecret).update(`${label}|${addr.toLowerCase()}|${nonce}`).digest();
    const k = mac('key').toString('hex');
    const apiKey = `${k.slice(0, 8)}-${k.slice(8, 12)}-4${k.slice(13, 16)}-${'89ab'[parseInt(k[16]!, 16) % 4]}${k.slice(17, 20)}-${k.slice(20, 32)}`;
    const secret = mac('secret').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    const passphrase = mac('passphrase').toString('hex');
    return { apiKey, secret, passphrase, address: addr };
  }

  /** POST /auth/api-key: a nonce's key can be created once; afterwards it must be derived. */
  create(address: string, nonce: bigint): ApiCreds {
    const id = `${address.toLowerCase()}|${nonce}`;
    if (this.created.has(id)) throw new ClobError(400, MSG.couldNotCreateKey);
    return this.register(address, nonce);
  }

  /** GET /auth/derive-api-key: only keys that exist. */
  deriveExisting(address: string, nonce: bigint): ApiCreds {
    const key = this.created.get(`${address.toLowerCase()}|${nonce}`);
    const creds = key === undefined ? undefined : this.byKey.get(key);
    if (!creds) throw new ClobError(400, MSG.couldNotDeriveKey);
    return creds;
  }

  /** Pre-provision creds (the simulator's own test account); idempotent. */
  register(address: string, nonce: bigint = 0n): ApiCreds {
    const creds = this.derive(address, nonce);
    this.created.set(`${address.toLowerCase()}|${nonce}`, creds.apiKey);
    this.byKey.set(creds.apiKey, creds);
    return creds;
  }

  lookup(apiKey: string): ApiCreds | undefined {
    return this.byKey.get(apiKey);
  }

  /** DELETE /auth/api-key. */
  remove(apiKey: string): void {
    const creds = this.byKey.get(apiKey);
    if (!creds) return;
    this.byKey.delete(apiKey);
    for (const [id, k] of this.created) if (k === apiKey) this.created.delete(id);
  }

  keysOf(address: string): string[] {
    const a = address.toLowerCase();
    return [...this.byKey.values()].filter((c) => c.address.toLowerCase() === a).map((c) => c.apiKey);
  }
}
