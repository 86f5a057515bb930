package dev.heimdall.config;

import java.util.List;

/** One entry of {@code providers}, keyed in config.json by a built-in provider name. */
public record ProviderConfig(String name, BuiltInProvider kind, List<KeyConfig> keys, NetworkConfig network) {

    public ProviderConfig {
        keys = List.copyOf(keys);
    }

    public boolean serves(String model) {
        return keys.stream().anyMatch(k -> k.serves(model));
    }
}
