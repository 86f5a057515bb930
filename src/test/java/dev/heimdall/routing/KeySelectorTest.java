package dev.heimdall.routing;

import dev.heimdall.provider.Attempt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.config.ProviderConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeySelectorTest {

    static ProviderConfig provider() throws Exception {
        return ModelResolverTest.config("""
                {"providers": {"openai": {"keys": [
                  {"name": "heavy", "value": "a", "weight": 3, "models": ["m"]},
                  {"name": "light", "value": "b", "weight": 1, "models": ["m"]},
                  {"name": "other", "value": "c", "weight": 100, "models": ["n"]},
                  {"name": "aliased", "value": "d", "weight": 1, "models": [], "aliases": {"pub": "internal"}}]}}}
                """).providers().get("openai");
    }

    @Test
    void weightsDecideTheShareWithinTolerance() throws Exception {
        Target target = new Target(provider(), "m");
        Random random = new Random(42);
        Map<String, Integer> counts = new HashMap<>();
        int n = 40_000;
        for (int i = 0; i < n; i++) {
            counts.merge(KeySelector.pick(target, Set.of(), new KeyHealth(System::nanoTime, (p, k) -> { }), random).orElseThrow().key().name(), 1, Integer::sum);
        }
        assertEquals(Set.of("heavy", "light"), counts.keySet(), "a key not serving the model is never picked");
        double heavyShare = counts.get("heavy") / (double) n;
        assertTrue(Math.abs(heavyShare - 0.75) < 0.01, "heavy share " + heavyShare);
    }

    @Test
    void excludedKeysAreSkippedAndExhaustionIsEmpty() throws Exception {
        Target target = new Target(provider(), "m");
        for (int i = 0; i < 100; i++) {
            assertEquals("light", KeySelector.pick(target, List.of("heavy"), new KeyHealth(System::nanoTime, (p, k) -> { }), new Random(i)).orElseThrow().key().name());
        }
        assertTrue(KeySelector.pick(target, List.of("heavy", "light"), new KeyHealth(System::nanoTime, (p, k) -> { }), new Random()).isEmpty());
    }

    @Test
    void keyAliasMapsToTheUpstreamName() throws Exception {
        Attempt a = KeySelector.pick(new Target(provider(), "pub"), Set.of(), new KeyHealth(System::nanoTime, (p, k) -> { }), new Random()).orElseThrow();
        assertEquals("aliased", a.key().name());
        assertEquals("pub", a.publicModel());
        assertEquals("internal", a.upstreamModel());
    }
}
