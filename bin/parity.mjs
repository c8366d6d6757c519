#!/usr/bin/env node
// The `parity` command: loads the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../packages/cli/src/main.ts');
