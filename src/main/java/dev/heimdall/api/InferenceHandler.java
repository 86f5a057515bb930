package dev.heimdall.api;

import dev.heimdall.config.ApiFamily;
import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.provider.Endpoint;
import dev.heimdall.provider.InferenceRequest;
import dev.heimdall.provider.OpenAiError;
import dev.heimdall.provider.OpenAiPassthrough;
import dev.heimdall.provider.Attempt;
import dev.heimdall.routing.KeySelector;
import dev.heimdall.routing.RoutingTable;
import dev.heimdall.routing.Target;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * POST /v1/chat/completions, /v1/completions, /v1/embeddings: reads the body within the size limit,
 * scans it, resolves the model, picks a key and hands over to the provider adapter. Runs entirely on the
 * event loop; nothing here blocks.
 */
@ApplicationScoped
public class InferenceHandler {

    static final String PROVIDER_HEADER = "x-heimdall-provider";
    static final String MODEL_HEADER = "x-heimdall-model";
    static final String ATTEMPTS_HEADER = "x-heimdall-attempts";

    private final ConfigService configs;
    private final RoutingTable routing;
    private final OpenAiPassthrough passthrough;

    public InferenceHandler(ConfigService configs, RoutingTable routing, OpenAiPassthrough passthrough) {
        this.configs = configs;
        this.routing = routing;
        this.passthrough = passthrough;
    }

    void handle(RoutingContext ctx, Endpoint endpoint) {
        HttpServerRequest request = ctx.request();
        ConfigSnapshot snapshot = configs.current();
        if (snapshot == null) {
            Responses.error(ctx, new OpenAiError(503, "server_error", "not_ready", null, "Heimdall is starting; no configuration is loaded yet."));
            return;
        }
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && !type.toLowerCase().contains("json")) {
            Responses.errorAndClose(ctx, OpenAiError.invalidRequest(415, "unsupported_media_type", null,
                    "Content-Type must be application/json, not " + type + " (with curl, add -H 'Content-Type: application/json')."));
            return;
        }
        long limit = snapshot.config().client().maxRequestBodyBytes();
        long declared = declaredLength(request);
        if (declared > limit) {
            Responses.errorAndClose(ctx, tooLarge(snapshot));
            return;
        }
        Buffer body = Buffer.buffer((int) Math.max(256, Math.min(declared, 1 << 20)));
        boolean[] over = {false};
        request.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                over[0] = true;
                Responses.errorAndClose(ctx, tooLarge(snapshot));
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(v -> {
            if (!over[0]) {
                dispatch(ctx, endpoint, body);
            }
        });
        request.resume();
    }

    private void dispatch(RoutingContext ctx, Endpoint endpoint, Buffer body) {
        try {
            InferenceRequest request = RequestScanner.scan(endpoint, body.getBytes());
            Target target = routing.resolver().resolve(request.model()).primary();
            if (target.provider().kind().family() == ApiFamily.UNSUPPORTED || target.provider().network().apiRoot() == null) {
                Responses.error(ctx, new OpenAiError(501, "invalid_request_error", "provider_not_supported", "model",
                        "Provider '" + target.provider().name() + "' is configured, but Heimdall cannot call its API yet;"
                                + " use an OpenAI-compatible provider or its OpenAI-compatible base_url."));
                return;
            }
            Attempt attempt = KeySelector.pick(target, Set.of(), ThreadLocalRandom.current())
                    .orElseThrow(() -> new ApiException(OpenAiError.invalidRequest(404, "model_not_found", "model",
                            "No key of provider '" + target.provider().name() + "' serves model `" + target.model() + "`.")));
            passthrough.send(attempt, request, ctx.response()).onComplete(ar -> {
                if (ar.failed()) {
                    Responses.error(ctx, Responses.toError(ar.cause()));
                    return;
                }
                ctx.response().putHeader(PROVIDER_HEADER, attempt.provider().name())
                        .putHeader(MODEL_HEADER, attempt.publicModel())
                        .putHeader(ATTEMPTS_HEADER, "1");
                passthrough.relay(ar.result(), ctx.response());
            });
        } catch (RuntimeException e) {
            Responses.error(ctx, Responses.toError(e));
        }
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return 0;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static OpenAiError tooLarge(ConfigSnapshot snapshot) {
        return OpenAiError.invalidRequest(413, "request_too_large", null, "The request body is larger than "
                + snapshot.config().client().maxRequestBodySizeMb() + " MB (client.max_request_body_size_mb).");
    }
}
