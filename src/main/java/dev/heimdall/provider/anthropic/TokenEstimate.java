package dev.heimdall.provider.anthropic;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The answer to {@code count_tokens} when the model is not Anthropic's and no upstream can count: an
 * estimate of about four characters a token over every string of {@code system}, {@code messages} and
 * {@code tools} (base64 images and documents count by Anthropic's rule of thumb, width × height / 750, which
 * without the image's size is a flat 1,600 tokens each), plus a few tokens of framing per message. It is
 * a guide for a client deciding when to compact its context, not a bill: cost is charged on the usage
 * the model reports.
 */
public final class TokenEstimate {

    private static final int CHARS_PER_TOKEN = 4;
    private static final int PER_MESSAGE = 4;
    private static final int PER_IMAGE = 1_600;

    private TokenEstimate() {
    }

    public static long inputTokens(byte[] body) {
        JsonObject request = new JsonObject(io.vertx.core.buffer.Buffer.buffer(body));
        long[] chars = {0};
        long[] extra = {0};
        count(request.getValue("system"), chars, extra);
        count(request.getValue("tools"), chars, extra);
        if (request.getValue("messages") instanceof JsonArray messages) {
            extra[0] += (long) PER_MESSAGE * messages.size();
            count(messages, chars, extra);
        }
        return (chars[0] + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + extra[0];
    }

    private static void count(Object value, long[] chars, long[] extra) {
        if (value instanceof String s) {
            chars[0] += s.length();
        } else if (value instanceof JsonArray a) {
            a.forEach(v -> count(v, chars, extra));
        } else if (value instanceof JsonObject o) {
            boolean source = o.getValue("type") instanceof String t && (t.equals("base64") || t.equals("url"))
                    && (o.containsKey("media_type") || o.containsKey("url"));
            if (source) {
                extra[0] += PER_IMAGE; // an image or document source: its bytes are not text
                return;
            }
            o.forEach(e -> count(e.getValue(), chars, extra));
        }
    }
}
