package dev.heimdall.provider.anthropic;

import dev.heimdall.config.ProviderConfig;
import dev.heimdall.provider.AnswerTranslation;
import dev.heimdall.provider.Attempt;
import dev.heimdall.provider.ErrorFormat;
import dev.heimdall.provider.InferenceRequest;
import dev.heimdall.provider.ProviderError;
import dev.heimdall.provider.Translator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * OpenAI clients' chat completions to Anthropic's Messages API: the request becomes a Messages request
 * ({@link ChatToMessages}), the answer a chat completion ({@link MessageToChat}) or a chunk stream
 * ({@link MessageEventsToChatStream}), Anthropic's errors keep their status and type. Only chat
 * completions have an Anthropic counterpart; the gateway sends no other OpenAI operation here.
 */
public final class OpenAiToAnthropic implements Translator {

    public static final OpenAiToAnthropic INSTANCE = new OpenAiToAnthropic();

    private OpenAiToAnthropic() {
    }

    @Override
    public String path(InferenceRequest request, Attempt attempt) {
        return "/messages";
    }

    @Override
    public void headers(Attempt attempt, MultiMap client, MultiMap upstream) {
        AnthropicToAnthropic.auth(attempt.key(), upstream);
        upstream.set("anthropic-version", AnthropicToAnthropic.DEFAULT_VERSION);
    }

    @Override
    public boolean asksUsage(InferenceRequest request, ProviderConfig provider) {
        return false; // Anthropic's streams always carry usage
    }

    @Override
    public Buffer body(InferenceRequest request, Attempt attempt, boolean askUsage) {
        return ChatToMessages.translate(request.body(), attempt.upstreamModel()).toBuffer();
    }

    @Override
    public AnswerTranslation answer(InferenceRequest request, boolean stream, boolean askedUsage) {
        return stream ? new MessageEventsToChatStream(request.streamOptions().includeUsage()) : new MessageToChat();
    }

    @Override
    public ProviderError error(int status, String body, String retryAfter, ProviderConfig provider) {
        return AnthropicErrors.parse(status, body, retryAfter, provider);
    }

    @Override
    public ErrorFormat clientErrors() {
        return ErrorFormat.OPENAI;
    }

    @Override
    public boolean passesUpstreamHeaders() {
        return false;
    }
}
