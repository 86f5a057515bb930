package dev.heimdall.provider;

import dev.heimdall.config.ProviderConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI clients to an OpenAI-compatible upstream (openai, vllm, ollama, groq, mistral, …, and Azure
 * OpenAI at its deployments): the zero-copy passthrough. The body goes out as the client sent it with only {@code model} rewritten (and
 * {@code stream_options.include_usage} added when the gateway needs a stream's usage); the answer passes
 * byte for byte while its usage is read on the way.
 */
public final class OpenAiToOpenAi implements Translator {

    public static final OpenAiToOpenAi INSTANCE = new OpenAiToOpenAi(OpenAiUpstream.PLAIN);
    /** Azure OpenAI: the same bodies at the deployment's path, with {@code api-key}. */
    public static final OpenAiToOpenAi AZURE = new OpenAiToOpenAi(OpenAiUpstream.AZURE);

    private final OpenAiUpstream upstream;

    private OpenAiToOpenAi(OpenAiUpstream upstream) {
        this.upstream = upstream;
    }

    @Override
    public java.net.URI root(Attempt attempt) {
        return upstream.root(attempt);
    }

    @Override
    public String path(InferenceRequest request, Attempt attempt) {
        return upstream.path(request.endpoint().path(), attempt);
    }

    @Override
    public void headers(Attempt attempt, MultiMap client, MultiMap upstreamHeaders) {
        upstream.auth(attempt.key(), upstreamHeaders);
    }

    @Override
    public boolean asksUsage(InferenceRequest request, ProviderConfig provider) {
        return request.streamWithoutUsage() && request.endpoint() != Endpoint.EMBEDDINGS && provider.kind().acceptsStreamOptions();
    }

    @Override
    public Buffer body(InferenceRequest request, Attempt attempt, boolean askUsage) {
        return request.bodyFor(attempt.upstreamModel(), askUsage);
    }

    @Override
    public AnswerTranslation answer(InferenceRequest request, boolean stream, boolean askedUsage) {
        return stream ? new SseUsageFilter(askedUsage) : new JsonUsageScanner();
    }

    @Override
    public ProviderError error(int status, String body, String retryAfter, ProviderConfig provider) {
        return openAiError(status, body, retryAfter, provider);
    }

    /** An OpenAI-shaped error body's fields as the upstream sent them; any other body becomes the message. */
    public static ProviderError openAiError(int status, String body, String retryAfter, ProviderConfig provider) {
        try {
            JsonObject json = new JsonObject(body);
            if (json.getValue("error") instanceof JsonObject e) {
                return new ProviderError(status, text(e.getValue("type"), "upstream_error"), text(e.getValue("code"), null),
                        text(e.getValue("param"), null), text(e.getValue("message"), "Provider '" + provider.name()
                                + "' returned HTTP " + status), retryAfter);
            }
        } catch (DecodeException | ClassCastException e) {
            // not JSON: the body is the message
        }
        return ProviderError.unparsed(status, provider.name(), body, retryAfter);
    }

    private static String text(Object value, String otherwise) {
        return value == null ? otherwise : String.valueOf(value);
    }

    @Override
    public ErrorFormat clientErrors() {
        return ErrorFormat.OPENAI;
    }
}
