package dev.heimdall.telemetry;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A batch of spans as one OTLP {@code ExportTraceServiceRequest} in protobuf (opentelemetry-proto's
 * trace/v1 and common/v1 messages), written straight from our spans into one array. Spans are encoded as
 * they are added, so a batch weighs exactly what is sent and nothing else is kept; the envelope (resource
 * and scope) is written into room kept in front of them, so the finished body is sent without a copy.
 *
 * <p>Why not the SDK: its public exporter needs its own HTTP sender found by service loading, and its
 * internal marshaler (which we used before) builds an object per attribute and per value and sorts every
 * attribute set; on the telemetry thread that was most of the export's cost. The wire format is small
 * and stable; the test collector decodes it with the official generated classes.
 */
final class OtlpTraceEncoder {

    private static final int LEN = 2;
    private static final int FIXED64 = 1;
    private static final int FIXED32 = 5;
    private static final int SPAN_KIND_CLIENT = 3;
    private static final int STATUS_CODE_ERROR = 2;
    /** Span flags: the parent's remoteness is known (0x100), and it is remote (0x200). */
    private static final int HAS_IS_REMOTE = 0x100;
    private static final int IS_REMOTE = 0x200;
    private static final int SAMPLED = 0x01;
    private static final HexFormat HEX = HexFormat.of();

    /** ResourceSpans.resource and ScopeSpans.scope, the same for every batch. */
    private final byte[] resourceField;
    private final byte[] scopeField;
    /** Room in front of the spans for the envelope: the two fields and three tag-and-length headers. */
    private final int headroom;

    private byte[] buf;
    private int pos;
    private int spans;

    OtlpTraceEncoder(String serviceName, String version) {
        SpanAttributes resource = new SpanAttributes().put("service.name", serviceName).put("service.version", version)
                .put("telemetry.sdk.name", "heimdall").put("telemetry.sdk.language", "java");
        int resourceSize = 0;
        for (int i = 0; i < resource.size(); i++) {
            int kv = keyValueSize(resource, i);
            resourceSize += 1 + varintSize(kv) + kv;
        }
        Writer r = new Writer(new byte[1 + varintSize(resourceSize) + resourceSize], 0);
        r.tag(1, LEN); // ResourceSpans.resource
        r.varint(resourceSize);
        for (int i = 0; i < resource.size(); i++) {
            r.keyValue(1, resource, i); // Resource.attributes
        }
        this.resourceField = r.buf;
        int scopeSize = stringFieldSize("dev.heimdall");
        Writer sc = new Writer(new byte[1 + varintSize(scopeSize) + scopeSize], 0);
        sc.tag(1, LEN); // ScopeSpans.scope
        sc.varint(scopeSize);
        sc.string(1, "dev.heimdall"); // InstrumentationScope.name
        this.scopeField = sc.buf;
        this.headroom = resourceField.length + scopeField.length + 3 * 6;
        reset();
    }

    /** Spans added since the last {@link #finish}. */
    int spans() {
        return spans;
    }

    /** Bytes of the spans added since the last {@link #finish}. */
    int bytes() {
        return pos - headroom;
    }

    /** Adds a span to the batch: ScopeSpans.spans (field 2). */
    void add(ExchangeSpan s) {
        int size = spanSize(s);
        ensure(1 + varintSize(size) + size);
        Writer w = new Writer(buf, pos);
        w.tag(2, LEN);
        w.varint(size);
        int start = w.pos;
        w.bytesField(1, HEX.parseHex(s.traceId()));
        w.bytesField(2, idBytes(s.spanId()));
        if (s.parentSpanId() != null) {
            w.bytesField(4, HEX.parseHex(s.parentSpanId()));
        }
        w.string(5, s.name());
        w.tag(6, 0);
        w.varint(SPAN_KIND_CLIENT);
        w.tag(7, FIXED64);
        w.fixed64(s.startEpochNanos());
        w.tag(8, FIXED64);
        w.fixed64(s.endEpochNanos());
        SpanAttributes a = s.attributes();
        for (int i = 0; i < a.size(); i++) {
            w.keyValue(9, a, i);
        }
        if (s.errorType() != null) {
            w.tag(15, LEN);
            w.varint(statusSize(s.errorType()));
            w.string(2, s.errorType());
            w.tag(3, 0);
            w.varint(STATUS_CODE_ERROR);
        }
        w.tag(16, FIXED32);
        w.fixed32(flags(s));
        if (w.pos - start != size) {
            throw new IllegalStateException("span encoded to " + (w.pos - start) + " bytes, sized " + size);
        }
        pos = w.pos;
        spans++;
    }

    /**
     * The batch as one request body, {@code [offset, offset + length)} of the returned array; the encoder
     * starts a new batch.
     */
    Body finish() {
        int scopeSpans = scopeField.length + (pos - headroom);
        int resourceSpans = resourceField.length + 1 + varintSize(scopeSpans) + scopeSpans;
        int envelope = 1 + varintSize(resourceSpans) + resourceField.length + 1 + varintSize(scopeSpans) + scopeField.length;
        int offset = headroom - envelope;
        Writer w = new Writer(buf, offset);
        w.tag(1, LEN); // ExportTraceServiceRequest.resource_spans
        w.varint(resourceSpans);
        w.raw(resourceField);
        w.tag(2, LEN); // ResourceSpans.scope_spans
        w.varint(scopeSpans);
        w.raw(scopeField);
        Body body = new Body(buf, offset, pos - offset, spans);
        reset();
        return body;
    }

