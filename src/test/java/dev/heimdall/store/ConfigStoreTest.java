package dev.heimdall.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.heimdall.testing.TestDatabase;

class ConfigStoreTest {

    @TempDir
    Path dir;
    Database db;
    ConfigStore store;

    static Database open(Path file) {
        return TestDatabase.open(file);
    }

    @BeforeEach
    void setUp() {
        db = open(dir.resolve("config.db"));
        store = new ConfigStore(db);
    }

    static ConfigStore.Incoming provider(String name, String hash) {
        return new ConfigStore.Incoming("provider", name, hash, "{\"h\":\"" + hash + "\"}");
    }

    private Map<String, StoredEntity> byName() {
        return store.loadAll().stream().collect(Collectors.toMap(StoredEntity::name, e -> e));
    }

    @Test
    void importLeavesUnchangedRowsAloneAndReplacesOnlyWhatChanged() {
        ImportResult first = store.importEntities("c1", List.of(provider("openai", "h1"), provider("groq", "g1")), 1_000);
        assertEquals(List.of("provider/openai", "provider/groq"), first.added());

        ImportResult second = store.importEntities("c2", List.of(provider("openai", "h2"), provider("groq", "g1")), 2_000);
        assertEquals(List.of("provider/openai"), second.changed());
        assertEquals(List.of("provider/groq"), second.unchanged());
        Map<String, StoredEntity> rows = byName();
        assertEquals(2_000, rows.get("openai").changedAtMillis());
        assertEquals(1_000, rows.get("groq").changedAtMillis(), "an unchanged provider keeps its row as it was");

        ImportResult third = store.importEntities("c3", List.of(provider("groq", "g1")), 3_000);
        assertEquals(List.of("provider/openai"), third.removed());
        assertEquals(List.of("groq"), store.loadAll().stream().map(StoredEntity::name).toList());
    }

    @Test
    void onlyImportsThatChangeSomethingAreRecorded() throws Exception {
        store.importEntities("c1", List.of(provider("openai", "h1")), 1_000);
        store.importEntities("c1", List.of(provider("openai", "h1")), 2_000);
        try (var c = db.connection(); var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM config_import")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }

    @Test
    void aFailedImportLeavesThePreviousConfigurationWhole() {
        store.importEntities("c1", List.of(provider("openai", "h1"), provider("groq", "g1")), 1_000);
        // The second entity violates NOT NULL mid-transaction, after the first was already written.
        List<ConfigStore.Incoming> broken = List.of(provider("openai", "h2"), new ConfigStore.Incoming("provider", "vllm", "v1", null));
        assertThrows(StoreException.class, () -> store.importEntities("c2", broken, 2_000));
        Map<String, StoredEntity> rows = byName();
        assertEquals(2, rows.size());
        assertEquals("h1", rows.get("openai").hash());
    }

    @Test
    void migrationsAreIdempotentAndSurviveReopening() {
        store.importEntities("c1", List.of(provider("openai", "h1")), 1_000);
        Database again = open(dir.resolve("config.db"));
        assertEquals(1, new ConfigStore(again).loadAll().size());
    }
}
