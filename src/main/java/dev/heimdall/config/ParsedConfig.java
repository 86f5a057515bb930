package dev.heimdall.config;

import java.util.List;

/** A valid configuration and the warnings (ignored or unknown fields) found while reading it. */
public record ParsedConfig(GatewayConfig config, List<String> warnings) {

    public ParsedConfig {
        warnings = List.copyOf(warnings);
    }
}
