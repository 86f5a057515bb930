package dev.heimdall.governance;

import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.GatewaySettings;
import dev.heimdall.config.GovernanceConfig.ProviderAccess;
import dev.heimdall.exchange.AttemptRecord;
import dev.heimdall.execution.AttemptGate;
import dev.heimdall.exchange.Exchange;
import dev.heimdall.exchange.Usage;
import dev.heimdall.governance.LimitStore.Verdict;
import dev.heimdall.provider.Endpoint;
import dev.heimdall.provider.InferenceRequest;
import dev.heimdall.routing.ModelResolver;
import dev.heimdall.routing.Target;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Admission and settlement for inference requests. Before routing runs the attempts: who is calling (the
 * virtual key), what it may call (its {@code provider_configs}), and whether its limits and budgets, up the
 * chain key → team → customer, admit one more request, reserving an estimate of its tokens and cost. When the
 * exchange completes: its cost from the answer's usage and the price table, then the reservation is settled
 * to what was really used. Everything here reads in-memory state; nothing waits on SQLite.
 */
@Singleton
public class Governance {

    /** Tokens per byte of request body, to estimate input before the upstream counts it (about 4 bytes a token). */
    private static final int BYTES_PER_TOKEN = 4;
    /**
     * The most output a reservation assumes: no model writes more in one answer, and a client's huge
     * {@code max_tokens} must not overflow the counters (or block its key for the window).
     */
    private static final long MAX_OUTPUT_ESTIMATE = 1L << 20;

    private final LimitStore store;
    private final Supplier<PriceTable> table;
    private volatile Pricing prices;
    private final long defaultOutputTokens;
    private final LongSupplier clock;
    private volatile Policies policies = new Policies(dev.heimdall.config.GovernanceConfig.NONE);

    @jakarta.inject.Inject
    Governance(LimitStore store, GatewaySettings settings) {
        this(store, PriceTable::bundled, settings.governance().defaultOutputReservation(), System::currentTimeMillis);
    }

    /** {@code table} is read when the first configuration arrives, so loading it can overlap start-up's other work. */
    Governance(LimitStore store, Supplier<PriceTable> table, long defaultOutputTokens, LongSupplier clock) {
        this.store = store;
        this.table = table;
        this.defaultOutputTokens = defaultOutputTokens;
        this.clock = clock;
    }

    /** Loads the bundled price table on another thread while start-up migrates the store (about 0.1 s of parsing). */
    void warm(@Observes @Priority(1) StartupEvent event) {
        ForkJoinPool.commonPool().execute(table::get);
    }

    void onConfig(@Observes ConfigSnapshot snapshot) {
        policies = new Policies(snapshot.config().governance());
        prices = new Pricing(table.get(), snapshot.config().governance().priceOverrides());
    }

    public Policies policies() {
        return policies;
    }

    /** Whether any virtual key is configured or required; when not, requests skip identification and limits. */
    public boolean active() {
        return policies.active();
    }

    /**
     * The calling key's policy; null when the request presents none and none is required.
     *
     * @throws GovernanceRefusal 401 when a key is required and missing, 403 when it is unknown, inactive or expired
     */
    public KeyPolicy identify(MultiMap headers) {
        Policies p = policies;
        String presented = PresentedKey.from(headers);
        if (presented == null) {
            if (p.enforceAuth()) {
                throw new GovernanceRefusal(401, "virtual_key_required", "This gateway requires a virtual key: send it as"
                        + " x-bf-vk, Authorization: Bearer sk-bf-..., x-api-key or x-goog-api-key.", 0);
            }
            return null;
        }
        KeyPolicy key = p.find(presented);
        if (key == null) {
            throw new GovernanceRefusal(403, "virtual_key_not_found", "The virtual key presented is not known to this gateway.", 0);
        }
        if (!key.key().active()) {
            throw new GovernanceRefusal(403, "virtual_key_blocked", "Virtual key '" + key.key().name() + "' is inactive.", 0);
        }
        Instant expires = key.key().expiresAt();
        if (expires != null && clock.getAsLong() >= expires.toEpochMilli()) {
            throw new GovernanceRefusal(403, "virtual_key_blocked", "Virtual key '" + key.key().name() + "' expired at " + expires + ".", 0);
        }
        return key;
    }

