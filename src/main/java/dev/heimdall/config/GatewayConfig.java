package dev.heimdall.config;

import java.util.List;
import java.util.Map;

/** A whole, validated config.json with secrets resolved. Immutable. {@code otel} is null when tracing is off. */
public record GatewayConfig(
        Map<String, ProviderConfig> providers,
        Map<String, AliasConfig> aliases,
        List<PluginConfig> plugins,
        ClientConfig client,
        OtelConfig otel,
        GovernanceConfig governance) {

    public GatewayConfig {
        providers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(providers));
        aliases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(aliases));
        plugins = List.copyOf(plugins);
    }

    public static GatewayConfig empty() {
        return new GatewayConfig(Map.of(), Map.of(), List.of(), ClientConfig.DEFAULTS, null, GovernanceConfig.NONE);
    }
}
