package dev.heimdall.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Heimdall's own settings ({@code heimdall.*}, or HEIMDALL_* in the environment). {@code app-dir} is
 * Bifrost's {@code -app-dir}: it holds config.json and the SQLite file config.db.
 */
@ConfigMapping(prefix = "heimdall")
public interface AppDirectory {

    /** Folder with config.json and config.db. */
    String appDir();

    /** How often config.json is checked for changes; 0 turns live reload off. */
    @WithDefault("2s")
    Duration configWatchInterval();

    /** Time allowed to open a TCP (and TLS) connection to an upstream. */
    @WithDefault("10s")
    Duration upstreamConnectTimeout();

    /** How often upstreams that accept any model are asked for their model list; 0 turns it off. */
    @WithDefault("5m")
    Duration modelDiscoveryInterval();
}
