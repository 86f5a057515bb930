package dev.heimdall.config;

/** The parts of Bifrost's {@code client} section that Heimdall acts on. */
public record ClientConfig(int maxRequestBodySizeMb, boolean disableContentLogging, int logRetentionDays, boolean enableLogging) {

    public static final ClientConfig DEFAULTS = new ClientConfig(100, false, 365, true);

    public long maxRequestBodyBytes() {
        return maxRequestBodySizeMb * 1024L * 1024L;
    }
}
