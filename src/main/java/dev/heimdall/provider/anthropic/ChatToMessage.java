package dev.heimdall.provider.anthropic;

import dev.heimdall.provider.OpenAiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An OpenAI chat completion as an Anthropic message: reasoning as a {@code thinking} block, the text, each
 * tool call as a {@code tool_use} block (its arguments parsed into {@code input}), the finish reason as
 * {@code stop_reason}, usage with cached input apart.
 */
final class ChatToMessage extends WholeAnswer {

    @Override
    Buffer unreadable(OpenAiError error) {
        return AnthropicErrors.INSTANCE.body(error);
    }

    @Override
    JsonObject rewrite(JsonObject chat) {
        model = chat.getValue("model") instanceof String m ? m : null;
        JsonObject u = chat.getValue("usage") instanceof JsonObject o ? o : null;
        usage = ChatUsage.of(u);
        JsonObject choice = chat.getValue("choices") instanceof JsonArray c && !c.isEmpty() && c.getValue(0) instanceof JsonObject o ? o
                : new JsonObject();
        JsonObject message = choice.getValue("message") instanceof JsonObject m ? m : new JsonObject();
        JsonArray content = new JsonArray();
        String reasoning = ChatUsage.reasoning(message);
        if (reasoning != null && !reasoning.isEmpty()) {
            content.add(new JsonObject().put("type", "thinking").put("thinking", reasoning).put("signature", ""));
        }
        if (message.getValue("content") instanceof String text && !text.isEmpty()) {
            content.add(new JsonObject().put("type", "text").put("text", text));
        }
        if (message.getValue("tool_calls") instanceof JsonArray calls) {
            for (int i = 0; i < calls.size(); i++) {
                if (calls.getValue(i) instanceof JsonObject call && call.getValue("function") instanceof JsonObject fn) {
                    content.add(new JsonObject().put("type", "tool_use").put("id", ChatUsage.toolId(call.getValue("id"), i))
                            .put("name", String.valueOf(fn.getValue("name")))
                            .put("input", ChatUsage.input(fn.getValue("arguments"))));
                }
            }
        }
        JsonObject out = new JsonObject()
                .put("id", ChatUsage.messageId(chat.getValue("id")))
                .put("type", "message")
                .put("role", "assistant")
                .put("model", model)
                .put("content", content)
                .put("stop_reason", ChatUsage.stopReason(choice.getValue("finish_reason")))
                .put("stop_sequence", null)
                .put("usage", ChatUsage.anthropicUsage(usage));
        return out;
    }
}
