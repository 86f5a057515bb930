package dev.heimdall.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @TempDir
    Path dir;

    @Test
    void aFileFromTheHandRunMigrationsIsBaselinedAndKeepsItsRows() throws Exception {
        Path file = dir.resolve("config.db");
        // What releases before Flyway left behind: V1 and V2 applied by hand, counted in user_version.
        try (Connection c = TestDatabase.dataSource(file).getConnection(); Statement s = c.createStatement()) {
            for (String script : List.of("V1__config.sql", "V2__request_log.sql")) {
                for (String statement : resource(script).split(";\\s*\\n")) {
                    if (!statement.replaceAll("(?m)--.*$", "").isBlank()) {
                        s.execute(statement);
                    }
                }
            }
            s.execute("INSERT INTO config_entity VALUES ('provider', 'openai', 'h1', '{}', 1)");
            s.execute("PRAGMA user_version = 2");
        }
        Database db = TestDatabase.open(file);
        assertEquals(1, new ConfigStore(db).loadAll().size());
        try (Connection c = db.connection(); var rs = c.createStatement()
                .executeQuery("SELECT version, type FROM flyway_schema_history WHERE type = 'BASELINE'")) {
            assertTrue(rs.next(), "the old schema is recorded as Flyway's baseline");
            assertEquals("2", rs.getString(1));
        }
        TestDatabase.open(file); // and opening it again migrates nothing and fails nothing
    }

    @Test
    void aSchemaNewerThanThisReleaseStopsStartUp() throws SQLException {
        Path file = dir.resolve("config.db");
        Database db = TestDatabase.open(file);
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, execution_time, success) VALUES (99, '99', 'later', 'SQL', 'V99__later.sql', 0, 'x', 0, 1)");
        }
        StoreException e = assertThrows(StoreException.class, () -> TestDatabase.open(file));
        assertTrue(e.getMessage().contains("a newer release"), e.getMessage());
    }

    private static String resource(String name) throws Exception {
        try (var in = DatabaseTest.class.getClassLoader().getResourceAsStream("db/migration/sqlite/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
