package dev.heimdall.provider.anthropic;

import dev.heimdall.config.KeyConfig;
import dev.heimdall.config.ProviderConfig;
import dev.heimdall.provider.AnswerTranslation;
import dev.heimdall.provider.Attempt;
import dev.heimdall.provider.ErrorFormat;
import dev.heimdall.provider.InferenceRequest;
import dev.heimdall.provider.JsonUsageScanner;
import dev.heimdall.provider.ProviderError;
import dev.heimdall.provider.Translator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Anthropic clients (Claude Code, Anthropic's SDKs) to Anthropic's Messages API: a passthrough like
 * OpenAI's. The body goes as sent with only {@code model} rewritten; the client's {@code anthropic-version}
 * and {@code anthropic-beta} go along (prompt caching, PDFs, thinking and tool details all survive), and
 * the answer passes byte for byte while its usage is read.
 */
public final class AnthropicToAnthropic implements Translator {

    public static final AnthropicToAnthropic INSTANCE = new AnthropicToAnthropic();

    /** The version sent when the client names none (Anthropic requires one). */
    static final String DEFAULT_VERSION = "2023-06-01";

    private AnthropicToAnthropic() {
    }

    @Override
    public String path(InferenceRequest request, Attempt attempt) {
        return request.endpoint().path();
    }

    @Override
    public void headers(Attempt attempt, MultiMap client, MultiMap upstream) {
        auth(attempt.key(), upstream);
        String version = client.get("anthropic-version");
        upstream.set("anthropic-version", version == null || version.isBlank() ? DEFAULT_VERSION : version);
        String beta = client.get("anthropic-beta");
        if (beta != null) {
            upstream.set("anthropic-beta", beta);
        }
    }

    /** Anthropic's auth: the key in {@code x-api-key}. */
    static void auth(KeyConfig key, MultiMap upstream) {
        if (!key.value().isEmpty()) {
            upstream.set("x-api-key", key.value().value());
        }
    }

    @Override
    public boolean asksUsage(InferenceRequest request, ProviderConfig provider) {
        return false; // Anthropic reports usage in every answer and stream
    }

    @Override
    public Buffer body(InferenceRequest request, Attempt attempt, boolean askUsage) {
        return request.bodyFor(attempt.upstreamModel(), false);
    }

    @Override
    public AnswerTranslation answer(InferenceRequest request, boolean stream, boolean askedUsage) {
        return stream ? new AnthropicStreamReader() : new JsonUsageScanner(true);
    }

    @Override
    public ProviderError error(int status, String body, String retryAfter, ProviderConfig provider) {
        return AnthropicErrors.parse(status, body, retryAfter, provider);
    }

    @Override
    public ErrorFormat clientErrors() {
        return AnthropicErrors.INSTANCE;
    }
}