    /**
     * For a bare model name, the providers {@code key}'s provider_configs allow for it and whose keys serve it,
     * the first chosen by the configs' {@code weight}, the others after it by weight as fallbacks (Bifrost's
     * virtual-key load balancing). Empty when the name picks its own route (alias, provider prefix) or no
     * config applies, so that ordinary resolution runs.
     */
    public List<Target> routeByWeight(KeyPolicy key, String model, ModelResolver resolver) {
        if (resolver.qualified(model) || key.access().isEmpty()) {
            return List.of();
        }
        List<Target> fits = new ArrayList<>(key.access().size());
        List<Double> weights = new ArrayList<>(key.access().size());
        for (ProviderAccess a : key.access().values()) {
            if (a.allowedModels().allows(model) && a.weight() > 0) {
                resolver.direct(a.provider(), model).ifPresent(t -> {
                    fits.add(a.keyIds().all() ? t : t.withKeys(a.keyIds()));
                    weights.add(a.weight());
                });
            }
        }
        if (fits.size() < 2) {
            return fits;
        }
        List<Target> ordered = new ArrayList<>(fits.size());
        while (!fits.isEmpty()) {
            double total = weights.stream().mapToDouble(Double::doubleValue).sum();
            double point = java.util.concurrent.ThreadLocalRandom.current().nextDouble() * total;
            int i = 0;
            while (i < fits.size() - 1 && (point -= weights.get(i)) >= 0) {
                i++;
            }
            ordered.add(fits.remove(i));
            weights.remove(i);
        }
        return ordered;
    }

    /** Whether {@code key} may call at least one of {@code targets} (what {@code GET /v1/models} lists for it). */
    public boolean allows(KeyPolicy key, List<Target> targets) {
        return !allowedOf(key, targets).isEmpty();
    }

    /** The targets {@code key} may call, each limited to the provider keys it may use, in their order; maybe none. */
    public List<Target> allowedOf(KeyPolicy key, List<Target> targets) {
        List<Target> allowed = new ArrayList<>(targets.size());
        for (Target t : targets) {
            ProviderAccess a = key.access().get(t.provider().name());
            if (a != null && a.allowedModels().allows(t.model())) {
                allowed.add(a.keyIds().all() ? t : t.withKeys(a.keyIds()));
            }
        }
        return allowed;
    }

    /**
     * The targets of the requested model {@code key} may call (see {@link #allowedOf}).
     *
     * @throws GovernanceRefusal 403 {@code provider_blocked} or {@code model_blocked} when none is left
     */
    public List<Target> restrict(KeyPolicy key, List<Target> targets) {
        List<Target> allowed = allowedOf(key, targets);
        if (!allowed.isEmpty()) {
            return allowed;
        }
        Target primary = targets.get(0);
        String name = key.key().name();
        if (!key.access().containsKey(primary.provider().name())) {
            throw new GovernanceRefusal(403, "provider_blocked", "Virtual key '" + name + "' may not use provider '"
                    + primary.provider().name() + "'" + (key.access().isEmpty() ? " (it may use no provider)."
                            : " (it may use: " + String.join(", ", key.access().keySet()) + ")."), 0);
        }
        throw new GovernanceRefusal(403, "model_blocked", "Virtual key '" + name + "' may not use model '" + primary.model()
                + "' of provider '" + primary.provider().name() + "'.", 0);
    }

    /**
     * Counts the request against every limit on {@code key} for the primary target and reserves its estimated
     * tokens and cost; the reservation is settled when {@code exchange} completes. Fails with a
     * {@link GovernanceRefusal} (429 or 402) when a limit or budget refuses.
     */
    public Future<Verdict> admit(KeyPolicy key, Target primary, InferenceRequest request, Exchange exchange) {
        String provider = primary.provider().name();
        return reserve(key, key.limitsFor(provider), provider, primary.model(), request, exchange);
    }

