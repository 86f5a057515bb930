package dev.heimdall.config;

import java.util.List;

/**
 * A gateway-level public model name (Heimdall's {@code aliases} section) mapped to one or more
 * targets in order of preference; the first is the primary, the rest its fallback chain.
 */
public record AliasConfig(String name, List<String> targets) {

    public AliasConfig {
        targets = List.copyOf(targets);
    }
}
