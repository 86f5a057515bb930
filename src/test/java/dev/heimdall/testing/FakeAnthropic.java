package dev.heimdall.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real Anthropic upstream on a loopback port, speaking the Messages API's JSON and its named SSE events
 * ({@code event: <type>\ndata: <json>\n\n}). Every request must carry {@code x-api-key} (else 401
 * authentication_error) and {@code anthropic-version} (else 400 invalid_request_error). What
 * {@code POST /v1/messages} does depends on the model name: {@code status-NNN} answers that status with the
 * Anthropic error body of the matching type, {@code tool-use} answers with a text block and a
 * {@code get_weather} tool call, {@code error-mid-stream} (streaming) sends an {@code error} event after the
 * first text delta, any other model answers {@link #TEXT}. {@code POST /v1/messages/count_tokens} answers
 * {@link #COUNT_TOKENS}, {@code GET /v1/models} lists {@link #MODEL_ID}.
 */
public final class FakeAnthropic implements AutoCloseable {

    /** One request as it arrived. */
    public record Received(String method, String path, MultiMap headers, String body) {
        public JsonObject json() {
            return new JsonObject(body);
        }
    }

    public static final String MESSAGE_ID = "msg_fake01";
    public static final String REQUEST_ID = "req_fake01";
    /** The answer's text, and the two deltas it is streamed in. */
    public static final String TEXT = "Hello from Anthropic";
    public static final String TEXT_DELTA_1 = "Hello";
    public static final String TEXT_DELTA_2 = " from Anthropic";
    public static final int INPUT_TOKENS = 12;
    public static final int OUTPUT_TOKENS = 5;
    /** Output tokens reported in a stream's message_start, before message_delta carries {@link #OUTPUT_TOKENS}. */
    public static final int START_OUTPUT_TOKENS = 1;
    public static final int CACHE_CREATION_INPUT_TOKENS = 0;
    public static final int CACHE_READ_INPUT_TOKENS = 3;
    public static final String STOP_END_TURN = "end_turn";
    public static final String STOP_TOOL_USE = "tool_use";

    /** The {@code tool-use} model's answer. */
    public static final String TOOL_TEXT = "Let me check.";
    public static final String TOOL_ID = "toolu_01";
    public static final String TOOL_NAME = "get_weather";
    public static final String TOOL_INPUT_JSON = "{\"city\": \"Paris\"}";
    public static final String TOOL_JSON_DELTA_1 = "{\"city\":";
    public static final String TOOL_JSON_DELTA_2 = " \"Paris\"}";

    /** What the {@code error-mid-stream} model sends after its first text delta. */
    public static final String MID_STREAM_ERROR_TYPE = "overloaded_error";
    public static final String MID_STREAM_ERROR_MESSAGE = "Overloaded";

    public static final int COUNT_TOKENS = 42;

    public static final String MODEL_ID = "claude-sonnet-4-5";
    public static final String MODEL_DISPLAY_NAME = "Claude Sonnet 4.5";
    public static final String MODEL_CREATED_AT = "2025-09-29T00:00:00Z";

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    /** POST /v1/messages and /v1/messages/count_tokens calls, including those refused for missing headers. */
    public final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    /** GET /v1/models calls (the gateway's model discovery), kept apart from inference requests. */
    public final ConcurrentLinkedQueue<Received> modelListings = new ConcurrentLinkedQueue<>();

    public FakeAnthropic() {
        server = vertx.createHttpServer().requestHandler(this::handle);
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public void reset() {
        received.clear();
        modelListings.clear();
    }

    public List<Received> receivedList() {
        return List.copyOf(received);
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            Received r = new Received(req.method().name(), req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                    body.toString());
            HttpServerResponse res = req.response().putHeader("request-id", REQUEST_ID);
            String path = req.path();
            boolean messages = req.method() == HttpMethod.POST && path.equals("/v1/messages");
            boolean countTokens = req.method() == HttpMethod.POST && path.equals("/v1/messages/count_tokens");
            boolean models = req.method() == HttpMethod.GET && path.equals("/v1/models");
            if (messages || countTokens) {
                received.add(r);
            } else if (models) {
                modelListings.add(r);
            } else {
                error(res, 404, "not_found_error", "Not found: " + req.method().name() + " " + path);
                return;
            }
            String key = req.getHeader("x-api-key");
            if (key == null || key.isBlank()) {
                error(res, 401, "authentication_error", "x-api-key header is required");
                return;
            }
            if (req.getHeader("anthropic-version") == null) {
                error(res, 400, "invalid_request_error", "anthropic-version: header is required");
                return;
            }
            if (models) {
                json(res, 200, modelList());
                return;
            }
            JsonObject request;
            try {
                request = new JsonObject(body);
            } catch (RuntimeException e) {
                error(res, 400, "invalid_request_error", "The request body is not valid JSON");
                return;
            }
            if (countTokens) {
                json(res, 200, new JsonObject().put("input_tokens", COUNT_TOKENS));
                return;
            }
            String model = String.valueOf(request.getValue("model", ""));
            boolean stream = Boolean.TRUE.equals(request.getValue("stream"));
            if (model.startsWith("status-")) {
                int status;
                try {
                    status = Integer.parseInt(model.substring(7));
                } catch (NumberFormatException e) {
                    status = 400;
                }
                if (status == 429) {
                    res.putHeader("retry-after", "1");
                }
                error(res, status, errorType(status), "Rejected by fake Anthropic with status " + status);
                return;
            }
            if (model.equals("tool-use")) {
                if (stream) {
                    toolUseStream(res, model);
                } else {
                    json(res, 200, toolUseMessage(model));
                }
                return;
            }
            if (stream && model.equals("error-mid-stream")) {
                errorMidStream(res, model);
                return;
            }
            if (stream) {
                textStream(res, model);
            } else {
                json(res, 200, textMessage(model));
            }
        });
    }

    /** The Anthropic error type Anthropic documents for an HTTP status. */
    public static String errorType(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** An Anthropic error body: {@code {"type":"error","error":{"type":..,"message":..},"request_id":..}}. */
    public static JsonObject errorBody(String type, String message) {
        return new JsonObject().put("type", "error")
                .put("error", new JsonObject().put("type", type).put("message", message))
                .put("request_id", REQUEST_ID);
    }

    private static void error(HttpServerResponse res, int status, String type, String message) {
        json(res, status, errorBody(type, message));
    }

    private static JsonObject usage(int outputTokens) {
        return new JsonObject().put("input_tokens", INPUT_TOKENS).put("output_tokens", outputTokens)
                .put("cache_creation_input_tokens", CACHE_CREATION_INPUT_TOKENS)
                .put("cache_read_input_tokens", CACHE_READ_INPUT_TOKENS);
    }

    private static JsonObject message(String model, JsonArray content, String stopReason, JsonObject usage) {
        JsonObject m = new JsonObject().put("id", MESSAGE_ID).put("type", "message").put("role", "assistant").put("model", model)
                .put("content", content);
        if (stopReason == null) {
            m.putNull("stop_reason");
        } else {
            m.put("stop_reason", stopReason);
        }
        return m.putNull("stop_sequence").put("usage", usage);
    }

    /** The non-streaming answer for an ordinary model. */
    public static JsonObject textMessage(String model) {
        return message(model, new JsonArray().add(textBlock(TEXT)), STOP_END_TURN, usage(OUTPUT_TOKENS));
    }

    /** The non-streaming answer for the {@code tool-use} model. */
    public static JsonObject toolUseMessage(String model) {
        return message(model, new JsonArray().add(textBlock(TOOL_TEXT)).add(new JsonObject().put("type", "tool_use")
                .put("id", TOOL_ID).put("name", TOOL_NAME).put("input", new JsonObject(TOOL_INPUT_JSON))),
                STOP_TOOL_USE, usage(OUTPUT_TOKENS));
    }

    public static JsonObject modelList() {
        return new JsonObject().put("data", new JsonArray().add(new JsonObject().put("type", "model").put("id", MODEL_ID)
                .put("display_name", MODEL_DISPLAY_NAME).put("created_at", MODEL_CREATED_AT)))
                .put("has_more", false).put("first_id", MODEL_ID).put("last_id", MODEL_ID);
    }

    private static JsonObject textBlock(String text) {
        return new JsonObject().put("type", "text").put("text", text);
    }

    /** One SSE event as Anthropic writes it: {@code event: <type>\ndata: <json>\n\n}. */
    public static String event(JsonObject data) {
        return "event: " + data.getString("type") + "\ndata: " + data.encode() + "\n\n";
    }

    private static JsonObject messageStart(String model) {
        return new JsonObject().put("type", "message_start")
                .put("message", message(model, new JsonArray(), null, usage(START_OUTPUT_TOKENS)));
    }

    private static JsonObject blockStart(int index, JsonObject block) {
        return new JsonObject().put("type", "content_block_start").put("index", index).put("content_block", block);
    }

    private static JsonObject textDelta(int index, String text) {
        return new JsonObject().put("type", "content_block_delta").put("index", index)
                .put("delta", new JsonObject().put("type", "text_delta").put("text", text));
    }

    private static JsonObject jsonDelta(int index, String partial) {
        return new JsonObject().put("type", "content_block_delta").put("index", index)
                .put("delta", new JsonObject().put("type", "input_json_delta").put("partial_json", partial));
    }

    private static JsonObject blockStop(int index) {
        return new JsonObject().put("type", "content_block_stop").put("index", index);
    }

    private static JsonObject messageDelta(String stopReason) {
        return new JsonObject().put("type", "message_delta")
                .put("delta", new JsonObject().put("stop_reason", stopReason).putNull("stop_sequence"))
                .put("usage", new JsonObject().put("output_tokens", OUTPUT_TOKENS));
    }

    private static JsonObject simple(String type) {
        return new JsonObject().put("type", type);
    }

    private static void sseHead(HttpServerResponse res) {
        res.setStatusCode(200).setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
    }

    private static void textStream(HttpServerResponse res, String model) {
        sseHead(res);
        res.write(event(messageStart(model)));
        res.write(event(blockStart(0, textBlock(""))));
        res.write(event(simple("ping")));
        res.write(event(textDelta(0, TEXT_DELTA_1)));
        res.write(event(textDelta(0, TEXT_DELTA_2)));
        res.write(event(blockStop(0)));
        res.write(event(messageDelta(STOP_END_TURN)));
        res.end(event(simple("message_stop")));
    }

    private static void toolUseStream(HttpServerResponse res, String model) {
        sseHead(res);
        res.write(event(messageStart(model)));
        res.write(event(blockStart(0, textBlock(""))));
        res.write(event(simple("ping")));
        res.write(event(textDelta(0, TOOL_TEXT)));
        res.write(event(blockStop(0)));
        res.write(event(blockStart(1, new JsonObject().put("type", "tool_use").put("id", TOOL_ID).put("name", TOOL_NAME)
                .put("input", new JsonObject()))));
        res.write(event(jsonDelta(1, TOOL_JSON_DELTA_1)));
        res.write(event(jsonDelta(1, TOOL_JSON_DELTA_2)));
        res.write(event(blockStop(1)));
        res.write(event(messageDelta(STOP_TOOL_USE)));
        res.end(event(simple("message_stop")));
    }

    private static void errorMidStream(HttpServerResponse res, String model) {
        sseHead(res);
        res.write(event(messageStart(model)));
        res.write(event(blockStart(0, textBlock(""))));
        res.write(event(textDelta(0, TEXT_DELTA_1)));
        // Anthropic's in-stream error event carries no request_id; exactly as documented.
        res.end(event(new JsonObject().put("type", "error")
                .put("error", new JsonObject().put("type", MID_STREAM_ERROR_TYPE).put("message", MID_STREAM_ERROR_MESSAGE))));
    }

    private static void json(HttpServerResponse res, int status, JsonObject body) {
        res.setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
