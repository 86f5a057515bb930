package dev.heimdall.store;

import io.quarkus.flyway.runtime.QuarkusFlywayClassProvider;
import io.quarkus.flyway.runtime.QuarkusFlywayResourceProvider;
import io.quarkus.flyway.runtime.QuarkusPathLocationScanner;
import io.quarkus.runtime.ImageMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.jboss.logging.Logger;

/**
 * A database and its schema: each pod's SQLite file, or a PostgreSQL database the replicas share. Migrations
 * are Flyway's ({@code db/migration/<dialect>/V<n>__<name>.sql}), each applied in one transaction, so a crash
 * mid-migration leaves the old schema.
 */
public final class Database {

    private static final Logger LOG = Logger.getLogger(Database.class);

    private final DataSource dataSource;
    private final Dialect dialect;
    private final String name;
    private final Flyway flyway;

    /**
     * {@code name} says which database this is in messages, without a password. Flyway ignores "future"
     * migrations by default. A pod's own SQLite file from a newer release is refused (migrate's validation
     * fails), since nothing but a downgrade could have made it. A shared PostgreSQL is migrated by the first
     * replica of a rollout, so the older replicas still serving (and a rollback) must keep working on it:
     * there future migrations are accepted, which is why the shared schema only ever grows.
     */
    public Database(DataSource dataSource, Dialect dialect, String name) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.name = name;
        FluentConfiguration config = Flyway.configure().dataSource(dataSource).locations("classpath:" + dialect.migrations())
                .ignoreMigrationPatterns(dialect == Dialect.SQLITE ? new String[] {"*:pending"} : new String[] {"*:pending", "*:future"});
        if (ImageMode.current() == ImageMode.NATIVE_RUN) {
            // The native image has no class-path scanning (Quarkus replaces Flyway's scanner with one that throws):
            // the migration files come from the list Quarkus built from quarkus.flyway.locations, as its own
            // Flyway instances do.
            QuarkusPathLocationScanner scanner = new QuarkusPathLocationScanner(config, List.of(config.getLocations()));
            config.resourceProvider(new QuarkusFlywayResourceProvider(scanner.scanForResources()))
                    .javaMigrationClassProvider(new QuarkusFlywayClassProvider<>(scanner.scanForClasses()));
        }
        this.flyway = config.load();
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Which database this is, for messages and the management API (never with a password). */
    public String name() {
        return name;
    }

    public void migrate() {
        try {
            if (dialect == Dialect.SQLITE) {
                baselineHandRunSchema();
            }
            int applied = flyway.migrate().migrationsExecuted;
            if (applied > 0) {
                LOG.infof("Applied %d schema migration(s) to %s", applied, name);
            }
        } catch (FlywayValidateException e) {
            throw new StoreException(name + "'s schema history does not match this Heimdall's migrations (a newer release"
                    + " wrote it?); use a release at least as new, or a fresh database. " + e.getMessage(), e);
        } catch (FlywayException | SQLException e) {
            throw new StoreException("cannot open or migrate " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Releases before Flyway applied the same files by hand and counted them in {@code PRAGMA user_version}:
     * such a file is baselined at that version, so Flyway carries on from the next migration.
     */
    private void baselineHandRunSchema() throws SQLException {
        int version;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = '" + flyway.getConfiguration().getTable() + "'")) {
                if (rs.next() && rs.getInt(1) > 0) {
                    return;
                }
            }
            try (var rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
        }
        if (version > 0) {
            Flyway.configure().configuration(flyway.getConfiguration())
                    .baselineVersion(String.valueOf(version))
                    .baselineDescription("schema applied before Flyway (PRAGMA user_version " + version + ")")
                    .load()
                    .baseline();
            LOG.infof("Baselined the existing schema at version %d", version);
        }
    }

    /** A cheap query proving the database answers, for readiness. */
    public boolean ping() {
        try (Connection c = dataSource.getConnection(); var s = c.createStatement(); var rs = s.executeQuery("SELECT 1")) {
            return rs.next();
        } catch (SQLException e) {
            return false;
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
            throw new StoreException("a transaction on " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** A unit of work on a connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
