package dev.heimdall.provider;

import dev.heimdall.config.ApiFamily;
import dev.heimdall.config.GatewaySettings;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.KeyConfig;
import dev.heimdall.config.ProviderConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Asks upstreams that accept any model which models they serve, so that {@code GET /v1/models} lists
 * them and a bare name (Cursor's {@code glm-5}) can route to them. Runs after each config change and then
 * periodically, off the request path; a failing upstream keeps its last answer and is logged once per change.
 */
@ApplicationScoped
public class ModelDiscovery {

    private static final Logger LOG = Logger.getLogger(ModelDiscovery.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final Event<DiscoveredModels> published;
    private final Vertx vertx;
    private final Duration interval;
    private volatile ConfigSnapshot snapshot;
    private volatile DiscoveredModels current = DiscoveredModels.NONE;
    private long timer = -1;

    public ModelDiscovery(Event<DiscoveredModels> published, Vertx vertx, GatewaySettings settings) {
        this.published = published;
        this.vertx = vertx;
        this.interval = settings.modelDiscoveryInterval();
    }

    public DiscoveredModels current() {
        return current;
    }

    void onConfig(@Observes ConfigSnapshot next) {
        snapshot = next;
        if (interval.isZero()) {
            return;
        }
        // Refresh off the publishing thread: the config swap must not wait on upstreams.
        vertx.runOnContext(v -> refresh());
        if (timer < 0) {
            timer = vertx.setPeriodic(interval.toMillis(), id -> refresh());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void refresh() {
        ConfigSnapshot config = snapshot;
        List<Uni<Map.Entry<String, List<String>>>> calls = new ArrayList<>();
        for (ProviderConfig p : config.config().providers().values()) {
            anyModelKey(p).ifPresent(key -> calls.add(list(p, key)));
        }
        if (calls.isEmpty()) {
            publish(config, Map.of());
            return;
        }
        Uni.join().all(calls).andCollectFailures().subscribe().with(
                results -> publish(config, toMap(results)),
                failure -> LOG.debugf("Model discovery failed: %s", failure.toString()));
    }

    private Uni<Map.Entry<String, List<String>>> list(ProviderConfig p, KeyConfig key) {
        String auth = key.value().isEmpty() ? null : "Bearer " + key.value().value();
        UpstreamModelsApi api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(p.network().apiRoot())
                .connectTimeout(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .register((ClientRequestFilter) request -> p.network().extraHeaders()
                        .forEach((name, value) -> request.getHeaders().putSingle(name, value.value())))
                .build(UpstreamModelsApi.class);
        List<String> previous = current.byProvider().getOrDefault(p.name(), List.of());
        return api.list(auth)
                .ifNoItem().after(CALL_TIMEOUT).fail()
                .map(list -> list == null || list.data() == null ? List.<String>of()
                        : list.data().stream().map(UpstreamModelsApi.Model::id).filter(id -> id != null && !id.isBlank()).toList())
                .onFailure().recoverWithItem(e -> {
                    LOG.infof("Provider '%s' did not list its models (%s); keeping %d known", p.name(),
                            e.getClass().getSimpleName(), previous.size());
                    return previous;
                })
                .map(ids -> Map.entry(p.name(), ids));
    }

    private void publish(ConfigSnapshot config, Map<String, List<String>> found) {
        if (config != snapshot) {
            return; // a newer config arrived meanwhile; its own refresh publishes
        }
        DiscoveredModels next = new DiscoveredModels(found);
        if (!next.equals(current)) {
            current = next;
            published.fire(next);
            found.forEach((provider, ids) -> LOG.infof("Provider '%s' serves %d models: %s", provider, ids.size(),
                    ids.size() > 20 ? ids.subList(0, 20) + "…" : ids));
        }
    }

    private static Map<String, List<String>> toMap(List<Map.Entry<String, List<String>>> results) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        results.forEach(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }

    private static Optional<KeyConfig> anyModelKey(ProviderConfig p) {
        if (p.kind().family() != ApiFamily.OPENAI_COMPATIBLE || p.network().apiRoot() == null) {
            return Optional.empty();
        }
        return p.keys().stream().filter(k -> k.models().all()).findFirst();
    }
}
