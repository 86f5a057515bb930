package dev.heimdall.provider.anthropic;

import dev.heimdall.exchange.Usage;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** What an OpenAI answer's fields become in Anthropic's: usage, stop reason, ids, tool input, reasoning. */
final class ChatUsage {

    private ChatUsage() {
    }

    /** OpenAI's usage (prompt tokens include the cached ones) as the gateway's {@link Usage}. */
    static Usage of(JsonObject u) {
        if (u == null) {
            return Usage.NONE;
        }
        Long cached = u.getValue("prompt_tokens_details") instanceof JsonObject d ? number(d, "cached_tokens") : null;
        return Usage.reported(number(u, "prompt_tokens"), number(u, "completion_tokens"), cached);
    }

    /** Anthropic's usage object: {@code input_tokens} without the cached part, which is {@code cache_read_input_tokens}. */
    static JsonObject anthropicUsage(Usage usage) {
        long cached = usage.cachedInputTokens() == null ? 0 : usage.cachedInputTokens();
        long input = usage.inputTokens() == null ? 0 : usage.inputTokens();
        return new JsonObject()
                .put("input_tokens", Math.max(0, input - cached))
                .put("output_tokens", usage.outputTokens() == null ? 0 : usage.outputTokens())
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", cached);
    }

    /** {@code finish_reason} as {@code stop_reason}; a stream that ended without one ended its turn. */
    static String stopReason(Object finish) {
        return switch (String.valueOf(finish)) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** Anthropic's message ids start with {@code msg_}; the upstream's id is kept after it. */
    static String messageId(Object id) {
        String s = id instanceof String v && !v.isEmpty() ? v : Long.toHexString(System.nanoTime());
        return s.startsWith("msg_") ? s : "msg_" + s;
    }

    /** A tool call's id, or one made up when the upstream sent none (some servers do not). */
    static String toolId(Object id, int index) {
        return id instanceof String s && !s.isEmpty() ? s : "toolu_" + index + "_" + Long.toHexString(System.nanoTime());
    }

    /** A tool call's {@code arguments} (a JSON string) as Anthropic's {@code input} object; text that is no object is kept under {@code _raw}. */
    static JsonObject input(Object arguments) {
        if (!(arguments instanceof String s) || s.isBlank()) {
            return new JsonObject();
        }
        try {
            return new JsonObject(s);
        } catch (DecodeException | ClassCastException e) {
            return new JsonObject().put("_raw", s);
        }
    }

    /** The reasoning text self-hosted servers add: vLLM's {@code reasoning_content}, or {@code reasoning}. */
    static String reasoning(JsonObject messageOrDelta) {
        if (messageOrDelta.getValue("reasoning_content") instanceof String r) {
            return r;
        }
        return messageOrDelta.getValue("reasoning") instanceof String r ? r : null;
    }

    private static Long number(JsonObject o, String name) {
        return o.getValue(name) instanceof Number n ? Long.valueOf(n.longValue()) : null;
    }
}
