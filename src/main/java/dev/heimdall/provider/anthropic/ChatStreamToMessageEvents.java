package dev.heimdall.provider.anthropic;

import dev.heimdall.provider.OpenAiError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An OpenAI chat completion stream as Anthropic's event sequence, chunk by chunk: {@code message_start},
 * then for each run of reasoning, text or one tool call a content block ({@code content_block_start},
 * its {@code thinking_delta} / {@code text_delta} / {@code input_json_delta} deltas,
 * {@code content_block_stop}), then {@code message_delta} with the stop reason and the usage and
 * {@code message_stop}. An upstream error event becomes Anthropic's {@code error} event.
 */
final class ChatStreamToMessageEvents extends EventRewrite {

    private enum Block { NONE, THINKING, TEXT, TOOL }

    private boolean started;
    private boolean finished;
    private int index = -1;
    private Block block = Block.NONE;
    /** The OpenAI index of the tool call whose block is open. */
    private int toolIndex = -1;
    private String stopReason;
    private String id;

    @Override
    void ended() {
        finish();
    }

    @Override
    void event(String data) {
        if (finished) {
            return;
        }
        if (data.strip().equals("[DONE]")) {
            finish();
            return;
        }
        JsonObject chunk;
        try {
            chunk = new JsonObject(data);
        } catch (DecodeException | ClassCastException e) {
            return; // not a chunk (a keep-alive, a comment): nothing to translate
        }
        if (chunk.getValue("error") instanceof JsonObject error) {
            int status = error.getValue("code") instanceof Number n ? n.intValue() : 500;
            emit("error", new JsonObject(AnthropicErrors.INSTANCE.body(new OpenAiError(status, null, null, null,
                    error.getValue("message") instanceof String m ? m : "The upstream failed mid-stream.")).toString()));
            finished = true;
            return;
        }
        if (model == null && chunk.getValue("model") instanceof String m) {
            model = m;
        }
        if (id == null && chunk.getValue("id") instanceof String i) {
            id = i;
        }
        start();
        if (chunk.getValue("usage") instanceof JsonObject u) {
            usage = ChatUsage.of(u);
        }
        if (!(chunk.getValue("choices") instanceof JsonArray choices) || choices.isEmpty() || !(choices.getValue(0) instanceof JsonObject choice)) {
            return;
        }
        if (choice.getValue("delta") instanceof JsonObject delta) {
            String reasoning = ChatUsage.reasoning(delta);
            if (reasoning != null && !reasoning.isEmpty()) {
                open(Block.THINKING, -1, null);
                delta("thinking_delta", "thinking", reasoning);
            }
            if (delta.getValue("content") instanceof String text && !text.isEmpty()) {
                open(Block.TEXT, -1, null);
                delta("text_delta", "text", text);
            }
            if (delta.getValue("tool_calls") instanceof JsonArray calls) {
                for (int i = 0; i < calls.size(); i++) {
                    if (calls.getValue(i) instanceof JsonObject call) {
                        toolCall(call, i);
                    }
                }
            }
        }
        if (choice.getValue("finish_reason") instanceof String reason) {
            stopReason = ChatUsage.stopReason(reason);
        }
    }

    private void toolCall(JsonObject call, int position) {
        int at = call.getValue("index") instanceof Number n ? n.intValue() : position;
        JsonObject fn = call.getValue("function") instanceof JsonObject f ? f : new JsonObject();
        if (block != Block.TOOL || at != toolIndex) {
            JsonObject use = new JsonObject().put("type", "tool_use").put("id", ChatUsage.toolId(call.getValue("id"), at))
                    .put("name", fn.getValue("name") instanceof String s ? s : "").put("input", new JsonObject());
            open(Block.TOOL, at, use);
        }
        if (fn.getValue("arguments") instanceof String args && !args.isEmpty()) {
            delta("input_json_delta", "partial_json", args);
        }
    }

    /** {@code message_start}, once, before anything else. */
    private void start() {
        if (started) {
            return;
        }
        started = true;
        emit("message_start", new JsonObject().put("type", "message_start").put("message", new JsonObject()
                .put("id", ChatUsage.messageId(id)).put("type", "message").put("role", "assistant").put("model", model)
                .put("content", new JsonArray()).put("stop_reason", null).put("stop_sequence", null)
                .put("usage", new JsonObject().put("input_tokens", 0).put("output_tokens", 0))));
    }

    /** Opens a block of {@code kind} unless one is open already (a new tool call always opens its own). */
    private void open(Block kind, int tool, JsonObject contentBlock) {
        if (block == kind && kind != Block.TOOL) {
            return;
        }
        close();
        block = kind;
        toolIndex = tool;
        index++;
        JsonObject content = switch (kind) {
            case THINKING -> new JsonObject().put("type", "thinking").put("thinking", "").put("signature", "");
            case TEXT -> new JsonObject().put("type", "text").put("text", "");
            default -> contentBlock;
        };
        emit("content_block_start", new JsonObject().put("type", "content_block_start").put("index", index).put("content_block", content));
    }

    private void close() {
        if (block == Block.NONE) {
            return;
        }
        emit("content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", index));
        block = Block.NONE;
        toolIndex = -1;
    }

    private void delta(String type, String field, String value) {
        emit("content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", index)
                .put("delta", new JsonObject().put("type", type).put(field, value)));
    }

    /** The end of the message: the open block, {@code message_delta} with the stop reason and usage, {@code message_stop}. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        start();
        close();
        emit("message_delta", new JsonObject().put("type", "message_delta")
                .put("delta", new JsonObject().put("stop_reason", stopReason == null ? "end_turn" : stopReason).put("stop_sequence", null))
                .put("usage", ChatUsage.anthropicUsage(usage)));
        emit("message_stop", new JsonObject().put("type", "message_stop"));
    }

    private void emit(String event, JsonObject data) {
        out.appendString("event: ").appendString(event).appendString("\ndata: ").appendBuffer(data.toBuffer()).appendString("\n\n");
    }
}
