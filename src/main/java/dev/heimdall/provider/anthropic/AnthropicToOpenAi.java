package dev.heimdall.provider.anthropic;

import dev.heimdall.config.ProviderConfig;
import dev.heimdall.provider.AnswerTranslation;
import dev.heimdall.provider.Attempt;
import dev.heimdall.provider.ErrorFormat;
import dev.heimdall.provider.InferenceRequest;
import dev.heimdall.provider.OpenAiToOpenAi;
import dev.heimdall.provider.OpenAiUpstream;
import dev.heimdall.provider.ProviderError;
import dev.heimdall.provider.Translator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Anthropic clients (Claude Code) to an OpenAI-compatible upstream (a vLLM serving GLM-5 or Qwen3): the
 * Messages request becomes a chat completion ({@link MessagesToChat}), the answer or stream becomes
 * Anthropic's message or event sequence ({@link ChatToMessage}, {@link ChatStreamToMessageEvents}), and
 * errors reach the client in Anthropic's shape.
 */
public final class AnthropicToOpenAi implements Translator {

    public static final AnthropicToOpenAi INSTANCE = new AnthropicToOpenAi(OpenAiUpstream.PLAIN);
    /** To Azure OpenAI's deployments. */
    public static final AnthropicToOpenAi AZURE = new AnthropicToOpenAi(OpenAiUpstream.AZURE);

    private final OpenAiUpstream upstream;

    private AnthropicToOpenAi(OpenAiUpstream upstream) {
        this.upstream = upstream;
    }

    @Override
    public java.net.URI root(Attempt attempt) {
        return upstream.root(attempt);
    }

    @Override
    public String path(InferenceRequest request, Attempt attempt) {
        return upstream.path("/chat/completions", attempt);
    }

    @Override
    public void headers(Attempt attempt, MultiMap client, MultiMap upstreamHeaders) {
        upstream.auth(attempt.key(), upstreamHeaders);
    }

    @Override
    public boolean asksUsage(InferenceRequest request, ProviderConfig provider) {
        // Anthropic's clients always get usage: the stream must carry it.
        return request.stream() && provider.kind().acceptsStreamOptions();
    }

    @Override
    public Buffer body(InferenceRequest request, Attempt attempt, boolean askUsage) {
        return MessagesToChat.translate(request.body(), attempt.upstreamModel(), askUsage).toBuffer();
    }

    @Override
    public AnswerTranslation answer(InferenceRequest request, boolean stream, boolean askedUsage) {
        return stream ? new ChatStreamToMessageEvents() : new ChatToMessage();
    }

    @Override
    public ProviderError error(int status, String body, String retryAfter, ProviderConfig provider) {
        return OpenAiToOpenAi.openAiError(status, body, retryAfter, provider);
    }

    @Override
    public ErrorFormat clientErrors() {
        return AnthropicErrors.INSTANCE;
    }
}
