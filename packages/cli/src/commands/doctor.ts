// `parity doctor`: checks what a controller (or a trader) needs before it starts — every
// configuration variable parses, keys load, venues answer — and says what to fix, one line per
// check. Read-only: it creates no file, places no order, and every network probe has a short
// timeout. Exit status 1 when any check fails.

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { connect } from 'node:net';
import type { Command } from 'commander';
import {
  ConfigError,
  KalshiClient,
  PLATFORMS,
  VenueError,
  createPolymarketClient,
  formatUsd,
  kalshiConfigFromEnv,
  kalshiEndpointsFromEnv,
  polymarketConfigFromEnv,
  type KalshiConfig,
  type Platform,
  type PolymarketConfig,
} from '@parity/trading';
import { createSecp256k1Signer } from '@parity/trading/polymarket/crypto.ts';
import { POLY_DEFAULT_CLOB_URL, POLY_DEFAULT_GAMMA_URL } from '@parity/trading/polymarket/config.ts';
import { describeMode, parseExecutionConfig, type ExecutionConfig } from '@parity/controller/config/execution.ts';
import { marketDataConfigFromEnv } from '@parity/controller/config/market-data.ts';
import { loadPairsFile } from '@parity/controller/pairs/pairs-file.ts';
import { isLoopback, traderServerConfigFromEnv, type TraderServerEnvConfig } from '@parity/controller/traders/config.ts';
import { opsConfigFromEnv } from '@parity/controller/ops/config.ts';
import { traderConfigFromEnv, type TraderConfig } from '@parity/trader/config.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Short id, e.g. "config/execution", "venue/kalshi". */
  name: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about it (warn/fail). */
  fix?: string | undefined;
}

export type DoctorRole = 'controller' | 'trader';

export interface DoctorOptions {
  role: DoctorRole;
  /** Per network probe, ms. */
  timeoutMs: number;
}

const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail });
const warn = (name: string, detail: string, fix: string): Check => ({ name, status: 'warn', detail, fix });
const fail = (name: string, detail: string, fix?: string): Check => ({ name, status: 'fail', detail, fix });

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A parse step: ok with its summary, or FAIL with the error (config errors already say what to set). */
function parsed<T>(name: string, parse: () => T, summary: (v: T) => Check): { check: Check; value: T | null } {
  try {
    const v = parse();
    return { check: summary(v), value: v };
  } catch (e) {
    return { check: fail(name, message(e), e instanceof ConfigError ? undefined : 'see the message; run with PARITY_DEBUG=1 for details'), value: null };
  }
}

// ---- network failures, explained --------------------------------------------------------------

function causeCode(e: unknown): string | undefined {
  let c: unknown = e;
  for (let i = 0; i < 4 && c; i++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    c = (c as { cause?: unknown }).cause;
  }
  return undefined;
}

/** "unreachable (connection refused)" and what to check, for a URL named by `envVar`. */
function networkProblem(e: unknown, url: string, envVar: string, timeoutMs: number): { detail: string; fix: string } {
  const code = causeCode(e);
  const sim = envVar === 'WEBSOCKET_URL' ? '' : " (the simulator's env file sets it for local runs)";
  const check = `check ${envVar}${sim}, the network, proxy and firewall`;
  if (code === 'ECONNREFUSED') return { detail: `${url} is unreachable: connection refused (nothing listens there)`, fix: check };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { detail: `${url} is unreachable: host not found`, fix: `check the host name in ${envVar} and DNS` };
  if (code === 'ECONNRESET') return { detail: `${url}: the connection was reset`, fix: check };
  if (code?.includes('TIMEOUT') || (e instanceof Error && e.name === 'TimeoutError') || (e instanceof VenueError && e.kind === 'timeout')) {
    return { detail: `${url} did not answer within ${timeoutMs / 1000} s`, fix: check };
  }
  if (e instanceof VenueError && e.httpStatus !== null) return { detail: `${url} answered HTTP ${e.httpStatus}: ${e.message}`, fix: `check that ${envVar} points at the venue's API` };
  return { detail: `${url} is unreachable: ${message(e)}`, fix: check };
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  const text = await r.text();
  if (!r.ok) throw new VenueError('venue', text.slice(0, 200) || r.statusText, { httpStatus: r.status });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new VenueError('venue', `not JSON: ${text.slice(0, 80)}`, { httpStatus: r.status });
  }
}

