package dev.heimdall.provider;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;

/**
 * A client's request body as bytes, with where its top-level {@code model} string sits
 * ({@code modelStart} at the opening quote, {@code modelEnd} just past the closing one). Forwarding
 * rewrites only those bytes, so every other field, known or not, reaches the upstream untouched.
 */
public record InferenceRequest(Endpoint endpoint, byte[] body, int modelStart, int modelEnd, String model, boolean stream) {

    /** The body with {@code model} replaced; the original array when the name is unchanged. */
    public Buffer bodyWithModel(String upstreamModel) {
        if (upstreamModel.equals(model)) {
            return Buffer.buffer(body);
        }
        byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(upstreamModel);
        byte[] out = new byte[body.length - (modelEnd - modelStart) + quoted.length + 2];
        System.arraycopy(body, 0, out, 0, modelStart);
        int at = modelStart;
        out[at++] = '"';
        System.arraycopy(quoted, 0, out, at, quoted.length);
        at += quoted.length;
        out[at++] = '"';
        System.arraycopy(body, modelEnd, out, at, body.length - modelEnd);
        return Buffer.buffer(out);
    }
}
