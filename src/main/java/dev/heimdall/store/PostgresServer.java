package dev.heimdall.store;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A PostgreSQL database as config.json's {@code config_store} / {@code logs_store} describe it (Bifrost's fields,
 * {@code env.NAME} already resolved). {@link #toString()} leaves the password out.
 */
public record PostgresServer(String host, int port, String user, String password, String database, String sslMode,
        int maxConnections, Duration maxLifetime) {

    /** The JDBC address; the credentials travel apart from it. */
    String jdbcUrl() {
        return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8) + "?sslmode=" + sslMode + "&ApplicationName=heimdall&tcpKeepAlive=true";
    }

    /** Which database, for messages and the management API. */
    public String describe() {
        return "PostgreSQL " + user + "@" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return describe();
    }
}
