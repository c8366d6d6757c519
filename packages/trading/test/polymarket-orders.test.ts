import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hashTypedData, recoverTypedDataAddress, type Hex } from 'viem';
import { polyLimitAmountsFromDecimal, polyMarketAmountsFromDecimal, polyTickSize, type PolyRawAmounts } from '../src/polymarket/amounts.ts';
import { polyAdjustBuyAmountForFees, polyRateToPpm } from '../src/polymarket/fees.ts';
import { POLY_ORDER_TYPE_STRING, type PolyOrderVersion } from '../src/polymarket/contracts.ts';
import { ORDER_TYPEHASH, PolyOrderSigner, polyBatchOrderBody, polyOrderBody, type PolySignedOrder } from '../src/polymarket/order-signer.ts';
import { keccak256, keccakText, secpBackend, toHex } from '../src/polymarket/crypto.ts';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { parseMicros, parsePx } from '../src/units.ts';
import { ConfigError } from '../src/env.ts';
import { TEST_ADDRESS, TEST_PRIVATE_KEY, loadVectors, type Json } from './polymarket-helpers.ts';

const v1file = loadVectors('polymarket.json');
const v2file = loadVectors('polymarket-v2.json');

/** One order case of either file, in a common shape. */
interface Case {
  id: string;
  inp: Json;
  version: PolyOrderVersion;
  message: Json;
  hash: string;
  signature: string;
  body: string;
  exchange: string;
  owner: string;
  wrapperInner?: string;
  wrapperDigest?: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const o of v2file.orders) {
    out.push({
      id: o.id, inp: o.inputs, version: 2, message: o.outputs.eip712_order_message, hash: o.outputs.eip712_digest,
      signature: o.outputs.signature, body: o.outputs.post_order_request.body_json, exchange: o.outputs.exchange_address,
      owner: v2file.api_creds.key,
      wrapperInner: o.outputs.signature_details?.inner_signature, wrapperDigest: o.outputs.signature_details?.signed_digest,
    });
  }
  for (const o of v1file.orders_v2) {
    out.push({
      id: o.id, inp: o.input, version: o.order_version, message: o.expected.order_struct, hash: o.expected.order_hash,
      signature: o.expected.signature, body: o.expected.post_body_json, exchange: o.expected.exchange_address, owner: v1file.api_creds.key,
    });
  }
  return out;
}

function amountsFor(inp: Json): PolyRawAmounts {
  const tick = polyTickSize(inp.tick_size);
  if (inp.size !== undefined) return polyLimitAmountsFromDecimal(inp.side, inp.price, inp.size, tick);
  let amount: number | string = inp.amount;
  if (inp.user_usdc_balance !== undefined) {
    const adjusted = polyAdjustBuyAmountForFees({
      amount: parseMicros(String(inp.amount)), price: parsePx(String(inp.price)), balance: parseMicros(String(inp.user_usdc_balance)),
      params: { ratePpm: polyRateToPpm(inp.market_fee_info.rate), exponent: inp.market_fee_info.exponent, takerOnly: true },
      builderTakerRatePpm: polyRateToPpm(inp.builder_taker_fee_rate), feeSlippagePercent: inp.fee_slippage_percent,
    });
    amount = (adjusted / 1e6).toFixed(6);
  }
  return polyMarketAmountsFromDecimal(inp.side, inp.price, amount, tick);
}

const signers = new Map<string, PolyOrderSigner>();
function signerFor(inp: Json): PolyOrderSigner {
  const k = `${inp.signature_type}:${inp.funder}:${inp.chain_id}`;
  let s = signers.get(k);
  if (!s) {
    s = new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY, chainId: inp.chain_id, signatureType: inp.signature_type, funder: inp.funder });
    signers.set(k, s);
  }
  return s;
}

