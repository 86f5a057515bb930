package dev.heimdall.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.config.GatewayConfig;
import dev.heimdall.provider.Attempt;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every retry and fallback rule, without HTTP: the plan only decides. */
class FallbackPlanTest {

    static final String CONFIG = """
            {"providers": {
               "openai": {"keys": [{"name": "k1", "value": "v1", "models": ["m"]}, {"name": "k2", "value": "v2", "models": ["m"]}],
                          "network_config": {"max_retries": 2, "retry_backoff_initial": 100, "retry_backoff_max": 300}},
               "groq": {"keys": [{"name": "g", "value": "vg", "models": ["m"]}], "network_config": {"max_retries": 1}},
               "xai": {"keys": [{"name": "x", "value": "vx", "models": ["m"]}]}}}
            """;

    final GatewayConfig config;
    final KeyHealth health = new KeyHealth(System::nanoTime, (p, k) -> { });

    FallbackPlanTest() throws Exception {
        config = ModelResolverTest.config(CONFIG);
    }

    FallbackPlan plan(String... providers) {
        List<Target> targets = java.util.Arrays.stream(providers).map(p -> new Target(config.providers().get(p), "m")).toList();
        return new FallbackPlan(targets, health, new Random(7));
    }

    static String where(Optional<FallbackPlan.Step> step) {
        return step.map(s -> s.attempt().provider().name() + "/" + s.attempt().key().name()).orElse("done");
    }

    @Test
    void clientErrorsEndTheRequestAtOnce() {
        for (int status : new int[] {400, 404, 422}) {
            FallbackPlan plan = plan("openai", "groq");
            Attempt a = plan.first().orElseThrow();
            assertEquals("done", where(plan.next(a, Failure.status(status, null))), "status " + status);
            assertEquals(1, plan.attempts());
        }
    }

    @Test
    void refusedKeyMovesToAnotherKeyWithoutDelayThenToTheNextTarget() {
        FallbackPlan plan = plan("openai", "groq");
        Attempt a = plan.first().orElseThrow();
        Optional<FallbackPlan.Step> second = plan.next(a, Failure.status(401, null));
        assertEquals(Duration.ZERO, second.orElseThrow().delay());
        assertTrue(!second.get().attempt().key().name().equals(a.key().name()), "another key");
        Optional<FallbackPlan.Step> third = plan.next(second.get().attempt(), Failure.status(403, null));
        assertEquals("groq/g", where(third), "both keys refused: next target");
        assertEquals(Duration.ZERO, third.get().delay());
    }

    @Test
    void aTargetTheCallersOwnLimitsRefuseIsSkippedAtOnceWithoutBlamingItsKey() {
        FallbackPlan plan = plan("groq", "xai");
        Attempt a = plan.first().orElseThrow();
        Optional<FallbackPlan.Step> next = plan.next(a, Failure.refused(429));
        assertEquals("xai/x", where(next), "no retry of groq, whose retry budget is 1");
        assertEquals(Duration.ZERO, next.get().delay());
        assertTrue(health.available(a.provider(), a.key()), "the key is not put in cooldown for the gateway's own refusal");
        assertEquals("refused-429", plan.tried().get(0).outcome());
    }

    @Test
    void rateLimitSwitchesKeyThenWaitsRetryAfterWhenNoneIsLeft() {
        FallbackPlan plan = plan("groq", "xai");
        Attempt a = plan.first().orElseThrow();
        FallbackPlan.Step retry = plan.next(a, Failure.status(429, Duration.ofMillis(250))).orElseThrow();
        assertEquals("g", retry.attempt().key().name(), "the only key, again");
        assertTrue(retry.delay().toMillis() >= 250, "waits Retry-After: " + retry.delay());
        assertEquals("xai/x", where(plan.next(retry.attempt(), Failure.status(429, null))), "budget (1) spent");
    }

    @Test
    void serverErrorsRetryWithGrowingJitteredBackoffUpToMaxRetries() {
        FallbackPlan plan = plan("openai", "xai");
        Attempt a = plan.first().orElseThrow();
        FallbackPlan.Step r1 = plan.next(a, Failure.status(503, null)).orElseThrow();
        assertEquals("openai", r1.attempt().provider().name());
        assertTrue(r1.delay().toMillis() >= 50 && r1.delay().toMillis() <= 100, "first backoff " + r1.delay());
        FallbackPlan.Step r2 = plan.next(r1.attempt(), Failure.network()).orElseThrow();
        assertTrue(r2.delay().toMillis() >= 100 && r2.delay().toMillis() <= 200, "second backoff " + r2.delay());
        Optional<FallbackPlan.Step> r3 = plan.next(r2.attempt(), Failure.timeout());
        assertEquals("xai/x", where(r3), "max_retries 2 spent: the fallback, with its own budget");
        assertEquals(Duration.ZERO, r3.get().delay());
        assertEquals("done", where(plan.next(r3.get().attempt(), Failure.status(500, null))), "xai has max_retries 0");
        assertEquals(4, plan.attempts());
        assertEquals(List.of("openai/m=503", "openai/m=unreachable", "openai/m=timeout", "xai/m=500"),
                plan.tried().stream().map(FallbackPlan.Tried::toString).toList());
        assertEquals(Failure.Kind.TIMEOUT, plan.primaryFailure().kind(), "the primary target's last failure");
    }

    @Test
    void backoffIsCappedAtTheMaximum() {
        FallbackPlan plan = plan("openai");
        Attempt a = plan.first().orElseThrow();
        FallbackPlan.Step s = plan.next(a, Failure.status(500, null)).orElseThrow();
        s = plan.next(s.attempt(), Failure.status(500, null)).orElseThrow();
        assertTrue(s.delay().toMillis() <= 300, "capped: " + s.delay());
    }

    @Test
    void aTargetWithoutAServingKeyIsSkipped() throws Exception {
        GatewayConfig c = ModelResolverTest.config("""
                {"providers": {"openai": {"keys": [{"value": "v", "models": ["other"]}]}, "xai": {"keys": [{"value": "v", "models": ["m"]}]}}}
                """);
        FallbackPlan plan = new FallbackPlan(List.of(new Target(c.providers().get("openai"), "m"), new Target(c.providers().get("xai"), "m")),
                health, new Random(1));
        assertEquals("xai", plan.first().orElseThrow().provider().name());
    }
}
