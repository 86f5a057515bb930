package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Bifrost's {@code client} section, the parts Heimdall acts on: body size, content logging, the
 * request log and its retention, whether inference needs a virtual key.
 */
final class ClientReader {

    private final ConfigReader r;

    ClientReader(ConfigReader r) {
        this.r = r;
    }

    ClientConfig read(JsonNode node) {
        if (node == null || node.isNull()) {
            return ClientConfig.DEFAULTS;
        }
        if (!node.isObject()) {
            r.problem("$.client", "must be an object, not " + ConfigReader.kind(node));
            return ClientConfig.DEFAULTS;
        }
        int body = r.integer("$.client.max_request_body_size_mb", node.get("max_request_body_size_mb"),
                ClientConfig.DEFAULTS.maxRequestBodySizeMb(), 1, 2047);
        boolean noContent = r.bool("$.client.disable_content_logging", node.get("disable_content_logging"), false);
        int retention = r.integer("$.client.log_retention_days", node.get("log_retention_days"),
                ClientConfig.DEFAULTS.logRetentionDays(), 1, 36_500);
        boolean logging = r.bool("$.client.enable_logging", node.get("enable_logging"), true);
        // enforce_governance_header is the older name of the same switch.
        boolean legacy = r.bool("$.client.enforce_governance_header", node.get("enforce_governance_header"), false);
        boolean enforce = r.bool("$.client.enforce_auth_on_inference", node.get("enforce_auth_on_inference"), legacy);
        return new ClientConfig(body, noContent, retention, logging, enforce);
    }
}
