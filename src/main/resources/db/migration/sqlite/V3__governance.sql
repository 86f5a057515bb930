-- What each request cost (USD, from its usage and the price table; NULL when unknown) and which virtual key
-- (by name, never its value) it came with.
ALTER TABLE request_log ADD COLUMN cost_usd REAL;
ALTER TABLE request_log ADD COLUMN virtual_key TEXT;

-- Governance counters charged in their current window (requests, tokens, nano-USD), so a restart does not
-- reset a month's spend. Reservations of requests in flight are not persisted.
CREATE TABLE governance_counter (
    counter      TEXT    NOT NULL PRIMARY KEY,
    window_start INTEGER NOT NULL,
    used         INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
