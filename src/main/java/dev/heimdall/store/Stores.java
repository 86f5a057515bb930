package dev.heimdall.store;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ExceptionSorter;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The databases behind the stores, opened once at start-up from config.json's {@code config_store} and
 * {@code logs_store}: each pod's SQLite file (the datasource Quarkus configures, always open: governance
 * counters are kept there), and a pooled PostgreSQL connection per shared database. Each is migrated before use.
 */
@ApplicationScoped
public class Stores {

    /** The name of each pod's SQLite file in the app dir, as messages give it. */
    public static final String SQLITE_FILE = "config.db";

    private final DataSource sqlite;
    private final List<AgroalDataSource> pools = new ArrayList<>();
    private volatile Opened opened;

    private record Opened(Database local, Database config, Database logs, StoreLocation configAt, StoreLocation logsAt) {
    }

    public Stores(DataSource sqlite) {
        this.sqlite = sqlite;
    }

    /** Opens and migrates every database; a failure (PostgreSQL unreachable, a newer schema) stops start-up with the reason. */
    public synchronized void open(StoreLocation configAt, StoreLocation logsAt) {
        if (opened != null) {
            throw new IllegalStateException("the stores are open already");
        }
        Database local = new Database(sqlite, Dialect.SQLITE, SQLITE_FILE);
        local.migrate();
        Database config = configAt.shared() ? postgres(configAt.postgres()) : local;
        Database logs = !logsAt.shared() ? local
                : logsAt.postgres().equals(configAt.postgres()) ? config : postgres(logsAt.postgres());
        opened = new Opened(local, config, logs, configAt, logsAt);
    }

    private Database postgres(PostgresServer server) {
        AgroalDataSource pool = new io.agroal.pool.DataSource(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(p -> p.minSize(0).initialSize(0).maxSize(server.maxConnections())
                        .acquisitionTimeout(Duration.ofSeconds(10))
                        .maxLifetime(server.maxLifetime())
                        .reapTimeout(Duration.ofMinutes(5))
                        .connectionValidator(ConnectionValidator.defaultValidatorWithTimeout(5))
                        .idleValidationTimeout(Duration.ofSeconds(30))
                        .exceptionSorter(ExceptionSorter.fatalExceptionSorter())
                        .connectionFactoryConfiguration(f -> f.jdbcUrl(server.jdbcUrl())
                                .connectionProviderClass(org.postgresql.Driver.class)
                                .loginTimeout(Duration.ofSeconds(10))
                                .principal(new NamePrincipal(server.user()))
                                .credential(new SimplePassword(server.password()))))
                .get());
        pools.add(pool);
        Database db = new Database(pool, Dialect.POSTGRES, server.describe());
        db.migrate();
        return db;
    }

    /** Each pod's own SQLite file. */
    public Database local() {
        return require().local();
    }

    /** Where the configuration (config.json's entities and the management API's) is kept. */
    public Database config() {
        return require().config();
    }

    /** Where the request log is written and read. */
    public Database logs() {
        return require().logs();
    }

    public StoreLocation configLocation() {
        return require().configAt();
    }

    public StoreLocation logsLocation() {
        return require().logsAt();
    }

    private Opened require() {
        Opened o = opened;
        if (o == null) {
            throw new IllegalStateException("the stores are used before start-up opened them");
        }
        return o;
    }

    @PreDestroy
    synchronized void close() {
        pools.forEach(AgroalDataSource::close);
        pools.clear();
    }
}
