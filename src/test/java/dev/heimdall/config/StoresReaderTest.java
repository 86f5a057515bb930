package dev.heimdall.config;

import static dev.heimdall.config.ConfigParserTest.assertProblem;
import static dev.heimdall.config.ConfigParserTest.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.store.PostgresServer;
import dev.heimdall.store.StoreLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bifrost's {@code config_store} and {@code logs_store}, read before the stores open. */
class StoresReaderTest {

    private static final Map<String, String> ENV = Map.of("PG_PASSWORD", "s3cret-pg-pass", "PG_HOST", "db.internal");
    private final List<String> warnings = new ArrayList<>();

    private StoresConfig read(String json) throws InvalidConfigException {
        return ConfigParser.stores(tree(json), "config.json", ENV::get, warnings::add);
    }

    private List<ConfigProblem> problems(String json) {
        return assertThrows(InvalidConfigException.class, () -> read(json)).problems();
    }

    @Test
    void absentOrSqliteMeansEachPodsOwnFile() throws Exception {
        assertEquals(StoresConfig.LOCAL, read("{}"));
        assertEquals(StoresConfig.LOCAL, read("{\"config_store\": {\"enabled\": true, \"type\": \"sqlite\", \"config\": {\"path\": \"./config.db\"}},"
                + " \"logs_store\": {\"enabled\": false}}"));
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("$.config_store.config.path is not used")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("$.logs_store.enabled is false")), warnings.toString());
    }

    @Test
    void postgresIsReadAsBifrostWritesItWithEnvReferences() throws Exception {
        StoresConfig s = read("""
                {"config_store": {"enabled": true, "type": "postgres", "config": {"host": "env.PG_HOST", "port": "6432", "user": "gw",
                  "password": "env.PG_PASSWORD", "db_name": "heimdall", "ssl_mode": "require", "max_open_conns": 20,
                  "max_idle_conns": 5, "conn_max_lifetime": "1h30m"}},
                 "logs_store": {"enabled": true, "type": "postgres", "config": {"host": "logs.internal", "port": 5432, "user": "gw",
                  "password": "env.PG_PASSWORD", "db_name": "logs"}}}""");
        assertEquals(StoreLocation.postgres(new PostgresServer("db.internal", 6432, "gw", "s3cret-pg-pass", "heimdall", "require", 20,
                Duration.ofMinutes(90))), s.config());
        PostgresServer logs = s.logs().postgres();
        assertEquals(5432, logs.port());
        assertEquals("prefer", logs.sslMode(), "pgjdbc's default when ssl_mode is absent");
        assertEquals(Duration.ZERO, logs.maxLifetime());
        assertFalse(logs.toString().contains("s3cret"), "a store is never shown with its password: " + logs);
        assertEquals("PostgreSQL gw@logs.internal:5432/logs", logs.describe());
    }

    @Test
    void everyMistakeIsReportedWithItsPathAndNoSecret() {
        List<ConfigProblem> p = problems("""
                {"config_store": {"type": "postgres", "config": {"port": "http", "user": "", "password": "env.UNSET_PASSWORD",
                  "ssl_mode": "sometimes", "conn_max_lifetime": "forever", "password_command": {"command": "vault"}}},
                 "logs_store": {"type": "mysql"}}""");
        assertProblem(p, "$.config_store.config.host", "is required");
        assertProblem(p, "$.config_store.config.port", "port number");
        assertProblem(p, "$.config_store.config.user", "non-empty");
        assertProblem(p, "$.config_store.config.password", "UNSET_PASSWORD is not set");
        assertProblem(p, "$.config_store.config.db_name", "is required");
        assertProblem(p, "$.config_store.config.ssl_mode", "must be one of");
        assertProblem(p, "$.config_store.config.conn_max_lifetime", "positive duration");
        assertProblem(p, "$.config_store.config.password_command", "env.NAME");
        assertProblem(p, "$.logs_store.type", "\"sqlite\" or \"postgres\"");
        assertEquals(9, p.size(), p.toString());
        assertProblem(problems("{\"config_store\": \"postgres://x\"}"), "$.config_store", "must be an object");
        assertProblem(problems("{\"config_store\": {\"type\": \"postgres\"}}"), "$.config_store.config", "host, port, user");
        List<ConfigProblem> literal = problems("{\"config_store\": {\"type\": \"postgres\", \"config\": {\"host\": \"h\", \"user\": \"u\","
                + " \"password\": \"literal-pw-77\", \"db_name\": \"d\", \"max_open_conns\": -1}}}");
        assertProblem(literal, "$.config_store.config.max_open_conns", "between 0 and");
        assertFalse(literal.toString().contains("literal-pw-77"));
    }

    @Test
    void storeSectionsAreNotKeptInTheStoresTheyName() {
        List<ConfigJson.Entity> entities = ConfigJson.split(tree("{\"providers\": {}, \"config_store\": {\"type\": \"postgres\"},"
                + " \"logs_store\": {}, \"client\": {}}"));
        assertEquals(List.of("section/client"), entities.stream().map(e -> e.kind() + "/" + e.name()).toList());
    }
}
