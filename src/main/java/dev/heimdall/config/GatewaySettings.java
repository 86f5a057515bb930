package dev.heimdall.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Heimdall's own settings ({@code heimdall.*} in application.properties, or HEIMDALL_* in the environment);
 * everything a config.json carries stays in config.json.
 */
@ConfigMapping(prefix = "heimdall")
public interface GatewaySettings {

    /** Bifrost's {@code -app-dir}: the folder with config.json and the SQLite file config.db. */
    String appDir();

    /**
     * How many replicas run this gateway (the generated manifests set it from {@code quarkus.kubernetes.replicas}).
     * With SQLite stores and more than one, the management API and the web UI say that writes reach this pod only.
     */
    @WithDefault("1")
    int replicas();

    /** How often config.json is checked for changes; 0 turns live reload off. */
    @WithDefault("2s")
    Duration configWatchInterval();

    /** Time allowed to open a TCP (and TLS) connection to an upstream. */
    @WithDefault("10s")
    Duration upstreamConnectTimeout();

    /** How often upstreams that accept any model are asked for their model list; 0 turns it off. */
    @WithDefault("5m")
    Duration modelDiscoveryInterval();

    /** Inference requests in flight before new ones are answered 429 with Retry-After. */
    @WithDefault("4096")
    int maxInFlight();

    /** Requests waiting for their spans to be built and exported; beyond it their spans are dropped and counted. */
    @WithDefault("4096")
    int traceQueueSize();

    /** Bytes of message text a span attribute (input or output messages) carries before it is truncated with a marker. */
    @WithDefault("32768")
    int traceContentLimit();

    /** How long spans wait to be exported in a batch. */
    @WithDefault("2s")
    Duration traceExportDelay();

    /** Request-log entries waiting to be written to SQLite; beyond it entries are dropped and counted. */
    @WithDefault("10000")
    int requestLogQueueSize();

    Governance governance();

    Admin admin();

    /** The management API and the web UI. */
    interface Admin {

        /** How long a login (the web UI's session) lasts. */
        @WithDefault("8h")
        Duration sessionTtl();
    }

    /** Governance's counters (see the README's Governance section). */
    interface Governance {

        /** Output tokens reserved at admission for a request without max_tokens / max_completion_tokens. */
        @WithDefault("4096")
        long defaultOutputReservation();

        /** How often in-memory counters are written to SQLite. */
        @WithDefault("5s")
        Duration persistInterval();

        /**
         * How long a reservation in Redis outlives its admission when its request never settles (its pod was
         * killed): then it is released, so a dead pod cannot hold a month's budget. Longer than any request.
         */
        @WithDefault("15m")
        Duration reservationTtl();

        /** How long admission waits for Redis before it counts as unavailable. */
        @WithDefault("1s")
        Duration redisTimeout();

        /** While Redis does not answer: {@code local} (count in this pod's memory) or {@code refuse} (503). */
        @WithDefault("local")
        String redisUnavailable();
    }
}
