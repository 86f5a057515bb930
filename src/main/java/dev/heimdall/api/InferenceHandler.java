package dev.heimdall.api;

import dev.heimdall.config.ApiFamily;
import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.provider.Endpoint;
import dev.heimdall.provider.InferenceRequest;
import dev.heimdall.provider.OpenAiError;
import dev.heimdall.provider.OpenAiPassthrough;
import dev.heimdall.provider.UpstreamError;
import dev.heimdall.routing.Dispatcher;
import dev.heimdall.routing.FallbackPlan;
import dev.heimdall.routing.ModelResolver;
import dev.heimdall.routing.RoutingException;
import dev.heimdall.routing.RoutingTable;
import dev.heimdall.routing.Target;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * POST /v1/chat/completions, /v1/completions, /v1/embeddings: reads the body within the size limit,
 * scans it, resolves the model and its fallbacks, hands the targets to the {@link Dispatcher} and writes
 * what it returns. Runs entirely on the event loop; nothing here blocks.
 */
@Singleton
public class InferenceHandler {

    static final String PROVIDER_HEADER = "x-heimdall-provider";
    static final String MODEL_HEADER = "x-heimdall-model";
    static final String ATTEMPTS_HEADER = "x-heimdall-attempts";
    static final String TRIED_HEADER = "x-heimdall-tried";

    private final ConfigService configs;
    private final RoutingTable routing;
    private final OpenAiPassthrough passthrough;
    private final Dispatcher dispatcher;
    private final InFlightLimit limit;

    public InferenceHandler(ConfigService configs, RoutingTable routing, OpenAiPassthrough passthrough, Dispatcher dispatcher,
            InFlightLimit limit) {
        this.limit = limit;
        this.configs = configs;
        this.routing = routing;
        this.passthrough = passthrough;
        this.dispatcher = dispatcher;
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
        if (!limit.admit(ctx)) {
            return;
        }
        long maxBody = snapshot.config().client().maxRequestBodyBytes();
        long declared = declaredLength(request);
        if (declared > maxBody) {
            Responses.errorAndClose(ctx, tooLarge(snapshot));
            return;
        }
        BodyCollector body = new BodyCollector((int) Math.min(declared, 1 << 24));
        request.handler(chunk -> {
            if (body.tooLarge) {
                return;
            }
            if (body.length + chunk.length() > maxBody) {
                body.tooLarge = true;
                Responses.errorAndClose(ctx, tooLarge(snapshot));
            } else {
                body.append(chunk);
            }
        });
        request.endHandler(v -> {
            if (!body.tooLarge) {
                dispatch(ctx, endpoint, body.bytes());
            }
        });
        request.resume();
    }

    private void dispatch(RoutingContext ctx, Endpoint endpoint, byte[] body) {
        try {
            InferenceRequest request = RequestScanner.scan(endpoint, body);
            List<Target> targets = targets(request);
            dispatcher.dispatch(targets, request, ctx.response()).onComplete(ar -> respond(ctx, ar.result()));
        } catch (RuntimeException e) {
            Responses.error(ctx, Responses.toError(e));
        }
    }

    /** The model's targets (an alias may name several), then those of the request's {@code fallbacks}. */
    private List<Target> targets(InferenceRequest request) {
        ModelResolver resolver = routing.resolver();
        List<Target> targets = new ArrayList<>(resolver.resolve(request.model()).targets());
        Target primary = targets.get(0);
        if (!callable(primary)) {
            throw new ApiException(new OpenAiError(501, "invalid_request_error", "provider_not_supported", "model",
                    "Provider '" + primary.provider().name() + "' is configured, but Heimdall cannot call its API yet;"
                            + " use an OpenAI-compatible provider or its OpenAI-compatible base_url."));
        }
        for (String fallback : request.fallbacks()) {
            try {
                targets.addAll(resolver.resolve(fallback).targets());
            } catch (RoutingException e) {
                throw ApiException.badRequest("invalid_fallback", "fallbacks", "Fallback `" + fallback + "`: " + e.getMessage());
            }
        }
        targets.removeIf(t -> !callable(t));
        return targets;
    }

    private static boolean callable(Target t) {
        return t.provider().kind().family() != ApiFamily.UNSUPPORTED && t.provider().network().apiRoot() != null;
    }

    private void respond(RoutingContext ctx, Dispatcher.Outcome outcome) {
        HttpServerResponse response = ctx.response();
        FallbackPlan plan = outcome.plan();
        response.putHeader(ATTEMPTS_HEADER, String.valueOf(plan.attempts()));
        if (!plan.tried().isEmpty()) {
            response.putHeader(TRIED_HEADER, plan.tried().stream().map(FallbackPlan.Tried::toString).collect(Collectors.joining(", ")));
        }
        if (outcome.answer() != null) {
            response.putHeader(PROVIDER_HEADER, outcome.answer().attempt().provider().name())
                    .putHeader(MODEL_HEADER, outcome.answer().attempt().publicModel());
            passthrough.relay(outcome.answer(), response);
        } else if (outcome.error() != null && !response.closed()) {
            UpstreamError error = outcome.error();
            if (error.retryAfter() != null) {
                response.putHeader("Retry-After", error.retryAfter());
            }
            response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, OpenAiError.APPLICATION_JSON)
                    .end(Dispatcher.withTried(error, plan).toBuffer());
        }
    }

    /** The request body, copied once from the network buffers into an array sized by Content-Length when given. */
    private static final class BodyCollector {
        byte[] data;
        int length;
        boolean tooLarge;

        BodyCollector(int expected) {
            data = new byte[Math.max(expected, 256)];
        }

        void append(Buffer chunk) {
            int n = chunk.length();
            if (length + n > data.length) {
                data = java.util.Arrays.copyOf(data, Math.max(length + n, data.length * 2));
            }
            chunk.getBytes(0, n, data, length);
            length += n;
        }

        byte[] bytes() {
            return length == data.length ? data : java.util.Arrays.copyOf(data, length);
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
