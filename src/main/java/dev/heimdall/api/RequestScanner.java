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
import java.io.IOException;

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
        int modelStart = -1;
        int modelEnd = -1;
        String model = null;
        boolean stream = false;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("invalid_json", null, "The request body must be a JSON object.");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
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
                    case "messages" -> {
                        if (endpoint == Endpoint.CHAT_COMPLETIONS && value != JsonToken.START_ARRAY) {
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
        return new InferenceRequest(endpoint, body, modelStart, modelEnd, model, stream);
    }
}
