package dev.heimdall.config;

import java.net.URI;
import java.util.Map;

/**
 * Bifrost's {@code otel} plugin: where traces go and how. {@code headers} values may be secrets
 * (Langfuse's {@code Authorization: Basic …}); they are resolved, never shown.
 */
public record OtelConfig(URI collectorUrl, Map<String, Secret> headers, String serviceName, String protocol, String traceType) {

    public OtelConfig {
        headers = Map.copyOf(headers);
    }
}