    /** An encoded request: {@code length} bytes of {@code array} from {@code offset}. */
    record Body(byte[] array, int offset, int length, int spans) {
    }

    /**
     * A new array for the next batch (the last one went to the HTTP client): the last batch's size and a
     * quarter more, so a steady load fills it without growing, and never the doubled size a growth left.
     */
    private void reset() {
        int last = buf == null ? 0 : pos;
        buf = new byte[Math.max(headroom + 64 * 1024, Math.min(last + last / 4, 8 << 20))];
        pos = headroom;
        spans = 0;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    private static int flags(ExchangeSpan s) {
        return SAMPLED | HAS_IS_REMOTE | (s.parentSpanId() != null && s.parentRemote() ? IS_REMOTE : 0);
    }

    private static byte[] idBytes(long id) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) id;
            id >>>= 8;
        }
        return b;
    }

    // ---- sizes: every message's length is known before it is written -----------------------------------------

    private static int spanSize(ExchangeSpan s) {
        int size = (1 + 1 + 16) + (1 + 1 + 8) + (s.parentSpanId() == null ? 0 : 1 + 1 + 8) + stringFieldSize(s.name()) + 2
                + 2 * (1 + 8) + (2 + 4);
        SpanAttributes a = s.attributes();
        for (int i = 0; i < a.size(); i++) {
            int kv = keyValueSize(a, i);
            size += 1 + varintSize(kv) + kv;
        }
        if (s.errorType() != null) {
            int status = statusSize(s.errorType());
            size += 1 + varintSize(status) + status;
        }
        return size;
    }

    private static int statusSize(String message) {
        return stringFieldSize(message) + 2;
    }

    private static int keyValueSize(SpanAttributes a, int i) {
        int value = anyValueSize(a.value(i));
        return stringFieldSize(a.key(i)) + 1 + varintSize(value) + value;
    }

    /** The size of an AnyValue message holding {@code v}. */
    private static int anyValueSize(Object v) {
        if (v instanceof String s) {
            return stringFieldSize(s);
        }
        if (v instanceof SpanAttributes.Utf8 u) {
            return 1 + varintSize(u.bytes().length) + u.bytes().length;
        }
        if (v instanceof Long l) {
            return 1 + varintSize(l);
        }
        if (v instanceof Double) {
            return 1 + 8;
        }
        int array = arrayValueSize((List<?>) v);
        return 1 + varintSize(array) + array;
    }

    private static int arrayValueSize(List<?> values) {
        int size = 0;
        for (Object o : values) {
            int one = anyValueSize(o);
            size += 1 + varintSize(one) + one;
        }
        return size;
    }

    private static int stringFieldSize(String s) {
        int n = utf8Length(s);
        return 1 + varintSize(n) + n;
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    /** UTF-8 length as {@link Writer#utf8} writes it: an unpaired surrogate becomes '?', as String.getBytes does. */
    private static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // four bytes for the pair's two chars
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /** Protobuf's wire encoding into an array with room for it. */
    private static final class Writer {
        byte[] buf;
        int pos;

        Writer(byte[] buf, int pos) {
            this.buf = buf;
            this.pos = pos;
        }

        void tag(int field, int wireType) {
            varint((field << 3) | wireType);
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void fixed64(long v) {
            for (int i = 0; i < 8; i++) {
                buf[pos++] = (byte) v;
                v >>>= 8;
            }
        }

        void fixed32(int v) {
            for (int i = 0; i < 4; i++) {
                buf[pos++] = (byte) v;
                v >>>= 8;
            }
        }

        void raw(byte[] bytes) {
            System.arraycopy(bytes, 0, buf, pos, bytes.length);
            pos += bytes.length;
        }

        void bytesField(int field, byte[] bytes) {
            tag(field, LEN);
            varint(bytes.length);
            raw(bytes);
        }

        void string(int field, String s) {
            tag(field, LEN);
            varint(utf8Length(s));
            utf8(s);
        }

        /** KeyValue {key = 1, value = 2} for attribute {@code i}, as field {@code field}. */
        void keyValue(int field, SpanAttributes a, int i) {
            tag(field, LEN);
            varint(keyValueSize(a, i));
            string(1, a.key(i));
            Object v = a.value(i);
            tag(2, LEN);
            varint(anyValueSize(v));
            anyValue(v);
        }

        /** AnyValue's fields: string_value = 1, int_value = 3, double_value = 4, array_value = 5. */
        void anyValue(Object v) {
            if (v instanceof String s) {
                string(1, s);
            } else if (v instanceof SpanAttributes.Utf8 u) {
                bytesField(1, u.bytes());
            } else if (v instanceof Long l) {
                tag(3, 0);
                varint(l);
            } else if (v instanceof Double d) {
                tag(4, FIXED64);
                fixed64(Double.doubleToRawLongBits(d));
            } else {
                List<?> values = (List<?>) v;
                tag(5, LEN);
                varint(arrayValueSize(values));
                for (Object o : values) {
                    tag(1, LEN);
                    varint(anyValueSize(o));
                    anyValue(o);
                }
            }
        }

        void utf8(String s) {
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    buf[pos++] = (byte) c;
                } else if (c < 0x800) {
                    buf[pos++] = (byte) (0xC0 | (c >> 6));
                    buf[pos++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    buf[pos++] = (byte) (0xF0 | (cp >> 18));
                    buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buf[pos++] = (byte) (0x80 | (cp & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    buf[pos++] = '?';
                } else {
                    buf[pos++] = (byte) (0xE0 | (c >> 12));
                    buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    buf[pos++] = (byte) (0x80 | (c & 0x3F));
                }
            }
        }
    }
}
