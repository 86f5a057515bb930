-- Entities created through the management API (providers, aliases, virtual keys, teams, customers,
-- budgets, rate limits). The API owns them: a file import never touches this table, so they survive
-- restarts and reloads. When config.json declares the same kind and name, the file's entity is in force
-- and this row is kept, shadowed, until the file stops declaring it.
CREATE TABLE api_entity (
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    json       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
);
