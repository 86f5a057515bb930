package dev.heimdall.provider;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI's error body, {@code {"error":{"message","type","param","code"}}}, with the HTTP status it goes
 * out with. Every error Heimdall returns, and the event that ends a broken stream, has this shape, so
 * OpenAI SDKs raise their usual exceptions.
 */
public record OpenAiError(int status, String type, String code, String param, String message) {

    /** The Content-Type of every JSON body Heimdall writes. */
    public static final CharSequence APPLICATION_JSON = io.vertx.core.http.HttpHeaders.createOptimized("application/json");

    public static OpenAiError invalidRequest(int status, String code, String param, String message) {
        return new OpenAiError(status, "invalid_request_error", code, param, message);
    }

    public static OpenAiError upstream(int status, String code, String message) {
        return new OpenAiError(status, "upstream_error", code, null, message);
    }

    public JsonObject json() {
        JsonObject error = new JsonObject()
                .put("message", message)
                .put("type", type)
                .put("param", param)
                .put("code", code);
        return new JsonObject().put("error", error);
    }

    public Buffer body() {
        return json().toBuffer();
    }

    /** The same error as one Server-Sent Event, for a stream that already started. */
    public Buffer sseEvent() {
        return Buffer.buffer("data: ").appendBuffer(body()).appendString("\n\n");
    }
}
