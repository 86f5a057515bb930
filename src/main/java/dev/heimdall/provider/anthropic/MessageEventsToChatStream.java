package dev.heimdall.provider.anthropic;

import dev.heimdall.exchange.Usage;
import dev.heimdall.provider.OpenAiError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Anthropic's event stream as OpenAI chat completion chunks, event by event: the first chunk carries the
 * role; text, thinking ({@code reasoning_content}) and tool-call deltas follow as Anthropic sends them
 * (a {@code tool_use} block opens a call with its id and name, its {@code input_json_delta}s are the
 * arguments); {@code message_delta} gives the {@code finish_reason}; the usage chunk follows when the
 * client asked for it ({@code stream_options.include_usage}), then {@code [DONE]}. {@code ping} is
 * dropped; an {@code error} event becomes OpenAI's error event.
 */
final class MessageEventsToChatStream extends EventRewrite {

    private final boolean clientWantsUsage;
    private final AnthropicUsageCounter counter = new AnthropicUsageCounter();
    private String id = "chatcmpl-anthropic";
    private final long created = System.currentTimeMillis() / 1000;
    /** The OpenAI index of each content block that is a tool call (-1 for others), by Anthropic block index. */
    private final java.util.Map<Integer, Integer> toolIndex = new java.util.HashMap<>();
    private int tools;
    private boolean done;

    MessageEventsToChatStream(boolean clientWantsUsage) {
        this.clientWantsUsage = clientWantsUsage;
    }

    @Override
    void ended() {
        end();
    }

    @Override
    void event(String data) {
        if (done) {
            return;
        }
        JsonObject e;
        try {
            e = new JsonObject(data);
        } catch (DecodeException | ClassCastException ex) {
            return;
        }
        switch (String.valueOf(e.getValue("type"))) {
            case "message_start" -> {
                JsonObject m = e.getValue("message") instanceof JsonObject o ? o : new JsonObject();
                id = MessageToChat.chatId(m.getValue("id"));
                model = m.getValue("model") instanceof String s ? s : null;
                counter.add(m.getValue("usage"));
                chunk(new JsonObject().put("role", "assistant").put("content", ""), null);
            }
            case "content_block_start" -> {
                JsonObject block = e.getValue("content_block") instanceof JsonObject o ? o : new JsonObject();
                if ("tool_use".equals(block.getValue("type"))) {
                    int at = tools++;
                    toolIndex.put(index(e), at);
                    chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", at)
                            .put("id", String.valueOf(block.getValue("id"))).put("type", "function")
                            .put("function", new JsonObject().put("name", String.valueOf(block.getValue("name"))).put("arguments", "")))), null);
                } else if ("text".equals(block.getValue("type")) && block.getValue("text") instanceof String t && !t.isEmpty()) {
                    chunk(new JsonObject().put("content", t), null);
                }
            }
            case "content_block_delta" -> {
                JsonObject d = e.getValue("delta") instanceof JsonObject o ? o : new JsonObject();
                switch (String.valueOf(d.getValue("type"))) {
                    case "text_delta" -> chunk(new JsonObject().put("content", String.valueOf(d.getValue("text"))), null);
                    case "thinking_delta" -> chunk(new JsonObject().put("reasoning_content", String.valueOf(d.getValue("thinking"))), null);
                    case "input_json_delta" -> {
                        Integer at = toolIndex.get(index(e));
                        if (at != null) {
                            chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", at)
                                    .put("function", new JsonObject().put("arguments", String.valueOf(d.getValue("partial_json")))))), null);
                        }
                    }
                    default -> { } // signature deltas and citations have no OpenAI form
                }
            }
            case "message_delta" -> {
                counter.add(e.getValue("usage"));
                JsonObject d = e.getValue("delta") instanceof JsonObject o ? o : new JsonObject();
                if (d.getValue("stop_reason") != null) {
                    chunk(new JsonObject(), MessageToChat.finishReason(d.getValue("stop_reason")));
                }
            }
            case "message_stop" -> end();
            case "error" -> {
                JsonObject err = e.getValue("error") instanceof JsonObject o ? o : new JsonObject();
                String type = String.valueOf(err.getValue("type"));
                int status = "overloaded_error".equals(type) ? 503 : "rate_limit_error".equals(type) ? 429 : 502;
                out.appendBuffer(new OpenAiError(status, type, type, null, String.valueOf(err.getValue("message"))).sseEvent());
                done = true;
            }
            default -> { } // ping
        }
    }

    private static int index(JsonObject e) {
        return e.getValue("index") instanceof Number n ? n.intValue() : -1;
    }

    private void chunk(JsonObject delta, String finishReason) {
        JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).put("finish_reason", finishReason);
        write(base().put("choices", new JsonArray().add(choice)));
    }

    private JsonObject base() {
        return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
    }

    private void write(JsonObject chunk) {
        out.appendString("data: ").appendBuffer(chunk.toBuffer()).appendString("\n\n");
    }

    /** The usage chunk when asked for, then {@code [DONE]}; once. */
    private void end() {
        if (done) {
            return;
        }
        done = true;
        if (clientWantsUsage) {
            write(base().put("choices", new JsonArray()).put("usage", MessageToChat.chatUsage(usage())));
        }
        out.appendString("data: [DONE]\n\n");
    }

    /** As counted so far: a stream cut short still reports what its events said. */
    @Override
    public Usage usage() {
        return counter.usage();
    }
}
