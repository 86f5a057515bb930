package dev.heimdall.provider;

import dev.heimdall.config.GatewaySettings;
import dev.heimdall.config.NetworkConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keep-alive connection pools to upstreams. Vert.x pools per host and port inside one client, so one
 * client per distinct pool setting ({@code max_conns_per_host}, TLS verification) serves every provider
 * that shares it, and a config reload reuses the warm connections.
 */
@ApplicationScoped
public class UpstreamClients {

    private record PoolKey(int maxConnsPerHost, boolean insecure) {
    }

    private final Vertx vertx;
    private final int connectTimeoutMillis;
    private final Map<PoolKey, HttpClient> clients = new ConcurrentHashMap<>();

    public UpstreamClients(Vertx vertx, GatewaySettings settings) {
        this.vertx = vertx;
        this.connectTimeoutMillis = (int) settings.upstreamConnectTimeout().toMillis();
    }

    public HttpClient forNetwork(NetworkConfig network) {
        return clients.computeIfAbsent(new PoolKey(network.maxConnsPerHost(), network.insecureSkipVerify()), this::create);
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
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(key.maxConnsPerHost()));
    }

    @PreDestroy
    void close() {
        clients.values().forEach(HttpClient::close);
    }
}
