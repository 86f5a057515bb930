package dev.heimdall.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.heimdall.provider.Endpoint;
import dev.heimdall.provider.InferenceRequest;
import dev.heimdall.provider.InferenceRequest.StreamOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads only what routing needs from a request body, {@code model} and {@code stream}, with Jackson's
 * streaming parser: one pass, no tree, no objects for the rest. The pass still checks the whole body is
 * well-formed JSON, so a broken body is a 400 here rather than an upstream's confusing answer.
 */
public final class RequestScanner {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Bodies may carry large base64 images; the request size limit bounds them, not the string limit.
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).maxNestingDepth(512).build())
            .build();

    private RequestScanner() {
    }

    public static InferenceRequest scan(Endpoint endpoint, byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("empty_body", null, "The request body is empty; send a JSON object with a \"model\".");
        }
        if (!Utf8.isValid(body)) {
            throw ApiException.badRequest("invalid_encoding", null, "The request body is not valid UTF-8 (JSON must be sent as UTF-8).");
        }
        int modelStart = -1;
        int modelEnd = -1;
        String model = null;
        boolean stream = false;
        List<String> fallbacks = List.of();
        int fallbacksStart = -1;
        int fallbacksEnd = -1;
        int objectStart;
        StreamOptions streamOptions = StreamOptions.ABSENT;
        long maxOutputTokens = -1;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("invalid_json", null, "The request body must be a JSON object.");
            }
            objectStart = (int) p.currentTokenLocation().getByteOffset();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                int fieldStart = (int) p.currentTokenLocation().getByteOffset();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "model" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw ApiException.badRequest("invalid_type", "model", "\"model\" must be a string.");
                        }
                        modelStart = (int) p.currentTokenLocation().getByteOffset();
                        model = p.getText();
                        modelEnd = (int) p.currentLocation().getByteOffset();
                    }
                    case "stream" -> {
                        if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
                            stream = value == JsonToken.VALUE_TRUE;
                        } else if (value != JsonToken.VALUE_NULL) {
                            throw ApiException.badRequest("invalid_type", "stream", "\"stream\" must be true or false.");
                        }
                    }
                    case "stream_options" -> streamOptions = streamOptions(p, value);
                    case "max_tokens", "max_completion_tokens" -> {
                        // Only a bound for governance's reservation; the upstream validates the value itself.
                        if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                            maxOutputTokens = Math.max(maxOutputTokens, p.getLongValue());
                        }
                    }
                    case "fallbacks" -> {
                        fallbacks = fallbacks(p, value);
                        fallbacksStart = fieldStart;
                        fallbacksEnd = (int) p.currentLocation().getByteOffset();
                    }
                    case "messages" -> {
                        if (endpoint != Endpoint.COMPLETIONS && endpoint != Endpoint.EMBEDDINGS && value != JsonToken.START_ARRAY) {
                            throw ApiException.badRequest("invalid_type", "messages", "\"messages\" must be an array.");
                        }
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw ApiException.badRequest("invalid_json", null, "The request body has content after its JSON object.");
            }
        } catch (JsonEOFException e) {
            throw ApiException.badRequest("invalid_json", null, "The request body is not valid JSON: it ends before the JSON is complete.");
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String message = e.getOriginalMessage();
            int nl = message.indexOf('\n');
            throw ApiException.badRequest("invalid_json", null, "The request body is not valid JSON"
                    + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")")
                    + ": " + (nl > 0 ? message.substring(0, nl) : message));
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", null, "The request body could not be read as JSON.");
        }
        if (model == null) {
            throw ApiException.badRequest("missing_model", "model", "The request has no \"model\"; send one of the ids listed by GET /v1/models.");
        }
        if (model.isBlank()) {
            throw ApiException.badRequest("missing_model", "model", "\"model\" is empty; send one of the ids listed by GET /v1/models.");
        }
        if (fallbacksStart >= 0) {
            int[] span = withComma(body, fallbacksStart, fallbacksEnd);
            fallbacksStart = span[0];
            fallbacksEnd = span[1];
        }
        return new InferenceRequest(endpoint, body, objectStart, modelStart, modelEnd, model, stream, fallbacks, fallbacksStart,
                fallbacksEnd, streamOptions, maxOutputTokens);
    }

    /** Where {@code stream_options} and its {@code include_usage} sit, so the gateway can ask for usage itself. */
    private static StreamOptions streamOptions(JsonParser p, JsonToken value) throws IOException {
        int start = (int) p.currentTokenLocation().getByteOffset();
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new StreamOptions(start, (int) p.currentLocation().getByteOffset(), false, true, -1, -1, false);
        }
        boolean empty = true;
        int usageStart = -1;
        int usageEnd = -1;
        boolean includeUsage = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            empty = false;
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("include_usage")) {
                usageStart = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                usageEnd = (int) p.currentLocation().getByteOffset();
                includeUsage = v == JsonToken.VALUE_TRUE;
            } else {
                p.skipChildren();
            }
        }
        return new StreamOptions(start, (int) p.currentLocation().getByteOffset(), true, empty, usageStart, usageEnd, includeUsage);
    }

    private static List<String> fallbacks(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (value != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("invalid_type", "fallbacks", "\"fallbacks\" must be an array of model names.");
        }
        List<String> names = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING || p.getText().isBlank()) {
                throw ApiException.badRequest("invalid_type", "fallbacks", "\"fallbacks\" must be an array of model names.");
            }
            names.add(p.getText());
        }
        return names;
    }

    /**
     * Widens a field's span so removing it leaves valid JSON: with the comma after it, or for the last
     * field the comma before it.
     */
    static int[] withComma(byte[] body, int start, int end) {
        int after = end;
        while (after < body.length && isSpace(body[after])) {
            after++;
        }
        if (after < body.length && body[after] == ',') {
            return new int[] {start, after + 1};
        }
        int before = start - 1;
        while (before >= 0 && isSpace(body[before])) {
            before--;
        }
        return body[before] == ',' ? new int[] {before, end} : new int[] {start, end};
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
