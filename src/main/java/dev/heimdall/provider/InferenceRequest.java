package dev.heimdall.provider;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * A client's request body as bytes, with where its top-level {@code model} string sits ({@code modelStart}
 * at the opening quote, {@code modelEnd} just past the closing one) and, when present, the byte span of
 * Bifrost's {@code fallbacks} field, which is Heimdall's to act on and is not sent upstream. Forwarding
 * rewrites only those bytes, so every other field, known or not, reaches the upstream untouched.
 */
public record InferenceRequest(Endpoint endpoint, byte[] body, int modelStart, int modelEnd, String model, boolean stream,
        List<String> fallbacks, int fallbacksStart, int fallbacksEnd) {

    public InferenceRequest {
        fallbacks = List.copyOf(fallbacks);
    }

    /** The body to send upstream: {@code model} replaced, {@code fallbacks} removed; the original bytes when neither applies. */
    public Buffer bodyWithModel(String upstreamModel) {
        boolean sameModel = upstreamModel.equals(model);
        if (sameModel && fallbacksStart < 0) {
            return Buffer.buffer(Unpooled.wrappedBuffer(body)); // no copy: the array is not changed afterwards
        }
        byte[] quoted = sameModel ? null : JsonStringEncoder.getInstance().quoteAsUTF8(upstreamModel);
        Buffer out = Buffer.buffer(body.length + (quoted == null ? 0 : quoted.length));
        // The two spans never overlap: each is one top-level field.
        int at = 0;
        if (fallbacksStart >= 0 && fallbacksStart < modelStart) {
            out.appendBytes(body, at, fallbacksStart - at);
            at = fallbacksEnd;
        }
        out.appendBytes(body, at, modelStart - at);
        if (quoted == null) {
            out.appendBytes(body, modelStart, modelEnd - modelStart);
        } else {
            out.appendByte((byte) '"').appendBytes(quoted).appendByte((byte) '"');
        }
        at = modelEnd;
        if (fallbacksStart >= modelEnd) {
            out.appendBytes(body, at, fallbacksStart - at);
            at = fallbacksEnd;
        }
        out.appendBytes(body, at, body.length - at);
        return out;
    }
}
