package dev.heimdall.routing;

import dev.heimdall.provider.Attempt;
import dev.heimdall.provider.InferenceRequest;
import dev.heimdall.provider.OpenAiError;
import dev.heimdall.provider.OpenAiPassthrough;
import dev.heimdall.provider.UpstreamError;
import dev.heimdall.provider.UpstreamExchange;
import dev.heimdall.provider.UpstreamFailure;
import dev.heimdall.telemetry.CallRecord;
import dev.heimdall.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Runs a request's {@link FallbackPlan}: sends each attempt, reads what came back, waits the backoff on a
 * Vert.x timer (never blocking the event loop) and stops at the first answer worth relaying. Nothing has
 * reached the client until it returns, so failing over is always safe here.
 */
@Singleton
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    /** How a dispatch ended: an upstream answer to relay, or the error for the client, with what was tried. */
    public record Outcome(UpstreamExchange answer, UpstreamError error, FallbackPlan plan) {
    }

    private final OpenAiPassthrough passthrough;
    private final KeyHealth health;
    private final Vertx vertx;
    private final Telemetry telemetry;

    public Dispatcher(OpenAiPassthrough passthrough, KeyHealth health, Vertx vertx, Telemetry telemetry) {
        this.passthrough = passthrough;
        this.health = health;
        this.vertx = vertx;
        this.telemetry = telemetry;
    }

    public Future<Outcome> dispatch(List<Target> targets, InferenceRequest request, HttpServerResponse client, CallRecord call) {
        FallbackPlan plan = new FallbackPlan(targets, health, ThreadLocalRandom.current());
        Optional<Attempt> first = plan.first();
        if (first.isEmpty()) {
            Target t = targets.get(0);
            return Future.succeededFuture(new Outcome(null, new UpstreamError(404, OpenAiError.invalidRequest(404, "model_not_found",
                    "model", "No key of provider '" + t.provider().name() + "' serves model `" + t.model() + "`.").json(), null), plan));
        }
        Run run = new Run(plan, request, client, call);
        run.attempt(first.get());
        return run.done.future();
    }

    /** One request's way through its plan. */
    private final class Run {
        final FallbackPlan plan;
        final InferenceRequest request;
        final HttpServerResponse client;
        final CallRecord call;
        final Promise<Outcome> done = Promise.promise();
        UpstreamError primaryError;

        Run(FallbackPlan plan, InferenceRequest request, HttpServerResponse client, CallRecord call) {
            this.plan = plan;
            this.request = request;
            this.client = client;
            this.call = call;
        }

        void attempt(Attempt attempt) {
            if (client.closed()) {
                done.tryComplete(new Outcome(null, null, plan));
                return;
            }
            URI root = attempt.provider().network().apiRoot();
            String traceparent = telemetry.attemptStarted(call, attempt.provider().name(), attempt.upstreamModel(), attempt.key().name(),
                    root.getHost(), root.getPort() > 0 ? root.getPort() : "https".equals(root.getScheme()) ? 443 : 80);
            passthrough.send(attempt, request, client, traceparent, call).onComplete(ar -> {
                if (ar.failed() && client.closed()) {
                    // The client left and the exchange was cancelled for it: not the upstream's or the key's failure.
                    telemetry.attemptEnded(call, 499, "client_disconnected");
                    done.tryComplete(new Outcome(null, null, plan));
                    return;
                }
                if (ar.failed()) {
                    UpstreamFailure f = ar.cause() instanceof UpstreamFailure u ? u
                            : new UpstreamFailure(502, "provider_unreachable", "Provider '" + attempt.provider().name() + "' failed");
                    UpstreamError error = new UpstreamError(f.status(), OpenAiError.upstream(f.status(), f.code(), f.getMessage()).json(), null);
                    failed(attempt, f.status() == 504 ? Failure.timeout() : Failure.network(), error);
                    return;
                }
                UpstreamExchange exchange = ar.result();
                if (exchange.status() < 400) {
                    health.onSuccess(attempt.provider(), attempt.key());
                    done.tryComplete(new Outcome(exchange, null, plan));
                    return;
                }
                passthrough.readError(exchange).onComplete(er -> {
                    UpstreamError error = er.result();
                    failed(attempt, Failure.status(exchange.status(), retryAfter(error.retryAfter())), error);
                });
            });
        }

        void failed(Attempt attempt, Failure failure, UpstreamError error) {
            telemetry.attemptEnded(call, error.status(), failure.toString());
            if (plan.onPrimary()) {
                primaryError = error;
            }
            Optional<FallbackPlan.Step> step = plan.next(attempt, failure);
            if (step.isEmpty()) {
                // A client error ends the request with that answer; an exhausted plan answers with the primary's.
                UpstreamError answer = failure.isFinal() || primaryError == null ? error : primaryError;
                done.tryComplete(new Outcome(null, answer, plan));
                return;
            }
            FallbackPlan.Step next = step.get();
            LOG.debugf("Attempt %s/%s failed (%s); next %s/%s in %d ms", attempt.provider().name(), attempt.publicModel(),
                    failure, next.attempt().provider().name(), next.attempt().publicModel(), next.delay().toMillis());
            if (next.delay().isZero()) {
                attempt(next.attempt());
            } else {
                vertx.setTimer(next.delay().toMillis(), id -> attempt(next.attempt()));
            }
        }
    }

    /** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Duration.ofMillis(Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis()));
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    /** The error body the client gets, with which targets were tried. */
    public static JsonObject withTried(UpstreamError error, FallbackPlan plan) {
        JsonObject body = error.body().copy();
        if (!plan.tried().isEmpty() && body.getValue("error") instanceof JsonObject e) {
            e.put("heimdall_tried", new io.vertx.core.json.JsonArray(plan.tried().stream().map(FallbackPlan.Tried::toString).toList()));
        }
        return body;
    }
}
