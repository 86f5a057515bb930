package dev.heimdall.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.store.ConfigStore;
import dev.heimdall.store.Database;
import dev.heimdall.testing.TestDatabase;
import dev.heimdall.testing.RecordingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** ConfigService over a real SQLite file and a real config.json: start-up, live reload, restart. */
class ConfigServiceTest {

    @TempDir
    Path dir;
    final RecordingEvent<ConfigSnapshot> events = new RecordingEvent<>();

    static final String ONE = """
            {"providers": {"openai": {"keys": [{"name": "k", "value": "env.KEY", "models": ["glm-5"]}],
                                      "network_config": {"base_url": "http://vllm:8000"}},
                           "groq": {"keys": [{"value": "g", "models": ["llama"]}]}}}
            """;
    static final String TWO = """
            {"providers": {"openai": {"keys": [{"name": "k", "value": "env.KEY", "models": ["glm-5", "glm-6"]}],
                                      "network_config": {"base_url": "http://vllm:8000"}},
                           "groq": {"keys": [{"value": "g", "models": ["llama"]}]}}}
            """;

    ConfigService service(Map<String, String> env) {
        Database db = TestDatabase.open(dir.resolve("config.db"));
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        return new ConfigService(new ConfigStore(db), dir.resolve("config.json"), events, env::get, clock);
    }

    @Test
    void startsFromConfigJsonAndStoresEnvReferencesNotValues() throws Exception {
        Files.writeString(dir.resolve("config.json"), ONE);
        ConfigSnapshot s = service(Map.of("KEY", "sk-secret-from-env")).loadAtStartup();
        assertEquals("sk-secret-from-env", s.config().providers().get("openai").keys().get(0).value().value());
        assertEquals(1, events.fired.size());
        try (var c = new SQLiteDataSource() {{ setUrl("jdbc:sqlite:" + dir.resolve("config.db")); }}.getConnection();
                var rs = c.createStatement().executeQuery("SELECT group_concat(json) FROM config_entity")) {
            rs.next();
            String stored = rs.getString(1);
            assertTrue(stored.contains("env.KEY"));
            assertFalse(stored.contains("sk-secret-from-env"), "an environment secret must not be written to disk");
        }
    }

