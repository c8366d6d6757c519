// Ledger schema, applied in order at open. Append a migration; never edit a shipped one.
// Money columns are integer micro-dollars, prices Px (1/10,000 $), sizes Qty (1/100 contract).

export const MIGRATIONS: readonly string[] = [
  // 1: attempts, leg intents/results, fills, positions, realised P&L.
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  -- One row per opportunity the executor decided to trade.
  CREATE TABLE attempts (
    id                     TEXT PRIMARY KEY,
    opportunity_id         TEXT NOT NULL,
    pair_id                TEXT NOT NULL,
    arb_type               TEXT NOT NULL,
    contracts              INTEGER NOT NULL,
    expected_cost_micros   INTEGER NOT NULL,
    expected_fees_micros   INTEGER NOT NULL,
    expected_profit_micros INTEGER NOT NULL,
    detected_at_ms         INTEGER NOT NULL,
    created_at_ms          INTEGER NOT NULL,
    dry_run                INTEGER NOT NULL,
    -- open | filled | nothing | unwound | exposed | dry_run
    status                 TEXT NOT NULL,
    matched_contracts      INTEGER,
    resolved_at_ms         INTEGER,
    note                   TEXT
  );
  CREATE INDEX attempts_status ON attempts(status);
  CREATE INDEX attempts_created ON attempts(created_at_ms);

  -- One row per order: written as an intent BEFORE it is sent, completed by its final result.
  CREATE TABLE legs (
    leg_id           TEXT PRIMARY KEY,
    attempt_id       TEXT NOT NULL REFERENCES attempts(id),
    pair_id          TEXT NOT NULL,
    role             TEXT NOT NULL,          -- arb | unwind
    platform         TEXT NOT NULL,
    action           TEXT NOT NULL,
    side             TEXT NOT NULL,
    price            INTEGER NOT NULL,
    contracts        INTEGER NOT NULL,
    kalshi_ticker    TEXT,
    poly_token       TEXT,
    time_in_force    TEXT,
    created_at_ms    INTEGER NOT NULL,
    route            TEXT NOT NULL,          -- local | remote
    status           TEXT NOT NULL,          -- intent, then a LegStatus
    final            INTEGER NOT NULL DEFAULT 0,
    filled_contracts INTEGER NOT NULL DEFAULT 0,
    cost_micros      INTEGER NOT NULL DEFAULT 0,
    fees_micros      INTEGER NOT NULL DEFAULT 0,
    avg_price        INTEGER,
    venue_order_id   TEXT,
    client_order_id  TEXT,
    error            TEXT,
    error_kind       TEXT,
    latency_us       INTEGER,
    updated_at_ms    INTEGER NOT NULL
  );
  CREATE INDEX legs_attempt ON legs(attempt_id);
  CREATE INDEX legs_unfinished ON legs(final) WHERE final = 0;

  -- Every result or look-up answer that changed a leg's status (audit trail).
  CREATE TABLE leg_events (
    id               INTEGER PRIMARY KEY,
    leg_id           TEXT NOT NULL,
    at_ms            INTEGER NOT NULL,
    source           TEXT NOT NULL,          -- send | lookup
    status           TEXT NOT NULL,
    filled_contracts INTEGER NOT NULL,
    cost_micros      INTEGER NOT NULL,
    fees_micros      INTEGER NOT NULL,
    error            TEXT
  );
  CREATE INDEX leg_events_leg ON leg_events(leg_id);

  -- The fill of an order (IOC/FAK orders report one aggregate per order). One per leg, ever.
  CREATE TABLE fills (
    leg_id       TEXT PRIMARY KEY REFERENCES legs(leg_id),
    attempt_id   TEXT NOT NULL,
    pair_id      TEXT NOT NULL,
    platform     TEXT NOT NULL,
    instrument   TEXT NOT NULL,
    side         TEXT NOT NULL,
    action       TEXT NOT NULL,
    contracts    INTEGER NOT NULL,
    cost_micros  INTEGER NOT NULL,
    fees_micros  INTEGER NOT NULL,
    at_ms        INTEGER NOT NULL
  );

  -- Holdings per pair and instrument; cost basis includes buy fees (average-cost accounting).
  CREATE TABLE positions (
    pair_id           TEXT NOT NULL,
    platform          TEXT NOT NULL,
    instrument        TEXT NOT NULL,
    side              TEXT NOT NULL,
    contracts         INTEGER NOT NULL,
    cost_basis_micros INTEGER NOT NULL,
    updated_at_ms     INTEGER NOT NULL,
    PRIMARY KEY (pair_id, platform, instrument, side)
  );

  -- Realised profit and loss: unwinds (proceeds - fees - cost basis sold) and settlements.
  CREATE TABLE pnl (
    id            INTEGER PRIMARY KEY,
    pair_id       TEXT NOT NULL,
    attempt_id    TEXT,
    leg_id        TEXT,
    kind          TEXT NOT NULL,             -- unwind | settlement
    amount_micros INTEGER NOT NULL,
    at_ms         INTEGER NOT NULL
  );
  CREATE INDEX pnl_at ON pnl(at_ms);
  `,
  // 2: the write-ahead intent journal. The hot path writes ONE row per attempt (attempt and both
  // leg intents as JSON) before sending; it is moved into attempts/legs right after, and at open.
  `
  CREATE TABLE intents (
    seq        INTEGER PRIMARY KEY,
    attempt_id TEXT NOT NULL,
    payload    TEXT NOT NULL
  );
  `,
];
