package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code plugins}: every entry is kept (and reported when Heimdall does not run it); the enabled
 * {@code otel} plugin is read whole here, so a typo or an unset env stops start-up instead of losing traces.
 */
final class PluginsReader {

    /** The plugins as written, and the tracing they configure (null: off). */
    record Plugins(List<PluginConfig> all, OtelConfig otel) {
    }

    private final ConfigReader r;

    PluginsReader(ConfigReader r) {
        this.r = r;
    }

    Plugins read(JsonNode node) {
        List<PluginConfig> plugins = new ArrayList<>();
        OtelConfig otel = null;
        if (node == null || node.isNull()) {
            return new Plugins(plugins, null);
        }
        if (!node.isArray()) {
            r.problem("$.plugins", "must be an array of plugin objects, not " + ConfigReader.kind(node));
            return new Plugins(plugins, null);
        }
        for (int i = 0; i < node.size(); i++) {
            String path = "$.plugins[" + i + "]";
            JsonNode p = node.get(i);
            if (!p.isObject() || !p.path("name").isTextual()) {
                r.problem(path, "must be an object with a \"name\"");
                continue;
            }
            String name = p.get("name").textValue();
            boolean enabled = r.bool(path + ".enabled", p.get("enabled"), true);
            JsonNode config = p.path("config");
            if (!config.isMissingNode() && !config.isNull() && !config.isObject()) {
                r.problem(path + ".config", "must be an object");
            }
            if (!name.equals("otel")) {
                r.warn(path + " plugin \"" + name + "\" is not supported by Heimdall; it is ignored");
            } else if (enabled) {
                if (otel != null) {
                    r.problem(path, "a second enabled otel plugin; keep one");
                }
                otel = otel(path + ".config", config);
            }
            plugins.add(new PluginConfig(name, enabled, config));
        }
        return new Plugins(plugins, otel);
    }

    private OtelConfig otel(String path, JsonNode config) {
        URI collector = null;
        JsonNode url = config.get("collector_url");
        if (url == null || !url.isTextual() || url.textValue().isBlank()) {
            r.problem(path + ".collector_url", "is required (for Langfuse: http://<host>:3000/api/public/otel/v1/traces)");
        } else {
            Secret resolved = r.secret(path + ".collector_url", url.textValue());
            if (resolved != null) {
                try {
                    URI u = new URI(resolved.value().strip());
                    if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                        r.problem(path + ".collector_url", "must be an absolute http:// or https:// URL");
                    } else {
                        collector = u;
                    }
                } catch (URISyntaxException e) {
                    r.problem(path + ".collector_url", "is not a valid URL: " + e.getReason());
                }
            }
        }
        Map<String, Secret> headers = new LinkedHashMap<>();
        JsonNode h = config.get("headers");
        if (h != null && h.isObject()) {
            for (Map.Entry<String, JsonNode> e : h.properties()) {
                if (!e.getValue().isTextual()) {
                    r.problem(path + ".headers." + e.getKey(), "must be a string");
                } else if (!ConfigReader.HEADER_NAME.matcher(e.getKey()).matches()) {
                    r.problem(path + ".headers." + e.getKey(), "is not a valid HTTP header name");
                } else {
                    Secret v = r.secret(path + ".headers." + e.getKey(), e.getValue().textValue());
                    if (v != null) {
                        headers.put(e.getKey(), v);
                    }
                }
            }
        } else if (h != null && !h.isNull()) {
            r.problem(path + ".headers", "must be an object of header names to values");
        }
        String traceType = text(config, "trace_type", "otel");
        if (!traceType.equals("otel") && !traceType.equals("genai_extension")) {
            r.problem(path + ".trace_type", "must be \"otel\" or \"genai_extension\"");
        }
        String protocol = text(config, "protocol", "http");
        if (!protocol.equals("http") && !protocol.equals("grpc")) {
            r.problem(path + ".protocol", "must be \"http\" or \"grpc\"");
        } else if (protocol.equals("grpc")) {
            r.warn(path + ".protocol \"grpc\" is exported as OTLP/HTTP protobuf to collector_url; point it at the collector's HTTP port (4318)");
        }
        String serviceName = text(config, "service_name", "heimdall");
        return collector == null ? null : new OtelConfig(collector, headers, serviceName, protocol, traceType);
    }

    private static String text(JsonNode config, String field, String dflt) {
        JsonNode n = config.get(field);
        return n != null && n.isTextual() && !n.textValue().isBlank() ? n.textValue() : dflt;
    }
}
