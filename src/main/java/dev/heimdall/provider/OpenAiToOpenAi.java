package dev.heimdall.provider;

import dev.heimdall.config.ProviderConfig;
import io.vertx.core.buffer.Buffer;

/**
 * OpenAI clients to an OpenAI-compatible upstream (openai, vllm, ollama, groq, mistral, …, and Azure
 * OpenAI at its deployments): the zero-copy passthrough. The body goes out as the client sent it with only {@code model} rewritten (and
 * {@code stream_options.include_usage} added when the gateway needs a stream's usage); the answer passes
 * byte for byte while its usage is read on the way.
 */
public final class OpenAiToOpenAi extends ToOpenAiSchema {

    public static final OpenAiToOpenAi INSTANCE = new OpenAiToOpenAi(OpenAiUpstream.PLAIN);
    /** Azure OpenAI: the same bodies at the deployment's path, with {@code api-key}. */
    public static final OpenAiToOpenAi AZURE = new OpenAiToOpenAi(OpenAiUpstream.AZURE);

    private OpenAiToOpenAi(OpenAiUpstream upstream) {
        super(upstream);
    }

    @Override
    public String path(InferenceRequest request, Attempt attempt) {
        return path(request.endpoint().path(), attempt);
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
    public ErrorFormat clientErrors() {
        return ErrorFormat.OPENAI;
    }
}
