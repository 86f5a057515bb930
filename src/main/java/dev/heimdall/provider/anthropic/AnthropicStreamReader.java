package dev.heimdall.provider.anthropic;

import dev.heimdall.exchange.Usage;
import dev.heimdall.provider.AnswerTranslation;
import dev.heimdall.provider.SseSplitter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Reads an Anthropic event stream as it passes through unchanged: the model and input counts from
 * {@code message_start}, the output (and, in newer streams, final input) counts from {@code message_delta}.
 * Only events that carry usage are parsed.
 */
final class AnthropicStreamReader implements AnswerTranslation {

    private final SseSplitter splitter = new SseSplitter();
    private final AnthropicUsageCounter counter = new AnthropicUsageCounter();
    private int events;
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
            if ("message_start".equals(event.getValue("type")) && event.getValue("message") instanceof JsonObject m) {
                model = m.getValue("model") instanceof String s ? s : model;
                counter.add(m.getValue("usage"));
            } else {
                counter.add(event.getValue("usage"));
            }
        } catch (DecodeException | ClassCastException e) {
            // not an event we can read: it is relayed all the same
        }
    }

    @Override
    public boolean rewrites() {
        return false;
    }

    @Override
    public Usage usage() {
        return counter.usage();
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
