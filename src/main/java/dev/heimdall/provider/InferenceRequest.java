package dev.heimdall.provider;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's request body as bytes, with the byte spans the gateway may rewrite: the top-level
 * {@code model} string ({@code modelStart} at its opening quote, {@code modelEnd} just past the closing
 * one), Bifrost's {@code fallbacks} field, which is the gateway's to act on and never goes upstream, and
 * {@code stream_options}, where the gateway asks for usage when a streaming client did not; and
 * {@code max_tokens} / {@code max_completion_tokens} ({@code maxOutputTokens}, -1 when absent), which bounds
 * what governance reserves. Forwarding
 * rewrites only those bytes: every other field, known or not, reaches the upstream untouched.
 */
public record InferenceRequest(Endpoint endpoint, byte[] body, int objectStart, int modelStart, int modelEnd, String model,
        boolean stream, List<String> fallbacks, int fallbacksStart, int fallbacksEnd, StreamOptions streamOptions,
        long maxOutputTokens) {

    /**
     * The request's {@code stream_options}: its value's span ({@code start} &lt; 0 when absent), whether it is
     * an object and an empty one, and the span and truth of {@code include_usage} inside it.
     */
    public record StreamOptions(int start, int end, boolean object, boolean empty, int includeUsageStart, int includeUsageEnd,
            boolean includeUsage) {

        public static final StreamOptions ABSENT = new StreamOptions(-1, -1, false, true, -1, -1, false);
    }

    private static final byte[] ADD_STREAM_OPTIONS = "\"stream_options\":{\"include_usage\":true},".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ADD_INCLUDE_USAGE = "\"include_usage\":true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ADD_INCLUDE_USAGE_COMMA = "\"include_usage\":true,".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OPTIONS_OBJECT = "{\"include_usage\":true}".getBytes(StandardCharsets.US_ASCII);

    /** One replacement of {@code body[start, end)}; spans never overlap (each lies in its own top-level field). */
    private record Splice(int start, int end, byte[] bytes) {
    }

    public InferenceRequest {
        fallbacks = List.copyOf(fallbacks);
    }

    /** A streaming request whose client did not ask for the usage chunk. */
    public boolean streamWithoutUsage() {
        return stream && !streamOptions.includeUsage();
    }

    /**
     * The body to send upstream: {@code model} replaced, {@code fallbacks} removed, and with
     * {@code askUsage} the stream's usage requested ({@code stream_options.include_usage: true}); the
     * original bytes, uncopied, when nothing changes.
     */
    public Buffer bodyFor(String upstreamModel, boolean askUsage) {
        List<Splice> splices = new ArrayList<>(3);
        if (!upstreamModel.equals(model)) {
            byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(upstreamModel);
            byte[] value = new byte[quoted.length + 2];
            value[0] = '"';
            System.arraycopy(quoted, 0, value, 1, quoted.length);
            value[value.length - 1] = '"';
            splices.add(new Splice(modelStart, modelEnd, value));
        }
        if (fallbacksStart >= 0) {
            splices.add(new Splice(fallbacksStart, fallbacksEnd, new byte[0]));
        }
        if (askUsage && !streamOptions.includeUsage()) {
            splices.add(usageSplice());
        }
        if (splices.isEmpty()) {
            return Buffer.buffer(Unpooled.wrappedBuffer(body)); // no copy: the array is never changed
        }
        splices.sort((a, b) -> Integer.compare(a.start(), b.start()));
        int size = body.length;
        for (Splice s : splices) {
            size += s.bytes().length - (s.end() - s.start());
        }
        Buffer out = Buffer.buffer(size);
        int at = 0;
        for (Splice s : splices) {
            out.appendBytes(body, at, s.start() - at).appendBytes(s.bytes());
            at = s.end();
        }
        return out.appendBytes(body, at, body.length - at);
    }

    private Splice usageSplice() {
        StreamOptions o = streamOptions;
        if (o.start() < 0) {
            int after = objectStart + 1;
            return new Splice(after, after, ADD_STREAM_OPTIONS);
        }
        if (!o.object()) {
            return new Splice(o.start(), o.end(), OPTIONS_OBJECT);
        }
        if (o.includeUsageStart() >= 0) {
            return new Splice(o.includeUsageStart(), o.includeUsageEnd(), TRUE);
        }
        int after = o.start() + 1;
        return new Splice(after, after, o.empty() ? ADD_INCLUDE_USAGE : ADD_INCLUDE_USAGE_COMMA);
    }
}
