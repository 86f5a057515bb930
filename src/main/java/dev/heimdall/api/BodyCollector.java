package dev.heimdall.api;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * A request body, copied once from the network buffers into one array. The declared Content-Length sizes
 * the array only up to {@link #MAX_PREALLOCATED}: beyond that memory follows the bytes that actually
 * arrive, so clients declaring large bodies and sending nothing cannot reserve the heap.
 */
final class BodyCollector {

    static final int MAX_PREALLOCATED = 64 * 1024;

    private byte[] data;
    int length;
    boolean tooLarge;

    BodyCollector(long declaredLength) {
        data = new byte[(int) Math.max(256, Math.min(declaredLength, MAX_PREALLOCATED))];
    }

    void append(Buffer chunk) {
        int n = chunk.length();
        if (length + n > data.length) {
            data = Arrays.copyOf(data, Math.max(length + n, data.length * 2));
        }
        chunk.getBytes(0, n, data, length);
        length += n;
    }

    int capacity() {
        return data.length;
    }

    byte[] bytes() {
        return length == data.length ? data : Arrays.copyOf(data, length);
    }
}
