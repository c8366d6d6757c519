// Matching engine: one YES book per binary market (see types.ts for the venue mapping).
export * from './types.ts';
export { OrderBook } from './book.ts';
