package dev.heimdall.provider.anthropic;

import dev.heimdall.provider.UntranslatableException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** What the request translators share. */
final class Bodies {

    private Bodies() {
    }

    /** The request body as a JSON object (the scanner already checked it is well-formed JSON). */
    static JsonObject parse(byte[] body) {
        try {
            return new JsonObject(Buffer.buffer(body));
        } catch (DecodeException | ClassCastException e) {
            throw new UntranslatableException(null, "The request body is not a JSON object.");
        }
    }
}
