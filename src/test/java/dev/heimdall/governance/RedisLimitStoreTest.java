package dev.heimdall.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.config.ResetWindow;
import dev.heimdall.governance.LimitStore.Verdict;
import dev.heimdall.testing.EmbeddedRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis store against a real redis-server: exact under concurrency from two clients, reservations, failures. */
class RedisLimitStoreTest {

    /** Now: Redis expires each counter after its window, so windows in the past would vanish at once. */
    private static final long T0 = System.currentTimeMillis();
    private static EmbeddedRedis server;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        server = EmbeddedRedis.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
        server.close();
    }

    private static RedisLimitStore store(String url, RedisLimitStore.Unavailable whenDown) {
        RedisAPI api = RedisAPI.api(Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(8)
                .setMaxPoolWaiting(4096).setMaxWaitingHandlers(4096)));
        return new RedisLimitStore(api, new MemoryLimitStore(), whenDown, vertx, Duration.ofMillis(300), Duration.ofMinutes(1));
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Limit requests(String counter, long max) {
        return new Limit(counter, Limit.Kind.REQUESTS, max, ResetWindow.parse("1h"), "virtual key t", "rl");
    }

    @Test
    void twoClientsRacingAdmitExactlyTheLimit() throws Exception {
        RedisLimitStore a = store(server.url(), RedisLimitStore.Unavailable.REFUSE);
        RedisLimitStore b = store(server.url(), RedisLimitStore.Unavailable.REFUSE);
        Limit limit = requests("race", 50);
        List<Future<Verdict>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add((i % 2 == 0 ? a : b).admit(List.of(limit), 0, 0, T0));
        }
        await(Future.join(all));
        long admitted = all.stream().filter(f -> f.result().admitted()).count();
        assertEquals(50, admitted, "200 concurrent requests from two replicas against a limit of 50");
        assertEquals(50, a.state(limit, T0).used());
        assertTrue(await(b.admit(List.of(limit), 0, 0, T0 + 3_600_000)).admitted(), "the next window starts from zero");
    }

    @Test
    void budgetsReserveThenSettleToWhatWasUsedAndARefusalChangesNoCounter() throws Exception {
        RedisLimitStore s = store(server.url(), RedisLimitStore.Unavailable.REFUSE);
        Limit budget = new Limit("budget:redis", Limit.Kind.BUDGET, 1_000, ResetWindow.parse("1d"), "team t", "b");
        Limit tokens = new Limit("tok", Limit.Kind.TOKENS, 10_000, ResetWindow.parse("1d"), "virtual key t", "rl");
        Verdict first = await(s.admit(List.of(tokens, budget), 500, 600, T0));
        assertTrue(first.admitted());
        assertEquals(600, first.used()[1], "reserved");
        Verdict second = await(s.admit(List.of(tokens, budget), 500, 600, T0));
        assertTrue(second.admitted(), "600 reserved is still under 1000");
        Verdict third = await(s.admit(List.of(tokens, budget), 500, 600, T0));
        assertFalse(third.admitted());
        assertEquals(budget, third.refusedBy());
        assertEquals(new LimitStore.CounterState(0, 1_000, T0 - T0 % 86_400_000L + 86_400_000L), s.state(tokens, T0),
                "the refused request reserved nothing");
        s.settle(first, 120, 100, T0 + 1);
        s.settle(second, 80, 50, T0 + 2);
        dev.heimdall.testing.Await.until("both settlements to reach Redis", () -> s.state(budget, T0 + 3).reserved() == 0);
        assertEquals(150, s.state(budget, T0 + 3).used());
        assertEquals(200, s.state(tokens, T0 + 3).used());
    }

    @Test
    void aReservationWhoseRequestNeverSettlesIsReleasedAfterItsTtl() throws Exception {
        RedisLimitStore s = store(server.url(), RedisLimitStore.Unavailable.REFUSE); // reservations live one minute
        Limit budget = new Limit("budget:orphan", Limit.Kind.BUDGET, 1_000, ResetWindow.parse("1Y"), "team t", "b");
        Verdict orphan = await(s.admit(List.of(budget), 0, 1_000, T0));
        assertTrue(orphan.admitted(), "reserves the whole budget; then its pod is killed and never settles");
        assertFalse(await(s.admit(List.of(budget), 0, 10, T0 + 1_000)).admitted(), "held while its request may still run");
        assertTrue(await(s.admit(List.of(budget), 0, 10, T0 + 61_000)).admitted(), "released once its minute is over");
        assertEquals(10, s.state(budget, T0 + 61_000).reserved(), "only the new request's reservation is left");
        s.settle(orphan, 0, 300, T0 + 62_000);
        dev.heimdall.testing.Await.until("the late settlement", () -> s.state(budget, T0 + 62_000).used() == 300);
        assertEquals(10, s.state(budget, T0 + 62_000).reserved(), "a settle after its reservation expired only charges");
    }

    @Test
    void hugeReservationsSettleExactly() throws Exception {
        RedisLimitStore s = store(server.url(), RedisLimitStore.Unavailable.REFUSE);
        Limit tokens = new Limit("huge", Limit.Kind.TOKENS, 4_000_000_000_000_000_000L, ResetWindow.parse("1d"), "virtual key t", "rl");
        Verdict v = await(s.admit(List.of(tokens), 100_000_000_000_000_000L, 0, T0));
        s.settle(v, 7, 0, T0);
        dev.heimdall.testing.Await.until("the settlement", () -> s.state(tokens, T0).used() == 7);
        assertEquals(0, s.state(tokens, T0).reserved(), "1e17 released exactly (Lua would have sent 1e+17)");
    }

    @Test
    void anAdmissionRedisMakesAfterTheCallerStoppedWaitingIsTakenBack() throws Exception {
        RedisAPI admin = RedisAPI.api(Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())));
        RedisLimitStore s = new RedisLimitStore(RedisAPI.api(Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()))),
                new MemoryLimitStore(), RedisLimitStore.Unavailable.LOCAL, vertx, Duration.ofMillis(100), Duration.ofMinutes(1));
        await(admin.ping(List.of())); // both connected before the pause
        Limit limit = requests("late", 10);
        await(admin.client(List.of("PAUSE", "600")));
        Verdict v = await(s.admit(List.of(limit), 0, 0, T0));
        assertTrue(v.fallback(), "decided in memory while Redis was paused");
        String key = RedisLimitStore.key(limit, T0);
        dev.heimdall.testing.Await.until("Redis to run the late admission and take it back",
                () -> "0".equals(String.valueOf(admin.hget(key, "u").toCompletionStage().toCompletableFuture().join())));
    }

    @Test
    void whenRedisIsDownAdmissionFallsBackToThisPodOrRefusesAsConfigured() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Limit limit = requests("down", 1);
        RedisLimitStore local = store("redis://127.0.0.1:" + closed, RedisLimitStore.Unavailable.LOCAL);
        assertTrue(await(local.admit(List.of(limit), 0, 0, T0)).fallback());
        assertFalse(await(local.admit(List.of(limit), 0, 0, T0)).admitted(), "the pod's own counter still holds the limit");
        assertEquals(2, local.fallbacks());
        RedisLimitStore refuse = store("redis://127.0.0.1:" + closed, RedisLimitStore.Unavailable.REFUSE);
        Throwable refused = refuse.admit(List.of(limit), 0, 0, T0).toCompletionStage().toCompletableFuture()
                .handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        Throwable cause = refused instanceof java.util.concurrent.CompletionException ? refused.getCause() : refused;
        assertEquals(503, ((GovernanceRefusal) cause).status());
    }

    @Test
    void aRedisThatAcceptsButNeverAnswersCountsAsDownAfterTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        silent.accept(); // hold the connection, never answer
                    }
                } catch (java.io.IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            RedisLimitStore s = store("redis://127.0.0.1:" + silent.getLocalPort(), RedisLimitStore.Unavailable.LOCAL);
            Verdict v = await(s.admit(List.of(requests("silent", 5)), 0, 0, T0));
            assertTrue(v.admitted() && v.fallback());
        }
    }
}
