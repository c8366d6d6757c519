// A controller process for the crash test: attachExecution with real clients against the
// simulator (from the env), submits TEST_OPPORTUNITY, says so on stdout, then waits to be killed.

import { parseExecutionConfig } from '../src/config/execution.ts';
import { attachExecution } from '../src/execution/attach.ts';
import type { Opportunity } from '../src/model.ts';
import { venueClients } from './hybrid-sim-clients.ts';

const config = parseExecutionConfig(process.env);
const clients = await venueClients(process.env, [...config.localPlatforms]);
const h = attachExecution({ config, router: null, clients });
await h.ready;
const opp = JSON.parse(process.env.TEST_OPPORTUNITY ?? 'null') as Opportunity;
const id = h.executor.submit(opp);
process.stdout.write(`SUBMITTED ${id}\n`);
setInterval(() => {}, 60_000);
