// The Polymarket venue inside the whole simulator (startSim): the env file's test wallet and API
// key trade through the OFFICIAL client, and Gamma serves the scenario's pairs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClobClient, OrderType, Side, AssetType } from '@polymarket/clob-client-v2';
import { createWalletClient, custom } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startSim } from '../src/sim.ts';

test('startSim: env credentials trade on the Polymarket venue with the official client; Gamma lists the pairs', async () => {
  const sim = await startSim({ seed: 11, scenario: 'static', arbs: false });
  try {
    const env = sim.env;
    const account = privateKeyToAccount(env.POLY_PRIVATE_KEY as `0x${string}`);
    const signer = createWalletClient({ account, transport: custom({ request: async () => { throw new Error('no network'); } }) });
    // The provisioned key is what derive (nonce 0) returns.
    const derived = await new ClobClient({ host: env.POLY_CLOB_URL!, chain: 137, signer }).deriveApiKey();
    assert.deepEqual(derived, { key: env.POLY_API_KEY, secret: env.POLY_API_SECRET, passphrase: env.POLY_API_PASSPHRASE });
    const client = new ClobClient({ host: env.POLY_CLOB_URL!, chain: 137, signer, creds: derived, signatureType: Number(env.POLY_SIGNATURE_TYPE) });
    const pair = sim.pairs[0]!;
    const book = await client.getOrderBook(pair.poly_yes_token);
    const bestAsk = book.asks.at(-1);
    assert.ok(bestAsk, 'the scenario quotes the Polymarket book');
    const before = await client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL });
    const cap = Math.min(0.99, Number(bestAsk.price) + 0.02);
    const res = await client.createAndPostMarketOrder({ tokenID: pair.poly_yes_token, amount: 5, side: Side.BUY, price: cap }, undefined, OrderType.FAK);
    assert.equal(res.status, 'matched', JSON.stringify(res));
    const after = await client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL });
    assert.ok(Number(after.balance) < Number(before.balance));
    const pos = await client.getBalanceAllowance({ asset_type: AssetType.CONDITIONAL, token_id: pair.poly_yes_token });
    assert.equal(Number(pos.balance) / 1e6, Number(res.takingAmount));

    // Gamma knows the pair's market, tokens in the pairs-file order.
    const hit = sim.ctx.marketByToken(pair.poly_yes_token)!;
    const g = (await (await fetch(`${env.POLY_GAMMA_URL}/markets?slug=${hit.market.polymarket!.slug}`)).json()) as { clobTokenIds: string }[];
    assert.equal(g.length, 1);
    assert.deepEqual(JSON.parse(g[0]!.clobTokenIds), [pair.poly_yes_token, pair.poly_no_token]);

    // WS URL is the market channel.
    assert.match(env.POLY_WS_URL!, /^ws:\/\/127\.0\.0\.1:\d+\/ws\/market$/);
  } finally {
    await sim.close();
  }
});
