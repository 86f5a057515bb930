package dev.heimdall.provider;

import dev.heimdall.config.ApiFamily;
import dev.heimdall.config.ProviderConfig;
import dev.heimdall.exchange.Exchange;
import dev.heimdall.provider.anthropic.AnthropicToAnthropic;
import dev.heimdall.provider.anthropic.AnthropicToOpenAi;
import dev.heimdall.provider.anthropic.OpenAiToAnthropic;

/** The translator for a client's dialect and the API its upstream speaks. */
public final class Translators {

    private Translators() {
    }

    public static Translator of(Exchange.Dialect inbound, Endpoint endpoint, ProviderConfig provider) {
        ApiFamily upstream = provider.kind().family();
        return switch (inbound) {
            case OPENAI -> switch (upstream) {
                // Anthropic has no completions or embeddings of its own: those still go to its OpenAI-compatible layer.
                case ANTHROPIC -> endpoint == Endpoint.CHAT_COMPLETIONS ? OpenAiToAnthropic.INSTANCE : OpenAiToOpenAi.INSTANCE;
                case AZURE_OPENAI -> OpenAiToOpenAi.AZURE;
                default -> OpenAiToOpenAi.INSTANCE;
            };
            case ANTHROPIC -> switch (upstream) {
                case ANTHROPIC -> AnthropicToAnthropic.INSTANCE;
                case AZURE_OPENAI -> AnthropicToOpenAi.AZURE;
                default -> AnthropicToOpenAi.INSTANCE;
            };
        };
    }
}
