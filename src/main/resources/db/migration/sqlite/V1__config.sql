-- One row per config.json entity: a provider, or another top-level section (plugins, client, aliases).
-- json keeps env.NAME references unresolved, so no environment secret is written to disk.
CREATE TABLE config_entity (
    kind        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    json        TEXT    NOT NULL,
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
);

-- Each import that changed something, for operators asking "when did this config arrive?".
CREATE TABLE config_import (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    config_hash TEXT    NOT NULL,
    imported_at INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL
);