// ---- configuration ----------------------------------------------------------------------------

function ledgerCheck(path: string): Check {
  const file = resolve(path);
  if (existsSync(file)) {
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
      return ok('config/ledger', `PARITY_DB ${path} (exists, writable)`);
    } catch {
      return fail('config/ledger', `PARITY_DB ${path} is not writable by this user`, `fix its permissions or point PARITY_DB at a writable file`);
    }
  }
  // The controller creates the file and its directories: the nearest existing ancestor must be writable.
  let dir = dirname(file);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
    return ok('config/ledger', `PARITY_DB ${path} (will be created)`);
  } catch {
    return fail('config/ledger', `PARITY_DB ${path} cannot be created: ${dir} is not writable`, 'point PARITY_DB at a writable location');
  }
}

function pairsCheck(env: NodeJS.ProcessEnv): Check {
  const file = env.PAIRS_FILE?.trim();
  if (!file) return fail('config/pairs', 'PAIRS_FILE is not set: the controller has no pairs to watch', 'run `parity discover --out pairs.yaml` and set PAIRS_FILE=pairs.yaml (or use the env file of `parity sim --env-out`)');
  try {
    const pairs = loadPairsFile(file);
    if (pairs.length === 0) return warn('config/pairs', `PAIRS_FILE ${file} lists no pairs`, 'add pairs (`parity discover --out FILE`), or nothing will be watched');
    return ok('config/pairs', `${pairs.length} pair(s) from ${file}`);
  } catch (e) {
    return fail('config/pairs', message(e));
  }
}

function kalshiKeyCheck(env: NodeJS.ProcessEnv, needed: boolean): { check: Check; cfg: KalshiConfig | null } {
  try {
    const cfg = kalshiConfigFromEnv(env);
    if (!cfg) {
      const c = needed
        ? fail('key/kalshi', 'no Kalshi credentials, but this role trades Kalshi', 'set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH (the PEM downloaded with the key)')
        : ok('key/kalshi', 'no Kalshi credentials here (Kalshi legs go to a remote trader)');
      return { check: c, cfg: null };
    }
    const bits = cfg.credentials.privateKey.asymmetricKeyDetails?.modulusLength;
    const path = env.KALSHI_PRIVATE_KEY_PATH?.trim();
    if (path && (statSync(path).mode & 0o077) !== 0) {
      return { check: warn('key/kalshi', `RSA-${bits} key for key id ${cfg.credentials.keyId} loads, but ${path} is readable by other users`, `chmod 600 ${path}`), cfg };
    }
    return { check: ok('key/kalshi', `RSA-${bits} private key loads; key id ${cfg.credentials.keyId}`), cfg };
  } catch (e) {
    return { check: fail('key/kalshi', message(e)), cfg: null };
  }
}

function polyKeyCheck(env: NodeJS.ProcessEnv, needed: boolean): { check: Check; cfg: PolymarketConfig | null } {
  try {
    const cfg = polymarketConfigFromEnv(env);
    if (!cfg) {
      const c = needed
        ? fail('key/polymarket', 'no Polymarket key, but this role trades Polymarket', 'set POLY_PRIVATE_KEY (0x + 64 hex digits) and, for a proxy or safe wallet, POLY_FUNDER and POLY_SIGNATURE_TYPE')
        : ok('key/polymarket', 'no Polymarket key here (Polymarket legs go to a remote trader)');
      return { check: c, cfg: null };
    }
    const address = createSecp256k1Signer(cfg.privateKey).address;
    const funds = cfg.funder && cfg.funder.toLowerCase() !== address.toLowerCase() ? `funds in ${cfg.funder}` : 'funds in the signer';
    const creds = cfg.creds ? 'API credentials given' : 'API credentials derived at start (L1)';
    return { check: ok('key/polymarket', `key valid: signer ${address}, ${funds}, signature type ${cfg.signatureType}, chain ${cfg.chainId}; ${creds}`), cfg };
  } catch (e) {
    return { check: fail('key/polymarket', message(e)), cfg: null };
  }
}

