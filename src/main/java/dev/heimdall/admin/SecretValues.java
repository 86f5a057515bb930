package dev.heimdall.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.heimdall.config.Secret;
import io.vertx.core.json.JsonObject;

/**
 * Secrets through the management API are write-only. A value is written as config.json writes it (a literal,
 * or {@code env.NAME}) or as Bifrost's API writes it ({@code {"value", "env_var", "from_env"}}); it is shown
 * as Bifrost shows it, with the value masked to its last four characters. A masked value sent back (a
 * GET's body edited and PUT) keeps the stored secret, so clients never need to know it.
 */
final class SecretValues {

    private static final String STARS = "*".repeat(24);

    private SecretValues() {
    }

    /** How a stored secret is shown: its {@code env.NAME} reference alone, or a literal's masked tail. */
    static JsonObject view(Secret secret) {
        if (secret == null) {
            return null;
        }
        if (secret.reference() != null) {
            // Not even a masked tail: the variable's value belongs to the pod, and its name is how to find it.
            return new JsonObject().put("value", "").put("env_var", secret.reference()).put("from_env", true);
        }
        return new JsonObject().put("value", mask(secret.value())).put("env_var", "").put("from_env", false);
    }

    static String mask(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        return value.length() <= 8 ? "*".repeat(value.length()) : STARS + value.substring(value.length() - 4);
    }

    /**
     * The config.json value for a secret the client sent: a text node, or null when the client sent none or
     * sent back a masked value (keep what is stored).
     *
     * @throws AdminException when the value has neither form
     */
    static JsonNode input(String path, JsonNode sent) {
        if (sent == null || sent.isNull()) {
            return null;
        }
        if (sent.isObject()) {
            JsonNode env = sent.path("env_var");
            if (sent.path("from_env").asBoolean(false) || env.isTextual() && !env.textValue().isEmpty()) {
                String name = env.asText("");
                return new TextNode(name.startsWith("env.") ? name : "env." + name);
            }
            sent = sent.get("value");
            if (sent == null || sent.isNull()) {
                return null;
            }
        }
        if (!sent.isTextual()) {
            throw AdminException.badField("invalid_value", path, path + " must be a string (a literal or env.NAME) or {\"value\", \"env_var\", \"from_env\"}");
        }
        return masked(sent.textValue()) ? null : sent;
    }

    /** Bifrost's and our masks, or the literal {@code <redacted>}: what a GET showed, not a new value. */
    static boolean masked(String value) {
        return value.equals(Secret.REDACTED) || value.contains("****");
    }
}
