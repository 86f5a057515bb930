package dev.heimdall.provider;

import io.vertx.core.json.JsonObject;

/**
 * An upstream's error response, read whole (error bodies are small), with configured secrets masked and
 * normalised to OpenAI's error shape. {@code retryAfter} is the upstream's Retry-After header, if any.
 */
public record UpstreamError(int status, JsonObject body, String retryAfter) {
}
