package dev.heimdall.execution;

import dev.heimdall.exchange.Exchange;
import dev.heimdall.provider.Attempt;
import dev.heimdall.provider.InferenceRequest;
import dev.heimdall.provider.Transport;
import dev.heimdall.provider.Translator;
import dev.heimdall.provider.Translators;
import dev.heimdall.provider.UntranslatableException;
import dev.heimdall.provider.ProviderError;
import dev.heimdall.provider.UpstreamCall;
import dev.heimdall.provider.UpstreamFailure;
import dev.heimdall.routing.Failure;
import dev.heimdall.routing.FallbackPlan;
import dev.heimdall.routing.KeyHealth;
import dev.heimdall.routing.Target;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Runs the attempts of a request's {@link FallbackPlan}: sends each, reads what came back, waits the
 * backoff on a Vert.x timer (never blocking the event loop) and stops at the first answer worth relaying.
 * The plan decides; this runs it, records each attempt on the exchange and keeps key health. Nothing has
 * reached the client until it returns, so failing over is always safe here. It writes no response.
 */
@Singleton
public class PlanExecutor {

    private static final Logger LOG = Logger.getLogger(PlanExecutor.class);

    private final Transport transport;
    private final KeyHealth health;
    private final Vertx vertx;

    public PlanExecutor(Transport transport, KeyHealth health, Vertx vertx) {
        this.transport = transport;
        this.health = health;
        this.vertx = vertx;
    }

    /** Runs the plan for {@code targets}, each attempt first passing {@code gate} (null: none). */
    public Future<Execution> execute(List<Target> targets, InferenceRequest request, Exchange exchange, AttemptGate gate) {
        FallbackPlan plan = new FallbackPlan(targets, health, ThreadLocalRandom.current());
        Optional<Attempt> first = plan.first();
        if (first.isEmpty()) {
            Target t = targets.get(0);
            return Future.succeededFuture(new Execution(null, new ProviderError(404, "invalid_request_error", "model_not_found", "model",
                    "No key of provider '" + t.provider().name() + "' serves model `" + t.model() + "`.", null), plan));
        }
        Run run = new Run(plan, request, exchange, gate);
        run.attempt(first.get());
        return run.done.future();
    }

    /** One request's way through its plan. */
    private final class Run {
        final FallbackPlan plan;
        final InferenceRequest request;
        final Exchange exchange;
        final AttemptGate gate;
        final Promise<Execution> done = Promise.promise();
        ProviderError primaryError;

        Run(FallbackPlan plan, InferenceRequest request, Exchange exchange, AttemptGate gate) {
            this.plan = plan;
            this.request = request;
            this.exchange = exchange;
            this.gate = gate;
        }

        void attempt(Attempt attempt) {
            if (exchange.isClientGone()) {
                done.tryComplete(new Execution(null, null, plan));
                return;
            }
            if (gate == null) {
                send(attempt);
                return;
            }
            gate.enter(attempt).onComplete(entered -> {
                if (entered.succeeded()) {
                    send(attempt);
                } else {
                    ProviderError refusal = entered.cause() instanceof AttemptGate.Refused r ? r.error()
                            : ProviderError.upstream(503, "governance_unavailable", entered.cause().getMessage());
                    failed(attempt, Failure.refused(refusal.status()), refusal);
                }
            });
        }

        void send(Attempt attempt) {
            Translator translator = Translators.of(exchange.dialect(), request.endpoint(), attempt.provider());
            URI root = translator.root(attempt);
            String traceparent = exchange.attemptStarted(attempt.provider().name(), attempt.upstreamModel(), attempt.key().name(),
                    root.getHost(), root.getPort() > 0 ? root.getPort() : "https".equals(root.getScheme()) ? 443 : 80);
            transport.send(attempt, translator, request, exchange, traceparent).onComplete(ar -> {
                if (ar.failed() && exchange.isClientGone()) {
                    // The client left and the call was cancelled for it: not the upstream's or the key's failure.
                    exchange.attemptFailed(499, "client_disconnected");
                    done.tryComplete(new Execution(null, null, plan));
                    return;
                }
                if (ar.failed() && ar.cause() instanceof UntranslatableException u) {
                    // The request cannot be expressed in this upstream's API: the client's to fix, like any 400.
                    failed(attempt, Failure.status(400, null),
                            new ProviderError(400, "invalid_request_error", "unsupported_field", u.param(),
                                    u.param() == null || u.getMessage().contains(u.param()) ? u.getMessage() : u.param() + ": " + u.getMessage(), null));
                    return;
                }
                if (ar.failed()) {
                    UpstreamFailure f = ar.cause() instanceof UpstreamFailure u ? u
                            : new UpstreamFailure(502, "provider_unreachable", "Provider '" + attempt.provider().name() + "' failed");
                    failed(attempt, f.status() == 504 ? Failure.timeout() : Failure.network(),
                            ProviderError.upstream(f.status(), f.code(), f.getMessage()));
                    return;
                }
                UpstreamCall call = ar.result();
                if (call.status() < 400) {
                    health.onSuccess(attempt.provider(), attempt.key());
                    done.tryComplete(new Execution(call, null, plan));
                    return;
                }
                transport.readError(call).onComplete(er -> {
                    ProviderError error = er.result();
                    failed(attempt, Failure.status(call.status(), RetryAfter.parse(error.retryAfter())), error);
                });
            });
        }

        void failed(Attempt attempt, Failure failure, ProviderError error) {
            exchange.attemptFailed(error.status(), failure.toString());
            if (plan.onPrimary()) {
                primaryError = error;
            }
            Optional<FallbackPlan.Step> step = plan.next(attempt, failure);
            if (step.isEmpty()) {
                // A client error ends the request with that answer; an exhausted plan answers with the primary's.
                ProviderError answer = failure.isFinal() || primaryError == null ? error : primaryError;
                done.tryComplete(new Execution(null, answer, plan));
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
}
