package dev.heimdall.routing;

import dev.heimdall.config.KeyConfig;
import dev.heimdall.provider.Attempt;
import java.util.ArrayList;
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
        List<KeyConfig> keys = target.provider().keys();
        List<KeyConfig> candidates = new ArrayList<>(keys.size());
        List<KeyConfig> healthy = new ArrayList<>(keys.size());
        for (KeyConfig k : keys) {
            if (k.serves(target.model()) && target.keys().allows(k.name()) && !setAside.contains(k.name())) {
                candidates.add(k);
                if (health.available(target.provider(), k)) {
                    healthy.add(k);
                }
            }
        }
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
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
