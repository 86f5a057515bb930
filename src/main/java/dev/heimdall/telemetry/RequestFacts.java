package dev.heimdall.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a span shows of the request, read in one streaming pass over the body the client sent (no tree):
 * the sampling parameters, OpenAI's {@code user}, and, when content is captured, the messages in the
 * GenAI "parts" format Langfuse shows as the input, bounded by {@link ContentBudget}. Runs on the
 * telemetry thread, after the answer.
 */
record RequestFacts(Map<String, Double> doubles, Map<String, Long> longs, List<String> stop, String user, String inputMessages) {

    private static final JsonFactory JSON = JsonFactory.builder()
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
        if (body == null) {
            return NONE;
        }
        Map<String, Double> doubles = new LinkedHashMap<>();
        Map<String, Long> longs = new LinkedHashMap<>();
        List<String> stop = null;
        String user = null;
        String messages = null;
        String prompt = null;
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
                } else if (field.equals("stop") && v == JsonToken.START_ARRAY) {
                    stop = strings(p);
                } else if (field.equals("user") && v == JsonToken.VALUE_STRING) {
                    user = p.getText();
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
        return new RequestFacts(doubles, longs, stop, user, messages != null ? messages : prompt);
    }

    private static List<String> strings(JsonParser p) throws IOException {
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
    private static String messages(JsonParser p, ContentBudget budget) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                String role = "user";
                boolean partsWritten = false;
                StringWriter parts = new StringWriter();
                try (JsonGenerator pg = JSON.createGenerator(parts)) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        JsonToken v = p.nextToken();
                        if (field.equals("role") && v == JsonToken.VALUE_STRING) {
                            role = p.getText();
                        } else if (field.equals("content")) {
                            parts(p, v, pg, budget);
                            partsWritten = true;
                        } else {
                            p.skipChildren();
                        }
                    }
                    if (!partsWritten) {
                        pg.writeStartArray();
                        pg.writeEndArray();
                    }
                }
                g.writeStartObject();
                g.writeStringField("role", role);
                g.writeFieldName("parts");
                g.writeRawValue(parts.toString());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return out.toString();
    }

    /** A completions {@code prompt} or embeddings {@code input}: one user message. */
    private static String prompt(JsonParser p, ContentBudget budget) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            g.writeStartObject();
            g.writeStringField("role", "user");
            g.writeFieldName("parts");
            parts(p, p.currentToken(), g, budget);
            g.writeEndObject();
            g.writeEndArray();
        }
        return out.toString();
    }

    /** A content value (a string, or an array of parts) as GenAI parts; the cursor is on its first token. */
    private static void parts(JsonParser p, JsonToken v, JsonGenerator g, ContentBudget budget) throws IOException {
        g.writeStartArray();
        if (v == JsonToken.VALUE_STRING) {
            textPart(g, p.getText(), budget);
        } else if (v == JsonToken.START_ARRAY) {
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == JsonToken.VALUE_STRING) {
                    textPart(g, p.getText(), budget);
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
    private static void part(JsonParser p, JsonGenerator g, ContentBudget budget) throws IOException {
        String type = null;
        String text = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("type") && v == JsonToken.VALUE_STRING) {
                type = p.getText();
            } else if (field.equals("text") && v == JsonToken.VALUE_STRING) {
                text = p.getText();
            } else {
                p.skipChildren();
            }
        }
        if ("text".equals(type)) {
            textPart(g, text, budget);
        } else {
            g.writeStartObject();
            g.writeStringField("type", type == null ? "unknown" : type);
            g.writeEndObject();
        }
    }

    static void textPart(JsonGenerator g, String text, ContentBudget budget) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "text");
        if (text == null) {
            g.writeNullField("content");
        } else {
            g.writeStringField("content", budget.take(text));
        }
        g.writeEndObject();
    }
}
