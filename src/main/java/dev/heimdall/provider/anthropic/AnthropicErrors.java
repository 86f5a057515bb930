package dev.heimdall.provider.anthropic;

import dev.heimdall.config.ProviderConfig;
import dev.heimdall.provider.ErrorFormat;
import dev.heimdall.provider.OpenAiError;
import dev.heimdall.provider.ProviderError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Anthropic's errors: {@code {"type":"error","error":{"type","message"}}} with the statuses Anthropic
 * documents (400 invalid_request_error, 401 authentication_error, 402 billing_error, 403
 * permission_error, 404 not_found_error, 413 request_too_large, 429 rate_limit_error, 500 api_error,
 * 504 timeout_error, 529 overloaded_error), so Anthropic's SDKs and Claude Code raise and retry as they do
 * against Anthropic. An overloaded gateway or upstream (503) is 529 here, which those clients retry.
 */
public final class AnthropicErrors implements ErrorFormat {

    public static final AnthropicErrors INSTANCE = new AnthropicErrors();

    private static final Set<String> TYPES = Set.of("invalid_request_error", "authentication_error", "billing_error",
            "permission_error", "not_found_error", "request_too_large", "rate_limit_error", "api_error", "timeout_error",
            "overloaded_error");

    private AnthropicErrors() {
    }

    @Override
    public int status(OpenAiError error) {
        return error.status() == 503 ? 529 : error.status();
    }

    /** Anthropic's type for an error: its own when it already is one, else the one its status means. */
    public static String type(int status, String type) {
        String byStatus = switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404, 405 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> null;
        };
        if (byStatus != null) {
            return byStatus;
        }
        if (type != null && TYPES.contains(type)) {
            return type;
        }
        return status >= 500 ? "api_error" : "invalid_request_error";
    }

    @Override
    public JsonObject json(OpenAiError error) {
        // Anthropic's errors have no code: Heimdall's (e.g. budget_exceeded) goes into the message and a field of ours.
        String message = error.code() == null || error.message().contains(error.code()) ? error.message()
                : error.message() + " (" + error.code() + ")";
        JsonObject inner = new JsonObject().put("type", type(error.status(), error.type())).put("message", message);
        if (error.code() != null) {
            inner.put("heimdall_code", error.code());
        }
        return new JsonObject().put("type", "error").put("error", inner);
    }

    @Override
    public Buffer sseEvent(OpenAiError error) {
        return Buffer.buffer("event: error\ndata: ").appendBuffer(body(error)).appendString("\n\n");
    }

    /** An Anthropic error body from an upstream as its fields; any other body becomes the message. */
    public static ProviderError parse(int status, String body, String retryAfter, ProviderConfig provider) {
        try {
            JsonObject json = new JsonObject(body);
            if (json.getValue("error") instanceof JsonObject e) {
                String type = e.getValue("type") instanceof String t ? t : type(status, null);
                String message = e.getValue("message") instanceof String m ? m : "Provider '" + provider.name() + "' returned HTTP " + status;
                return new ProviderError(status, type, type, null, message, retryAfter);
            }
        } catch (DecodeException | ClassCastException e) {
            // not JSON: the body is the message
        }
        return ProviderError.unparsed(status, provider.name(), body, retryAfter);
    }
}