    @Test
    void literalVirtualKeysAreStoredHashedAndStillAdmit() throws Exception {
        Files.writeString(dir.resolve("config.json"), """
                {"providers": {"groq": {"keys": [{"value": "g", "models": ["llama"]}]}},
                 "governance": {"virtual_keys": [
                   {"id": "vk1", "value": "sk-bf-literal-at-rest-1", "provider_configs": [{"provider": "groq"}]},
                   {"id": "vk2", "value": "env.KEY", "provider_configs": [{"provider": "groq"}]}]}}
                """);
        ConfigSnapshot s = service(Map.of("KEY", "sk-bf-from-env-2")).loadAtStartup();
        GovernanceConfig.VirtualKey literal = s.config().governance().virtualKeys().get("vk1");
        assertEquals(ConfigJson.sha256("sk-bf-literal-at-rest-1".getBytes(java.nio.charset.StandardCharsets.UTF_8)), literal.valueHash(),
                "read back from SQLite, the key is still found by its value's hash");
        assertEquals(ConfigJson.sha256("sk-bf-from-env-2".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                s.config().governance().virtualKeys().get("vk2").valueHash());
        try (var c = new SQLiteDataSource() {{ setUrl("jdbc:sqlite:" + dir.resolve("config.db")); }}.getConnection();
                var rs = c.createStatement().executeQuery("SELECT group_concat(json) FROM config_entity WHERE kind = 'virtual_key'")) {
            rs.next();
            String stored = rs.getString(1);
            assertFalse(stored.contains("sk-bf-literal-at-rest-1"), "a literal virtual key is not written to disk: " + stored);
            assertFalse(stored.contains("sk-bf-from-env-2"));
            assertTrue(stored.contains("\"sha256:") && stored.contains("env.KEY"), stored);
        }
    }

    @Test
    void liveReloadAppliesAValidChangeAndRefusesAnInvalidOne() throws Exception {
        Files.writeString(dir.resolve("config.json"), ONE);
        ConfigService service = service(Map.of("KEY", "v"));
        ConfigSnapshot first = service.loadAtStartup();
        String groqHash = first.entity("provider", "groq").hash();
        assertFalse(service.reloadIfChanged(), "unchanged file: nothing to do");

        Files.writeString(dir.resolve("config.json"), TWO);
        assertTrue(service.reloadIfChanged());
        ConfigSnapshot second = service.current();
        assertTrue(second.config().providers().get("openai").serves("glm-6"));
        assertNotEquals(first.configHash(), second.configHash());
        assertEquals(groqHash, second.entity("provider", "groq").hash());

        Files.writeString(dir.resolve("config.json"), "{\"providers\": [");
        assertFalse(service.reloadIfChanged());
        assertEquals(second, service.current(), "an invalid file leaves the running configuration in force");
        Files.writeString(dir.resolve("config.json"), "{\"providers\": {\"openai\": {\"keys\": [{\"value\": \"env.NOPE\"}]}}}");
        assertFalse(service.reloadIfChanged());
        assertEquals(second, service.current());
    }

    @Test
    void restartWithAChangedFileAppliesItWithoutDeletingTheDatabase() throws Exception {
        Files.writeString(dir.resolve("config.json"), ONE);
        service(Map.of("KEY", "v")).loadAtStartup();
        Files.writeString(dir.resolve("config.json"), TWO);
        ConfigSnapshot restarted = service(Map.of("KEY", "v")).loadAtStartup();
        assertTrue(restarted.config().providers().get("openai").serves("glm-6"));
    }

    @Test
    void restartWithoutConfigJsonUsesWhatSqliteHolds() throws Exception {
        Files.writeString(dir.resolve("config.json"), TWO);
        service(Map.of("KEY", "v")).loadAtStartup();
        Files.delete(dir.resolve("config.json"));
        ConfigSnapshot restarted = service(Map.of("KEY", "v")).loadAtStartup();
        assertTrue(restarted.config().providers().get("openai").serves("glm-6"));
        assertEquals("config.db", restarted.source());
    }

    @Test
    void invalidFileStopsStartUp() throws Exception {
        Files.writeString(dir.resolve("config.json"), ONE);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> service(Map.of()).loadAtStartup());
        assertTrue(e.getMessage().contains("$.providers.openai.keys[0].value: environment variable KEY is not set"), e.getMessage());
    }

    @Test
    void anAppDirThatCannotBeCreatedIsExplained() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GatewayStartup.prepareAppDir(file.resolve("data")));
        assertTrue(e.getMessage().contains("Cannot create the app dir") && e.getMessage().contains("HEIMDALL_APP_DIR"), e.getMessage());
    }

    @Test
    void withSeveralReplicasOnSqliteAWriteSaysItReachesThisPodOnly() {
        Database db = TestDatabase.open(dir.resolve("config.db"));
        Clock clock = Clock.systemUTC();
        ConfigService one = new ConfigService(new ConfigStore(db), dir.resolve("config.json"), events, k -> null, clock, 1);
        assertEquals(null, one.localOnlyWarning(), "one replica: nothing to warn about");
        ConfigService three = new ConfigService(new ConfigStore(db), dir.resolve("config.json"), events, k -> null, clock, 3);
        String warning = three.localOnlyWarning();
        assertTrue(warning.contains("the other 2 replica(s)") && warning.contains("config_store"), warning);
        assertFalse(three.storeShared());
    }

    @Test
    void storeSectionsAreReadBeforeTheStoresOpen() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"providers\": {}, \"config_store\": {\"type\": \"postgres\"}}");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> service(Map.of()).readStores());
        assertTrue(e.getMessage().contains("$.config_store.config"), e.getMessage());
        Files.writeString(dir.resolve("config.json"), ONE);
        ConfigService service = service(Map.of("KEY", "k"));
        assertEquals(StoresConfig.LOCAL, service.readStores());
    }
}
