// Small scripted scenarios for venue tests (static books, nothing moves).
import type { ScenarioSpecInput } from '../../src/index.ts';

export const K1 = 'KXTEST-26NOV25AAABBB-AAA';
export const K2 = 'KXNEWPOPE-70-PPAR';
export const K3 = 'KXBUSHBY-30';
/** Closed from the start. */
export const K4 = 'KXCLOSED-26-X';

export const staticScenario: ScenarioSpecInput = {
  name: 'kalshi-static',
  market_maker: { enabled: false },
  arbs: { enabled: false },
  pairs: [
    {
      id: 'p1',
      kalshi: { ticker: K1, title: 'AAA at BBB Winner?', yes_sub_title: 'AAA', fee_type: 'quadratic' },
      books: { kalshi: { bids: [[0.4, 100], [0.42, 30]], asks: [[0.45, 50], [0.47, 100]] } },
    },
    {
      id: 'p2',
      kalshi: { ticker: K2, fee_type: 'quadratic' },
      books: { kalshi: { bids: [[0.05, 10]], asks: [[0.09, 114], [0.2, 500]] } },
    },
    {
      id: 'p3',
      kalshi: { ticker: K3, fee_type: 'quadratic' },
      books: { kalshi: { bids: [[0.84, 7], [0.5, 500]], asks: [[0.9, 10]] } },
    },
    { id: 'p4', kalshi: { ticker: K4, status: 'closed' } },
  ],
};
