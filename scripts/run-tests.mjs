#!/usr/bin/env node
// Runs every test file (packages/*/test/**/*.test.ts) with Node's own test runner,
// TypeScript loaded through tsx. Extra arguments narrow the run: a substring of the path.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const testDir = join(root, 'packages', pkg, 'test');
  try { statSync(testDir); } catch { continue; }
  walk(testDir, files);
}
const selected = files
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (selected.length === 0) {
  console.error('no test files matched', filters);
  process.exit(1);
}
const reporter = process.stdout.isTTY ? 'spec' : 'spec';
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-reporter=${reporter}`, '--test-concurrency=2', '--test-timeout=120000', ...selected],
  { cwd: root, stdio: 'inherit', env: { ...process.env, PARITY_TEST: '1' } },
);
process.exit(res.status ?? 1);
