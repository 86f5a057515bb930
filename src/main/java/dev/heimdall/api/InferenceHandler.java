package dev.heimdall.api;

import dev.heimdall.config.ApiFamily;
import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.exchange.Exchange;
import dev.heimdall.exchange.Exchanges;
import dev.heimdall.execution.AttemptGate;
import dev.heimdall.execution.Execution;
import dev.heimdall.execution.PlanExecutor;
import dev.heimdall.governance.Governance;
import dev.heimdall.governance.GovernanceRefusal;
import dev.heimdall.governance.KeyPolicy;
import dev.heimdall.governance.LimitStore.Verdict;
import dev.heimdall.provider.Endpoint;
import dev.heimdall.provider.InferenceRequest;
import dev.heimdall.provider.OpenAiError;
import dev.heimdall.provider.Transport;
import dev.heimdall.provider.anthropic.TokenEstimate;
import dev.heimdall.provider.ProviderError;
import dev.heimdall.routing.FallbackPlan;
import dev.heimdall.routing.ModelResolver;
import dev.heimdall.routing.RoutingException;
import dev.heimdall.routing.RoutingTable;
import dev.heimdall.routing.Target;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * POST /v1/chat/completions, /v1/completions, /v1/embeddings in OpenAI's dialect: starts the request's
 * {@link Exchange}, reads the body within the size limit, scans it, has {@link Governance} identify the
 * virtual key, resolves the model and its fallbacks (as far as the key allows), admits the request against
 * the key's limits, has the {@link PlanExecutor} run the attempts and relays the answer or renders the error in OpenAI's
 * shape. Every path ends in exactly one {@link Exchange#complete}, before the response is ended. Runs
 * entirely on the event loop; nothing here blocks.
 */
@Singleton
public class InferenceHandler {

    static final String PROVIDER_HEADER = "x-heimdall-provider";
    static final String MODEL_HEADER = "x-heimdall-model";
    static final String ATTEMPTS_HEADER = "x-heimdall-attempts";
    static final String TRIED_HEADER = "x-heimdall-tried";

    private final ConfigService configs;
    private final RoutingTable routing;
    private final Transport transport;
    private final PlanExecutor executor;
    private final InFlightLimit limit;
    private final Exchanges exchanges;
    private final Governance governance;

    public InferenceHandler(ConfigService configs, RoutingTable routing, Transport transport, PlanExecutor executor,
            InFlightLimit limit, Exchanges exchanges, Governance governance) {
        this.governance = governance;
        this.configs = configs;
        this.routing = routing;
        this.transport = transport;
        this.executor = executor;
        this.limit = limit;
        this.exchanges = exchanges;
    }

    void handle(RoutingContext ctx, Endpoint endpoint) {
        HttpServerRequest request = ctx.request();
        Exchange exchange = exchanges.begin(endpoint.anthropic() ? Exchange.Dialect.ANTHROPIC : Exchange.Dialect.OPENAI,
                endpoint.operation(), request.headers());
        ctx.response().closeHandler(v -> exchange.clientGone());
        ConfigSnapshot snapshot = configs.current();
        if (snapshot == null) {
            reject(ctx, exchange, new OpenAiError(503, "server_error", "not_ready", null, "Heimdall is starting; no configuration is loaded yet."), false);
            return;
        }
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && !type.toLowerCase().contains("json")) {
            reject(ctx, exchange, OpenAiError.invalidRequest(415, "unsupported_media_type", null,
                    "Content-Type must be application/json, not " + type + " (with curl, add -H 'Content-Type: application/json')."), true);
            return;
        }
        if (!limit.admit(exchange)) {
            ctx.response().putHeader("Retry-After", "1");
            reject(ctx, exchange, limit.overloaded(), false);
            return;
        }
        long maxBody = snapshot.config().client().maxRequestBodyBytes();
        long declared = declaredLength(request);
        if (declared > maxBody) {
            reject(ctx, exchange, tooLarge(snapshot), true);
            return;
        }
        // Until the body is in, a client that leaves simply ends the exchange.
        exchange.onClientGone(() -> exchange.complete(499, "client_disconnected"));
        BodyCollector body = new BodyCollector(declared);
        request.handler(chunk -> {
            if (body.tooLarge) {
                return;
            }
            if (body.length + chunk.length() > maxBody) {
                body.tooLarge = true;
                reject(ctx, exchange, tooLarge(snapshot), true);
            } else {
                body.append(chunk);
            }
        });
        request.endHandler(v -> {
            if (!body.tooLarge && !exchange.completed()) {
                exchange.onClientGone(null);
                dispatch(ctx, endpoint, body.bytes(), exchange);
            }
        });
        request.resume();
    }

    private void dispatch(RoutingContext ctx, Endpoint endpoint, byte[] body, Exchange exchange) {
        InferenceRequest request;
        List<Target> targets;
        KeyPolicy key = null;
        try {
            request = RequestScanner.scan(endpoint, body);
            exchange.request(request.model(), request.stream(), body);
            exchange.onComplete(() -> governance.price(exchange));
            // Who is calling comes first: an unknown key learns nothing about the models.
            if (governance.active()) {
                key = governance.identify(ctx.request().headers());
                if (key != null) {
                    exchange.virtualKey(key.key().name());
                }
            }
            targets = targets(request, key);
        } catch (RuntimeException e) {
            refuse(ctx, exchange, e);
            return;
        }
        if (endpoint == Endpoint.COUNT_TOKENS) {
            countTokens(ctx, targets, request, exchange);
            return;
        }
        if (key == null) {
            execute(ctx, targets, request, exchange, null, null);
            return;
        }
        List<Target> allowed = targets;
        KeyPolicy caller = key;
        governance.admit(key, targets.get(0), request, exchange).onComplete(admitted -> {
            if (admitted.failed()) {
                refuse(ctx, exchange, admitted.cause());
            } else {
                execute(ctx, allowed, request, exchange, admitted.result(), governance.gate(caller, allowed, request, exchange));
            }
        });
    }

    /**
     * Anthropic's {@code count_tokens}: asked of Anthropic when the model is Anthropic's (it costs nothing
     * and counts against no limit), estimated here for any other model ({@link TokenEstimate}).
     */
    private void countTokens(RoutingContext ctx, List<Target> targets, InferenceRequest request, Exchange exchange) {
        List<Target> anthropic = targets.stream().filter(t -> t.provider().kind().family() == ApiFamily.ANTHROPIC).toList();
        if (!anthropic.isEmpty() && anthropic.get(0) == targets.get(0)) {
            execute(ctx, anthropic, request, exchange, null, null);
            return;
        }
        long tokens;
        try {
            tokens = TokenEstimate.inputTokens(request.body());
        } catch (RuntimeException e) {
            refuse(ctx, exchange, ApiException.badRequest("invalid_json", null, "The request body is not a Messages request."));
            return;
        }
        exchange.complete(200, null);
        ctx.response().putHeader("x-heimdall-token-count", "estimate");
        Responses.json(ctx, 200, new io.vertx.core.json.JsonObject().put("input_tokens", tokens));
    }

    private void execute(RoutingContext ctx, List<Target> targets, InferenceRequest request, Exchange exchange, Verdict admitted,
            AttemptGate gate) {
        executor.execute(targets, request, exchange, gate).onComplete(ar -> {
            if (ar.failed()) {
                reject(ctx, exchange, Responses.toError(ar.cause()), false);
            } else {
                if (admitted != null) {
                    governance.rateLimitHeaders(admitted, ctx.response().headers());
                }
                respond(ctx, ar.result(), exchange);
            }
        });
    }

    /** A refusal before any upstream call: the error, with Retry-After when waiting for a window helps. */
    private static void refuse(RoutingContext ctx, Exchange exchange, Throwable failure) {
        if (failure instanceof GovernanceRefusal g && g.retryAfterSeconds() > 0) {
            ctx.response().putHeader("Retry-After", Long.toString(g.retryAfterSeconds()));
        }
        reject(ctx, exchange, Responses.toError(failure), false);
    }

    /** Answers with an error before any upstream answered, and completes the exchange. */
    private static void reject(RoutingContext ctx, Exchange exchange, OpenAiError error, boolean close) {
        exchange.complete(error.status(), error.code());
        if (close) {
            Responses.errorAndClose(ctx, error);
        } else {
            Responses.error(ctx, error);
        }
    }

    /**
     * The model's targets (an alias may name several; a virtual key may spread a bare name over its providers
     * by weight), then those of the request's {@code fallbacks}.
     */
    private List<Target> targets(InferenceRequest request, KeyPolicy key) {
        ModelResolver resolver = routing.resolver();
        List<Target> targets = new ArrayList<>(key == null ? List.of() : governance.routeByWeight(key, request.model(), resolver));
        if (targets.isEmpty()) {
            List<Target> route = resolver.resolve(request.model()).targets();
            // The model asked for must be one the key may call; fallbacks it may not are only left out.
            targets.addAll(key == null ? route : governance.restrict(key, route));
        }
        Target primary = targets.get(0);
        if (!callable(primary)) {
            throw new ApiException(new OpenAiError(501, "invalid_request_error", "provider_not_supported", "model",
                    "Provider '" + primary.provider().name() + "' is configured, but Heimdall cannot call its API yet;"
                            + " use an OpenAI-compatible provider or its OpenAI-compatible base_url."));
        }
        for (String fallback : request.fallbacks()) {
            try {
                List<Target> route = resolver.resolve(fallback).targets();
                targets.addAll(key == null ? route : governance.allowedOf(key, route));
            } catch (RoutingException e) {
                throw ApiException.badRequest("invalid_fallback", "fallbacks", "Fallback `" + fallback + "`: " + e.getMessage());
            }
        }
        targets.removeIf(t -> !callable(t));
        return targets;
    }

    private static boolean callable(Target t) {
        ApiFamily family = t.provider().kind().family();
        // Azure's keys carry their own resource; every other provider needs its API root.
        return family == ApiFamily.AZURE_OPENAI || family != ApiFamily.UNSUPPORTED && t.provider().network().apiRoot() != null;
    }

    private void respond(RoutingContext ctx, Execution execution, Exchange exchange) {
        HttpServerResponse response = ctx.response();
        FallbackPlan plan = execution.plan();
        if (execution.clientGone() || response.closed()) {
            exchange.complete(499, "client_disconnected");
            return;
        }
        response.putHeader(ATTEMPTS_HEADER, String.valueOf(plan.attempts()));
        if (!plan.tried().isEmpty()) {
            response.putHeader(TRIED_HEADER, plan.tried().stream().map(FallbackPlan.Tried::toString).collect(Collectors.joining(", ")));
        }
        if (execution.answer() != null) {
            response.putHeader(PROVIDER_HEADER, execution.answer().attempt().provider().name())
                    .putHeader(MODEL_HEADER, execution.answer().attempt().publicModel());
            if (exchange.stream()) {
                limit.streamStarted(exchange);
            }
            transport.relay(execution.answer(), response, exchange)
                    .onComplete(end -> exchange.complete(end.result().status(), end.result().errorType()));
            return;
        }
        ProviderError error = execution.error();
        if (error.retryAfter() != null) {
            response.putHeader("Retry-After", error.retryAfter());
        }
        OpenAiError rendered = new OpenAiError(error.status(), error.type(), error.code(), error.param(), error.message());
        exchange.complete(error.status(), error.code() != null ? error.code() : String.valueOf(error.status()));
        JsonArray tried = plan.tried().isEmpty() ? null
                : new JsonArray(plan.tried().stream().map(FallbackPlan.Tried::toString).toList());
        Responses.error(ctx, rendered, tried);
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
