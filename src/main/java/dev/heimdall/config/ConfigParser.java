package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Validates a config.json tree (Bifrost Gateway Mode schema plus Heimdall's {@code aliases}) and builds
 * a {@link GatewayConfig}: the top level here, each section by its own reader ({@link ProvidersReader},
 * {@link AliasesReader}, {@link PluginsReader}, {@link ClientReader}, {@link GovernanceReader}) over one shared {@link ConfigReader},
 * which collects every problem with its JSON path before failing, so one run of the gateway tells an
 * operator everything that is wrong. Messages never contain secret values.
 */
public final class ConfigParser {

    private static final Set<String> HEIMDALL_SECTIONS = Set.of("$schema", "providers", "plugins", "client", "aliases", "version",
            "governance", "config_store", "logs_store");
    /** Bifrost sections Heimdall reads without acting on; they are reported once, not rejected. */
    private static final Set<String> BIFROST_SECTIONS = Set.of("mcp", "vector_store", "cluster_config", "auth_config", "encryption_key", "framework", "server", "source_of_truth",
            "env_label", "webhooks", "alerts", "saml_config", "scim_config", "load_balancer_config", "guardrails_config");

    private ConfigParser() {
    }

    /** Parses a config tree; {@code env} looks up environment variables (null when unset). */
    public static ParsedConfig parse(JsonNode root, String source, UnaryOperator<String> env) throws InvalidConfigException {
        ConfigReader r = new ConfigReader(env);
        GatewayConfig config = root(r, root);
        if (!r.problems().isEmpty()) {
            throw new InvalidConfigException(source, r.problems());
        }
        return new ParsedConfig(config, r.warnings());
    }

    /**
     * Where the stores are ({@code config_store}, {@code logs_store}), read from config.json before anything else:
     * the configuration itself is kept in them. Problems stop start-up with their JSON paths.
     */
    public static StoresConfig stores(JsonNode root, String source, UnaryOperator<String> env, java.util.function.Consumer<String> warnings)
            throws InvalidConfigException {
        ConfigReader r = new ConfigReader(env);
        StoresConfig stores = root.isObject() ? new StoresReader(r).read(root) : StoresConfig.LOCAL;
        if (!r.problems().isEmpty()) {
            throw new InvalidConfigException(source, r.problems());
        }
        r.warnings().forEach(warnings);
        return stores;
    }

    private static GatewayConfig root(ConfigReader r, JsonNode root) {
        if (!root.isObject()) {
            r.problem("$", "must be a JSON object with a \"providers\" object, not " + ConfigReader.kind(root));
            return GatewayConfig.empty();
        }
        for (String field : ConfigReader.iterable(root.fieldNames())) {
            if (BIFROST_SECTIONS.contains(field)) {
                r.warn("$." + field + " is a Bifrost section Heimdall does not use; it is ignored");
            } else if (!HEIMDALL_SECTIONS.contains(field)) {
                r.warn("$." + field + " is not a known configuration section; it is ignored");
            }
        }
        JsonNode version = root.get("version");
        if (version != null) {
            if (version.isInt() && (version.intValue() == 1 || version.intValue() == 2)) {
                r.version(version.intValue());
            } else {
                r.problem("$.version", "must be 1 or 2");
            }
        }
        Map<String, ProviderConfig> providers = new ProvidersReader(r).read(root.get("providers"));
        Map<String, AliasConfig> aliases = new AliasesReader(r).read(root.get("aliases"), providers);
        PluginsReader.Plugins plugins = new PluginsReader(r).read(root.get("plugins"));
        ClientConfig client = new ClientReader(r).read(root.get("client"));
        GovernanceConfig governance = new GovernanceReader(r).read(root.get("governance"), providers, client.enforceAuthOnInference());
        return new GatewayConfig(providers, aliases, plugins.all(), client, plugins.otel(), governance);
    }
}
