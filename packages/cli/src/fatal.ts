// Errors that reach the top of the CLI: a clear message and a non-zero exit, no stack trace
// unless PARITY_DEBUG is set.

export function reportFatal(err: unknown): never {
  const msg = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.name : 'Error';
  process.stderr.write(`parity: ${name === 'Error' ? '' : `${name}: `}${msg}\n`);
  if (process.env.PARITY_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(2);
}
