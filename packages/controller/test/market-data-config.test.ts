import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@parity/trading';
import { marketDataConfigFromEnv } from '../src/config/market-data.ts';

test('PAIRS_FILE is required unless discovery finds the pairs', () => {
  assert.throws(() => marketDataConfigFromEnv({}), (e: unknown) => e instanceof ConfigError && /PAIRS_FILE is not set.*DISCOVERY_ENABLED=1/.test(e.message));
  assert.throws(() => marketDataConfigFromEnv({ PAIRS_FILE: '  ', DISCOVERY_ENABLED: 'off' }), /PAIRS_FILE is not set/);
  assert.equal(marketDataConfigFromEnv({ DISCOVERY_ENABLED: 'yes' }).pairsFile, null);
  assert.equal(marketDataConfigFromEnv({ PAIRS_FILE: 'pairs.yaml' }).pairsFile, 'pairs.yaml');
  // A typo in the boolean is a startup error, never "off".
  assert.throws(() => marketDataConfigFromEnv({ DISCOVERY_ENABLED: 'enabled' }), /DISCOVERY_ENABLED="enabled" is not a boolean/);
});
