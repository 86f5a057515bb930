package dev.heimdall.config;

/**
 * The parts of Bifrost's {@code client} section that Heimdall acts on. {@code enforceAuthOnInference} is the
 * file's flag; {@link GovernanceConfig#enforceAuth()} is what applies (auth_config may override it).
 */
public record ClientConfig(int maxRequestBodySizeMb, boolean disableContentLogging, int logRetentionDays, boolean enableLogging,
        boolean enforceAuthOnInference) {

    public static final ClientConfig DEFAULTS = new ClientConfig(100, false, 365, true, false);

    public long maxRequestBodyBytes() {
        return maxRequestBodySizeMb * 1024L * 1024L;
    }
}
