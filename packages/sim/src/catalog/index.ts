// Market catalogs for the simulator: generated from a seed, served in the venues' shapes.
export { generateCatalog, type CatalogOptions, type SimCatalog, type TruePair, type Trap, type TrapKind } from './generate.ts';
export { startCatalogServer, type CatalogServer, type CatalogServerFaults, type CatalogServerStats } from './serve.ts';
export { SIM_LEAGUES, NICKNAME_LEAGUES, nickname, type SimLeague, type SimTeam } from './teams.ts';
export type * from './shapes.ts';
export { loadCatalog, type LoadCatalogResult } from './load.ts';
