// A remote trader process for the integration tests: the trader's own main (runTrader), with
// venue clients built like the tests build them. Killed with SIGKILL to play a trader dying.

import { runTrader } from '@parity/trader';
import { venueClients } from './hybrid-sim-clients.ts';

process.exitCode = await runTrader(process.env, { build: (env, o) => venueClients(env, o.platforms) });