/** Each venue's legs need a path: local (in CONTROLLER_PLATFORMS, with keys) or a remote trader. */
function routingChecks(exec: ExecutionConfig, ts: TraderServerEnvConfig, keys: Record<Platform, boolean>): Check[] {
  return PLATFORMS.map((v) => {
    const name = `route/${v}`;
    const listed = exec.localPlatforms.has(v);
    if (listed && keys[v]) return ok(name, `${v} legs run here (CONTROLLER_PLATFORMS)${ts.secret ? '; a connected remote trader is preferred' : ''}`);
    if (ts.secret) {
      const c = ok(name, `${v} legs go to a remote trader (TRADER_PLATFORM=${v}, WEBSOCKET_URL=ws://${ts.bind.host}:${ts.bind.port})`);
      return listed ? warn(name, `CONTROLLER_PLATFORMS includes ${v} but no ${v} credentials are configured: its legs need a remote trader`, `set the ${v} credentials here, or remove ${v} from CONTROLLER_PLATFORMS`) : c;
    }
    return fail(
      name,
      `no path for ${v} legs: ${listed ? `${v} has no credentials here` : `${v} is not in CONTROLLER_PLATFORMS`} and TRADER_SECRET is not set, so nothing would trade`,
      `add ${v} to CONTROLLER_PLATFORMS with its credentials, or set TRADER_SECRET and run \`parity trader\` with TRADER_PLATFORM=${v}`,
    );
  });
}

// ---- venues -----------------------------------------------------------------------------------

async function kalshiChecks(env: NodeJS.ProcessEnv, cfg: KalshiConfig | null, t: number): Promise<Check[]> {
  let base: string;
  try {
    base = kalshiEndpointsFromEnv(env).apiBase;
  } catch (e) {
    return [fail('venue/kalshi', message(e))];
  }
  const client = new KalshiClient({ apiBase: base, credentials: cfg?.credentials ?? null, presign: false, connectTimeoutMs: t, requestTimeoutMs: t, maxReadRetries: 0, connections: 1 });
  const out: Check[] = [];
  try {
    try {
      const s = await client.getExchangeStatus();
      out.push(
        s.tradingActive
          ? ok('venue/kalshi', `${base} answers: exchange active, trading active`)
          : warn('venue/kalshi', `${base} answers, but trading is ${s.exchangeActive ? 'paused' : 'closed (exchange inactive)'}`, 'orders are refused until Kalshi reopens trading; market data still works'),
      );
    } catch (e) {
      const p = networkProblem(e, `${base}/exchange/status`, 'KALSHI_API_BASE', t);
      out.push(fail('venue/kalshi', p.detail, p.fix));
      return out; // an unreachable venue makes the signed check noise
    }
    if (cfg) {
      try {
        const b = await client.getBalance();
        out.push(ok('account/kalshi', `signed GET /portfolio/balance accepted: ${formatUsd(b.balance)} available`));
      } catch (e) {
        if (e instanceof VenueError && e.kind === 'auth') {
          out.push(fail('account/kalshi', `Kalshi refused the signed GET /portfolio/balance (HTTP ${e.httpStatus ?? '?'}${e.venueCode ? ` ${e.venueCode}` : ''})`, 'check that KALSHI_API_KEY_ID is the id shown next to this private key in Kalshi, that the key is not revoked, and that this machine\'s clock is right'));
        } else {
          const p = networkProblem(e, `${base}/portfolio/balance`, 'KALSHI_API_BASE', t);
          out.push(fail('account/kalshi', p.detail, p.fix));
        }
      }
    }
  } finally {
    await client.close();
  }
  return out;
}