    /**
     * What a fallback to another provider must pass: that provider's own limits in the key's
     * {@code provider_configs}, admitted (and later settled) the first time an attempt moves to it, since
     * admission saw only the primary's. Null when no target of the request has such limits, so the common
     * request pays nothing for it.
     */
    public AttemptGate gate(KeyPolicy key, List<Target> targets, InferenceRequest request, Exchange exchange) {
        String primary = targets.get(0).provider().name();
        if (targets.stream().map(t -> t.provider().name()).noneMatch(p -> !p.equals(primary) && key.byProvider().containsKey(p))) {
            return null;
        }
        // One request's attempts run one after another on its event loop: a plain set is enough.
        java.util.Set<String> entered = new java.util.HashSet<>(List.of(primary));
        return attempt -> {
            String provider = attempt.provider().name();
            List<Limit> own = key.byProvider().get(provider);
            if (own == null || !entered.add(provider)) {
                return Future.succeededFuture();
            }
            return reserve(key, own, provider, attempt.publicModel(), request, exchange).<Void>mapEmpty().recover(e -> Future.failedFuture(
                    e instanceof GovernanceRefusal g ? new AttemptGate.Refused(g.asProviderError()) : e));
        };
    }

    private Future<Verdict> reserve(KeyPolicy key, List<Limit> limits, String provider, String model, InferenceRequest request,
            Exchange exchange) {
        if (limits.isEmpty()) {
            return Future.succeededFuture(null);
        }
        long input = request.body().length / BYTES_PER_TOKEN;
        long output = request.endpoint() == Endpoint.EMBEDDINGS ? 0
                : Math.min(MAX_OUTPUT_ESTIMATE, request.maxOutputTokens() > 0 ? request.maxOutputTokens() : defaultOutputTokens);
        // Only budgets need the estimated cost; a price lookup for keys with rate limits alone is wasted work.
        long nanoUsd = limits.stream().noneMatch(l -> l.kind() == Limit.Kind.BUDGET) ? 0
                : priceOf(provider, model, exchange.operation()).map(p -> Limit.nanoUsd(p.cost(input, 0, output))).orElse(0L);
        long now = clock.getAsLong();
        return store.admit(limits, input + output, nanoUsd, now).map(v -> {
            if (!v.admitted()) {
                throw refusal(v, now);
            }
            exchange.onComplete(() -> settle(key, v, exchange, provider, model, input));
            return v;
        });
    }

    /**
     * Charges what the exchange used. When the upstream reported no usage although an answer was relayed (a
     * client that left before a stream's usage chunk, an upstream that sends none), the charge is estimated,
     * never zero: the input from the request's size, the output from the stream's events (about a token
     * each), at the model's price. Limits of {@code provider}'s own config are charged only when that
     * provider answered; when a fallback to another one did, they just release their reservation.
     */
    private void settle(KeyPolicy key, Verdict v, Exchange exchange, String provider, String model, long inputEstimate) {
        Usage usage = exchange.usage();
        long tokens;
        long nanoUsd;
        if (usage.known()) {
            tokens = tokens(usage);
            nanoUsd = exchange.costNanoUsd() == null ? 0 : exchange.costNanoUsd();
        } else if (exchange.firstByteNanos() > 0) {
            long output = Math.max(0, exchange.events() - 1);
            tokens = inputEstimate + output;
            nanoUsd = priceOf(provider, model, exchange.operation()).map(p -> Limit.nanoUsd(p.cost(inputEstimate, 0, output))).orElse(0L);
        } else {
            tokens = 0;
            nanoUsd = 0;
        }
        long now = clock.getAsLong();
        AttemptRecord served = exchange.lastAttempt();
        List<Limit> own = key.byProvider().get(provider);
        if (own == null || served == null || served.provider().equals(provider)) {
            store.settle(v, tokens, nanoUsd, now);
            return;
        }
        if (v.limits().size() > own.size()) {
            store.settle(v.only(key.limits()), tokens, nanoUsd, now);
        }
        store.settle(v.only(own), 0, 0, now);
    }

