-- One row per inference request: metadata only, never prompts or answers.
CREATE TABLE request_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    ts              INTEGER NOT NULL,
    operation       TEXT    NOT NULL,
    requested_model TEXT,
    provider        TEXT,
    model           TEXT,
    key_name        TEXT,
    status          INTEGER NOT NULL,
    error_type      TEXT,
    stream          INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    latency_ms      REAL    NOT NULL,
    overhead_ms     REAL    NOT NULL,
    ttft_ms         REAL,
    input_tokens    INTEGER,
    output_tokens   INTEGER
);
CREATE INDEX request_log_ts ON request_log (ts);
