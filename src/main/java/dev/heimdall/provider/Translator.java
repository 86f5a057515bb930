package dev.heimdall.provider;

import dev.heimdall.config.ProviderConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One pair of API schemas: the client's (the inbound dialect) and the upstream's. It owns everything about
 * the call that depends on either format: the upstream path, the auth and API headers, the request body,
 * each answer's body or stream events ({@link AnswerTranslation}, which also reads the usage), the
 * upstream's error body, and how errors are written to the client. The {@link Transport} owns the rest
 * (pools, timeouts, cancellation, back-pressure) and knows no format.
 */
public interface Translator {

    /** The URL the path goes under: the provider's API root, or for Azure the key's resource. */
    default java.net.URI root(Attempt attempt) {
        return attempt.provider().network().apiRoot();
    }

    /** The upstream path (and query) under {@link #root}, e.g. {@code /chat/completions}. */
    String path(InferenceRequest request, Attempt attempt);

    /** The upstream's auth and API headers; {@code client} is what the client sent. */
    void headers(Attempt attempt, MultiMap client, MultiMap upstream);

    /** Whether to ask the upstream for usage the client did not ask for (and hide it from the client). */
    boolean asksUsage(InferenceRequest request, ProviderConfig provider);

    /**
     * The body to send for {@code attempt}.
     *
     * @throws UntranslatableException when the request uses something the upstream's API cannot express
     */
    Buffer body(InferenceRequest request, Attempt attempt, boolean askUsage);

    /**
     * Whether the client gets the upstream's response headers (hop-by-hop ones aside). True when both sides
     * speak one API. Across APIs only the content headers pass: the upstream's request ids and its own
     * rate-limit headers are in a vocabulary the client does not speak and describe another call.
     */
    default boolean passesUpstreamHeaders() {
        return true;
    }

    /** A reader (and, across formats, a rewriter) for one successful answer, JSON or a stream. */
    AnswerTranslation answer(InferenceRequest request, boolean stream, boolean askedUsage);

    /** The upstream's error answer, in no format: its status, type, code and message (secrets not yet masked). */
    ProviderError error(int status, String body, String retryAfter, ProviderConfig provider);

    /** How the client of this translator reads errors. */
    ErrorFormat clientErrors();
}
