// The native market-data core: the C module (mdcore.c), its loader and the slots table it
// shares with the TypeScript book classes.
export * from './core.ts';
export * from './slots.ts';
