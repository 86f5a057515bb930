package dev.heimdall.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heimdall.config.Secret;

/**
 * The configuration in force with every secret replaced, for showing: provider key values, header values
 * (providers' {@code extra_headers}, plugins' {@code headers}), virtual-key values and the admin password.
 * An {@code env.NAME} reference stays: it names a variable and is how an operator finds the secret.
 */
final class ConfigRedaction {

    private ConfigRedaction() {
    }

    static JsonNode redact(JsonNode config) {
        JsonNode copy = config.deepCopy();
        for (JsonNode provider : copy.path("providers")) {
            for (JsonNode key : provider.path("keys")) {
                hide(key, "value");
                JsonNode azure = key.path("azure_key_config");
                hide(azure, "client_secret");
            }
            hideAll(provider.path("network_config").path("extra_headers"));
        }
        for (JsonNode plugin : copy.path("plugins")) {
            hideAll(plugin.path("config").path("headers"));
        }
        for (JsonNode key : copy.path("governance").path("virtual_keys")) {
            hide(key, "value");
        }
        hide(copy.path("governance").path("auth_config"), "admin_password");
        return copy;
    }

    private static void hideAll(JsonNode object) {
        if (object.isObject()) {
            object.fieldNames().forEachRemaining(name -> hide(object, name));
        }
    }

    private static void hide(JsonNode parent, String field) {
        if (!parent.isObject()) {
            return;
        }
        JsonNode v = parent.get(field);
        if (v != null && !(v.isTextual() && v.textValue().startsWith("env.")) && !v.isNull()) {
            ((ObjectNode) parent).put(field, Secret.REDACTED);
        }
    }
}
