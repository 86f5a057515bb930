package dev.heimdall.provider.anthropic;

import dev.heimdall.exchange.Usage;
import dev.heimdall.provider.AnthropicUsage;
import io.vertx.core.json.JsonObject;

/**
 * Anthropic's usage as it arrives: a message's {@code usage} object, or a stream's in
 * {@code message_start} then {@code message_delta} (each count replaces the one before; a count an object
 * leaves out stays).
 */
final class AnthropicUsageCounter {

    private Long input;
    private Long output;
    private Long cacheRead;
    private Long cacheWrite;

    void add(Object usage) {
        if (usage instanceof JsonObject u) {
            input = number(u, "input_tokens", input);
            output = number(u, "output_tokens", output);
            cacheRead = number(u, "cache_read_input_tokens", cacheRead);
            cacheWrite = number(u, "cache_creation_input_tokens", cacheWrite);
        }
    }

    Usage usage() {
        return AnthropicUsage.of(input, output, cacheRead, cacheWrite);
    }

    private static Long number(JsonObject o, String name, Long otherwise) {
        return o.getValue(name) instanceof Number n ? Long.valueOf(n.longValue()) : otherwise;
    }
}
