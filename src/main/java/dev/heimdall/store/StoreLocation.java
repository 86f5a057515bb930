package dev.heimdall.store;

/** Where a store lives: this pod's SQLite file ({@link #LOCAL}), or a PostgreSQL database the replicas share. */
public record StoreLocation(Dialect dialect, PostgresServer postgres) {

    public static final StoreLocation LOCAL = new StoreLocation(Dialect.SQLITE, null);

    public static StoreLocation postgres(PostgresServer server) {
        return new StoreLocation(Dialect.POSTGRES, server);
    }

    public boolean shared() {
        return dialect == Dialect.POSTGRES;
    }
}
