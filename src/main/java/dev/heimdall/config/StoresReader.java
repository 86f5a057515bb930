package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heimdall.store.PostgresServer;
import dev.heimdall.store.StoreLocation;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bifrost's {@code config_store} and {@code logs_store} sections as written: {@code type} {@code sqlite} (each
 * pod's config.db, the default) or {@code postgres} with Bifrost's connection fields, each of which may be
 * {@code env.NAME}. Absent or disabled means SQLite: Heimdall always keeps a store, the management API needs one.
 */
final class StoresReader {

    static final Set<String> SECTIONS = Set.of("config_store", "logs_store");
    private static final Set<String> FIELDS = Set.of("enabled", "type", "config", "retention_days");
    private static final Set<String> POSTGRES_FIELDS = Set.of("host", "port", "user", "password", "db_name", "ssl_mode",
            "max_open_conns", "max_idle_conns", "conn_max_lifetime", "password_command");
    private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)");
    static final int DEFAULT_MAX_CONNECTIONS = 10;
    static final int MIN_CONNECTIONS = 4;

    private final ConfigReader r;

    StoresReader(ConfigReader r) {
        this.r = r;
    }

    StoresConfig read(JsonNode root) {
        return new StoresConfig(store("$.config_store", root.get("config_store")), store("$.logs_store", root.get("logs_store")));
    }

    private StoreLocation store(String path, JsonNode node) {
        if (node == null || node.isNull()) {
            return StoreLocation.LOCAL;
        }
        if (!node.isObject()) {
            r.problem(path, "must be an object with \"type\" (sqlite or postgres) and \"config\", not " + ConfigReader.kind(node));
            return StoreLocation.LOCAL;
        }
        for (String field : ConfigReader.iterable(node.fieldNames())) {
            if (!FIELDS.contains(field)) {
                r.warn(path + "." + field + " is not a field Heimdall knows; it is ignored");
            }
        }
        if (node.has("retention_days")) {
            r.warn(path + ".retention_days is not used: the request log's retention is client.log_retention_days");
        }
        if (!r.bool(path + ".enabled", node.get("enabled"), true)) {
            r.warn(path + ".enabled is false: Heimdall keeps this store in each pod's " + dev.heimdall.store.Stores.SQLITE_FILE
                    + " all the same (the management API and the request log need one)");
            return StoreLocation.LOCAL;
        }
        String type = r.optionalString(path + ".type", node.get("type"), "sqlite");
        JsonNode config = node.get("config");
        switch (type) {
            case "sqlite" -> {
                if (config != null && config.has("path")) {
                    r.warn(path + ".config.path is not used: Heimdall keeps SQLite stores in " + dev.heimdall.store.Stores.SQLITE_FILE
                            + " in its app dir");
                }
                return StoreLocation.LOCAL;
            }
            case "postgres" -> {
                PostgresServer server = postgres(path + ".config", config);
                return server == null ? StoreLocation.LOCAL : StoreLocation.postgres(server);
            }
            default -> {
                r.problem(path + ".type", "must be \"sqlite\" or \"postgres\", got \"" + type + "\"");
                return StoreLocation.LOCAL;
            }
        }
    }

    private PostgresServer postgres(String path, JsonNode node) {
        if (node == null || !node.isObject()) {
            r.problem(path, "must be an object with host, port, user, password, db_name and ssl_mode"
                    + (node == null ? "" : ", not " + ConfigReader.kind(node)));
            return null;
        }
        for (String field : ConfigReader.iterable(node.fieldNames())) {
            if (!POSTGRES_FIELDS.contains(field)) {
                r.warn(path + "." + field + " is not a field Heimdall knows; it is ignored");
            }
        }
        if (node.has("password_command")) {
            r.problem(path + ".password_command", "is not supported by Heimdall: give the password as \"env.NAME\"");
        }
        int problemsBefore = r.problems().size();
        String host = text(path + ".host", node.get("host"), null);
        String portText = node.get("port") != null && node.get("port").isIntegralNumber() ? node.get("port").asText()
                : text(path + ".port", node.get("port"), "5432");
        String user = text(path + ".user", node.get("user"), null);
        String database = text(path + ".db_name", node.get("db_name"), null);
        String sslMode = text(path + ".ssl_mode", node.get("ssl_mode"), "prefer");
        Secret password = null;
        JsonNode pw = node.get("password");
        if (pw == null || pw.isNull()) {
            r.problem(path + ".password", "is required (\"env.NAME\", from a Secret)");
        } else if (!pw.isTextual()) {
            r.problem(path + ".password", "must be a string (\"env.NAME\"), not " + ConfigReader.kind(pw));
        } else {
            password = r.secret(path + ".password", pw.textValue());
        }
        int port = 0;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText.trim());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                r.problem(path + ".port", "must be a port number from 1 to 65535");
            }
        }
        if (sslMode != null && !SSL_MODES.contains(sslMode)) {
            r.problem(path + ".ssl_mode", "must be one of " + new java.util.TreeSet<>(SSL_MODES) + ", got \"" + sslMode + "\"");
        }
        int maxOpen = r.integer(path + ".max_open_conns", node.get("max_open_conns"), DEFAULT_MAX_CONNECTIONS, 0, 1000);
        r.integer(path + ".max_idle_conns", node.get("max_idle_conns"), 0, 0, 1000); // idle connections are reaped after 5 min
        Duration lifetime = lifetime(path + ".conn_max_lifetime", node.get("conn_max_lifetime"));
        if (r.problems().size() > problemsBefore) {
            return null;
        }
        // 0 is Go's "unlimited". Two connections listen (configuration changes, other replicas' log rows) when both
        // stores share this database, so four at least: two for the work.
        int connections = maxOpen == 0 ? DEFAULT_MAX_CONNECTIONS : Math.max(MIN_CONNECTIONS, maxOpen);
        return new PostgresServer(host, port, user, password.value(), database, sslMode, connections, lifetime);
    }

    /** A required (when {@code dflt} is null) string, which may be {@code env.NAME}. */
    private String text(String path, JsonNode node, String dflt) {
        if (node == null || node.isNull()) {
            if (dflt == null) {
                r.problem(path, "is required");
            }
            return dflt;
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            r.problem(path, "must be a non-empty string");
            return null;
        }
        Secret value = r.secret(path, node.textValue());
        return value == null ? null : value.value();
    }

    /** Go's duration text as Bifrost takes it ({@code "1h"}, {@code "30m"}, {@code "1h30m"}); absent is no limit. */
    private Duration lifetime(String path, JsonNode node) {
        if (node == null || node.isNull()) {
            return Duration.ZERO;
        }
        String text = node.isTextual() ? node.textValue() : "";
        Matcher m = GO_DURATION.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            double amount = Double.parseDouble(m.group(1));
            long unitMillis = switch (m.group(2)) {
                case "h" -> 3_600_000L;
                case "m" -> 60_000L;
                case "s" -> 1000L;
                default -> 1L;
            };
            total = total.plusMillis(Math.round(amount * unitMillis));
            end = m.end();
        }
        if (text.isEmpty() || end != text.length() || total.isZero()) {
            r.problem(path, "must be a positive duration such as \"30m\" or \"1h\"");
            return Duration.ZERO;
        }
        return total;
    }
}