async function polymarketChecks(env: NodeJS.ProcessEnv, cfg: PolymarketConfig | null, t: number): Promise<Check[]> {
  const clob = (cfg?.clobUrl ?? env.POLY_CLOB_URL?.trim() ?? POLY_DEFAULT_CLOB_URL).replace(/\/+$/, '');
  const out: Check[] = [];
  try {
    const [v, time] = await Promise.all([getJson(`${clob}/version`, t), getJson(`${clob}/time`, t)]);
    const version = (v as { version?: unknown } | null)?.version ?? 2;
    const skew = typeof time === 'number' ? time - Date.now() / 1000 : null;
    const skewText = skew === null ? '' : `, clock skew ${skew >= 0 ? '+' : ''}${skew.toFixed(1)} s`;
    if (version !== 2) out.push(warn('venue/polymarket', `${clob} expects order version ${String(version)}; Parity signs version 2`, 'update Parity: orders signed for the wrong exchange version are rejected'));
    else if (skew !== null && Math.abs(skew) > 10) out.push(warn('venue/polymarket', `${clob} answers (order version 2)${skewText}`, 'sync this machine\'s clock (NTP): signed requests carry timestamps'));
    else out.push(ok('venue/polymarket', `${clob} answers: order version 2${skewText}`));
  } catch (e) {
    const p = networkProblem(e, `${clob}/version`, 'POLY_CLOB_URL', t);
    out.push(fail('venue/polymarket', p.detail, p.fix));
    return out;
  }
  if (cfg) {
    const timeouts = { connectMs: t, headersMs: t, bodyMs: t };
    let client: Awaited<ReturnType<typeof createPolymarketClient>> | null = null;
    try {
      client = await createPolymarketClient(cfg, { timeouts, checkVersion: false });
      const b = await client.getBalanceAllowance('COLLATERAL');
      out.push(ok('account/polymarket', `L2-signed GET /balance-allowance accepted for ${client.address}: ${formatUsd(b.balance)} collateral`));
    } catch (e) {
      if (e instanceof VenueError && e.kind === 'auth') {
        const fix = cfg.creds
          ? 'POLY_API_KEY/POLY_API_SECRET/POLY_API_PASSPHRASE do not belong to POLY_PRIVATE_KEY (or were revoked): unset all three to derive them from the key'
          : 'the CLOB refused to derive API credentials for this key: check POLY_PRIVATE_KEY and POLY_CHAIN_ID, and this machine\'s clock';
        out.push(fail('account/polymarket', `Polymarket refused the authenticated request (HTTP ${e.httpStatus ?? '?'}): ${e.message}`, fix));
      } else {
        const p = networkProblem(e, `${clob}/balance-allowance`, 'POLY_CLOB_URL', t);
        out.push(fail('account/polymarket', p.detail, p.fix));
      }
    } finally {
      await client?.close();
    }
  }
  return out;
}

async function gammaCheck(env: NodeJS.ProcessEnv, t: number): Promise<Check> {
  const gamma = (env.POLY_GAMMA_URL?.trim() || POLY_DEFAULT_GAMMA_URL).replace(/\/+$/, '');
  try {
    const body = await getJson(`${gamma}/markets?limit=1`, t);
    if (!Array.isArray(body)) return warn('venue/gamma', `${gamma}/markets answered, but not with a list`, 'check that POLY_GAMMA_URL points at the Gamma API');
    return ok('venue/gamma', `${gamma} answers (market metadata for fees and discovery)`);
  } catch (e) {
    const p = networkProblem(e, `${gamma}/markets`, 'POLY_GAMMA_URL', t);
    return fail('venue/gamma', p.detail, p.fix);
  }
}

