// Strict environment parsing helpers (DESIGN.md: unknown values are startup errors).

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** Strict boolean: 1/true/yes/on and 0/false/no/off in any case; unset or empty -> default; else an error. */
export function parseBool(name: string, raw: string | undefined, dflt: boolean): boolean {
  if (raw === undefined || raw.trim() === '') return dflt;
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a boolean: use 1/true/yes/on or 0/false/no/off`);
}

export function envBool(name: string, dflt: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return parseBool(name, env[name], dflt);
}

/** A number from the environment with bounds; unset -> default. */
export function envNumber(
  name: string,
  dflt: number,
  opts: { min?: number; max?: number; integer?: boolean } = {},
  env: NodeJS.ProcessEnv = process.env,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  const v = Number(raw.trim());
  if (!Number.isFinite(v)) throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a number`);
  if (opts.integer && !Number.isInteger(v)) throw new ConfigError(`${name}=${JSON.stringify(raw)} must be a whole number`);
  if (opts.min !== undefined && v < opts.min) throw new ConfigError(`${name}=${raw} is below the minimum ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) throw new ConfigError(`${name}=${raw} is above the maximum ${opts.max}`);
  return v;
}

export function envString(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const t = raw.trim();
  return t === '' ? undefined : t;
}
