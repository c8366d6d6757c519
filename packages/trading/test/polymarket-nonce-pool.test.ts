import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { recoverAddress, type Hex } from 'viem';
import { createSecp256k1Signer, secpBackend, toHex } from '../src/polymarket/crypto.ts';
import { PolyOrderSigner } from '../src/polymarket/order-signer.ts';
import { TEST_PRIVATE_KEY } from './polymarket-helpers.ts';

const HALF_N = secp256k1.Point.CURVE().n >> 1n;

test('precomputed-nonce signatures verify, recover to the address, are low-s, and never reuse a nonce', { skip: secpBackend !== 'native' && 'native secp256k1 binding not available' }, async () => {
  const s = createSecp256k1Signer(TEST_PRIVATE_KEY, 'POLY_PRIVATE_KEY', 'auto', { precomputedNonces: { depth: 3, refillDelayMs: 1 } });
  const pub = secp256k1.getPublicKey(Buffer.from(TEST_PRIVATE_KEY.slice(2), 'hex'), false);
  const rs = new Set<string>();
  try {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (digest) => {
        const hex = s.signHex(digest);
        assert.match(hex, /^[0-9a-f]{128}(1b|1c)$/);
        const r = BigInt('0x' + hex.slice(0, 64));
        const sv = BigInt('0x' + hex.slice(64, 128));
        assert.ok(sv > 0n && sv <= HALF_N, 'low s');
        assert.ok(secp256k1.verify(Buffer.from(hex.slice(0, 128), 'hex'), digest, pub, { prehash: false }), 'verifies');
        const addr = await recoverAddress({ hash: `0x${toHex(digest)}` as Hex, signature: `0x${hex}` as Hex });
        assert.equal(addr, s.address);
        assert.ok(!rs.has(r.toString(16)), 'a nonce is used once');
        rs.add(r.toString(16));
        // give the pool a chance to refill sometimes, and drain it other times (deterministic fallback)
        if (digest[0]! % 2 === 0) await new Promise((res) => setTimeout(res, 3));
      }),
      { numRuns: 150 },
    );
  } finally {
    s.close();
  }
});

test('with an empty pool the signer falls back to deterministic signing; without the option signatures are deterministic', { skip: secpBackend !== 'native' && 'native secp256k1 binding not available' }, () => {
  const det = createSecp256k1Signer(TEST_PRIVATE_KEY);
  const digest = randomBytes(32);
  assert.equal(det.signHex(digest), det.signHex(digest), 'RFC 6979 without precomputed nonces');
  assert.equal(det.signHex(digest), toHex(det.sign(digest)));
  const pooled = createSecp256k1Signer(TEST_PRIVATE_KEY, 'POLY_PRIVATE_KEY', 'auto', { precomputedNonces: { depth: 2, refillDelayMs: 60_000 } });
  try {
    const a = pooled.signHex(digest);
    const b = pooled.signHex(digest);
    assert.notEqual(a, b, 'two different nonces');
    assert.notEqual(a, det.signHex(digest));
    assert.equal(pooled.signHex(digest), det.signHex(digest), 'pool empty: the deterministic signature');
  } finally {
    pooled.close();
  }
});

test('orders signed with precomputed nonces keep their hash (orderID) and recover to the signer', { skip: secpBackend !== 'native' && 'native secp256k1 binding not available' }, async () => {
  const fast = new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY, precomputedNonces: true });
  const det = new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY });
  try {
    const input = { tokenId: '71321045679252212594626385532706912750332728571942532289631379312455583992563', side: 'BUY' as const, makerAmount: 5_300_000, takerAmount: 10_000_000, salt: 12345, timestampMs: 1_700_000_000_000, negRisk: false };
    const a = fast.sign(input);
    const b = det.sign(input);
    assert.equal(a.hash, b.hash);
    assert.notEqual(a.signature, b.signature);
    assert.equal(await recoverAddress({ hash: a.hash as Hex, signature: a.signature as Hex }), fast.address);
  } finally {
    fast.close();
    det.close();
  }
});
