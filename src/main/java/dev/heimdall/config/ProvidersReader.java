package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code providers}: each built-in provider's keys (names, values, weights, models, aliases) and
 * {@code network_config} (the API root from {@code base_url}, headers, timeouts, retries, pool size).
 */
final class ProvidersReader {

    private static final Pattern VERSION_SEGMENT = Pattern.compile("v\\d+[a-z0-9]*");
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

    private final ConfigReader r;

    ProvidersReader(ConfigReader r) {
        this.r = r;
    }

    Map<String, ProviderConfig> read(JsonNode node) {
        Map<String, ProviderConfig> providers = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            r.warn("$.providers is missing: no model can be served until providers are configured");
            return providers;
        }
        if (node.isArray()) {
            r.problem("$.providers", "must be an object keyed by provider name (for example {\"openai\": {\"keys\": [...]}}), not an array");
            return providers;
        }
        if (!node.isObject()) {
            r.problem("$.providers", "must be an object keyed by provider name, not " + ConfigReader.kind(node));
            return providers;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String path = "$.providers." + entry.getKey();
            var kind = BuiltInProvider.byName(entry.getKey());
            if (kind.isEmpty()) {
                r.problem(path, "unknown provider \"" + entry.getKey() + "\"; built-in providers are: " + BuiltInProvider.knownNames());
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
            r.problem(path, "must be an object with \"keys\" and \"network_config\", not " + ConfigReader.kind(node));
            return null;
        }
        r.warnUnknown(path, node, PROVIDER_FIELDS);
        NetworkConfig network = network(path + ".network_config", kind, node.get("network_config"));
        List<KeyConfig> keys = keys(path + ".keys", kind, node.get("keys"));
        return new ProviderConfig(kind.configName(), kind, keys, network);
    }

