package dev.heimdall.provider;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * How one inbound dialect writes an error: a whole JSON body, or the event that ends a stream that already
 * started. The error itself ({@link OpenAiError}'s fields: status, type, code, param, message) is the same
 * whatever the dialect.
 */
public interface ErrorFormat {

    /** OpenAI's {@code {"error":{"message","type","param","code"}}}. */
    ErrorFormat OPENAI = new ErrorFormat() {
        /** Anthropic's 529 "overloaded" is OpenAI's 503, which OpenAI's clients retry. */
        @Override
        public int status(OpenAiError error) {
            return error.status() == 529 ? 503 : error.status();
        }

        @Override
        public JsonObject json(OpenAiError error) {
            return error.json();
        }

        @Override
        public Buffer sseEvent(OpenAiError error) {
            return error.sseEvent();
        }
    };

    /** The HTTP status the client gets for {@code error} (a dialect may use its vendor's own, e.g. 529). */
    int status(OpenAiError error);

    /** The error body; its {@code error} object may take fields of Heimdall's (such as the attempts tried). */
    JsonObject json(OpenAiError error);

    default Buffer body(OpenAiError error) {
        return json(error).toBuffer();
    }

    Buffer sseEvent(OpenAiError error);
}
