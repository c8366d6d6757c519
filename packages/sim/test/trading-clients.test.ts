// The trading library's clients, configured only from the simulator's env file, place legs over
// real sockets and get fills with the venues' fees; balances and positions move accordingly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExecutionClients, executeLeg, resolveLeg, type VenueClients } from '@parity/trading';
import { ManualClock, startSim, type SimHandle } from '../src/index.ts';

let sim: SimHandle;
let clients: VenueClients;
let dir: string;

before(async () => {
  sim = await startSim({
    seed: 8,
    clock: new ManualClock(),
    scenario: {
      name: 'legs',
      market_maker: { enabled: false },
      arbs: { enabled: false },
      pairs: [
        {
          id: 'legs',
          kalshi: { ticker: 'KXLEG-26NOV25-A', fee_type: 'quadratic' },
          polymarket: { outcomes: ['Yes', 'No'], tick_size: '0.01', fee_rate: 0.05, min_order_size: 5 },
          books: {
            kalshi: { bids: [[0.4, 100]], asks: [[0.45, 100]] },
            polymarket: { bids: [[0.4, 100]], asks: [[0.46, 100]] },
          },
        },
      ],
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'parity-legs-'));
  const { envPath } = await sim.writeEnvFile(join(dir, 'sim.env'));
  const env: Record<string, string> = {};
  for (const line of (await readFile(envPath, 'utf8')).split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && !line.startsWith('#')) env[line.slice(0, i)] = line.slice(i + 1);
  }
  clients = await buildExecutionClients(env, { platforms: ['kalshi', 'polymarket'] });
});
after(async () => {
  await clients?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

test('Kalshi leg through executeLeg: filled at the resting price, fee per the spec, balance and position move', async () => {
  const kalshi = clients.kalshi!;
  assert.ok(kalshi, 'the env file configures a Kalshi client');
  assert.equal(await kalshi.balanceMicros(), 10_000_000_000);
  const req = { legId: 'leg-k-1', platform: 'kalshi' as const, action: 'buy' as const, side: 'yes' as const, price: 4600, contracts: 1000, kalshiTicker: 'KXLEG-26NOV25-A' };
  const r = await executeLeg(req, clients, { dryRun: false });
  assert.equal(r.status, 'filled', r.error ?? '');
  assert.equal(r.filledContracts, 1000);
  assert.equal(r.costMicros, 4_500_000); // 10 x $0.45: the resting price, not the 0.46 limit
  assert.equal(r.feesMicros, 180_000); // ceil_to_cent(0.07 x 10 x 0.45 x 0.55) = $0.18
  assert.equal(await kalshi.balanceMicros(), 10_000_000_000 - 4_500_000 - 180_000);
  const pos = sim.ctx.position(sim.accounts.kalshi.account, 'KXLEG-26NOV25-A');
  assert.equal(pos.yes, 1000);
  // The same leg again: the venue refuses the repeated client order id (409), so it never executes
  // twice, whatever the client then reports; resolving the leg finds the first order.
  await executeLeg(req, clients, { dryRun: false });
  const log = sim.orderLog({ venue: 'kalshi' });
  assert.deepEqual(log.map((e) => [e.result, e.reason ?? null]), [
    ['accepted', null],
    ['rejected', 'duplicate_client_order_id'],
  ]);
  assert.equal(pos.yes, 1000);
  const resolved = await resolveLeg(req, clients);
  assert.equal(resolved.status, 'filled');
  assert.equal(resolved.filledContracts, 1000);
  assert.equal(resolved.feesMicros, 180_000);
});

test('Polymarket leg through executeLeg: FAK fills at the resting price with the taker fee', async () => {
  const poly = clients.polymarket;
  assert.ok(poly, 'the env file configures a Polymarket client');
  const token = sim.pairs[0]!.poly_yes_token;
  const before = sim.accounts.polymarket.account.cash;
  const r = await executeLeg({ legId: 'leg-p-1', platform: 'polymarket', action: 'buy', side: 'yes', price: 4700, contracts: 1000, polyToken: token, createdAtMs: Date.now() }, clients, { dryRun: false });
  assert.equal(r.filledContracts, 1000, r.error ?? '');
  assert.ok(r.status === 'filled' || r.status === 'pending', r.status);
  assert.equal(r.costMicros, 4_600_000);
  // 10 x 0.05 x 0.46 x 0.54 = $0.1242
  const spent = before - sim.accounts.polymarket.account.cash;
  assert.equal(spent, 4_600_000 + 124_200);
  assert.equal(sim.ctx.position(sim.accounts.polymarket.account, sim.ctx.marketByToken(token)!.market.id).yes, 1000);
});
