// Shared loaders for the Polymarket tests: golden vectors and recorded fixtures under ../shared.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const sharedDir = path.resolve(repoRoot, '../shared');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function loadVectors(name: 'polymarket.json' | 'polymarket-v2.json'): Json {
  return JSON.parse(readFileSync(path.join(sharedDir, 'vectors', name), 'utf8'));
}

export function loadPolyFixtures(): Array<{ name: string; data: Json }> {
  const dir = path.join(sharedDir, 'fixtures', 'polymarket');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({ name, data: JSON.parse(readFileSync(path.join(dir, name), 'utf8')) }));
}

/** Hardhat/Anvil account #0: a publicly known test key (never funded). */
export const TEST_PRIVATE_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const TEST_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
