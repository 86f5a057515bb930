package dev.heimdall.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Expected prices are the ones in src/main/resources/prices/genai-prices.json (genai-prices 0.1.8). */
class PriceTableTest {

    private static final ModelPrice GPT_4O = new ModelPrice(2.5, 10, 1.25, 0);
    private static final ModelPrice CLAUDE_SONNET_4 = new ModelPrice(3, 15, 0.3, 3.75);
    private static final ModelPrice GEMINI_25_FLASH = new ModelPrice(0.3, 2.5, 0.03, 0);
    private static final ModelPrice GEMINI_25_PRO = new ModelPrice(1.25, 10, 0.125, 0);

    private final PriceTable table = PriceTable.bundled();

    @Test
    void pricesOpenAiModelsIncludingDatedSnapshots() {
        assertEquals(Optional.of(GPT_4O), table.find("openai", "gpt-4o"));
        assertEquals(Optional.of(GPT_4O), table.find("openai", "gpt-4o-2024-08-06"));
    }

    @Test
    void lowerCasesAndTrimsTheModelNameLikeThePackage() {
        assertEquals(Optional.of(GPT_4O), table.find("openai", " GPT-4o "));
    }

    @Test
    void pricesClaudeWithADateSuffix() {
        assertEquals(Optional.of(CLAUDE_SONNET_4), table.find("anthropic", "claude-sonnet-4-20250514"));
    }

    @Test
    void pricesGeminiAndVertexThroughTheAlias() {
        assertEquals(Optional.of(GEMINI_25_FLASH), table.find("gemini", "gemini-2.5-flash"));
        assertEquals(Optional.of(GEMINI_25_FLASH), table.find("vertex", "gemini-2.5-flash"));
        // Vertex's own entry for Claude, in Vertex's "model@version" spelling.
        assertEquals(Optional.of(CLAUDE_SONNET_4), table.find("vertex", "claude-sonnet-4@20250514"));
    }

    @Test
    void azureFallsBackToOpenAiModels() {
        assertEquals(Optional.of(GPT_4O), table.find("azure", "gpt-4o"));
    }

    @Test
    void unknownModelOrProviderIsEmpty() {
        assertEquals(Optional.empty(), table.find("openai", "no-such-model"));
        assertEquals(Optional.empty(), table.find("no-such-provider", "gpt-4o"));
        assertEquals(Optional.empty(), table.find("openai", null));
    }

    @Test
    void regexRuleIsUsed() {
        // claude-opus-5: {"regex": "^claude-opus-5-\\d{8}$"}.
        ModelPrice claudeOpus5 = new ModelPrice(5, 25, 0.5, 6.25);
        assertEquals(Optional.of(claudeOpus5), table.find("anthropic", "claude-opus-5-20260101"));
        // gpt-5.6-luna: {"regex": "^gpt-5\\.6-luna-\\d{4}-\\d{2}-\\d{2}$"}; the compact date only matches
        // after the package's retry with the date spelled out.
        ModelPrice gpt56Luna = new ModelPrice(0.2, 1.2, 0.02, 0.25);
        assertEquals(Optional.of(gpt56Luna), table.find("openai", "gpt-5.6-luna-2026-07-01"));
        assertEquals(Optional.of(gpt56Luna), table.find("openai", "gpt-5.6-luna-20260701"));
    }

    @Test
    void andRuleNeedsEveryPart() {
        // gemini-2.5-pro: {"and": [{"starts_with": "gemini-2.5-pro"}, {"regex": "^(?!.*-[tT][tT][sS](?:$|-))"}]}.
        assertEquals(Optional.of(GEMINI_25_PRO), table.find("gemini", "gemini-2.5-pro-preview-05-06"));
        // The starts_with part holds but the regex rejects "-tts", so the next model, gemini-2.5-pro-tts, wins.
        assertEquals(Optional.of(new ModelPrice(1, 20, 0, 0)), table.find("gemini", "gemini-2.5-pro-preview-tts"));
    }

    @Test
    void overridesWinForTheirExactNamesOnly() {
        ModelPrice negotiated = new ModelPrice(1, 4, 0.5, 0);
        PriceTable overridden = table.withOverrides(Map.of("openai", Map.of("gpt-4o", negotiated)));

        assertEquals(Optional.of(negotiated), overridden.find("openai", "gpt-4o"));
        assertEquals(Optional.of(GPT_4O), overridden.find("openai", "gpt-4o-2024-08-06"));
        assertEquals(Optional.of(GPT_4O), overridden.find("azure", "gpt-4o"));
        assertEquals(Optional.of(GPT_4O), table.find("openai", "gpt-4o"), "the original table is unchanged");

        ModelPrice custom = new ModelPrice(0.1, 0.2, 0, 0);
        PriceTable both = overridden.withOverrides(Map.of("local", Map.of("my-model", custom)));
        assertEquals(Optional.of(custom), both.find("local", "my-model"));
        assertEquals(Optional.of(negotiated), both.find("openai", "gpt-4o"));
    }

    @Test
    void costChargesCachedInputAtTheCacheReadPrice() {
        // 600 uncached * 2.5 + 400 cached * 1.25 + 500 output * 10 = 1500 + 500 + 5000 = 7000 USD per 1e6 tokens.
        assertEquals(0.007, GPT_4O.cost(1_000, 400, 500), 1e-12);
        // 1M input of which 1M cached, 1M output: 1.25 + 10.
        assertEquals(11.25, GPT_4O.cost(1_000_000, 1_000_000, 1_000_000), 1e-12);
    }

    @Test
    void costFallsBackToTheInputPriceWithoutACacheReadPrice() {
        // 1000 input (400 of them cached, no cache price) * 3 + 100 output * 15 = 3000 + 1500 = 4500 per 1e6.
        assertEquals(0.0045, new ModelPrice(3, 15, 0, 0).cost(1_000, 400, 100), 1e-12);
    }

    @Test
    void costCapsCachedTokensAtTheInputTokens() {
        // 100 input, all cached (200 reported): 100 * 1.25 = 125 per 1e6.
        assertEquals(0.000125, GPT_4O.cost(100, 200, 0), 1e-12);
        assertTrue(GPT_4O.cost(0, 0, 0) == 0);
    }
}
