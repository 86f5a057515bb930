package dev.heimdall.telemetry;

import java.util.ArrayList;
import java.util.List;

/**
 * A span's attributes in the order they were put, as OTLP carries them: text, whole numbers, doubles,
 * lists of text, and JSON already encoded as UTF-8 (message content, written as it was built, never
 * decoded to a String). A null value is left out; a key put twice is kept twice, so callers put each once.
 */
final class SpanAttributes {

    /** A string attribute whose value is UTF-8 bytes (message content as JSON). */
    record Utf8(byte[] bytes) {
    }

    private final List<String> keys = new ArrayList<>(24);
    private final List<Object> values = new ArrayList<>(24);

    SpanAttributes put(String key, String value) {
        return add(key, value);
    }

    SpanAttributes put(String key, Long value) {
        return add(key, value);
    }

    SpanAttributes put(String key, Double value) {
        return add(key, value);
    }

    SpanAttributes putStrings(String key, List<String> value) {
        return add(key, value == null ? null : List.copyOf(value));
    }

    SpanAttributes putUtf8(String key, byte[] utf8) {
        return add(key, utf8 == null ? null : new Utf8(utf8));
    }

    private SpanAttributes add(String key, Object value) {
        if (value != null) {
            keys.add(key);
            values.add(value);
        }
        return this;
    }

    int size() {
        return keys.size();
    }

    String key(int i) {
        return keys.get(i);
    }

    /** A String, Long, Double, List of String, or {@link Utf8}. */
    Object value(int i) {
        return values.get(i);
    }

    /** The value of {@code key} as put (UTF-8 content as a String), or null. */
    Object get(String key) {
        int i = keys.indexOf(key);
        if (i < 0) {
            return null;
        }
        return values.get(i) instanceof Utf8 u ? new String(u.bytes(), java.nio.charset.StandardCharsets.UTF_8) : values.get(i);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < keys.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(keys.get(i)).append('=').append(get(keys.get(i)));
        }
        return b.append('}').toString();
    }
}
