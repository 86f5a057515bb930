package dev.heimdall.provider.anthropic;

import dev.heimdall.provider.OpenAiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A JSON answer rewritten into another format: it must be whole to be rewritten, so it is held until it
 * ends, up to {@link #MAX_ANSWER} (no model writes more; a larger one is answered with an error rather than
 * held). Streams are never held ({@link EventRewrite}).
 */
abstract class WholeAnswer extends RewrittenAnswer {

    static final int MAX_ANSWER = 64 << 20;

    private Buffer whole = Buffer.buffer();
    private boolean tooLarge;

    @Override
    public final Buffer onChunk(Buffer chunk) {
        if (tooLarge || whole.length() + chunk.length() > MAX_ANSWER) {
            tooLarge = true;
        } else {
            whole.appendBuffer(chunk);
        }
        return Buffer.buffer();
    }

    @Override
    public final Buffer onEnd() {
        JsonObject answer = null;
        try {
            answer = tooLarge ? null : whole.toJsonObject();
        } catch (DecodeException | ClassCastException e) {
            // answered below
        }
        whole = null;
        if (answer == null) {
            return unreadable(OpenAiError.upstream(502, "invalid_upstream_answer", tooLarge
                    ? "The upstream's answer is larger than " + (MAX_ANSWER >> 20) + " MiB." : "The upstream's answer is not valid JSON."));
        }
        return rewrite(answer).toBuffer();
    }

    /** The answer in the client's format; sets {@link #usage} and {@link #model}. */
    abstract JsonObject rewrite(JsonObject answer);

    /** The client's error body for an answer that could not be read. */
    abstract Buffer unreadable(OpenAiError error);
}
