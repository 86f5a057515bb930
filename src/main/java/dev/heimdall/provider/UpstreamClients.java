package dev.heimdall.provider;

import dev.heimdall.config.GatewaySettings;
import dev.heimdall.config.NetworkConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keep-alive connection pools to upstreams, one client per event loop and pool setting
 * ({@code max_conns_per_host}, TLS verification). A client used from a single event loop keeps all its
 * connections on that loop, so a request and its upstream call never hop threads; a config reload reuses
 * the warm connections.
 */
@Singleton
public class UpstreamClients {

    private record PoolKey(Thread eventLoop, int maxConnsPerHost, boolean insecure) {
    }

    /** Where an endpoint of a provider is, parsed once rather than on every request. */
    private record Location(String apiRoot, String path) {
    }

    private final Vertx vertx;
    private final int connectTimeoutMillis;
    private final int eventLoops;
    private final Map<PoolKey, HttpClient> clients = new ConcurrentHashMap<>();
    private final Map<Location, RequestOptions> locations = new ConcurrentHashMap<>();

    public UpstreamClients(Vertx vertx, GatewaySettings settings) {
        this.vertx = vertx;
        this.connectTimeoutMillis = (int) settings.upstreamConnectTimeout().toMillis();
        this.eventLoops = Math.max(1, 2 * Runtime.getRuntime().availableProcessors());
    }

    /** The client for the calling event loop (one shared client when called from elsewhere). */
    public HttpClient forNetwork(NetworkConfig network) {
        Thread loop = Context.isOnEventLoopThread() ? Thread.currentThread() : null;
        return clients.computeIfAbsent(new PoolKey(loop, network.maxConnsPerHost(), network.insecureSkipVerify()), this::create);
    }

    /** POST options for an endpoint of an API root; callers must not modify them. */
    public RequestOptions options(URI apiRoot, String path) {
        return locations.computeIfAbsent(new Location(apiRoot.toString(), path),
                l -> new RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST).setAbsoluteURI(l.apiRoot() + l.path()));
    }

    private HttpClient create(PoolKey key) {
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setConnectTimeout(connectTimeoutMillis)
                .setDecompressionSupported(false)
                .setVerifyHost(!key.insecure())
                .setTrustAll(key.insecure());
        // max_conns_per_host is for the whole gateway: each event loop's pool gets its share.
        int perLoop = key.eventLoop() == null ? key.maxConnsPerHost() : Math.max(1, key.maxConnsPerHost() / eventLoops);
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(perLoop));
    }

    @PreDestroy
    void close() {
        clients.values().forEach(HttpClient::close);
    }
}