function signCase(c: Case): PolySignedOrder {
  const inp = c.inp;
  const a = amountsFor(inp);
  return signerFor(inp).sign({
    tokenId: inp.token_id, side: inp.side, makerAmount: a.makerAmount, takerAmount: a.takerAmount,
    salt: Number(inp.salt), timestampMs: Number(inp.timestamp_ms), negRisk: inp.neg_risk, version: c.version,
    expiration: inp.expiration, metadata: inp.metadata, builder: inp.builder_code,
  });
}

test('signer backend is the native binding here (the fallback is tested separately)', () => {
  assert.equal(secpBackend, 'native');
});

test('constants: Order typehash and both V2 domain separators', () => {
  const c = v2file.contracts;
  assert.equal(POLY_ORDER_TYPE_STRING, c.order_type_string);
  assert.equal('0x' + toHex(ORDER_TYPEHASH), c.order_typehash);
  const s = new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY });
  assert.equal(s.domainSeparator(2, false), c.domain_separator_exchange_v2);
  assert.equal(s.domainSeparator(2, true), c.domain_separator_neg_risk_exchange_v2);
  assert.equal(s.address, v2file.test_wallet.address);
});

test('every V2 and V3 order vector: struct, digest (orderID), signature and exact POST body', () => {
  const all = cases();
  assert.equal(all.length, 17 + 11);
  assert.equal(all.filter((c) => c.version === 3).length, 2);
  for (const c of all) {
    const o = signCase(c);
    const m = c.message;
    assert.equal(String(o.salt), m.salt, c.id);
    assert.equal(o.maker, m.maker, c.id);
    assert.equal(o.signer, m.signer, c.id);
    assert.equal(o.tokenId, m.tokenId, c.id);
    assert.equal(o.makerAmount, m.makerAmount, `${c.id} makerAmount`);
    assert.equal(o.takerAmount, m.takerAmount, `${c.id} takerAmount`);
    assert.equal(o.timestamp, m.timestamp, c.id);
    assert.equal(o.side === 'BUY' ? 0 : 1, m.side, c.id);
    assert.equal(o.signatureType, m.signatureType, c.id);
    assert.equal(o.metadata, m.metadata, c.id);
    assert.equal(o.builder, m.builder, c.id);
    assert.equal(o.exchange, c.exchange, c.id);
    assert.equal(o.hash, c.hash, `${c.id} digest`);
    assert.equal(o.signature, c.signature, `${c.id} signature`);
    const body = polyOrderBody(o, c.owner, c.inp.order_type, c.inp.post_only, c.inp.defer_exec);
    assert.equal(body, c.body, `${c.id} body`);
  }
});

test('POLY_1271: the inner signature signs the TypedDataSign digest and the wrapper splits as recorded', () => {
  const c = cases().find((x) => x.id === 'v2-limit-buy-t0.01-std-poly1271-gtc')!;
  const o = signCase(c);
  assert.equal(o.signature.length, 2 + 317 * 2);
  assert.ok(o.signature.startsWith(c.wrapperInner!));
  assert.ok(o.signature.endsWith('00ba'));
});

test('batch POST /orders body equals the captured one', () => {
  const all = cases();
  const b = v2file.batch_post_orders;
  const body = polyBatchOrderBody(
    [0, 1].map((i) => ({ order: signCase(all[i]!), orderType: all[i]!.inp.order_type })),
    v2file.api_creds.key,
  );
  assert.equal(body, b.body_json);
});

