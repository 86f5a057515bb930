package dev.heimdall.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import javax.sql.DataSource;

/** Wires the store classes to the datasource Quarkus configures from {@code quarkus.datasource.*}. */
@ApplicationScoped
public class StoreProducer {

    @Produces
    @ApplicationScoped
    Database database(DataSource dataSource) {
        return new Database(dataSource);
    }

    @Produces
    @ApplicationScoped
    ConfigStore configStore(Database database) {
        return new ConfigStore(database);
    }

    @Produces
    @ApplicationScoped
    RequestLogStore requestLogStore(Database database) {
        return new RequestLogStore(database);
    }
}
