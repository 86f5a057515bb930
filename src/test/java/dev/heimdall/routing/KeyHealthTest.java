package dev.heimdall.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.config.KeyConfig;
import dev.heimdall.config.ProviderConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyHealthTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final KeyHealth health = new KeyHealth(now::get, (p, k) -> { });
    final ProviderConfig provider;
    final KeyConfig bad;
    final KeyConfig good;

    KeyHealthTest() throws Exception {
        provider = ModelResolverTest.config("""
                {"providers": {"openai": {"keys": [{"name": "bad", "value": "b", "models": ["m"]}, {"name": "good", "value": "g", "models": ["m"]}]}}}
                """).providers().get("openai");
        bad = provider.keys().get(0);
        good = provider.keys().get(1);
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void opensAfterConsecutiveFailuresAndProbesOnceAfterTheCooldown() {
        health.onFailure(provider, bad, null);
        health.onFailure(provider, bad, null);
        assertTrue(health.available(provider, bad), "two failures: still closed");
        health.onFailure(provider, bad, null);
        assertFalse(health.available(provider, bad));
        assertEquals(KeyHealth.State.COOLING_DOWN, health.status(provider, bad).state());
        assertEquals(30_000, health.status(provider, bad).cooldownRemainingMillis());

        advance(Duration.ofSeconds(31));
        assertTrue(health.available(provider, bad), "cool-down over: one probe may go");
        health.onAttempt(provider, bad);
        assertFalse(health.available(provider, bad), "only one probe at a time");
        assertEquals(KeyHealth.State.PROBING, health.status(provider, bad).state());

        health.onFailure(provider, bad, null);
        assertEquals(60_000, health.status(provider, bad).cooldownRemainingMillis(), "a failed probe doubles the cool-down");
        advance(Duration.ofSeconds(61));
        health.onAttempt(provider, bad);
        health.onSuccess(provider, bad);
        assertEquals(new KeyHealth.Status(KeyHealth.State.HEALTHY, 0, 0, 0), health.status(provider, bad));
    }

    @Test
    void retryAfterLongerThanTheCooldownWins() {
        for (int i = 0; i < 3; i++) {
            health.onFailure(provider, bad, Duration.ofMinutes(2));
        }
        assertEquals(120_000, health.status(provider, bad).cooldownRemainingMillis());
    }

    @Test
    void coolingKeysAreSkippedWhileHealthyOnesRemainAndUsedWhenNoneDo() {
        for (int i = 0; i < 3; i++) {
            health.onFailure(provider, bad, null);
        }
        Target target = new Target(provider, "m");
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            chosen.add(KeySelector.pick(target, Set.of(), health, new Random(i)).orElseThrow().key().name());
        }
        assertEquals(Set.of("good"), chosen);
        assertEquals("bad", KeySelector.pick(target, List.of("good"), health, new Random(1)).orElseThrow().key().name(),
                "better a cooling key than no answer");
    }
}
