package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Validates a config.json tree (Bifrost Gateway Mode schema plus Heimdall's {@code aliases}) and builds
 * a {@link GatewayConfig}. Every problem is collected with its JSON path before failing, so one run
 * of the gateway tells an operator everything that is wrong. Messages never contain secret values.
 */
public final class ConfigParser {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern VERSION_SEGMENT = Pattern.compile("v\\d+[a-z0-9]*");

    private static final Set<String> HEIMDALL_SECTIONS = Set.of("$schema", "providers", "plugins", "client", "aliases", "version");
    /** Bifrost sections Heimdall reads without acting on; they are reported once, not rejected. */
    private static final Set<String> BIFROST_SECTIONS = Set.of("governance", "mcp", "vector_store", "config_store",
            "logs_store", "cluster_config", "auth_config", "encryption_key", "framework", "server", "source_of_truth",
            "env_label", "webhooks", "alerts", "saml_config", "scim_config", "load_balancer_config", "guardrails_config");
    private static final Set<String> PROVIDER_FIELDS = Set.of("keys", "network_config", "concurrency_and_buffer_size",
            "proxy_config", "send_back_raw_request", "send_back_raw_response", "store_raw_request_response",
            "custom_provider_config", "allowed_requests", "openai_config");
    private static final Set<String> KEY_FIELDS = Set.of("id", "name", "value", "weight", "models", "aliases", "enabled",
            "description", "azure_key_config", "vertex_key_config", "bedrock_key_config", "use_for_batch_api",
            "deployments");
    private static final Set<String> NETWORK_FIELDS = Set.of("base_url", "extra_headers",
            "default_request_timeout_in_seconds", "stream_idle_timeout_in_seconds", "max_retries",
            "retry_backoff_initial", "retry_backoff_max", "max_conns_per_host", "insecure_skip_verify", "ca_cert_pem",
            "enforce_http2");

    private final UnaryOperator<String> env;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private int version = 2;
    private OtelConfig otel;

    private ConfigParser(UnaryOperator<String> env) {
        this.env = env;
    }

    /** Parses a config tree; {@code env} looks up environment variables (null when unset). */
    public static ParsedConfig parse(JsonNode root, String source, UnaryOperator<String> env) throws InvalidConfigException {
        ConfigParser parser = new ConfigParser(env);
        GatewayConfig config = parser.root(root);
        if (!parser.problems.isEmpty()) {
            throw new InvalidConfigException(source, parser.problems);
        }
        return new ParsedConfig(config, parser.warnings);
    }

    private GatewayConfig root(JsonNode root) {
        if (!root.isObject()) {
            problem("$", "must be a JSON object with a \"providers\" object, not " + kind(root));
            return GatewayConfig.empty();
        }
        for (String field : iterable(root.fieldNames())) {
            if (BIFROST_SECTIONS.contains(field)) {
                warnings.add("$." + field + " is a Bifrost section Heimdall does not use; it is ignored");
            } else if (!HEIMDALL_SECTIONS.contains(field)) {
                warnings.add("$." + field + " is not a known configuration section; it is ignored");
            }
        }
        JsonNode versionNode = root.get("version");
        if (versionNode != null) {
            if (versionNode.isInt() && (versionNode.intValue() == 1 || versionNode.intValue() == 2)) {
                version = versionNode.intValue();
            } else {
                problem("$.version", "must be 1 or 2");
            }
        }
        Map<String, ProviderConfig> providers = providers(root.get("providers"));
        Map<String, AliasConfig> aliases = aliases(root.get("aliases"), providers);
        List<PluginConfig> plugins = plugins(root.get("plugins"));
        ClientConfig client = client(root.get("client"));
        return new GatewayConfig(providers, aliases, plugins, client, otel);
    }

    private Map<String, ProviderConfig> providers(JsonNode node) {
        Map<String, ProviderConfig> providers = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            warnings.add("$.providers is missing: no model can be served until providers are configured");
            return providers;
        }
        if (node.isArray()) {
            problem("$.providers", "must be an object keyed by provider name (for example {\"openai\": {\"keys\": [...]}}), not an array");
            return providers;
        }
        if (!node.isObject()) {
            problem("$.providers", "must be an object keyed by provider name, not " + kind(node));
            return providers;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String path = "$.providers." + entry.getKey();
            var kind = BuiltInProvider.byName(entry.getKey());
            if (kind.isEmpty()) {
                problem(path, "unknown provider \"" + entry.getKey() + "\"; built-in providers are: " + BuiltInProvider.knownNames());
                continue;
            }
            ProviderConfig provider = provider(path, kind.get(), entry.getValue());
            if (provider != null) {
                providers.put(entry.getKey(), provider);
            }
        }
        return providers;
    }

    private ProviderConfig provider(String path, BuiltInProvider kind, JsonNode node) {
        if (!node.isObject()) {
            problem(path, "must be an object with \"keys\" and \"network_config\", not " + kind(node));
            return null;
        }
        warnUnknown(path, node, PROVIDER_FIELDS);
        NetworkConfig network = network(path + ".network_config", kind, node.get("network_config"));
        List<KeyConfig> keys = keys(path + ".keys", node.get("keys"));
        return new ProviderConfig(kind.configName(), kind, keys, network);
    }

    private List<KeyConfig> keys(String path, JsonNode node) {
        List<KeyConfig> keys = new ArrayList<>();
        if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
            // Keyless upstreams (a local vLLM or Ollama) are common: one unauthenticated key serving any model.
            keys.add(new KeyConfig("default", new Secret(null, ""), 1.0, ModelFilter.ALL, Map.of()));
            return keys;
        }
        if (!node.isArray()) {
            problem(path, "must be an array of keys, not " + kind(node));
            return keys;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String keyPath = path + "[" + i + "]";
            JsonNode k = node.get(i);
            if (!k.isObject()) {
                problem(keyPath, "must be an object with \"value\", not " + kind(k));
                continue;
            }
            warnUnknown(keyPath, k, KEY_FIELDS);
            String name = optionalString(keyPath + ".name", k.get("name"), "key-" + i);
            if (!names.add(name)) {
                problem(keyPath + ".name", "duplicate key name \"" + name + "\" in this provider");
            }
            Secret value = null;
            JsonNode v = k.get("value");
            if (v == null || v.isNull()) {
                problem(keyPath + ".value", "is required (the API key, \"env.NAME\" to read it from the environment, or \"\" for none)");
            } else if (!v.isTextual()) {
                problem(keyPath + ".value", "must be a string, not " + kind(v));
            } else {
                value = secret(keyPath + ".value", v.textValue());
            }
            double weight = 1.0;
            JsonNode w = k.get("weight");
            if (w != null && !w.isNull()) {
                if (!w.isNumber()) {
                    problem(keyPath + ".weight", "must be a number, not " + kind(w));
                } else if (!(w.doubleValue() > 0) || Double.isInfinite(w.doubleValue())) {
                    problem(keyPath + ".weight", "must be greater than 0, got " + w.asText());
                } else {
                    weight = w.doubleValue();
                }
            }
            ModelFilter models = models(keyPath + ".models", k.get("models"));
            Map<String, String> aliases = stringMap(keyPath + ".aliases", k.get("aliases"));
            JsonNode enabled = k.get("enabled");
            if (enabled != null && !enabled.isBoolean()) {
                problem(keyPath + ".enabled", "must be true or false");
            }
            if (value != null && (enabled == null || enabled.booleanValue())) {
                keys.add(new KeyConfig(name, value, weight, models, aliases));
            }
        }
        return keys;
    }

    private ModelFilter models(String path, JsonNode node) {
        if (node == null || node.isNull()) {
            return ModelFilter.ALL;
        }
        if (!node.isArray()) {
            problem(path, "must be an array of model names, not " + kind(node));
            return ModelFilter.ALL;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            if (!m.isTextual() || m.textValue().isBlank()) {
                problem(path + "[" + i + "]", "must be a non-empty model name");
            } else if (m.textValue().equals("*")) {
                return ModelFilter.ALL;
            } else {
                names.add(m.textValue());
            }
        }
        if (names.isEmpty()) {
            if (version == 1) {
                return ModelFilter.ALL;
            }
            warnings.add(path + " is empty, so this key serves no model (use [\"*\"] for all models, or \"version\": 1)");
        }
        return new ModelFilter(false, names);
    }

    private NetworkConfig network(String path, BuiltInProvider kind, JsonNode node) {
        if (node != null && !node.isNull() && !node.isObject()) {
            problem(path, "must be an object, not " + kind(node));
            node = null;
        }
        if (node == null || node.isNull()) {
            node = com.fasterxml.jackson.databind.node.NullNode.getInstance();
        } else {
            warnUnknown(path, node, NETWORK_FIELDS);
        }
        URI apiRoot = apiRoot(path + ".base_url", kind, node.get("base_url"));
        Map<String, Secret> headers = new LinkedHashMap<>();
        JsonNode h = node.get("extra_headers");
        if (h != null && !h.isNull()) {
            if (!h.isObject()) {
                problem(path + ".extra_headers", "must be an object of header names to values, not " + kind(h));
            } else {
                for (Map.Entry<String, JsonNode> e : h.properties()) {
                    String hp = path + ".extra_headers." + e.getKey();
                    if (!HEADER_NAME.matcher(e.getKey()).matches()) {
                        problem(hp, "is not a valid HTTP header name");
                    } else if (!e.getValue().isTextual()) {
                        problem(hp, "must be a string, not " + kind(e.getValue()));
                    } else {
                        headers.put(e.getKey(), secret(hp, e.getValue().textValue()));
                    }
                }
            }
        }
        int timeout = integer(path + ".default_request_timeout_in_seconds", node.get("default_request_timeout_in_seconds"),
                NetworkConfig.DEFAULT_REQUEST_TIMEOUT_SECONDS, 1, 86_400);
        int idle = integer(path + ".stream_idle_timeout_in_seconds", node.get("stream_idle_timeout_in_seconds"),
                NetworkConfig.DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS, 1, 86_400);
        int retries = integer(path + ".max_retries", node.get("max_retries"), NetworkConfig.DEFAULT_MAX_RETRIES, 0, 100);
        int backoffInitial = integer(path + ".retry_backoff_initial", node.get("retry_backoff_initial"),
                NetworkConfig.DEFAULT_BACKOFF_INITIAL_MS, 0, 3_600_000);
        int backoffMax = integer(path + ".retry_backoff_max", node.get("retry_backoff_max"),
                NetworkConfig.DEFAULT_BACKOFF_MAX_MS, 0, 3_600_000);
        if (backoffMax < backoffInitial) {
            problem(path + ".retry_backoff_max", "must be at least retry_backoff_initial (" + backoffInitial + " ms)");
        }
        int conns = integer(path + ".max_conns_per_host", node.get("max_conns_per_host"),
                NetworkConfig.DEFAULT_MAX_CONNS_PER_HOST, 1, 10_000);
        JsonNode insecure = node.get("insecure_skip_verify");
        if (insecure != null && !insecure.isNull() && !insecure.isBoolean()) {
            problem(path + ".insecure_skip_verify", "must be true or false");
        }
        return new NetworkConfig(apiRoot, headers, Duration.ofSeconds(timeout), Duration.ofSeconds(idle), retries,
                Duration.ofMillis(backoffInitial), Duration.ofMillis(backoffMax), conns,
                insecure != null && insecure.asBoolean(false));
    }

    /**
     * base_url is given as in the seeds ({@code http://vllm-service:8000}, no /v1): the API root is the URL
     * plus /v1, unless its path already carries a version segment ({@code /v1}, {@code /openai/v1},
     * {@code /v1beta/openai}), in which case it is used as it is, so /v1 is never doubled.
     */
    private URI apiRoot(String path, BuiltInProvider kind, JsonNode node) {
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isBlank())) {
            return kind.defaultApiRoot().map(URI::create).orElse(null);
        }
        if (!node.isTextual()) {
            problem(path, "must be a URL string, not " + kind(node));
            return null;
        }
        Secret raw = secret(path, node.textValue());
        if (raw == null) {
            return null;
        }
        String text = raw.value().strip();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            problem(path, "is not a valid URL: " + e.getReason());
            return null;
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            problem(path, "must be an absolute http:// or https:// URL with a host (for example http://vllm-service:8000)");
            return null;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            problem(path, "must not have a query or fragment");
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            problem(path, "must not carry credentials; put the key in keys[].value");
            return null;
        }
        String p = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        boolean versioned = false;
        for (String segment : p.split("/")) {
            versioned |= VERSION_SEGMENT.matcher(segment).matches();
        }
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + p + (versioned ? "" : "/v1"));
    }

    private Map<String, AliasConfig> aliases(JsonNode node, Map<String, ProviderConfig> providers) {
        Map<String, AliasConfig> aliases = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return aliases;
        }
        if (!node.isObject()) {
            problem("$.aliases", "must be an object mapping a public model name to \"provider/model\" or a list of them");
            return aliases;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = "$.aliases." + e.getKey();
            List<String> targets = new ArrayList<>();
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                targets.add(v.textValue());
            } else if (v.isArray() && !v.isEmpty()) {
                for (int i = 0; i < v.size(); i++) {
                    if (v.get(i).isTextual()) {
                        targets.add(v.get(i).textValue());
                    } else {
                        problem(path + "[" + i + "]", "must be a \"provider/model\" string");
                    }
                }
            } else {
                problem(path, "must be a \"provider/model\" string or a non-empty list of them");
                continue;
            }
            for (int i = 0; i < targets.size(); i++) {
                String t = targets.get(i);
                String tp = v.isArray() ? path + "[" + i + "]" : path;
                int slash = t.indexOf('/');
                ProviderConfig provider = slash > 0 ? providers.get(t.substring(0, slash)) : null;
                if (provider == null) {
                    problem(tp, "target \"" + t + "\" must start with a configured provider (" + String.join(", ", providers.keySet()) + ")");
                } else if (!provider.serves(t.substring(slash + 1))) {
                    problem(tp, "no key of provider \"" + provider.name() + "\" serves model \"" + t.substring(slash + 1) + "\"");
                }
            }
            aliases.put(e.getKey(), new AliasConfig(e.getKey(), targets));
        }
        return aliases;
    }

    private List<PluginConfig> plugins(JsonNode node) {
        List<PluginConfig> plugins = new ArrayList<>();
        if (node == null || node.isNull()) {
            return plugins;
        }
        if (!node.isArray()) {
            problem("$.plugins", "must be an array of plugin objects, not " + kind(node));
            return plugins;
        }
        for (int i = 0; i < node.size(); i++) {
            String path = "$.plugins[" + i + "]";
            JsonNode p = node.get(i);
            if (!p.isObject() || !p.path("name").isTextual()) {
                problem(path, "must be an object with a \"name\"");
                continue;
            }
            String name = p.get("name").textValue();
            JsonNode enabledNode = p.get("enabled");
            if (enabledNode != null && !enabledNode.isBoolean()) {
                problem(path + ".enabled", "must be true or false");
            }
            boolean enabled = enabledNode == null || enabledNode.asBoolean(true);
            JsonNode config = p.path("config");
            if (!config.isMissingNode() && !config.isNull() && !config.isObject()) {
                problem(path + ".config", "must be an object");
            }
            if (!name.equals("otel")) {
                warnings.add(path + " plugin \"" + name + "\" is not supported by Heimdall; it is ignored");
            } else if (enabled) {
                if (otel != null) {
                    problem(path, "a second enabled otel plugin; keep one");
                }
                otel = otel(path + ".config", config);
            }
            plugins.add(new PluginConfig(name, enabled, config));
        }
        return plugins;
    }

    /** Reads the otel plugin now so a typo or unset env stops start-up instead of losing traces. */
    private OtelConfig otel(String path, JsonNode config) {
        URI collector = null;
        JsonNode url = config.get("collector_url");
        if (url == null || !url.isTextual() || url.textValue().isBlank()) {
            problem(path + ".collector_url", "is required (for Langfuse: http://<host>:3000/api/public/otel/v1/traces)");
        } else {
            Secret resolved = secret(path + ".collector_url", url.textValue());
            if (resolved != null) {
                try {
                    URI u = new URI(resolved.value().strip());
                    if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                        problem(path + ".collector_url", "must be an absolute http:// or https:// URL");
                    } else {
                        collector = u;
                    }
                } catch (URISyntaxException e) {
                    problem(path + ".collector_url", "is not a valid URL: " + e.getReason());
                }
            }
        }
        Map<String, Secret> headers = new LinkedHashMap<>();
        JsonNode h = config.get("headers");
        if (h != null && h.isObject()) {
            for (Map.Entry<String, JsonNode> e : h.properties()) {
                if (!e.getValue().isTextual()) {
                    problem(path + ".headers." + e.getKey(), "must be a string");
                } else if (!HEADER_NAME.matcher(e.getKey()).matches()) {
                    problem(path + ".headers." + e.getKey(), "is not a valid HTTP header name");
                } else {
                    Secret v = secret(path + ".headers." + e.getKey(), e.getValue().textValue());
                    if (v != null) {
                        headers.put(e.getKey(), v);
                    }
                }
            }
        } else if (h != null && !h.isNull()) {
            problem(path + ".headers", "must be an object of header names to values");
        }
        String traceType = text(config, "trace_type", "otel");
        if (!traceType.equals("otel") && !traceType.equals("genai_extension")) {
            problem(path + ".trace_type", "must be \"otel\" or \"genai_extension\"");
        }
        String protocol = text(config, "protocol", "http");
        if (!protocol.equals("http") && !protocol.equals("grpc")) {
            problem(path + ".protocol", "must be \"http\" or \"grpc\"");
        } else if (protocol.equals("grpc")) {
            warnings.add(path + ".protocol \"grpc\" is exported as OTLP/HTTP protobuf to collector_url; point it at the collector's HTTP port (4318)");
        }
        String serviceName = text(config, "service_name", "heimdall");
        return collector == null ? null : new OtelConfig(collector, headers, serviceName, protocol, traceType);
    }

    private static String text(JsonNode config, String field, String dflt) {
        JsonNode n = config.get(field);
        return n != null && n.isTextual() && !n.textValue().isBlank() ? n.textValue() : dflt;
    }

    private ClientConfig client(JsonNode node) {
        if (node == null || node.isNull()) {
            return ClientConfig.DEFAULTS;
        }
        if (!node.isObject()) {
            problem("$.client", "must be an object, not " + kind(node));
            return ClientConfig.DEFAULTS;
        }
        int body = integer("$.client.max_request_body_size_mb", node.get("max_request_body_size_mb"),
                ClientConfig.DEFAULTS.maxRequestBodySizeMb(), 1, 2047);
        JsonNode noContent = node.get("disable_content_logging");
        if (noContent != null && !noContent.isBoolean()) {
            problem("$.client.disable_content_logging", "must be true or false");
        }
        int retention = integer("$.client.log_retention_days", node.get("log_retention_days"),
                ClientConfig.DEFAULTS.logRetentionDays(), 1, 36_500);
        JsonNode logging = node.get("enable_logging");
        if (logging != null && !logging.isBoolean()) {
            problem("$.client.enable_logging", "must be true or false");
        }
        return new ClientConfig(body, noContent != null && noContent.asBoolean(false), retention, logging == null || logging.asBoolean(true));
    }

    /** Resolves {@code env.NAME}; an unset variable is a problem (Bifrost would silently send ""). */
    private Secret secret(String path, String text) {
        if (!text.startsWith("env.")) {
            return new Secret(null, text);
        }
        String name = text.substring(4);
        if (!ENV_NAME.matcher(name).matches()) {
            problem(path, "\"" + text + "\" is not a valid environment reference (env.NAME with letters, digits and _)");
            return null;
        }
        String value = env.apply(name);
        if (value == null) {
            problem(path, "environment variable " + name + " is not set");
            return null;
        }
        return new Secret(text, value);
    }

    private int integer(String path, JsonNode node, int dflt, int min, int max) {
        if (node == null || node.isNull()) {
            return dflt;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            problem(path, "must be a whole number, not " + kind(node));
            return dflt;
        }
        int v = node.intValue();
        if (v < min || v > max) {
            problem(path, "must be between " + min + " and " + max + ", got " + v);
            return dflt;
        }
        return v;
    }

    private String optionalString(String path, JsonNode node, String dflt) {
        if (node == null || node.isNull()) {
            return dflt;
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            problem(path, "must be a non-empty string");
            return dflt;
        }
        return node.textValue();
    }

    private Map<String, String> stringMap(String path, JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            problem(path, "must be an object mapping a public model name to the upstream model name");
            return map;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual() || e.getValue().textValue().isBlank()) {
                problem(path + "." + e.getKey(), "must be a non-empty model name");
            } else {
                map.put(e.getKey(), e.getValue().textValue());
            }
        }
        return map;
    }

    private void warnUnknown(String path, JsonNode node, Set<String> known) {
        for (String field : iterable(node.fieldNames())) {
            if (!known.contains(field)) {
                warnings.add(path + "." + field + " is not a known field; it is ignored");
            }
        }
    }

    private void problem(String path, String reason) {
        problems.add(new ConfigProblem(path, reason));
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}
