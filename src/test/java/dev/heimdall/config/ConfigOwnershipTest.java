package dev.heimdall.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heimdall.config.ConfigService.EntityChange;
import dev.heimdall.store.ConfigStore;
import dev.heimdall.store.StoredEntity;
import dev.heimdall.testing.RecordingEvent;
import dev.heimdall.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who owns what: config.json owns what it declares, the management API the rest, across reloads and
 * restarts, over a real SQLite file.
 */
class ConfigOwnershipTest {

    @TempDir
    Path dir;
    final RecordingEvent<ConfigSnapshot> events = new RecordingEvent<>();

    static final String FILE = """
            {"providers": {"openai": {"keys": [{"name": "k", "value": "sk-file", "models": ["glm-5"]}]}},
             "governance": {"virtual_keys": [{"id": "vk-file", "name": "file", "value": "vk-file-value",
                                              "provider_configs": [{"provider": "openai"}]}]}}
            """;

    ConfigService service() {
        return new ConfigService(new ConfigStore(TestDatabase.open(dir.resolve("config.db"))), dir.resolve("config.json"), events,
                Map.<String, String>of()::get, Clock.systemUTC());
    }

    static JsonNode json(String text) {
        return ConfigJson.parse(text);
    }

    static EntityChange apiKey(String id, String value) {
        return EntityChange.put(ConfigJson.KIND_VIRTUAL_KEY, id, json("{\"id\": \"" + id + "\", \"name\": \"" + id + "\", \"value\": \""
                + value + "\", \"provider_configs\": [{\"provider\": \"openai\"}]}"), "$");
    }

    @Test
    void anApiEntitySurvivesFileReloadsAndRestarts() throws Exception {
        Files.writeString(dir.resolve("config.json"), FILE);
        ConfigService first = service();
        first.loadAtStartup();
        ConfigSnapshot changed = first.change(List.of(apiKey("vk-api", "vk-api-value")));
        assertEquals(StoredEntity.Origin.API, changed.entity(ConfigJson.KIND_VIRTUAL_KEY, "vk-api").origin());
        assertEquals(StoredEntity.Origin.FILE, changed.entity(ConfigJson.KIND_VIRTUAL_KEY, "vk-file").origin());

        Files.writeString(dir.resolve("config.json"), FILE.replace("glm-5", "glm-6"));
        assertTrue(first.reloadIfChanged());
        assertTrue(first.current().config().governance().virtualKeys().containsKey("vk-api"), "a file change keeps the API's key");

        ConfigSnapshot restarted = service().loadAtStartup();
        assertTrue(restarted.config().governance().virtualKeys().containsKey("vk-api"), "a restart keeps it");
        assertEquals(List.of("glm-6"), restarted.config().providers().get("openai").keys().get(0).models().names());
    }

    @Test
    void theFileWinsANameBothDeclareAndTheApisVersionReturnsWhenTheFileDropsIt() throws Exception {
        Files.writeString(dir.resolve("config.json"), FILE);
        ConfigService service = service();
        service.loadAtStartup();
        service.change(List.of(apiKey("vk-shared", "vk-api-value")));

        String both = FILE.replace("\"provider_configs\": [{\"provider\": \"openai\"}]}]",
                "\"provider_configs\": [{\"provider\": \"openai\"}]}, {\"id\": \"vk-shared\", \"name\": \"from-file\","
                        + " \"value\": \"vk-shared-file\", \"provider_configs\": [{\"provider\": \"openai\"}]}]");
        Files.writeString(dir.resolve("config.json"), both);
        assertTrue(service.reloadIfChanged());
        ConfigSnapshot shadowed = service.current();
        assertEquals("from-file", shadowed.config().governance().virtualKeys().get("vk-shared").name());
        assertTrue(shadowed.entity(ConfigJson.KIND_VIRTUAL_KEY, "vk-shared").shadowsApi());
        assertThrows(ConfigService.FileOwnedException.class, () -> service.change(List.of(apiKey("vk-shared", "other"))),
                "the API may not change what the file declares");

        Files.writeString(dir.resolve("config.json"), FILE);
        assertTrue(service.reloadIfChanged());
        ConfigSnapshot back = service.current();
        assertEquals("vk-shared", back.config().governance().virtualKeys().get("vk-shared").name(), "the API's version is in force again");
        assertEquals(StoredEntity.Origin.API, back.entity(ConfigJson.KIND_VIRTUAL_KEY, "vk-shared").origin());
    }

