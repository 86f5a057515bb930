-- The stores shared by replicas (config_store and logs_store of config.json): the same tables as each pod's
-- SQLite file (db/migration/sqlite, V1 to V4) in PostgreSQL's types. Governance counters are not here:
-- replicas share those through Redis. seq keeps each table's insertion order (SQLite's rowid).

-- config.json's entities as the last importing replica read them (every replica mounts the same file).
CREATE TABLE config_entity (
    seq         BIGSERIAL NOT NULL,
    kind        TEXT      NOT NULL,
    name        TEXT      NOT NULL,
    hash        TEXT      NOT NULL,
    json        TEXT      NOT NULL,
    imported_at BIGINT    NOT NULL,
    PRIMARY KEY (kind, name)
);

CREATE TABLE config_import (
    id          BIGSERIAL PRIMARY KEY,
    config_hash TEXT    NOT NULL,
    imported_at BIGINT  NOT NULL,
    added       INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL
);

-- Entities created through the management API of any replica.
CREATE TABLE api_entity (
    seq        BIGSERIAL NOT NULL,
    kind       TEXT      NOT NULL,
    name       TEXT      NOT NULL,
    hash       TEXT      NOT NULL,
    json       TEXT      NOT NULL,
    created_at BIGINT    NOT NULL,
    updated_at BIGINT    NOT NULL,
    PRIMARY KEY (kind, name)
);

-- Every replica's request log: metadata only, never prompts or answers.
CREATE TABLE request_log (
    id              BIGSERIAL PRIMARY KEY,
    ts              BIGINT           NOT NULL,
    operation       TEXT             NOT NULL,
    requested_model TEXT,
    provider        TEXT,
    model           TEXT,
    key_name        TEXT,
    status          INTEGER          NOT NULL,
    error_type      TEXT,
    stream          INTEGER          NOT NULL,
    attempts        INTEGER          NOT NULL,
    latency_ms      DOUBLE PRECISION NOT NULL,
    overhead_ms     DOUBLE PRECISION NOT NULL,
    ttft_ms         DOUBLE PRECISION,
    input_tokens    BIGINT,
    output_tokens   BIGINT,
    cost_usd        DOUBLE PRECISION,
    virtual_key     TEXT,
    trace_id        TEXT
);
CREATE INDEX request_log_ts ON request_log (ts);
