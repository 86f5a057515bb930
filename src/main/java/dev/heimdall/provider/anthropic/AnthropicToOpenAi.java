package dev.heimdall.provider.anthropic;

import dev.heimdall.config.ProviderConfig;
import dev.heimdall.provider.AnswerTranslation;
import dev.heimdall.provider.Attempt;
import dev.heimdall.provider.ErrorFormat;
import dev.heimdall.provider.InferenceRequest;
import dev.heimdall.provider.OpenAiUpstream;
import dev.heimdall.provider.ToOpenAiSchema;
import io.vertx.core.buffer.Buffer;

/**
 * Anthropic clients (Claude Code) to an OpenAI-compatible upstream (a vLLM serving GLM-5 or Qwen3): the
 * Messages request becomes a chat completion ({@link MessagesToChat}), the answer or stream becomes
 * Anthropic's message or event sequence ({@link ChatToMessage}, {@link ChatStreamToMessageEvents}), and
 * errors reach the client in Anthropic's shape.
 */
public final class AnthropicToOpenAi extends ToOpenAiSchema {

    public static final AnthropicToOpenAi INSTANCE = new AnthropicToOpenAi(OpenAiUpstream.PLAIN);
    /** To Azure OpenAI's deployments. */
    public static final AnthropicToOpenAi AZURE = new AnthropicToOpenAi(OpenAiUpstream.AZURE);

    private AnthropicToOpenAi(OpenAiUpstream upstream) {
        super(upstream);
    }

    @Override
    public String path(InferenceRequest request, Attempt attempt) {
        return path("/chat/completions", attempt);
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
    public ErrorFormat clientErrors() {
        return AnthropicErrors.INSTANCE;
    }

    @Override
    public boolean passesUpstreamHeaders() {
        return false;
    }
}
