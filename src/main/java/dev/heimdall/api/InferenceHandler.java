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
import dev.heimdall.telemetry.CallRecord;
import dev.heimdall.telemetry.Telemetry;
import io.vertx.core.json.JsonObject;
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
    private final Telemetry telemetry;

    public InferenceHandler(ConfigService configs, RoutingTable routing, OpenAiPassthrough passthrough, Dispatcher dispatcher,
            InFlightLimit limit, Telemetry telemetry) {
        this.limit = limit;
        this.telemetry = telemetry;
        this.configs = configs;
        this.routing = routing;
        this.passthrough = passthrough;
        this.dispatcher = dispatcher;
    }

    void handle(RoutingContext ctx, Endpoint endpoint) {
        HttpServerRequest request = ctx.request();
        CallRecord call = telemetry.begin(request, endpoint.operation());
        ConfigSnapshot snapshot = configs.current();
        if (snapshot == null) {
            reject(ctx, call, new OpenAiError(503, "server_error", "not_ready", null, "Heimdall is starting; no configuration is loaded yet."), false);
            return;
        }
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && !type.toLowerCase().contains("json")) {
            reject(ctx, call, OpenAiError.invalidRequest(415, "unsupported_media_type", null,
                    "Content-Type must be application/json, not " + type + " (with curl, add -H 'Content-Type: application/json')."), true);
            return;
        }
        if (!limit.admit(ctx)) {
            call.finished(429, "gateway_overloaded");
            telemetry.finish(call);
            return;
        }
        long maxBody = snapshot.config().client().maxRequestBodyBytes();
        long declared = declaredLength(request);
        if (declared > maxBody) {
            reject(ctx, call, tooLarge(snapshot), true);
            return;
        }
        BodyCollector body = new BodyCollector(declared);
        request.handler(chunk -> {
            if (body.tooLarge) {
                return;
            }
            if (body.length + chunk.length() > maxBody) {
                body.tooLarge = true;
                reject(ctx, call, tooLarge(snapshot), true);
            } else {
                body.append(chunk);
            }
        });
        request.endHandler(v -> {
            if (!body.tooLarge) {
                dispatch(ctx, endpoint, body.bytes(), call);
            }
        });
        request.resume();
    }

    private void dispatch(RoutingContext ctx, Endpoint endpoint, byte[] body, CallRecord call) {
        try {
            InferenceRequest request = RequestScanner.scan(endpoint, body);
            call.request(request.model(), request.stream(), body);
            List<Target> targets = targets(request);
            dispatcher.dispatch(targets, request, ctx.response(), call).onComplete(ar -> respond(ctx, ar.result(), call));
        } catch (RuntimeException e) {
            reject(ctx, call, Responses.toError(e), false);
        }
    }

    /** Answers with an error before any upstream was called, and records the request. */
    private void reject(RoutingContext ctx, CallRecord call, OpenAiError error, boolean close) {
        if (close) {
            Responses.errorAndClose(ctx, error);
        } else {
            Responses.error(ctx, error);
        }
        call.finished(error.status(), error.code());
        telemetry.finish(call);
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

    private void respond(RoutingContext ctx, Dispatcher.Outcome outcome, CallRecord call) {
        HttpServerResponse response = ctx.response();
        FallbackPlan plan = outcome.plan();
        response.putHeader(ATTEMPTS_HEADER, String.valueOf(plan.attempts()));
        if (!plan.tried().isEmpty()) {
            response.putHeader(TRIED_HEADER, plan.tried().stream().map(FallbackPlan.Tried::toString).collect(Collectors.joining(", ")));
        }
        if (outcome.answer() != null) {
            response.putHeader(PROVIDER_HEADER, outcome.answer().attempt().provider().name())
                    .putHeader(MODEL_HEADER, outcome.answer().attempt().publicModel());
            telemetry.relayStarted(call);
            passthrough.relay(outcome.answer(), response, call).onComplete(v -> telemetry.finish(call));
        } else if (outcome.error() != null && !response.closed()) {
            UpstreamError error = outcome.error();
            if (error.retryAfter() != null) {
                response.putHeader("Retry-After", error.retryAfter());
            }
            response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, OpenAiError.APPLICATION_JSON)
                    .end(Dispatcher.withTried(error, plan).toBuffer());
            JsonObject e = error.body().getJsonObject("error");
            call.finished(error.status(), e != null && e.getValue("code") != null ? String.valueOf(e.getValue("code")) : String.valueOf(error.status()));
            telemetry.finish(call);
        } else {
            call.finished(499, "client_disconnected");
            telemetry.finish(call);
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
