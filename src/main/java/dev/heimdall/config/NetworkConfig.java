package dev.heimdall.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * {@code network_config} of a provider, with Bifrost's defaults applied.
 * {@code apiRoot} is the URL the API path ({@code /chat/completions}) is appended to.
 */
public record NetworkConfig(
        URI apiRoot,
        Map<String, Secret> extraHeaders,
        Duration requestTimeout,
        Duration streamIdleTimeout,
        int maxRetries,
        Duration retryBackoffInitial,
        Duration retryBackoffMax,
        int maxConnsPerHost,
        boolean insecureSkipVerify) {

    public static final int DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
    public static final int DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS = 60;
    public static final int DEFAULT_MAX_RETRIES = 0;
    public static final int DEFAULT_BACKOFF_INITIAL_MS = 500;
    public static final int DEFAULT_BACKOFF_MAX_MS = 5000;
    public static final int DEFAULT_MAX_CONNS_PER_HOST = 5000;

    public NetworkConfig {
        extraHeaders = Map.copyOf(extraHeaders);
    }
}
