package dev.heimdall.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.EmbeddedPostgres;
import dev.heimdall.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stores on a real PostgreSQL server, as two replicas use one: the schema migrates once, what one writes
 * the other reads, a committed change reaches the other's listener (and not the writer's own), and request-log
 * rows from both come back from one query, summaries included.
 */
class PostgresStoreTest {

    private static EmbeddedPostgres pg;
    private static int databases;

    @TempDir
    Path dir;
    private final List<Stores> opened = new ArrayList<>();
    private final List<AutoCloseable> listeners = new ArrayList<>();

    @BeforeAll
    static void startPostgres() {
        pg = EmbeddedPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        pg.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable l : listeners) {
            l.close();
        }
        opened.forEach(Stores::close);
    }

    private PostgresServer freshDatabase() {
        String name = pg.createDatabase("heimdall_" + (++databases));
        return server(name, pg.password());
    }

    private static PostgresServer server(String database, String password) {
        return new PostgresServer("127.0.0.1", pg.port(), EmbeddedPostgres.USER, password, database, "disable", 4, Duration.ZERO);
    }

    /** One replica's stores: its own SQLite file, and the shared database for both the configuration and the log. */
    private Stores replica(String name, PostgresServer shared) {
        Stores stores = new Stores(TestDatabase.dataSource(dir.resolve(name + ".db")));
        opened.add(stores);
        stores.open(StoreLocation.postgres(shared), StoreLocation.postgres(shared));
        return stores;
    }

    @Test
    void whatOneReplicaWritesTheOtherReadsAndHears() throws Exception {
        PostgresServer shared = freshDatabase();
        ConfigStore a = new ConfigStore(replica("a", shared).config());
        ConfigStore b = new ConfigStore(replica("b", shared).config());
        assertTrue(a.shared());

        LinkedBlockingQueue<String> heardByB = new LinkedBlockingQueue<>();
        AtomicInteger heardByA = new AtomicInteger();
        LinkedBlockingQueue<String> aCalls = new LinkedBlockingQueue<>();
        listeners.add(b.listen(() -> heardByB.add("change")));
        listeners.add(a.listen(() -> {
            heardByA.incrementAndGet();
            aCalls.add("change");
        }));
        // Each listener runs once when it starts listening (a change made before it listened sends nothing).
        assertEquals("change", heardByB.poll(30, TimeUnit.SECONDS));
        assertEquals("change", aCalls.poll(30, TimeUnit.SECONDS));

        a.importEntities("c1", List.of(new ConfigStore.Incoming("provider", "openai", "h1", "{\"h\":1}"),
                new ConfigStore.Incoming("provider", "groq", "g1", "{\"g\":1}")), 1_000);
        assertEquals("change", heardByB.poll(30, TimeUnit.SECONDS), "B hears A's import");
        assertEquals(List.of("openai", "groq"), b.loadAll().stream().map(StoredEntity::name).toList(), "in the file's order");

        a.writeApi(List.of(new ConfigStore.ApiWrite("virtual_key", "vk-1", "v1", "{\"id\":\"vk-1\"}")), 2_000);
        assertEquals("change", heardByB.poll(30, TimeUnit.SECONDS), "B hears A's API write");
        b.writeApi(List.of(new ConfigStore.ApiWrite("virtual_key", "vk-2", "v2", "{\"id\":\"vk-2\"}")), 3_000);
        assertEquals("change", aCalls.poll(30, TimeUnit.SECONDS), "A hears B's write");
        // A's own two writes were announced before B's, on the same channel: had A reacted to them, it would
        // have been called again by now.
        assertEquals(2, heardByA.get());
        assertEquals(List.of("vk-1", "vk-2"), a.loadAll().stream().filter(s -> s.origin() == StoredEntity.Origin.API)
                .map(StoredEntity::name).toList());

        // A rolled-back change announces nothing and stores nothing.
        assertThrows(StoreException.class, () -> a.writeApi(List.of(new ConfigStore.ApiWrite("virtual_key", "vk-3", "v3", "{}"),
                new ConfigStore.ApiWrite("virtual_key", null, "v4", "{}")), 4_000));
        assertEquals(2, b.loadAll().stream().filter(s -> s.origin() == StoredEntity.Origin.API).count());
    }

    @Test
    void aListenerWhoseConnectionIsCutReconnectsAndRereads() throws Exception {
        PostgresServer shared = freshDatabase();
        ConfigStore a = new ConfigStore(replica("a", shared).config());
        ConfigStore b = new ConfigStore(replica("b", shared).config());
        LinkedBlockingQueue<String> heardByB = new LinkedBlockingQueue<>();
        listeners.add(b.listen(() -> heardByB.add("change")));
        assertEquals("change", heardByB.poll(30, TimeUnit.SECONDS));
        try (var c = pg.connect(shared.database()); var s = c.createStatement()) {
            var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND query LIKE 'LISTEN%'");
            rs.next();
            assertEquals(1, rs.getInt(1), "B's listening connection, cut");
        }
        // Written while B may not be listening: B learns of it on reconnecting, if not from the notification.
        a.writeApi(List.of(new ConfigStore.ApiWrite("alias", "fast", "f1", "[\"openai/gpt-4o\"]")), 1_000);
        assertEquals("change", heardByB.poll(30, TimeUnit.SECONDS));
        assertEquals(List.of("fast"), b.loadAll().stream().map(StoredEntity::name).toList());
    }

    @Test
    void changesOnTwoReplicasTakeTurns() throws Exception {
        PostgresServer shared = freshDatabase();
        ConfigStore a = new ConfigStore(replica("a", shared).config());
        ConfigStore b = new ConfigStore(replica("b", shared).config());
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch aInside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch bWaiting = new java.util.concurrent.CountDownLatch(1);
        var first = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                a.exclusively(() -> {
                    order.add("a in");
                    aInside.countDown();
                    assertTrue(bWaiting.await(30, TimeUnit.SECONDS), "B asks for the lock meanwhile");
                    order.add("a out");
                    return null;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(aInside.await(30, TimeUnit.SECONDS));
        var second = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                b.exclusively(() -> order.add("b in"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // B is waiting when PostgreSQL shows its advisory lock requested and not granted.
        dev.heimdall.testing.Await.until("B waiting for the lock", () -> {
            try (var c = pg.connect(shared.database()); var s = c.createStatement();
                    var rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
                rs.next();
                return rs.getInt(1) == 1;
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        bWaiting.countDown();
        first.get(30, TimeUnit.SECONDS);
        second.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("a in", "a out", "b in"), order);
    }

    @Test
    void requestLogsOfBothReplicasComeBackFromOneQuery() {
        PostgresServer shared = freshDatabase();
        RequestLogStore a = new RequestLogStore(replica("a", shared).logs());
        RequestLogStore b = new RequestLogStore(replica("b", shared).logs());
        List<LogEntry> fromA = a.insert(List.of(entry(1_000, "gpt-4o", 200, 40.0, null), entry(2_000, "glm-5", 502, 900.0, 0.002)));
        List<LogEntry> fromB = b.insert(List.of(entry(3_000, "gpt-4o", 200, 45.0, 0.001)));
        assertTrue(fromA.get(0).id() < fromA.get(1).id() && fromA.get(1).id() < fromB.get(0).id(), "ids as the database gave them");
        assertEquals(fromB.get(0), a.byId(fromB.get(0).id()), "A reads B's row whole, nulls included");
        assertEquals(fromA.get(0), b.byId(fromA.get(0).id()));

        RequestLogStore.Filter any = RequestLogStore.Filter.ANY;
        assertEquals(3, a.count(any));
        assertEquals(List.of(fromB.get(0).id(), fromA.get(1).id(), fromA.get(0).id()),
                b.page(new RequestLogStore.Query(any, 10, 0, 0)).stream().map(LogEntry::id).toList(), "newest first");
        RequestLogStore.Filter errors = new RequestLogStore.Filter(List.of(), List.of(), List.of(), RequestLogStore.ERROR, null, null, null);
        assertEquals(List.of(fromA.get(1).id()), b.page(new RequestLogStore.Query(errors, 10, 0, 0)).stream().map(LogEntry::id).toList());
        RequestLogStore.Filter gpt = new RequestLogStore.Filter(List.of("gpt-4o"), List.of(), List.of(), null, false, 0L, 10_000L);
        assertEquals(2, a.count(gpt));

        LogSummary byModel = LogSummary.of(a.summary(any, 60_000, "model"), 0, 60_000, 60_000, 10);
        assertEquals(3, byModel.totals().requests());
        assertEquals(1, byModel.totals().errors());
        assertEquals(0.003, byModel.totals().costUsd(), 1e-9);
        assertEquals(List.of("gpt-4o", "glm-5"), byModel.groups().stream().map(LogSummary.Group::key).toList());
        assertEquals(3, LogSummary.of(b.summary(any, 1_000, null), 0, 4_000, 1_000, 10).totals().requests(), "ungrouped");

        assertEquals(2, b.deleteOlderThan(2_500));
        assertEquals(1, a.count(any));
    }

    @Test
    void aReplicaFollowingTheLogReceivesTheRowsOthersWriteAndNotItsOwn() throws Exception {
        PostgresServer shared = freshDatabase();
        RequestLogStore a = new RequestLogStore(replica("a", shared).logs());
        RequestLogStore b = new RequestLogStore(replica("b", shared).logs());
        LinkedBlockingQueue<List<LogEntry>> toB = new LinkedBlockingQueue<>();
        AtomicInteger asked = new AtomicInteger();
        LinkedBlockingQueue<String> ready = new LinkedBlockingQueue<>();
        listeners.add(b.follow(() -> {
            asked.incrementAndGet();
            ready.add("asked");
            return true;
        }, toB::add));
        assertEquals("asked", ready.poll(30, TimeUnit.SECONDS), "listening (asked once on connecting)");

        b.insert(List.of(entry(500, "own", 200, 1.0, null)));
        List<LogEntry> fromA = a.insert(List.of(entry(1_000, "gpt-4o", 200, 40.0, null), entry(2_000, "glm-5", 502, 900.0, 0.002)));
        assertEquals(fromA, toB.poll(30, TimeUnit.SECONDS), "A's rows, whole, in A's order");
        // B's own row was announced before A's on the same channel; had it been delivered, it would be here first.
        assertTrue(toB.isEmpty());
        assertTrue(asked.get() >= 2, "asked before reading rows");
    }

    @Test
    void aSchemaANewerReleaseMigratedStillServesTheOlderReplicas() throws Exception {
        PostgresServer shared = freshDatabase();
        replica("new", shared);
        try (var c = pg.connect(shared.database()); var s = c.createStatement()) {
            s.execute("ALTER TABLE request_log ADD COLUMN later TEXT");
            s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by,"
                    + " execution_time, success) VALUES (99, '99', 'later', 'SQL', 'V99__later.sql', 0, 'x', 0, true)");
        }
        // During a rollout (or after a rollback) a replica of this release starts on the newer schema.
        RequestLogStore older = new RequestLogStore(replica("old", shared).logs());
        assertEquals(1, older.insert(List.of(entry(1_000, "gpt-4o", 200, 1.0, null))).size());
    }

    @Test
    void aWrongPasswordStopsStartUpNamingTheDatabaseNotThePassword() {
        PostgresServer shared = freshDatabase();
        Stores stores = new Stores(TestDatabase.dataSource(dir.resolve("c.db")));
        opened.add(stores);
        PostgresServer wrong = server(shared.database(), "not-the-password-x9");
        StoreException e = assertThrows(StoreException.class, () -> stores.open(StoreLocation.postgres(wrong), StoreLocation.LOCAL));
        assertTrue(e.getMessage().contains(wrong.describe()), e.getMessage());
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password-x9"), e.getMessage());
    }

    private static LogEntry entry(long ts, String model, int status, double latency, Double cost) {
        return new LogEntry(0, ts, "chat", model, "openai", model, "k1", status, status >= 400 ? "upstream_error" : null, false, 1,
                latency, 0.2, null, 10L, status >= 400 ? null : 5L, cost, "vk-team", status >= 400 ? null : "4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
