package dev.heimdall.provider;

import dev.heimdall.config.ApiFamily;
import dev.heimdall.config.ProviderConfig;
import dev.heimdall.exchange.Exchange;
import dev.heimdall.provider.anthropic.AnthropicToAnthropic;
import dev.heimdall.provider.anthropic.AnthropicToOpenAi;

/** The translator for a client's dialect and the API its upstream speaks. */
public final class Translators {

    private Translators() {
    }

    public static Translator of(Exchange.Dialect inbound, ProviderConfig provider) {
        boolean anthropicUpstream = provider.kind().family() == ApiFamily.ANTHROPIC;
        return switch (inbound) {
            // Until an OpenAiToAnthropic translator exists, OpenAI clients reach Anthropic through its OpenAI-compatible layer.
            case OPENAI -> OpenAiToOpenAi.INSTANCE;
            case ANTHROPIC -> anthropicUpstream ? AnthropicToAnthropic.INSTANCE : AnthropicToOpenAi.INSTANCE;
        };
    }
}