/** The trader's side: can it open a TCP connection to the controller's trader server? */
function controllerReachable(url: string, t: number): Promise<Check> {
  let host: string;
  let port: number;
  try {
    const u = new URL(url);
    host = u.hostname.replace(/^\[|\]$/g, '');
    port = Number(u.port || (u.protocol === 'wss:' ? 443 : 80));
  } catch (e) {
    return Promise.resolve(fail('controller', `WEBSOCKET_URL=${url}: ${message(e)}`));
  }
  return new Promise((done) => {
    const s = connect({ host, port, timeout: t });
    s.once('connect', () => {
      s.destroy();
      done(ok('controller', `${url} accepts connections (the trader authenticates with TRADER_SECRET when it starts)`));
    });
    const bad = (e: unknown): void => {
      s.destroy();
      const p = networkProblem(e, url, 'WEBSOCKET_URL', t);
      done(fail('controller', p.detail, `start the controller first, or ${p.fix}`));
    };
    s.once('timeout', () => bad(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    s.once('error', bad);
  });
}

// ---- the run ----------------------------------------------------------------------------------

export async function runDoctor(env: NodeJS.ProcessEnv, o: DoctorOptions): Promise<Check[]> {
  const t = o.timeoutMs;
  const checks: Check[] = [];
  if (o.role === 'trader') {
    const tr = parsed<TraderConfig>('config/trader', () => traderConfigFromEnv(env), (c) =>
      ok('config/trader', `serves ${c.platforms.join(', ')} as ${c.traderId}; controller ${c.url}; ${c.dryRun ? 'DRY RUN' : 'LIVE'}; legs ledger ${c.dbPath}`),
    );
    checks.push(tr.check);
    const serves = new Set<Platform>(tr.value?.platforms ?? []);
    const k = kalshiKeyCheck(env, serves.has('kalshi'));
    const p = polyKeyCheck(env, serves.has('polymarket'));
    if (serves.has('kalshi') || k.cfg) checks.push(k.check);
    if (serves.has('polymarket') || p.cfg) checks.push(p.check);
    const probes: Promise<Check[]>[] = [];
    if (tr.value) probes.push(controllerReachable(tr.value.url, t).then((c) => [c]));
    if (serves.has('kalshi')) probes.push(kalshiChecks(env, k.cfg, t));
    if (serves.has('polymarket')) probes.push(polymarketChecks(env, p.cfg, t));
    for (const r of await Promise.all(probes)) checks.push(...r);
    return checks;
  }

  const exec = parsed<ExecutionConfig>('config/execution', () => parseExecutionConfig(env), (c) => ok('config/execution', describeMode(c)));
  checks.push(exec.check);
  // PAIRS_FILE is checked on its own line below, so the market-data line reports the rest.
  checks.push(
    parsed('config/market-data', () => marketDataConfigFromEnv({ ...env, PAIRS_FILE: env.PAIRS_FILE?.trim() || 'pairs.yaml' }), (c) => {
      const d = c.detection;
      return ok('config/market-data', `detection: ${d.minContracts / 100}-${d.maxContracts / 100} contracts, min profit ${formatUsd(d.minProfitMicros)}, books at most ${d.maxBookAgeMs / 1000} s old`);
    }).check,
  );
  checks.push(pairsCheck(env));
  const ts = parsed<TraderServerEnvConfig>('config/traders', () => traderServerConfigFromEnv(env), (c) => {
    const at = `${c.bind.host}:${c.bind.port}`;
    if (!c.secret) return warn('config/traders', `TRADER_SECRET is not set: the trader server on ${at} accepts no trader`, 'set TRADER_SECRET (16+ characters, e.g. `openssl rand -hex 32`) here and the same value on every trader');
    if (!isLoopback(c.bind.host)) return warn('config/traders', `trader server on ${at} listens beyond loopback: authenticated but not encrypted`, 'keep it on a private network (VPN/tailnet) or behind a TLS proxy');
    return ok('config/traders', `trader server on ${at}, TRADER_SECRET set`);
  });
  checks.push(ts.check);
  checks.push(
    parsed('config/dashboard', () => opsConfigFromEnv(env), (c) => {
      const confirm = c.confirmMode ? `confirm mode on (auto-approve: ${c.confirmAutoApprove.join(',') || 'none'}, ${c.confirmTimeoutMs / 1000} s timeout)` : 'confirm mode off';
      if (c.httpPort < 0) return ok('config/dashboard', `dashboard and /metrics disabled (HTTP_PORT=-1); ${confirm}`);
      if (!isLoopback(c.httpHost) && !c.dashboardToken) return fail('config/dashboard', `HTTP_HOST=${c.httpHost} is not loopback and DASHBOARD_TOKEN is not set: the controller refuses to start`, 'set DASHBOARD_TOKEN (16+ characters), or HTTP_HOST=127.0.0.1');
      return ok('config/dashboard', `http://${c.httpHost}:${c.httpPort === 0 ? '(any free port)' : c.httpPort}/ ${c.dashboardToken ? 'with a token' : '(loopback, no token)'}; ${confirm}`);
    }).check,
  );
  checks.push(ledgerCheck(exec.value?.dbPath ?? (env.PARITY_DB?.trim() || './data/parity.db')));

  const k = kalshiKeyCheck(env, false);
  const p = polyKeyCheck(env, false);
  checks.push(k.check, p.check);
  const keysOk = k.check.status !== 'fail' && p.check.status !== 'fail';
  if (exec.value && ts.value && keysOk) checks.push(...routingChecks(exec.value, ts.value, { kalshi: k.cfg !== null, polymarket: p.cfg !== null }));

  // The controller reads market data from both venues whatever it trades: probe both, in parallel.
  const net = await Promise.all([kalshiChecks(env, k.cfg, t), polymarketChecks(env, p.cfg, t), gammaCheck(env, t).then((c) => [c])]);
  for (const r of net) checks.push(...r);
  return checks;
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok', warn: 'WARN', fail: 'FAIL' };

/** One line per check: status, name, what was found, and what to do. */
export function formatCheck(c: Check): string {
  return `${LABEL[c.status].padEnd(4)}  ${c.name.padEnd(18)}  ${c.detail}${c.fix ? `  → ${c.fix}` : ''}`;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check configuration, keys and venue reachability, and say what to fix (exit 1 when a check fails)')
    .option('--env-file <file>', 'read variables from this dotenv file first (e.g. the one `parity sim --env-out` writes); they override the environment')
    .option('--role <role>', 'what this machine runs: controller or trader', 'controller')
    .option('--timeout <seconds>', 'timeout of each network probe', '5')
    .action(async (o: { envFile?: string; role: string; timeout: string }) => {
      if (o.role !== 'controller' && o.role !== 'trader') throw new ConfigError(`--role ${JSON.stringify(o.role)}: use controller or trader`);
      const secs = Number(o.timeout);
      if (!Number.isFinite(secs) || secs <= 0 || secs > 120) throw new ConfigError(`--timeout ${JSON.stringify(o.timeout)} must be a number of seconds between 0 and 120`);
      if (o.envFile) {
        try {
          process.loadEnvFile(o.envFile);
        } catch (e) {
          throw new ConfigError(`cannot read --env-file ${o.envFile}: ${message(e)}`);
        }
      }
      const checks = await runDoctor(process.env, { role: o.role, timeoutMs: secs * 1000 });
      for (const c of checks) process.stdout.write(`${formatCheck(c)}\n`);
      const n = (s: CheckStatus): number => checks.filter((c) => c.status === s).length;
      const failed = n('fail');
      process.stdout.write(`\n${n('ok')} ok, ${n('warn')} warning(s), ${failed} failed${failed > 0 ? ': fix the FAIL lines above, then run `parity doctor` again' : ''}\n`);
      process.exitCode = failed > 0 ? 1 : 0;
    });
}
