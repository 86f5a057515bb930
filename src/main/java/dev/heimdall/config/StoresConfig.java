package dev.heimdall.config;

import dev.heimdall.store.StoreLocation;

/**
 * Bifrost's {@code config_store} and {@code logs_store}: where the configuration and the request log are kept.
 * Read once at start-up (the stores are opened before anything else); a change needs a restart.
 */
public record StoresConfig(StoreLocation config, StoreLocation logs) {

    public static final StoresConfig LOCAL = new StoresConfig(StoreLocation.LOCAL, StoreLocation.LOCAL);
}