    private List<KeyConfig> keys(String path, BuiltInProvider kind, JsonNode node) {
        List<KeyConfig> keys = new ArrayList<>();
        if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
            // Keyless upstreams (a local vLLM or Ollama) are common: one unauthenticated key serving any model.
            keys.add(new KeyConfig("default", new Secret(null, ""), 1.0, ModelFilter.ALL, Map.of()));
            return keys;
        }
        if (!node.isArray()) {
            r.problem(path, "must be an array of keys, not " + ConfigReader.kind(node));
            return keys;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String keyPath = path + "[" + i + "]";
            JsonNode k = node.get(i);
            if (!k.isObject()) {
                r.problem(keyPath, "must be an object with \"value\", not " + ConfigReader.kind(k));
                continue;
            }
            r.warnUnknown(keyPath, k, KEY_FIELDS);
            String name = r.optionalString(keyPath + ".name", k.get("name"), "key-" + i);
            if (!names.add(name)) {
                r.problem(keyPath + ".name", "duplicate key name \"" + name + "\" in this provider");
            }
            Secret value = null;
            JsonNode v = k.get("value");
            if (v == null || v.isNull()) {
                r.problem(keyPath + ".value", "is required (the API key, \"env.NAME\" to read it from the environment, or \"\" for none)");
            } else if (!v.isTextual()) {
                r.problem(keyPath + ".value", "must be a string, not " + ConfigReader.kind(v));
            } else {
                value = r.secret(keyPath + ".value", v.textValue());
            }
            double weight = 1.0;
            JsonNode w = k.get("weight");
            if (w != null && !w.isNull()) {
                if (!w.isNumber()) {
                    r.problem(keyPath + ".weight", "must be a number, not " + ConfigReader.kind(w));
                } else if (!(w.doubleValue() > 0) || Double.isInfinite(w.doubleValue())) {
                    r.problem(keyPath + ".weight", "must be greater than 0, got " + w.asText());
                } else {
                    weight = w.doubleValue();
                }
            }
            ModelFilter models = r.allowList(keyPath + ".models", k.get("models"), "model", "this key serves no model");
            Map<String, String> aliases = r.modelNameMap(keyPath + ".aliases", k.get("aliases"));
            boolean enabled = r.bool(keyPath + ".enabled", k.get("enabled"), true);
            AzureKey azure = null;
            if (kind == BuiltInProvider.AZURE) {
                azure = azure(keyPath + ".azure_key_config", k.get("azure_key_config"));
                if (azure != null && !k.has("models") && !azure.deployments().isEmpty()) {
                    // Bifrost's Azure keys serve the models their deployments name.
                    models = new ModelFilter(false, List.copyOf(azure.deployments().keySet()));
                }
            }
            if (value != null && enabled && (kind != BuiltInProvider.AZURE || azure != null)) {
                keys.add(new KeyConfig(name, value, weight, models, aliases, azure));
            }
        }
        return keys;
    }

    /** An Azure key's resource: {@code endpoint} (required), {@code deployments}, {@code api_version}. */
    private AzureKey azure(String path, JsonNode node) {
        if (node == null || node.isNull() || !node.isObject()) {
            r.problem(path, "is required for an Azure key: {\"endpoint\": \"https://<resource>.openai.azure.com\", \"deployments\": {...},"
                    + " \"api_version\": \"" + AzureKey.DEFAULT_API_VERSION + "\"}");
            return null;
        }
        for (String entra : List.of("client_id", "client_secret", "tenant_id")) {
            if (node.hasNonNull(entra)) {
                r.problem(path + "." + entra, "Entra ID (service principal) authentication is not supported by Heimdall yet;"
                        + " use the resource's API key as the key's value");
            }
        }
        JsonNode e = node.get("endpoint");
        URI endpoint = null;
        if (e == null || !e.isTextual() || e.textValue().isBlank()) {
            r.problem(path + ".endpoint", "is required: the resource's URL, e.g. https://my-resource.openai.azure.com");
        } else {
            Secret raw = r.secret(path + ".endpoint", e.textValue());
            if (raw != null) {
                try {
                    URI uri = new URI(raw.value().strip().replaceAll("/+$", ""));
                    if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                        r.problem(path + ".endpoint", "must be an absolute https:// URL, e.g. https://my-resource.openai.azure.com");
                    } else {
                        endpoint = uri;
                    }
                } catch (URISyntaxException ex) {
                    r.problem(path + ".endpoint", "is not a valid URL: " + ex.getReason());
                }
            }
        }
        Map<String, String> deployments = r.modelNameMap(path + ".deployments", node.get("deployments"));
        JsonNode v = node.get("api_version");
        String version = AzureKey.DEFAULT_API_VERSION;
        if (v != null && !v.isNull()) {
            Secret given = v.isTextual() && !v.textValue().isBlank() ? r.secret(path + ".api_version", v.textValue()) : null;
            if (given == null || given.value().isBlank()) {
                r.problem(path + ".api_version", "must be a version string such as \"" + AzureKey.DEFAULT_API_VERSION + "\"");
                return null;
            }
            version = given.value();
        }
        return endpoint == null ? null : new AzureKey(endpoint, deployments, version.strip());
    }

    private NetworkConfig network(String path, BuiltInProvider kind, JsonNode node) {
        if (node != null && !node.isNull() && !node.isObject()) {
            r.problem(path, "must be an object, not " + ConfigReader.kind(node));
            node = null;
        }
        if (node == null || node.isNull()) {
            node = NullNode.getInstance();
        } else {
            r.warnUnknown(path, node, NETWORK_FIELDS);
        }
        URI apiRoot = apiRoot(path + ".base_url", kind, node.get("base_url"));
        Map<String, Secret> headers = new LinkedHashMap<>();
        JsonNode h = node.get("extra_headers");
        if (h != null && !h.isNull()) {
            if (!h.isObject()) {
                r.problem(path + ".extra_headers", "must be an object of header names to values, not " + ConfigReader.kind(h));
            } else {
                for (Map.Entry<String, JsonNode> e : h.properties()) {
                    String hp = path + ".extra_headers." + e.getKey();
                    if (!ConfigReader.HEADER_NAME.matcher(e.getKey()).matches()) {
                        r.problem(hp, "is not a valid HTTP header name");
                    } else if (!e.getValue().isTextual()) {
                        r.problem(hp, "must be a string, not " + ConfigReader.kind(e.getValue()));
                    } else {
                        headers.put(e.getKey(), r.secret(hp, e.getValue().textValue()));
                    }
                }
            }
        }
        int timeout = r.integer(path + ".default_request_timeout_in_seconds", node.get("default_request_timeout_in_seconds"),
                NetworkConfig.DEFAULT_REQUEST_TIMEOUT_SECONDS, 1, 86_400);
        int idle = r.integer(path + ".stream_idle_timeout_in_seconds", node.get("stream_idle_timeout_in_seconds"),
                NetworkConfig.DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS, 1, 86_400);
        int retries = r.integer(path + ".max_retries", node.get("max_retries"), NetworkConfig.DEFAULT_MAX_RETRIES, 0, 100);
        int backoffInitial = r.integer(path + ".retry_backoff_initial", node.get("retry_backoff_initial"),
                NetworkConfig.DEFAULT_BACKOFF_INITIAL_MS, 0, 3_600_000);
        int backoffMax = r.integer(path + ".retry_backoff_max", node.get("retry_backoff_max"),
                NetworkConfig.DEFAULT_BACKOFF_MAX_MS, 0, 3_600_000);
        if (backoffMax < backoffInitial) {
            r.problem(path + ".retry_backoff_max", "must be at least retry_backoff_initial (" + backoffInitial + " ms)");
        }
        int conns = r.integer(path + ".max_conns_per_host", node.get("max_conns_per_host"),
                NetworkConfig.DEFAULT_MAX_CONNS_PER_HOST, 1, 10_000);
        boolean insecure = r.bool(path + ".insecure_skip_verify", node.get("insecure_skip_verify"), false);
        return new NetworkConfig(apiRoot, headers, Duration.ofSeconds(timeout), Duration.ofSeconds(idle), retries,
                Duration.ofMillis(backoffInitial), Duration.ofMillis(backoffMax), conns, insecure);
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
            r.problem(path, "must be a URL string, not " + ConfigReader.kind(node));
            return null;
        }
        Secret raw = r.secret(path, node.textValue());
        if (raw == null) {
            return null;
        }
        String text = raw.value().strip();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            r.problem(path, "is not a valid URL: " + e.getReason());
            return null;
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            r.problem(path, "must be an absolute http:// or https:// URL with a host (for example http://vllm-service:8000)");
            return null;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            r.problem(path, "must not have a query or fragment");
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            r.problem(path, "must not carry credentials; put the key in keys[].value");
            return null;
        }
        String p = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        boolean versioned = false;
        for (String segment : p.split("/")) {
            versioned |= VERSION_SEGMENT.matcher(segment).matches();
        }
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + p + (versioned ? "" : "/v1"));
    }
}