    @Test
    void aRefusedChangeStoresNothingAndNamesThePathInTheBody() throws Exception {
        Files.writeString(dir.resolve("config.json"), FILE);
        ConfigService service = service();
        service.loadAtStartup();
        EntityChange key = EntityChange.put(ConfigJson.KIND_VIRTUAL_KEY, "vk-bad", json("""
                {"id": "vk-bad", "name": "bad", "value": "v", "team_id": "no-such-team", "budget_id": "vk-bad-budget",
                 "provider_configs": [{"provider": "openai"}]}"""), "$");
        EntityChange budget = EntityChange.put(ConfigJson.KIND_BUDGET, "vk-bad-budget",
                json("{\"id\": \"vk-bad-budget\", \"max_limit\": 1, \"reset_duration\": \"fortnight\"}"), "$.budget");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> service.change(List.of(key, budget)));
        List<String> paths = e.problems().stream().map(ConfigProblem::path).toList();
        assertTrue(paths.contains("$.team_id"), paths.toString());
        assertTrue(paths.contains("$.budget.reset_duration"), paths.toString());
        assertNull(service.stored(ConfigJson.KIND_VIRTUAL_KEY, "vk-bad"));
        assertNull(service.stored(ConfigJson.KIND_BUDGET, "vk-bad-budget"));
        assertFalse(service.current().config().governance().virtualKeys().containsKey("vk-bad"));
    }

    @Test
    void aFileChangeThatWouldBreakAnApiEntityIsRefused() throws Exception {
        Files.writeString(dir.resolve("config.json"), FILE.replace("\"providers\": {", "\"providers\": {\"groq\": {\"keys\": [{\"value\": \"g\", \"models\": [\"llama\"]}]}, "));
        ConfigService service = service();
        service.loadAtStartup();
        service.change(List.of(EntityChange.put(ConfigJson.KIND_VIRTUAL_KEY, "vk-groq", json("""
                {"id": "vk-groq", "name": "groq", "value": "vk-groq-value", "provider_configs": [{"provider": "groq"}]}"""), "$")));

        Files.writeString(dir.resolve("config.json"), FILE);
        assertFalse(service.reloadIfChanged(), "removing groq would leave the API's key naming an unknown provider");
        assertTrue(service.current().config().providers().containsKey("groq"), "the running configuration stays");
    }

    @Test
    void theStoreHoldsAnApiKeysValueHashedNeverAsSent() throws Exception {
        Files.writeString(dir.resolve("config.json"), FILE);
        ConfigService service = service();
        service.loadAtStartup();
        service.change(List.of(apiKey("vk-api", "sk-bf-never-stored")));
        String stored = service.stored(ConfigJson.KIND_VIRTUAL_KEY, "vk-api").json();
        assertFalse(stored.contains("sk-bf-never-stored"), stored);
        assertTrue(stored.contains(ConfigJson.HASHED + ConfigJson.sha256("sk-bf-never-stored")), stored);
    }

    @Test
    void atStartUpTheFileAppliesAndAnApiEntityItBreaksIsLeftOutOfForceNotLost() throws Exception {
        String withGroq = FILE.replace("\"providers\": {", "\"providers\": {\"groq\": {\"keys\": [{\"value\": \"g\", \"models\": [\"llama\"]}]}, ");
        Files.writeString(dir.resolve("config.json"), withGroq);
        service().loadAtStartup();
        service().change(List.of(EntityChange.put(ConfigJson.KIND_VIRTUAL_KEY, "vk-groq", json("""
                {"id": "vk-groq", "name": "groq", "value": "vk-groq-value", "provider_configs": [{"provider": "groq"}]}"""), "$")));

        Files.writeString(dir.resolve("config.json"), FILE); // the ConfigMap drops groq while the pods are down
        ConfigSnapshot restarted = service().loadAtStartup();
        assertFalse(restarted.config().governance().virtualKeys().containsKey("vk-groq"));
        assertTrue(restarted.config().governance().virtualKeys().containsKey("vk-file"), "the file is in force");
        assertTrue(restarted.warnings().stream().anyMatch(w -> w.startsWith("virtual_key/vk-groq") && w.contains("groq")),
                restarted.warnings().toString());
        assertTrue(service().stored(ConfigJson.KIND_VIRTUAL_KEY, "vk-groq") != null, "kept stored");

        Files.writeString(dir.resolve("config.json"), withGroq);
        assertTrue(service().loadAtStartup().config().governance().virtualKeys().containsKey("vk-groq"), "back with its provider");
    }
}
