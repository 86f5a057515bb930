package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code governance.pricing_overrides} (Bifrost's custom pricing): how self-hosted models get a price, and how
 * negotiated rates replace the catalog's. Scopes {@code global} and {@code provider} apply; the virtual-key,
 * provider-key and user scopes are reported and ignored.
 */
final class PricingOverridesReader {

    private static final Set<String> FIELDS = Set.of("id", "name", "scope_kind", "provider_id", "provider_key_id", "virtual_key_id",
            "user_id", "match_type", "pattern", "request_types", "pricing_patch", "config_hash");
    /** Bifrost's request types → Heimdall's operation names; other types are accepted and never match. */
    private static final Map<String, String> OPERATIONS = Map.of("chat_completion", "chat", "text_completion", "text_completion",
            "embedding", "embeddings");
    private static final Map<String, String> PATCH_FIELDS = Map.of("input_cost_per_token", "input", "output_cost_per_token", "output",
            "cache_read_input_token_cost", "cacheRead", "cache_creation_input_token_cost", "cacheWrite");

    private final ConfigReader r;

    PricingOverridesReader(ConfigReader r) {
        this.r = r;
    }

    List<PriceOverride> read(String path, JsonNode node, Map<String, ProviderConfig> providers) {
        List<PriceOverride> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        GovernanceReader.each(r, path, node, (p, o) -> {
            r.warnUnknown(p, o, FIELDS);
            String id = GovernanceReader.id(r, p, o, ids);
            if (id != null) {
                ids.add(id);
            }
            String scope = r.optionalString(p + ".scope_kind", o.get("scope_kind"), "global");
            String provider = null;
            if (scope.equals("provider")) {
                provider = GovernanceReader.reference(r, p + ".provider_id", o.get("provider_id"), providers.keySet(), "provider");
                if (!o.hasNonNull("provider_id")) {
                    r.problem(p + ".provider_id", "is required for scope_kind \"provider\"");
                }
            } else if (!scope.equals("global")) {
                r.warn(p + ".scope_kind \"" + scope + "\" is not applied by Heimdall yet (global and provider are); this override is ignored");
                return;
            }
            String match = r.optionalString(p + ".match_type", o.get("match_type"), "exact");
            String pattern = r.optionalString(p + ".pattern", o.get("pattern"), null);
            if (pattern == null) {
                r.problem(p + ".pattern", "is required: a model name, or a prefix ending in * with match_type \"wildcard\"");
                return;
            }
            boolean wildcard = match.equals("wildcard");
            if (wildcard && !pattern.endsWith("*")) {
                r.problem(p + ".pattern", "must end with * for match_type \"wildcard\"");
                return;
            }
            if (!wildcard && !match.equals("exact")) {
                r.problem(p + ".match_type", "must be \"exact\" or \"wildcard\", not \"" + match + "\"");
                return;
            }
            Set<String> operations = operations(p + ".request_types", o.get("request_types"));
            Map<String, Double> prices = patch(p + ".pricing_patch", o.get("pricing_patch"));
            if (prices != null && id != null) {
                out.add(new PriceOverride(id, provider, wildcard, wildcard ? pattern.substring(0, pattern.length() - 1) : pattern,
                        operations, prices.get("input"), prices.get("output"), prices.get("cacheRead"), prices.get("cacheWrite")));
            }
        });
        return out;
    }

    private Set<String> operations(String path, JsonNode node) {
        Set<String> ops = new HashSet<>();
        if (node == null || !node.isArray() || node.isEmpty()) {
            r.problem(path, "must list at least one request type (e.g. [\"chat_completion\"])");
            return ops;
        }
        for (JsonNode t : node) {
            if (t.isTextual() && OPERATIONS.containsKey(t.textValue())) {
                ops.add(OPERATIONS.get(t.textValue()));
            }
        }
        return ops;
    }

    /** Bifrost writes the patch as a JSON-encoded string; an object is accepted too. Null when it is unreadable. */
    private Map<String, Double> patch(String path, JsonNode node) {
        JsonNode patch = node;
        if (node != null && node.isTextual()) {
            try {
                patch = ConfigJson.read(node.textValue().getBytes(java.nio.charset.StandardCharsets.UTF_8), path);
            } catch (InvalidConfigException e) {
                r.problem(path, "is not valid JSON");
                return null;
            }
        }
        if (patch == null || !patch.isObject()) {
            r.problem(path, "must be a JSON object (or its JSON-encoded string) of prices, e.g. {\"input_cost_per_token\": 0.0000006}");
            return null;
        }
        Map<String, Double> prices = new java.util.HashMap<>();
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String field = PATCH_FIELDS.get(e.getKey());
            if (field == null) {
                r.warn(path + "." + e.getKey() + " is not applied by Heimdall (token prices are); it is ignored");
            } else if (!e.getValue().isNumber() || e.getValue().doubleValue() < 0 || !Double.isFinite(e.getValue().doubleValue())) {
                r.problem(path + "." + e.getKey(), "must be a price in USD per token, 0 or more");
            } else {
                prices.put(field, e.getValue().doubleValue());
            }
        }
        return prices;
    }
}
