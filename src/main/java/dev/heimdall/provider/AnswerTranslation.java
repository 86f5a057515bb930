package dev.heimdall.provider;

import dev.heimdall.exchange.Usage;
import io.vertx.core.buffer.Buffer;

/**
 * One answer on its way to the client, chunk by chunk as the upstream sends it: what to write to the client
 * for each chunk (the chunk itself for a passthrough; translated events otherwise), and what the answer
 * reported, read on the way. A stream is translated event by event and never held whole.
 */
public interface AnswerTranslation {

    /** What to write to the client for this upstream chunk; may be empty. */
    Buffer onChunk(Buffer chunk);

    /** The upstream's answer ended: what is left to write (may be null). */
    Buffer onEnd();

    /** Whether the client gets other bytes than the upstream sent (then the upstream's Content-Length does not apply). */
    boolean rewrites();

    /** The usage the answer reported, read on the way; {@link Usage#NONE} when it reported none. */
    Usage usage();

    /** The model the upstream said answered, when it said. */
    String model();

    /** Stream events read so far (0 for a JSON answer). */
    int events();
}
