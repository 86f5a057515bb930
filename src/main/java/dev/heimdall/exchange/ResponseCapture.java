package dev.heimdall.exchange;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer's bytes as telemetry needs them for the span (id, finish reasons, the assistant's text):
 * references to the chunks as relayed, nothing copied on the event loop, up to {@link #LIMIT} bytes;
 * past it only a copied tail is kept (finish reasons come last). Parsed only after completion, on the
 * telemetry thread.
 */
public final class ResponseCapture {

    /** Chunks kept by reference up to this many bytes; the span's output content is bounded below it. */
    public static final int LIMIT = 256 * 1024;
    static final int TAIL = 16 * 1024;

    private final List<Buffer> chunks = new ArrayList<>(4);
    private int length;
    private long total;
    private Buffer tail;

    void add(Buffer chunk) {
        total += chunk.length();
        if (tail == null && length + chunk.length() <= LIMIT) {
            chunks.add(chunk);
            length += chunk.length();
            return;
        }
        if (tail == null) {
            tail = Buffer.buffer(2 * TAIL);
            chunks.clear();
        }
        tail.appendBuffer(chunk);
        if (tail.length() > 2 * TAIL) {
            tail = tail.getBuffer(tail.length() - TAIL, tail.length());
        }
    }

    /** Bytes the client got in all, captured or not. */
    public long total() {
        return total;
    }

    /** True when everything the client got is here; false when only a tail is. */
    public boolean whole() {
        return tail == null;
    }

    /** The captured bytes in one buffer (call off the event loop: it copies). */
    public Buffer bytes() {
        if (tail != null) {
            return tail;
        }
        if (chunks.size() == 1) {
            return chunks.get(0);
        }
        Buffer all = Buffer.buffer(length);
        chunks.forEach(all::appendBuffer);
        return all;
    }
}
