package dev.heimdall.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.InvalidConfigException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** The management API's request bodies: one JSON object each, read with config.json's parser (duplicate fields refused). */
final class RequestBodies {

    private RequestBodies() {
    }

    /** The body as a JSON object (its type was checked by {@link #requireJson}). */
    static ObjectNode object(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw AdminException.badRequest("invalid_json", "The request needs a JSON object as its body.");
        }
        JsonNode node;
        try {
            node = ConfigJson.read(body.getBytes(), "the request body");
        } catch (InvalidConfigException e) {
            throw AdminException.badRequest("invalid_json", "The body is not valid JSON: " + e.problems().get(0).reason());
        }
        if (!node.isObject()) {
            throw AdminException.badRequest("invalid_json", "The body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    /**
     * Every POST and PUT must say {@code Content-Type: application/json}, with a body or without: a browser sends
     * that type cross-site only after a CORS preflight the gateway never grants, so a page elsewhere cannot
     * submit a form (text/plain, urlencoded) riding on Basic credentials the browser holds for the admin API.
     */
    static void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            Replies.error(ctx, new dev.heimdall.provider.OpenAiError(415, "invalid_request_error", "unsupported_media_type", null,
                    "Send the request as Content-Type: application/json (a body, when one is needed, is a JSON object)."));
            return;
        }
        ctx.next();
    }

    /** A required, non-blank string field. */
    static String requiredString(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.textValue().isBlank()) {
            throw AdminException.badField("missing_field", "$." + field, "$." + field + " is required (a non-empty string)");
        }
        return v.textValue();
    }

    /** Ids the API creates must be usable in its own URLs. */
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");

    /** An optional id field: the client's, else a new UUID. */
    static String idOrNew(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return java.util.UUID.randomUUID().toString();
        }
        if (!v.isTextual() || !ID.matcher(v.textValue()).matches()) {
            throw AdminException.badField("invalid_id", "$." + field, "$." + field + " must be 1 to 128 letters, digits and . _ : @ - (starting with a"
                    + " letter or digit), so that it can name the entity in a URL");
        }
        return v.textValue();
    }
}
