// @parity/protocol: the controller <-> trader protocol, defined once for both ends.
export * from './version.ts';
export * from './errors.ts';
export * from './schemas.ts';
export * from './convert.ts';
export * from './auth.ts';
export * from './session.ts';
export * from './codec.ts';
export * from './handshake.ts';
