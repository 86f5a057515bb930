package dev.heimdall.provider;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a Server-Sent Events stream into its events' {@code data} as chunks arrive, for readers and
 * translators that need each event whole. Only an event that a chunk leaves unfinished is held (copied);
 * comments, {@code event:} and {@code id:} lines are skipped.
 */
public final class SseSplitter {

    private Buffer partial;

    /** Feeds a chunk; {@code onData} gets each event completed by it (multi-line data joined with newlines). */
    public void feed(Buffer chunk, Consumer<String> onData) {
        Buffer data = partial == null ? chunk : partial.appendBuffer(chunk);
        int length = data.length();
        int start = 0;
        int end;
        while ((end = eventEnd(data, start, length)) > 0) {
            emit(data.getString(start, end, "UTF-8"), onData);
            start = end;
        }
        partial = start < length ? data.getBuffer(start, length) : null;
    }

    /** The stream ended: an event left without its blank line still counts. */
    public void end(Consumer<String> onData) {
        if (partial != null && partial.length() > 0) {
            emit(partial.toString(StandardCharsets.UTF_8), onData);
        }
        partial = null;
    }

    private static void emit(String event, Consumer<String> onData) {
        StringBuilder data = null;
        for (String line : event.split("\r?\n")) {
            if (line.startsWith("data:")) {
                String value = line.length() > 5 && line.charAt(5) == ' ' ? line.substring(6) : line.substring(5);
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
        }
        if (data != null) {
            onData.accept(data.toString());
        }
    }

    /** Index just past the blank line ending the event that starts at {@code from}; -1 if none yet. */
    private static int eventEnd(Buffer data, int from, int length) {
        for (int i = from; i < length; i++) {
            if (data.getByte(i) == '\n') {
                int next = i + 1;
                if (next < length && data.getByte(next) == '\r') {
                    next++;
                }
                if (next < length && data.getByte(next) == '\n') {
                    return next + 1;
                }
            }
        }
        return -1;
    }
}