test('property: digests equal viem hashTypedData and signatures recover to the EOA, both exchanges and versions', async () => {
  const signer = new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY, signatureType: 2, funder: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8' });
  assert.equal(signer.maker, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 'funder is checksummed');
  const samples = fc.sample(
    fc.record({
      tokenId: fc.bigInt({ min: 1n, max: (1n << 256n) - 1n }).map(String),
      side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
      makerAmount: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      takerAmount: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      salt: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      timestampMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
      negRisk: fc.boolean(),
      version: fc.constantFrom<PolyOrderVersion>(2, 3),
      builder: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => '0x' + toHex(b)),
    }),
    40,
  );
  for (const s of samples) {
    const o = signer.sign(s);
    const typed = {
      domain: { name: 'Polymarket CTF Exchange', version: String(s.version), chainId: 137, verifyingContract: o.exchange as Hex },
      types: {
        Order: POLY_ORDER_TYPE_STRING.slice(6, -1).split(',').map((f) => {
          const [type, name] = f.split(' ');
          return { name: name!, type: type! };
        }),
      },
      primaryType: 'Order' as const,
      message: {
        salt: BigInt(s.salt), maker: o.maker, signer: o.signer, tokenId: BigInt(s.tokenId), makerAmount: BigInt(s.makerAmount),
        takerAmount: BigInt(s.takerAmount), side: s.side === 'BUY' ? 0 : 1, signatureType: 2, timestamp: BigInt(s.timestampMs),
        metadata: o.metadata, builder: s.builder,
      },
    };
    assert.equal(o.hash, hashTypedData(typed));
    assert.equal(await recoverTypedDataAddress({ ...typed, signature: o.signature as Hex }), TEST_ADDRESS);
  }
});

test('the pure-JS fallback signs identically', () => {
  const c = cases()[0]!;
  const a = signCase(c);
  const noble = new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY, backend: 'noble' });
  assert.equal(noble.backend, 'noble');
  const amounts = amountsFor(c.inp);
  const b = noble.sign({
    ...amounts, tokenId: c.inp.token_id, side: c.inp.side, salt: Number(c.inp.salt), timestampMs: Number(c.inp.timestamp_ms), negRisk: false,
  });
  assert.equal(b.signature, a.signature);
});

test('bad signer configuration is a ConfigError saying what to fix', () => {
  assert.throws(() => new PolyOrderSigner({ privateKey: '0x1234' }), (e: unknown) => e instanceof ConfigError && /64 hex digits/.test(e.message));
  assert.throws(() => new PolyOrderSigner({ privateKey: '0x' + '0'.repeat(64) }), ConfigError);
  assert.throws(() => new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY, signatureType: 2 }), /needs POLY_FUNDER/);
  assert.throws(() => new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY, signatureType: 1, funder: '0x12' }), /POLY_FUNDER/);
  assert.throws(() => new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY, chainId: 1 }), /chain id 1/);
  assert.throws(() => new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY, signatureType: 7 as 0 }), /signature type 7/);
});

test('salts above 2^53 − 1 and malformed token ids are refused before signing', () => {
  const s = new PolyOrderSigner({ privateKey: TEST_PRIVATE_KEY });
  const base = { tokenId: '1', side: 'BUY' as const, makerAmount: 1, takerAmount: 1, salt: 1, timestampMs: 1, negRisk: false };
  assert.throws(() => s.sign({ ...base, salt: 2 ** 53 }), /salt/);
  assert.throws(() => s.sign({ ...base, tokenId: '0x12' }), /tokenId/);
  assert.throws(() => s.sign({ ...base, makerAmount: 0 }), /makerAmount/);
  // the typehash is what keccak says it is (guards the constant against edits)
  assert.equal(toHex(keccakText(POLY_ORDER_TYPE_STRING)), toHex(ORDER_TYPEHASH));
});

test('the order-path keccak-256 equals @noble/hashes keccak_256 for every length and alignment', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 700 }), fc.integer({ min: 0, max: 3 }), (data, shift) => {
      const buf = new Uint8Array(data.length + shift);
      buf.set(data, shift);
      const view = buf.subarray(shift);
      assert.equal(toHex(keccak256(view)), toHex(keccak_256(data)));
    }),
    { numRuns: 400 },
  );
  // block boundaries exactly
  for (const n of [135, 136, 137, 271, 272, 273, 384]) {
    const d = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
    assert.equal(toHex(keccak256(d)), toHex(keccak_256(d)), `length ${n}`);
  }
});
