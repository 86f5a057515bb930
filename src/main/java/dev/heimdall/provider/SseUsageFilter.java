package dev.heimdall.provider;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.heimdall.exchange.Usage;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Watches an OpenAI-shaped event stream as it is relayed: counts its events and reads the usage chunk
 * (an event with a {@code "usage": {…}} object; only such events are parsed). When the gateway asked for
 * usage on the client's behalf ({@code strip}), the usage-only chunk (empty {@code choices}) is removed
 * from what the client receives and everything else passes byte for byte; then an event split across
 * network chunks is held until it is complete. Without {@code strip} every chunk is forwarded at once.
 */
final class SseUsageFilter implements AnswerTranslation {

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

    private final boolean strip;
    /** The start of an event that the previous chunks did not finish (a copy), or null. */
    private Buffer partial;
    private int events;
    private Long input;
    private Long output;
    private Long cached;
    private String model;

    SseUsageFilter(boolean strip) {
        this.strip = strip;
    }

    /** Takes a chunk from the upstream; returns what to send the client now (possibly empty). */
    @Override
    public Buffer onChunk(Buffer chunk) {
        Buffer data = partial == null ? chunk : partial.appendBuffer(chunk);
        ByteBuf bytes = data.getByteBuf();
        int length = data.length();
        int eventStart = 0;
        Buffer out = null;
        int copiedUpTo = 0;
        int end;
        while ((end = eventEnd(bytes, eventStart, length)) > 0) {
            events++;
            if (hasUsageObject(bytes, eventStart, end) && readUsage(data, eventStart, end) && strip) {
                // Drop this event from what the client gets: copy around it.
                if (out == null) {
                    out = Buffer.buffer(length);
                }
                out.appendBuffer(data, copiedUpTo, eventStart - copiedUpTo);
                copiedUpTo = end;
            }
            eventStart = end;
        }
        partial = eventStart < length ? data.getBuffer(eventStart, length) : null;
        if (!strip) {
            return chunk;
        }
        if (out == null) {
            if (eventStart == length && data == chunk) {
                return chunk;
            }
            return data.getBuffer(0, eventStart);
        }
        return out.appendBuffer(data, copiedUpTo, eventStart - copiedUpTo);
    }

    /** The stream ended: whatever incomplete event remains, as it came (only held when stripping). */
    @Override
    public Buffer onEnd() {
        Buffer rest = strip ? partial : null;
        partial = null;
        return rest;
    }

    @Override
    public boolean rewrites() {
        return strip;
    }

    @Override
    public int events() {
        return events;
    }

    @Override
    public Usage usage() {
        return Usage.reported(input, output, cached);
    }

    @Override
    public String model() {
        return model;
    }

    /** Index just past the blank line ending the event that starts at {@code from}; -1 if none yet. */
    private static int eventEnd(ByteBuf bytes, int from, int length) {
        int i = from;
        while (i < length) {
            int lf = bytes.indexOf(bytes.readerIndex() + i, bytes.readerIndex() + length, (byte) '\n') - bytes.readerIndex();
            if (lf < 0) {
                return -1;
            }
            int next = lf + 1;
            if (next < length && bytes.getByte(bytes.readerIndex() + next) == '\r') {
                next++;
            }
            if (next < length && bytes.getByte(bytes.readerIndex() + next) == '\n') {
                return next + 1;
            }
            i = lf + 1;
        }
        return -1;
    }

    /** Whether the event has {@code "usage"} followed by an object (not the {@code null} other chunks carry). */
    private static boolean hasUsageObject(ByteBuf bytes, int from, int to) {
        int base = bytes.readerIndex();
        outer:
        for (int i = from; i <= to - USAGE.length; i++) {
            for (int j = 0; j < USAGE.length; j++) {
                if (bytes.getByte(base + i + j) != USAGE[j]) {
                    continue outer;
                }
            }
            int k = i + USAGE.length;
            while (k < to && isSpace(bytes.getByte(base + k))) {
                k++;
            }
            if (k < to && bytes.getByte(base + k) == ':') {
                k++;
                while (k < to && isSpace(bytes.getByte(base + k))) {
                    k++;
                }
                if (k < to && bytes.getByte(base + k) == '{') {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    /**
     * Parses the event's data as a chunk; records its usage when it has a usage object. Returns true when
     * the event is a usage-only chunk (a usage object and no choices), the one the gateway may remove.
     */
    private boolean readUsage(Buffer data, int from, int to) {
        String event = data.getString(from, to, "UTF-8");
        int at = event.indexOf("data:");
        if (at < 0) {
            return false;
        }
        boolean hasUsage = false;
        boolean choices = false;
        try (JsonParser p = JSON.createParser(event.substring(at + 5).strip())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "usage" -> {
                        if (v == JsonToken.START_OBJECT) {
                            hasUsage = true;
                            usageFields(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "model" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            model = p.getText();
                        }
                    }
                    case "choices" -> {
                        choices = v == JsonToken.START_ARRAY && p.nextToken() != JsonToken.END_ARRAY;
                        if (choices) {
                            p.skipChildren();
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                p.skipChildren();
                            }
                        } else if (v != JsonToken.START_ARRAY) {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return false; // not JSON: relayed as it is, nothing learned
        }
        return hasUsage && !choices;
    }

    private void usageFields(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NUMBER_INT && name.equals("prompt_tokens")) {
                input = p.getLongValue();
            } else if (v == JsonToken.VALUE_NUMBER_INT && name.equals("completion_tokens")) {
                output = p.getLongValue();
            } else if (v == JsonToken.START_OBJECT && name.equals("prompt_tokens_details")) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String detail = p.currentName();
                    if (p.nextToken() == JsonToken.VALUE_NUMBER_INT && detail.equals("cached_tokens")) {
                        cached = p.getLongValue();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }
}
