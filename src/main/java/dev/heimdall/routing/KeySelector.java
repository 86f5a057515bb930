package dev.heimdall.routing;

import dev.heimdall.config.KeyConfig;
import dev.heimdall.provider.Attempt;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** Picks among a provider's keys that serve a model, in proportion to their {@code weight}. */
public final class KeySelector {

    private KeySelector() {
    }

    /** A key for {@code target}, skipping {@code excluded} key names; empty when none is left. */
    public static Optional<Attempt> pick(Target target, Collection<String> excluded, RandomGenerator random) {
        List<KeyConfig> keys = target.provider().keys();
        double total = 0;
        for (KeyConfig k : keys) {
            if (k.serves(target.model()) && !excluded.contains(k.name())) {
                total += k.weight();
            }
        }
        if (total <= 0) {
            return Optional.empty();
        }
        double point = random.nextDouble() * total;
        KeyConfig chosen = null;
        for (KeyConfig k : keys) {
            if (k.serves(target.model()) && !excluded.contains(k.name())) {
                chosen = k;
                point -= k.weight();
                if (point < 0) {
                    break;
                }
            }
        }
        return Optional.of(new Attempt(target.provider(), chosen, target.model(), chosen.upstreamModel(target.model())));
    }
}
