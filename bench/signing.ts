// `npm run bench -- signing`: the order-path signing costs of both venues in one run (issue 2):
// Polymarket V2 build+sign (ours vs the official clob-client-v2, interleaved) and Kalshi
// order-path auth (pre-signed pool vs RSA per request). One JSON line.
import { run as polySign } from './poly-sign.ts';
import { run as kalshiAuth } from './kalshi-auth.ts';

const iterations = Number(process.argv[2] ?? 2000);
const poly = await polySign(iterations);
const kalshi = await kalshiAuth(iterations);
process.stdout.write(`${JSON.stringify({ bench: 'signing', iterations, ...poly, ...kalshi })}\n`);