    /**
     * Prices the exchange's answer (run when it completes, before governance settles and telemetry records):
     * its usage at the serving provider's price for the model that answered.
     */
    public void price(Exchange exchange) {
        AttemptRecord attempt = exchange.lastAttempt();
        Usage usage = exchange.usage();
        if (attempt == null || !usage.known()) {
            return;
        }
        String model = exchange.responseModel() != null ? exchange.responseModel() : attempt.model();
        Optional<ModelPrice> price = priceOf(attempt.provider(), model, exchange.operation());
        if (price.isEmpty() && !model.equals(attempt.model())) {
            price = priceOf(attempt.provider(), attempt.model(), exchange.operation());
        }
        price.ifPresent(p -> exchange.cost(Limit.nanoUsd(p.cost(orZero(usage.inputTokens()), orZero(usage.cachedInputTokens()),
                orZero(usage.outputTokens())))));
    }

    /** The configured price; empty before the first configuration (no request is served then anyway). */
    private Optional<ModelPrice> priceOf(String provider, String model, String operation) {
        Pricing p = prices;
        return p == null ? Optional.empty() : p.find(provider, model, operation);
    }

    /** A counter's state now, for {@code /api/governance}. */
    public LimitStore.CounterState state(Limit limit) {
        return store.state(limit, clock.getAsLong());
    }

    /**
     * OpenAI's {@code x-ratelimit-*} headers for an admitted request: for requests and for tokens, the limit
     * with the least left, what is left and when it resets ({@code 1s}, {@code 6m0s}), so clients back off
     * before they are refused.
     */
    public void rateLimitHeaders(Verdict v, MultiMap headers) {
        long now = clock.getAsLong();
        put(headers, v, Limit.Kind.REQUESTS, "requests", now);
        put(headers, v, Limit.Kind.TOKENS, "tokens", now);
    }

    private static void put(MultiMap headers, Verdict v, Limit.Kind kind, String suffix, long now) {
        int tightest = -1;
        long least = Long.MAX_VALUE;
        for (int i = 0; i < v.limits().size(); i++) {
            Limit l = v.limits().get(i);
            if (l.kind() == kind && l.max() - v.used()[i] < least) {
                least = l.max() - v.used()[i];
                tightest = i;
            }
        }
        if (tightest < 0) {
            return;
        }
        Limit l = v.limits().get(tightest);
        long resetMillis = l.window().end(l.window().start(now)) - now;
        headers.set("x-ratelimit-limit-" + suffix, Long.toString(l.max()))
                .set("x-ratelimit-remaining-" + suffix, Long.toString(Math.max(0, least)))
                .set("x-ratelimit-reset-" + suffix, duration(resetMillis));
    }

    /** OpenAI's reset format: {@code 1s}, {@code 6m0s}, {@code 1h2m3s}, {@code 2d3h0m0s}. */
    static String duration(long millis) {
        long s = Math.max(1, (millis + 999) / 1000);
        long d = s / 86_400;
        long h = s % 86_400 / 3600;
        long m = s % 3600 / 60;
        StringBuilder b = new StringBuilder();
        if (d > 0) {
            b.append(d).append('d');
        }
        if (d > 0 || h > 0) {
            b.append(h).append('h');
        }
        if (d > 0 || h > 0 || m > 0) {
            b.append(m).append('m');
        }
        return b.append(s % 60).append('s').toString();
    }

    private static long tokens(Usage usage) {
        return orZero(usage.inputTokens()) + orZero(usage.outputTokens());
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    private static GovernanceRefusal refusal(Verdict v, long now) {
        Limit l = v.refusedBy();
        long retry = Math.max(1, (v.resetAt() - now + 999) / 1000);
        String resets = Instant.ofEpochMilli(v.resetAt()).toString();
        return switch (l.kind()) {
            case REQUESTS -> new GovernanceRefusal(429, "request_limited", "Request limit reached for " + l.owner() + " (" + l.max()
                    + " requests per " + l.window() + ", rate limit '" + l.id() + "'); it resets at " + resets + ".", retry);
            case TOKENS -> new GovernanceRefusal(429, "token_limited", "Token limit reached for " + l.owner() + " (" + l.max()
                    + " tokens per " + l.window() + ", rate limit '" + l.id() + "'); it resets at " + resets + ".", retry);
            case BUDGET -> new GovernanceRefusal(402, "budget_exceeded", String.format(java.util.Locale.ROOT,
                    "Budget '%s' of %s ($%.2f per %s) is spent; it resets at %s.", l.id(), l.owner(), Limit.usd(l.max()), l.window(), resets),
                    retry);
        };
    }
}
