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
        boolean anthropicUpstream = provider.kind().family() == ApiFamily.ANTHROPIC;
        return switch (inbound) {
            // Anthropic has no completions or embeddings of its own: those still go to its OpenAI-compatible layer.
            case OPENAI -> anthropicUpstream && endpoint == Endpoint.CHAT_COMPLETIONS ? OpenAiToAnthropic.INSTANCE : OpenAiToOpenAi.INSTANCE;
            case ANTHROPIC -> anthropicUpstream ? AnthropicToAnthropic.INSTANCE : AnthropicToOpenAi.INSTANCE;
        };
    }
}
