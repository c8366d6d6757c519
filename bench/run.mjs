#!/usr/bin/env node
// `npm run bench -- NAME`: runs bench/NAME.ts, which prints one JSON object per line.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const dir = new URL('.', import.meta.url).pathname;
const names = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
const name = process.argv[2];
if (!name || !existsSync(`${dir}${name}.ts`)) {
  console.error(`usage: npm run bench -- NAME [args]\navailable: ${names.join(', ') || '(none yet)'}`);
  process.exit(2);
}
const res = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${name}.ts`, ...process.argv.slice(3)], {
  stdio: 'inherit',
  env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
});
process.exit(res.status ?? 1);
