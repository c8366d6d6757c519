// L1 (wallet signature) authentication for creating/deriving API keys (spec §3), verified with
// viem's EIP-712 recovery, independently of any client-side signer.

import { getAddress, isAddress, isHex, recoverTypedDataAddress, type Hex } from 'viem';
import { CLOB_AUTH_DOMAIN_NAME, CLOB_AUTH_DOMAIN_VERSION, CLOB_AUTH_MESSAGE, CLOB_AUTH_TYPES } from './constants.ts';
import { ClobError, MSG } from './errors.ts';
import { header, type L2Request } from './l2-auth.ts';

export interface L1Identity {
  /** Checksummed EOA that signed. */
  address: string;
  nonce: bigint;
}

export interface L1VerifyOptions {
  chainId: number;
  nowSecs: number;
  maxSkewSecs: number;
}

/** Recover the ClobAuth signer from the four L1 headers; 401 `Invalid L1 Request headers` otherwise. */
export async function verifyL1(headers: L2Request['headers'], opts: L1VerifyOptions): Promise<L1Identity> {
  const fail = (reason: string): never => {
    throw Object.assign(new ClobError(401, MSG.invalidL1), { reason });
  };
  const address = header(headers, 'poly_address');
  const signature = header(headers, 'poly_signature');
  const timestamp = header(headers, 'poly_timestamp');
  const nonceRaw = header(headers, 'poly_nonce') ?? '0';
  if (!address || !signature || !timestamp) return fail('missing POLY_* header');
  if (!isAddress(address, { strict: false })) return fail('POLY_ADDRESS is not an address');
  if (!isHex(signature) || signature.length !== 132) return fail('POLY_SIGNATURE is not 65 bytes of hex');
  if (!/^\d{1,12}$/.test(timestamp)) return fail('POLY_TIMESTAMP not unix seconds');
  if (!/^\d{1,78}$/.test(nonceRaw)) return fail('POLY_NONCE not a decimal integer');
  if (Math.abs(opts.nowSecs - Number(timestamp)) > opts.maxSkewSecs) return fail('stale POLY_TIMESTAMP');
  const nonce = BigInt(nonceRaw);
  let recovered: string;
  try {
    recovered = await recoverTypedDataAddress({
      domain: { name: CLOB_AUTH_DOMAIN_NAME, version: CLOB_AUTH_DOMAIN_VERSION, chainId: opts.chainId },
      types: CLOB_AUTH_TYPES,
      primaryType: 'ClobAuth',
      message: { address: getAddress(address), timestamp, nonce, message: CLOB_AUTH_MESSAGE },
      signature: signature as Hex,
    });
  } catch {
    return fail('signature does not recover');
  }
  if (recovered.toLowerCase() !== address.toLowerCase()) return fail('signer is not POLY_ADDRESS');
  return { address: getAddress(address), nonce };
}
