package dev.heimdall.provider;

import dev.heimdall.config.ApiFamily;
import dev.heimdall.config.GatewaySettings;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.KeyConfig;
import dev.heimdall.config.ProviderConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Asks upstreams that accept any model which models they serve, so that {@code GET /v1/models} lists
 * them and a bare name (Cursor's {@code glm-5}) can route to them. Runs after each config change and then
 * periodically, off the request path; a failing upstream keeps its last answer and is logged once per change.
 * The call goes through the same pooled client as inference ({@link UpstreamClients}): one HTTP stack for
 * everything Heimdall sends a provider, with the provider's headers and timeouts.
 */
@ApplicationScoped
public class ModelDiscovery {

    private static final Logger LOG = Logger.getLogger(ModelDiscovery.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final Event<DiscoveredModels> published;
    private final Vertx vertx;
    private final UpstreamClients clients;
    private final Duration interval;
    private volatile ConfigSnapshot snapshot;
    private volatile DiscoveredModels current = DiscoveredModels.NONE;
    private long timer = -1;

    public ModelDiscovery(Event<DiscoveredModels> published, Vertx vertx, UpstreamClients clients, GatewaySettings settings) {
        this.published = published;
        this.vertx = vertx;
        this.clients = clients;
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
        List<Future<Map.Entry<String, List<String>>>> calls = new ArrayList<>();
        for (ProviderConfig p : config.config().providers().values()) {
            anyModelKey(p).ifPresent(key -> calls.add(list(p, key)));
        }
        // Each call recovers into the provider's previous list, so all of them complete.
        Future.join(calls).onComplete(done -> publish(config, toMap(calls)));
    }

    /** {@code GET {api root}/models}: OpenAI's list body, of which only the ids matter. */
    private Future<Map.Entry<String, List<String>>> list(ProviderConfig p, KeyConfig key) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(p.network().apiRoot() + "/models").setTimeout(CALL_TIMEOUT.toMillis())
                .putHeader("Accept", "application/json");
        OpenAiUpstream.PLAIN.auth(key, options.getHeaders());
        p.network().extraHeaders().forEach((name, value) -> options.putHeader(name, value.value()));
        List<String> previous = current.byProvider().getOrDefault(p.name(), List.of());
        // A deadline for the whole call: the client's timeout is per idle gap, and an upstream may trickle.
        Promise<Buffer> answer = Promise.promise();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        long deadline = vertx.setTimer(CALL_TIMEOUT.toMillis(), id -> {
            if (answer.tryFail("no answer in " + CALL_TIMEOUT.toSeconds() + " s") && sent.get() != null) {
                sent.get().reset();
            }
        });
        clients.forNetwork(p.network()).request(options)
                .compose(req -> {
                    sent.set(req);
                    return req.send();
                })
                .compose(res -> res.statusCode() == 200 ? res.body() : Future.failedFuture("HTTP " + res.statusCode()))
                .onComplete(ar -> {
                    vertx.cancelTimer(deadline);
                    if (ar.succeeded()) {
                        answer.tryComplete(ar.result());
                    } else {
                        answer.tryFail(ar.cause());
                    }
                });
        return answer.future()
                .map(ModelDiscovery::ids)
                .recover(e -> {
                    LOG.infof("Provider '%s' did not list its models (%s); keeping %d known", p.name(),
                            e.getMessage() != null && (e.getMessage().startsWith("HTTP ") || e.getMessage().startsWith("no answer"))
                                    ? e.getMessage() : e.getClass().getSimpleName(),
                            previous.size());
                    return Future.succeededFuture(previous);
                })
                .map(ids -> Map.entry(p.name(), ids));
    }

    /** The ids of {@code {"data": [{"id": ...}]}}; anything else in the body is ignored. */
    private static List<String> ids(Buffer body) {
        JsonArray data = new JsonObject(body).getJsonArray("data");
        List<String> ids = new ArrayList<>();
        if (data != null) {
            for (Object o : data) {
                if (o instanceof JsonObject m && m.getValue("id") instanceof String id && !id.isBlank()) {
                    ids.add(id);
                }
            }
        }
        return ids;
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

    private static Map<String, List<String>> toMap(List<Future<Map.Entry<String, List<String>>>> calls) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        calls.stream().filter(Future::succeeded).map(Future::result).forEach(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }

    private static Optional<KeyConfig> anyModelKey(ProviderConfig p) {
        if (p.kind().family() != ApiFamily.OPENAI_COMPATIBLE || p.network().apiRoot() == null) {
            return Optional.empty();
        }
        return p.keys().stream().filter(k -> k.models().all()).findFirst();
    }
}
