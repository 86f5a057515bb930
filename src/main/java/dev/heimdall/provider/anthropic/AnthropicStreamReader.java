package dev.heimdall.provider.anthropic;

import dev.heimdall.exchange.Usage;
import dev.heimdall.provider.AnswerTranslation;
import dev.heimdall.provider.AnthropicUsage;
import dev.heimdall.provider.SseSplitter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Reads an Anthropic event stream as it passes through unchanged: the model and input counts from
 * {@code message_start}, the output (and, in newer streams, final input) counts from {@code message_delta}.
 * Only those two events are parsed.
 */
final class AnthropicStreamReader implements AnswerTranslation {

    private final SseSplitter splitter = new SseSplitter();
    private int events;
    private Long input;
    private Long output;
    private Long cacheRead;
    private Long cacheWrite;
    private String model;

    @Override
    public Buffer onChunk(Buffer chunk) {
        splitter.feed(chunk, this::event);
        return chunk;
    }

    @Override
    public Buffer onEnd() {
        splitter.end(this::event);
        return null;
    }

    private void event(String data) {
        events++;
        if (!data.contains("\"usage\"")) {
            return;
        }
        try {
            JsonObject event = new JsonObject(data);
            JsonObject usage;
            if ("message_start".equals(event.getString("type")) && event.getValue("message") instanceof JsonObject m) {
                model = m.getValue("model") instanceof String s ? s : model;
                usage = m.getValue("usage") instanceof JsonObject u ? u : null;
            } else {
                usage = event.getValue("usage") instanceof JsonObject u ? u : null;
            }
            if (usage != null) {
                input = number(usage, "input_tokens", input);
                output = number(usage, "output_tokens", output);
                cacheRead = number(usage, "cache_read_input_tokens", cacheRead);
                cacheWrite = number(usage, "cache_creation_input_tokens", cacheWrite);
            }
        } catch (DecodeException | ClassCastException e) {
            // not an event we can read: it is relayed all the same
        }
    }

    private static Long number(JsonObject o, String name, Long otherwise) {
        return o.getValue(name) instanceof Number n ? Long.valueOf(n.longValue()) : otherwise;
    }

    @Override
    public boolean rewrites() {
        return false;
    }

    @Override
    public Usage usage() {
        return AnthropicUsage.of(input, output, cacheRead, cacheWrite);
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public int events() {
        return events;
    }
}
