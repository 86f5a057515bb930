package dev.heimdall.provider;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import dev.heimdall.exchange.Usage;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Reads a JSON answer's top-level {@code usage} and {@code model} as its bytes pass through (OpenAI's
 * {@code prompt_tokens}, {@code completion_tokens}, {@code prompt_tokens_details.cached_tokens}, or
 * with {@code anthropic} Anthropic's {@code input_tokens}, {@code output_tokens} and cache counts), with Jackson's non-blocking parser: chunk by chunk, whatever the size of the answer, holding
 * none of it. Only those fields are looked at; a malformed answer stops the scan (the client still gets
 * it as it is) and reports no usage.
 */
public final class JsonUsageScanner implements AnswerTranslation {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).maxNestingDepth(1000).build())
            .build();

    private JsonParser parser;
    private boolean broken;
    private Long input;
    private Long output;
    private Long cached;
    private Long cacheWrite;
    private String model;
    private final boolean anthropic;

    JsonUsageScanner() {
        this(false);
    }

    public JsonUsageScanner(boolean anthropic) {
        this.anthropic = anthropic;
    }

    /** Passes the chunk on unchanged, having read it. */
    @Override
    public Buffer onChunk(Buffer chunk) {
        feed(chunk);
        return chunk;
    }

    @Override
    public Buffer onEnd() {
        return null;
    }

    @Override
    public boolean rewrites() {
        return false;
    }

    @Override
    public int events() {
        return 0;
    }

    void feed(Buffer chunk) {
        if (broken || chunk.length() == 0) {
            return;
        }
        try {
            if (parser == null) {
                parser = JSON.createNonBlockingByteArrayParser();
            }
            ByteBuf buf = chunk.getByteBuf();
            byte[] bytes;
            int start;
            if (buf.hasArray()) {
                bytes = buf.array();
                start = buf.arrayOffset() + buf.readerIndex();
            } else {
                bytes = chunk.getBytes();
                start = 0;
            }
            ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).feedInput(bytes, start, start + chunk.length());
            drain();
        } catch (IOException | RuntimeException e) {
            broken = true;
        }
    }

    private void drain() throws IOException {
        JsonToken t;
        while ((t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
            if (t == JsonToken.VALUE_NUMBER_INT) {
                number();
            } else if (t == JsonToken.VALUE_STRING && topLevel(parser.getParsingContext()) && "model".equals(parser.currentName())) {
                model = parser.getText();
            }
        }
    }

    /** usage.prompt_tokens, usage.completion_tokens, usage.prompt_tokens_details.cached_tokens. */
    private void number() throws IOException {
        JsonStreamContext ctx = parser.getParsingContext();
        String name = ctx.getCurrentName();
        JsonStreamContext parent = ctx.getParent();
        if (name == null || parent == null) {
            return;
        }
        if (anthropic) {
            if (topLevel(parent) && "usage".equals(parent.getCurrentName())) {
                switch (name) {
                    case "input_tokens" -> input = parser.getLongValue();
                    case "output_tokens" -> output = parser.getLongValue();
                    case "cache_read_input_tokens" -> cached = parser.getLongValue();
                    case "cache_creation_input_tokens" -> cacheWrite = parser.getLongValue();
                    default -> { }
                }
            }
            return;
        }
        if (topLevel(parent) && "usage".equals(parent.getCurrentName())) {
            if (name.equals("prompt_tokens")) {
                input = parser.getLongValue();
            } else if (name.equals("completion_tokens")) {
                output = parser.getLongValue();
            }
        } else if (name.equals("cached_tokens") && "prompt_tokens_details".equals(parent.getCurrentName())
                && parent.getParent() != null && topLevel(parent.getParent()) && "usage".equals(parent.getParent().getCurrentName())) {
            cached = parser.getLongValue();
        }
    }

    /** The context of the answer's own object (its parent is the root). */
    private static boolean topLevel(JsonStreamContext ctx) {
        return ctx.inObject() && ctx.getParent() != null && ctx.getParent().inRoot();
    }

    /** What the answer reported; the scan ends here (later bytes are not read). */
    @Override
    public Usage usage() {
        end();
        // Anthropic counts cached and cache-written input apart from input_tokens; Usage's input is all of it, as OpenAI's.
        return anthropic ? AnthropicUsage.of(input, output, cached, cacheWrite) : Usage.reported(input, output, cached);
    }

    /**
     * Closes the parser: that is when Jackson merges the field names it met into its shared table, so the
     * next answer's parser finds "choices", "usage"... there instead of adding (and interning) each again.
     */
    private void end() {
        broken = true;
        if (parser != null) {
            try {
                parser.close();
            } catch (IOException e) {
                // nothing to release beyond the symbols
            }
            parser = null;
        }
    }

    @Override
    public String model() {
        return model;
    }
}
