package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;

/** An entry of {@code plugins}; {@code config} is kept as JSON for the plugin that reads it. */
public record PluginConfig(String name, boolean enabled, JsonNode config) {
}
