package dev.heimdall.testing;

import dev.heimdall.store.Database;
import dev.heimdall.store.Dialect;
import java.nio.file.Path;
import org.sqlite.SQLiteDataSource;

/** A real SQLite file with the gateway's schema, for tests that run without Quarkus. */
public final class TestDatabase {

    private TestDatabase() {
    }

    public static SQLiteDataSource dataSource(Path file) {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + file + "?journal_mode=WAL&busy_timeout=5000");
        return ds;
    }

    /** Opens (creating if needed) and migrates the file, as the gateway does at start-up. */
    public static Database open(Path file) {
        SQLiteDataSource ds = dataSource(file);
        Database db = new Database(ds, Dialect.SQLITE, file.toString());
        db.migrate();
        return db;
    }
}
