package dev.heimdall.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heimdall.config.Secret;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The configuration in force with every secret replaced, for showing. By name, not by place: config.json may
 * carry sections Heimdall does not act on (Bifrost's proxy, vault and store settings, other plugins) and their
 * secrets must not show either. Every text under a field whose name says secret ({@code value},
 * {@code password}, {@code token}, {@code *_key}, {@code credentials}…) and every header value is replaced; an
 * {@code env.NAME} reference stays: it names a variable and is how an operator finds the secret.
 */
final class ConfigRedaction {

    private static final Pattern SECRET_NAME = Pattern.compile(
            "value|key|(.*_)?token|(.*_)?api_?key|.*(password|secret|credential|access_key|encryption|private|cert_pem).*|dsn|connection_string");
    private static final Pattern HEADERS = Pattern.compile(".*headers");

    private ConfigRedaction() {
    }

    static JsonNode redact(JsonNode config) {
        JsonNode copy = config.deepCopy();
        walk(copy, false);
        return copy;
    }

    private static void walk(JsonNode node, boolean secret) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                String name = field.getKey().toLowerCase(Locale.ROOT);
                boolean hidden = secret || SECRET_NAME.matcher(name).matches() || HEADERS.matcher(name).matches();
                JsonNode v = field.getValue();
                if (v.isValueNode() && hidden && !v.isNull() && !v.isBoolean() && !(v.isTextual() && v.textValue().startsWith("env."))) {
                    object.put(field.getKey(), Secret.REDACTED);
                } else {
                    walk(v, hidden && !v.isArray() || HEADERS.matcher(name).matches());
                }
            }
        } else if (node.isArray()) {
            node.forEach(item -> walk(item, secret));
        }
    }
}
