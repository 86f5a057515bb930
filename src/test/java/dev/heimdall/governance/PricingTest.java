package dev.heimdall.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heimdall.config.PriceOverride;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PricingTest {

    private final PriceTable table = PriceTable.bundled();

    @Test
    void aSelfHostedModelCostsWhatItsOverrideSays() {
        Pricing p = new Pricing(table, List.of(new PriceOverride("p", "vllm", false, "glm-5", Set.of("chat"), 0.0000006, 0.0000022, null, null)));
        assertEquals(Optional.of(new ModelPrice(0.6, 2.2, 0, 0)).map(m -> m.cost(1_000_000, 0, 1_000_000)),
                p.find("vllm", "glm-5", "chat").map(m -> m.cost(1_000_000, 0, 1_000_000)));
        assertEquals(Optional.empty(), p.find("vllm", "glm-5", "embeddings"), "only the request types it names");
        assertEquals(Optional.empty(), p.find("vllm", "glm-4", "chat"));
    }

    @Test
    void theMostSpecificOverrideWinsAndLeavesTheCatalogsOtherPrices() {
        ModelPrice catalog = table.find("openai", "gpt-4o").orElseThrow();
        Pricing p = new Pricing(table, List.of(
                new PriceOverride("global", null, true, "gpt-4", Set.of("chat"), 0.000001, null, null, null),
                new PriceOverride("provider", "openai", true, "gpt-4", Set.of("chat"), 0.000002, null, null, null)));
        ModelPrice found = p.find("openai", "gpt-4o", "chat").orElseThrow();
        assertEquals(2.0, found.inputPerMtok(), 1e-9, "the provider's override before the global one");
        assertEquals(catalog.outputPerMtok(), found.outputPerMtok(), "fields the override leaves out keep the catalog's price");
        assertEquals(1.0, p.find("azure", "gpt-4o", "chat").orElseThrow().inputPerMtok(), 1e-9);
    }
}
