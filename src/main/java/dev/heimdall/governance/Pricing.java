package dev.heimdall.governance;

import dev.heimdall.config.PriceOverride;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Prices as configured: the bundled table, under the config's {@code pricing_overrides}. The most specific
 * override wins (a provider's before a global one, an exact model before a prefix); its prices replace the
 * table's field by field, and a model the table does not know (a self-hosted one) costs what the override
 * says and 0 for what it leaves out.
 */
final class Pricing {

    private final PriceTable table;
    private final List<PriceOverride> overrides;

    Pricing(PriceTable table, List<PriceOverride> overrides) {
        this.table = table;
        List<PriceOverride> ordered = new ArrayList<>(overrides);
        ordered.sort(Comparator.comparing((PriceOverride o) -> o.provider() == null).thenComparing(PriceOverride::wildcard));
        this.overrides = List.copyOf(ordered);
    }

    Optional<ModelPrice> find(String provider, String model, String operation) {
        Optional<ModelPrice> base = table.find(provider, model);
        for (PriceOverride o : overrides) {
            if (o.matches(provider, model, operation)) {
                ModelPrice b = base.orElse(new ModelPrice(0, 0, 0, 0));
                return Optional.of(new ModelPrice(perMtok(o.inputPerToken(), b.inputPerMtok()), perMtok(o.outputPerToken(), b.outputPerMtok()),
                        perMtok(o.cacheReadPerToken(), b.cacheReadPerMtok()), perMtok(o.cacheWritePerToken(), b.cacheWritePerMtok())));
            }
        }
        return base;
    }

    private static double perMtok(Double perToken, double fallback) {
        return perToken == null ? fallback : perToken * 1_000_000;
    }
}
