package dev.heimdall.routing;

import dev.heimdall.config.KeyConfig;
import dev.heimdall.provider.Attempt;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Picks among a provider's keys that serve a model, in proportion to their {@code weight}, skipping keys
 * set aside for this request and, while healthy keys remain, keys that are cooling down.
 */
public final class KeySelector {

    private KeySelector() {
    }

    /** A key for {@code target}, never one in {@code setAside}; empty when none is left. */
    public static Optional<Attempt> pick(Target target, Collection<String> setAside, KeyHealth health, RandomGenerator random) {
        List<KeyConfig> candidates = target.provider().keys().stream()
                .filter(k -> k.serves(target.model()) && !setAside.contains(k.name()))
                .toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        List<KeyConfig> healthy = candidates.stream().filter(k -> health.available(target.provider(), k)).toList();
        KeyConfig chosen = weighted(healthy.isEmpty() ? candidates : healthy, random);
        health.onAttempt(target.provider(), chosen);
        return Optional.of(new Attempt(target.provider(), chosen, target.model(), chosen.upstreamModel(target.model())));
    }

    private static KeyConfig weighted(List<KeyConfig> keys, RandomGenerator random) {
        double total = 0;
        for (KeyConfig k : keys) {
            total += k.weight();
        }
        double point = random.nextDouble() * total;
        for (KeyConfig k : keys) {
            point -= k.weight();
            if (point < 0) {
                return k;
            }
        }
        return keys.get(keys.size() - 1);
    }
}
