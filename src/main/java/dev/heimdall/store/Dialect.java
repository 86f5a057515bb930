package dev.heimdall.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * What differs between the two databases a store can live in. The SQL is otherwise the same: both take
 * {@code INSERT … ON CONFLICT … DO UPDATE} and the same aggregates.
 */
public enum Dialect {

    /** Each pod's own file in the app dir. */
    SQLITE("db/migration/sqlite", "rowid"),
    /** A database every replica shares (config.json's {@code config_store} / {@code logs_store} of type postgres). */
    POSTGRES("db/migration/postgres", "seq");

    private final String migrations;
    private final String insertionOrder;

    Dialect(String migrations, String insertionOrder) {
        this.migrations = migrations;
        this.insertionOrder = insertionOrder;
    }

    /** The classpath folder of this database's Flyway migrations. */
    public String migrations() {
        return migrations;
    }

    /** The column that orders a table's rows as they were first inserted (an upsert keeps its place). */
    String insertionOrder() {
        return insertionOrder;
    }

    /**
     * Tells every other replica listening on {@code channel} that something changed, when {@code c} commits (a
     * rolled-back change tells no one). SQLite is one pod's own: there is no one to tell.
     */
    void notify(Connection c, String channel, String payload) throws SQLException {
        if (this == POSTGRES) {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                s.setString(1, channel);
                s.setString(2, payload);
                s.execute();
            }
        }
    }
}
