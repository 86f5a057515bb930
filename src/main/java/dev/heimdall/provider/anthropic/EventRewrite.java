package dev.heimdall.provider.anthropic;

import dev.heimdall.provider.SseSplitter;
import io.vertx.core.buffer.Buffer;

/**
 * A stream rewritten into another format event by event: each upstream event's data goes to
 * {@link #event}, which writes the client's events to {@link #out}; what one chunk completes is written for
 * that chunk, and only an event a chunk leaves unfinished is held.
 */
abstract class EventRewrite extends RewrittenAnswer {

    private final SseSplitter splitter = new SseSplitter();
    protected Buffer out;

    @Override
    public final Buffer onChunk(Buffer chunk) {
        out = Buffer.buffer();
        splitter.feed(chunk, this::counted);
        return out;
    }

    @Override
    public final Buffer onEnd() {
        out = Buffer.buffer();
        splitter.end(this::counted);
        ended();
        return out;
    }

    private void counted(String data) {
        events++;
        event(data);
    }

    /** One upstream event's data. */
    abstract void event(String data);

    /** The upstream's stream ended (whether or not it said so): what must close the client's stream. */
    abstract void ended();
}
