package dev.heimdall.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a span shows of the request, read in one streaming pass over the body the client sent (no tree):
 * the sampling parameters, the end user (OpenAI's {@code user}, Anthropic's {@code metadata.user_id}), and, when content is captured, the messages in the
 * GenAI "parts" format Langfuse shows as the input, bounded by {@link ContentBudget}. Runs on the
 * telemetry thread, after the answer.
 */
record RequestFacts(Map<String, Double> doubles, Map<String, Long> longs, List<String> stop, String user, byte[] inputMessages) {

    /** The telemetry thread's one factory (requests, answers, output messages): no length limit, as bodies are already bounded. */
    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).maxNestingDepth(512).build())
            .build();
    private static final Map<String, String> DOUBLE_PARAMS = Map.of(
            "temperature", "gen_ai.request.temperature", "top_p", "gen_ai.request.top_p",
            "frequency_penalty", "gen_ai.request.frequency_penalty", "presence_penalty", "gen_ai.request.presence_penalty");
    private static final Map<String, String> LONG_PARAMS = Map.of(
            "max_tokens", "gen_ai.request.max_tokens", "max_completion_tokens", "gen_ai.request.max_tokens",
            "seed", "gen_ai.request.seed", "n", "gen_ai.request.choice.count", "top_k", "gen_ai.request.top_k");

    static final RequestFacts NONE = new RequestFacts(Map.of(), Map.of(), null, null, null);

    static RequestFacts read(byte[] body, boolean content, int contentLimit) {
        Reader reader = new Reader(body);
        return reader.read(content, contentLimit);
    }

    /** JSON already encoded as UTF-8 bytes, written by a generator as it is. */
    private record RawJson(byte[] bytes) implements SerializableString {

        @Override
        public String getValue() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public int charLength() {
            return getValue().length();
        }

        @Override
        public char[] asQuotedChars() {
            return getValue().toCharArray();
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return bytes;
        }

        @Override
        public byte[] asQuotedUTF8() {
            return bytes;
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            return appendUnquotedUTF8(buffer, offset);
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            return -1;
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (offset + bytes.length > buffer.length) {
                return -1;
            }
            System.arraycopy(bytes, 0, buffer, offset, bytes.length);
            return bytes.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            return -1;
        }

        @Override
        public int writeQuotedUTF8(java.io.OutputStream out) throws IOException {
            return writeUnquotedUTF8(out);
        }

        @Override
        public int writeUnquotedUTF8(java.io.OutputStream out) throws IOException {
            out.write(bytes);
            return bytes.length;
        }

        @Override
        public int putQuotedUTF8(java.nio.ByteBuffer buffer) {
            return putUnquotedUTF8(buffer);
        }

        @Override
        public int putUnquotedUTF8(java.nio.ByteBuffer buffer) {
            if (buffer.remaining() < bytes.length) {
                return -1;
            }
            buffer.put(bytes);
            return bytes.length;
        }
    }

    /**
     * One pass over one body: text is copied from it as the raw JSON the client wrote, not decoded and
     * re-encoded. The copy is valid UTF-8 because the body is: the gateway refuses any other at intake
     * (api.Utf8, strict), and OTLP's string values must be (one invalid value fails the whole batch).
     */
    private record Reader(byte[] body) {

    RequestFacts read(boolean content, int contentLimit) {
        if (body == null) {
            return NONE;
        }
        Map<String, Double> doubles = new LinkedHashMap<>();
        Map<String, Long> longs = new LinkedHashMap<>();
        List<String> stop = null;
        String user = null;
        byte[] messages = null;
        byte[] prompt = null;
        byte[] system = null;
        ContentBudget budget = new ContentBudget(contentLimit);
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return NONE;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (DOUBLE_PARAMS.containsKey(field) && v.isNumeric()) {
                    doubles.put(DOUBLE_PARAMS.get(field), p.getDoubleValue());
                } else if (LONG_PARAMS.containsKey(field) && v.isNumeric()) {
                    longs.put(LONG_PARAMS.get(field), p.getLongValue());
                } else if (field.equals("stop") && v == JsonToken.VALUE_STRING) {
                    stop = List.of(p.getText());
                } else if ((field.equals("stop") || field.equals("stop_sequences")) && v == JsonToken.START_ARRAY) {
                    stop = strings(p);
                } else if (field.equals("user") && v == JsonToken.VALUE_STRING) {
                    user = p.getText();
                } else if (field.equals("metadata") && v == JsonToken.START_OBJECT) {
                    user = metadataUser(p, user);
                } else if (content && field.equals("system") && v != JsonToken.VALUE_NULL) {
                    system = systemMessage(p, budget);
                } else if (content && field.equals("messages") && v == JsonToken.START_ARRAY) {
                    messages = messages(p, budget);
                } else if (content && prompt == null && (field.equals("prompt") || field.equals("input")) && v != JsonToken.VALUE_NULL) {
                    prompt = prompt(p, budget);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return new RequestFacts(doubles, longs, stop, user, null);
        }
        return new RequestFacts(doubles, longs, stop, user, withSystem(system, messages != null ? messages : prompt));
    }

    /** Anthropic's {@code metadata.user_id}, the Messages API's end-user id. */
    private static String metadataUser(JsonParser p, String user) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_STRING && field.equals("user_id")) {
                user = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return user;
    }

    /** Anthropic's top-level {@code system} (a string or text blocks) as one system message. */
    private byte[] systemMessage(JsonParser p, ContentBudget budget) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            startMessage(g, "system");
            parts(p, p.currentToken(), g, budget);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** The system message first, wherever the client wrote {@code system} in its body. */
    private static byte[] withSystem(byte[] system, byte[] messages) {
        if (system == null) {
            return messages;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(system.length + (messages == null ? 2 : messages.length + 1));
        out.write('[');
        out.writeBytes(system);
        if (messages != null && messages.length > 2) {
            out.write(',');
            out.write(messages, 1, messages.length - 1); // the messages' array without its '['
        } else {
            out.write(']');
        }
        return out.toByteArray();
    }

    private List<String> strings(JsonParser p) throws IOException {
        List<String> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                out.add(p.getText());
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    /** OpenAI's messages as [{"role", "parts": [...]}]. */
    private byte[] messages(JsonParser p, ContentBudget budget) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                // Clients write "role" first: the parts then go straight into the output. Only content seen
                // before the role is set aside until the role is known.
                String role = null;
                boolean written = false;
                byte[] early = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken v = p.nextToken();
                    if (field.equals("role") && v == JsonToken.VALUE_STRING) {
                        role = p.getText();
                    } else if (field.equals("content") && role != null) {
                        startMessage(g, role);
                        parts(p, v, g, budget);
                        written = true;
                    } else if (field.equals("content")) {
                        ByteArrayOutputStream parts = new ByteArrayOutputStream(256);
                        try (JsonGenerator pg = JSON.createGenerator(parts)) {
                            parts(p, v, pg, budget);
                        }
                        early = parts.toByteArray();
                    } else {
                        p.skipChildren();
                    }
                }
                if (!written) {
                    startMessage(g, role == null ? "user" : role);
                    if (early != null) {
                        g.writeRawValue(new RawJson(early));
                    } else {
                        g.writeStartArray();
                        g.writeEndArray();
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return out.toByteArray();
    }

    private static void startMessage(JsonGenerator g, String role) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", role);
        g.writeFieldName("parts");
    }

    /** A completions {@code prompt} or embeddings {@code input}: one user message. */
    private byte[] prompt(JsonParser p, ContentBudget budget) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            g.writeStartObject();
            g.writeStringField("role", "user");
            g.writeFieldName("parts");
            parts(p, p.currentToken(), g, budget);
            g.writeEndObject();
            g.writeEndArray();
        }
        return out.toByteArray();
    }

    /** A content value (a string, or an array of parts) as GenAI parts; the cursor is on its first token. */
    private void parts(JsonParser p, JsonToken v, JsonGenerator g, ContentBudget budget) throws IOException {
        g.writeStartArray();
        if (v == JsonToken.VALUE_STRING) {
            textPart(g, p, budget);
        } else if (v == JsonToken.START_ARRAY) {
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == JsonToken.VALUE_STRING) {
                    textPart(g, p, budget);
                } else if (t == JsonToken.START_OBJECT) {
                    part(p, g, budget);
                } else {
                    p.skipChildren();
                }
            }
        } else {
            p.skipChildren();
        }
        g.writeEndArray();
    }

    /** One content part object: text keeps its text, any other type (image, audio, file) only its type. */
    private void part(JsonParser p, JsonGenerator g, ContentBudget budget) throws IOException {
        String type = null;
        int textStart = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("type") && v == JsonToken.VALUE_STRING) {
                type = p.getText();
            } else if (field.equals("text") && v == JsonToken.VALUE_STRING) {
                textStart = (int) p.currentTokenLocation().getByteOffset();
            } else {
                p.skipChildren();
            }
        }
        if ("text".equals(type)) {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeFieldName("content");
            if (textStart < 0) {
                g.writeNull();
            } else {
                rawText(g, textStart, budget);
            }
            g.writeEndObject();
        } else {
            g.writeStartObject();
            g.writeStringField("type", type == null ? "unknown" : type);
            g.writeEndObject();
        }
    }

    /** A text part from the string the parser is on. */
    void textPart(JsonGenerator g, JsonParser p, ContentBudget budget) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "text");
        g.writeFieldName("content");
        rawText(g, (int) p.currentTokenLocation().getByteOffset(), budget);
        g.writeEndObject();
    }

    /**
     * The JSON string starting at {@code quote} in the body, copied as the client escaped it when it fits
     * the budget (its bytes are at least its characters), else decoded and cut.
     */
    void rawText(JsonGenerator g, int quote, ContentBudget budget) throws IOException {
        int end = closingQuote(quote);
        int length = end - quote - 1;
        if (budget.fits(length)) {
            g.writeRawUTF8String(body, quote + 1, length);
            return;
        }
        try (JsonParser one = JSON.createParser(body, quote, end - quote + 1)) {
            one.nextToken();
            g.writeString(budget.take(one.getText()));
        }
    }

    /** The index of the quote closing the JSON string opened at {@code quote}: the next quote not escaped. */
    int closingQuote(int quote) {
        int i = quote;
        while (true) {
            i++;
            while (body[i] != '"') {
                i++;
            }
            int backslashes = 0;
            for (int j = i - 1; body[j] == '\\'; j--) {
                backslashes++;
            }
            if ((backslashes & 1) == 0) {
                return i;
            }
        }
    }
    }
}
