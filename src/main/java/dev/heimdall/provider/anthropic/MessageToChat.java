package dev.heimdall.provider.anthropic;

import dev.heimdall.exchange.Usage;
import dev.heimdall.provider.OpenAiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An Anthropic message as an OpenAI chat completion: text blocks as {@code content}, {@code tool_use}
 * blocks as {@code tool_calls}, thinking as {@code reasoning_content}, {@code stop_reason} as
 * {@code finish_reason}, usage with the cached input inside {@code prompt_tokens} as OpenAI counts it.
 */
final class MessageToChat extends WholeAnswer {

    @Override
    Buffer unreadable(OpenAiError error) {
        return error.body();
    }

    @Override
    JsonObject rewrite(JsonObject message) {
        model = message.getValue("model") instanceof String m ? m : null;
        AnthropicUsageCounter counter = new AnthropicUsageCounter();
        counter.add(message.getValue("usage"));
        usage = counter.usage();
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        JsonArray calls = new JsonArray();
        JsonArray content = message.getValue("content") instanceof JsonArray c ? c : new JsonArray();
        for (int i = 0; i < content.size(); i++) {
            JsonObject block = content.getValue(i) instanceof JsonObject o ? o : new JsonObject();
            switch (String.valueOf(block.getValue("type"))) {
                case "text" -> text.append(block.getValue("text") instanceof String t ? t : "");
                case "thinking" -> reasoning.append(block.getValue("thinking") instanceof String t ? t : "");
                case "tool_use" -> calls.add(new JsonObject().put("id", String.valueOf(block.getValue("id"))).put("type", "function")
                        .put("function", new JsonObject().put("name", String.valueOf(block.getValue("name")))
                                .put("arguments", block.getValue("input") instanceof JsonObject in ? in.encode() : "{}")));
                default -> { } // server tool blocks and redacted thinking have no OpenAI form
            }
        }
        JsonObject reply = new JsonObject().put("role", "assistant").put("content", text.length() == 0 && !calls.isEmpty() ? null : text.toString());
        if (!calls.isEmpty()) {
            reply.put("tool_calls", calls);
        }
        if (reasoning.length() > 0) {
            reply.put("reasoning_content", reasoning.toString());
        }
        JsonObject chat = new JsonObject()
                .put("id", chatId(message.getValue("id")))
                .put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", model)
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", reply)
                        .put("finish_reason", finishReason(message.getValue("stop_reason")))))
                .put("usage", chatUsage(usage));
        return chat;
    }

    /** OpenAI's usage object: prompt tokens include the cached ones, which are also reported apart. */
    static JsonObject chatUsage(Usage usage) {
        long input = usage.inputTokens() == null ? 0 : usage.inputTokens();
        long output = usage.outputTokens() == null ? 0 : usage.outputTokens();
        JsonObject u = new JsonObject().put("prompt_tokens", input).put("completion_tokens", output).put("total_tokens", input + output);
        if (usage.cachedInputTokens() != null) {
            u.put("prompt_tokens_details", new JsonObject().put("cached_tokens", usage.cachedInputTokens()));
        }
        return u;
    }

    static String finishReason(Object stopReason) {
        return switch (String.valueOf(stopReason)) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    static String chatId(Object id) {
        return "chatcmpl-" + (id instanceof String s ? s : Long.toHexString(System.nanoTime()));
    }
}
