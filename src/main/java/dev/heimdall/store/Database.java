package dev.heimdall.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The SQLite file and its schema. Migrations are numbered SQL resources applied in one transaction each
 * and recorded in SQLite's own {@code PRAGMA user_version}, so a crash mid-migration leaves the old schema.
 */
public final class Database {

    private static final Logger LOG = Logger.getLogger(Database.class);
    /** In order; each is {@code db/migration/V<n>__<name>.sql} with n its position from 1. */
    static final List<String> MIGRATIONS = List.of("V1__config.sql", "V2__request_log.sql");

    private final DataSource dataSource;

    public Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void migrate() {
        try (Connection c = dataSource.getConnection()) {
            int current = userVersion(c);
            if (current > MIGRATIONS.size()) {
                throw new StoreException("config.db has schema version " + current + ", newer than this Heimdall ("
                        + MIGRATIONS.size() + "); use a newer release or a fresh app dir", null);
            }
            for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
                String name = MIGRATIONS.get(v - 1);
                apply(c, v, name, load(name));
                LOG.infof("Applied SQLite migration %s", name);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot open or migrate the SQLite database: " + e.getMessage(), e);
        }
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** Runs {@code work} in one transaction; any exception rolls it back whole. */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreException("SQLite transaction failed: " + e.getMessage(), e);
        }
    }

    /** A unit of work on a connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private static void apply(Connection c, int version, String name, String sql) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String statement : statements(sql)) {
                s.execute(statement);
            }
            s.execute("PRAGMA user_version = " + version);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw new SQLException("migration " + name + " failed: " + e.getMessage(), e);
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static int userVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static String load(String name) {
        String resource = "db/migration/" + name;
        try (InputStream in = Database.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new StoreException("migration resource " + resource + " is missing from the build", null);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("cannot read " + resource, e);
        }
    }

    /** Splits a script on semicolons that end a line; comments are dropped. Our scripts hold no triggers. */
    static List<String> statements(String sql) {
        String noComments = sql.replaceAll("(?m)--.*$", "");
        return java.util.Arrays.stream(noComments.split(";\\s*(\\n|$)"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
