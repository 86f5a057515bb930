package dev.heimdall.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Wires the store classes to the datasource Quarkus configures from {@code quarkus.datasource.*}. */
@ApplicationScoped
public class StoreProducer {

    @Produces
    @ApplicationScoped
    Database database(DataSource dataSource, Flyway flyway) {
        return new Database(dataSource, flyway);
    }

    @Produces
    @ApplicationScoped
    ConfigStore configStore(Database database) {
        return new ConfigStore(database);
    }

    @Produces
    @ApplicationScoped
    CounterStore counterStore(Database database) {
        return new CounterStore(database);
    }

    @Produces
    @ApplicationScoped
    RequestLogStore requestLogStore(Database database) {
        return new RequestLogStore(database);
    }
}
