package dev.heimdall.provider;

import dev.heimdall.config.ProviderConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * What every translator to an upstream that takes OpenAI's bodies shares: the location and auth of its
 * {@link OpenAiUpstream} (an API root with {@code Bearer}, or Azure's deployments with {@code api-key}), and
 * OpenAI's error body.
 */
public abstract class ToOpenAiSchema implements Translator {

    protected final OpenAiUpstream upstream;

    protected ToOpenAiSchema(OpenAiUpstream upstream) {
        this.upstream = upstream;
    }

    @Override
    public final URI root(Attempt attempt) {
        return upstream.root(attempt);
    }

    /** The path (and query) of an OpenAI operation such as {@code /chat/completions} at this upstream. */
    protected final String path(String operationPath, Attempt attempt) {
        return upstream.path(operationPath, attempt);
    }

    @Override
    public final void headers(Attempt attempt, MultiMap client, MultiMap upstreamHeaders) {
        upstream.auth(attempt.key(), upstreamHeaders);
    }

    @Override
    public final ProviderError error(int status, String body, String retryAfter, ProviderConfig provider) {
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
}
