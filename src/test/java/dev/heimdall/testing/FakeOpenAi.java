package dev.heimdall.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OpenAI-compatible upstream on a loopback port, speaking OpenAI's JSON and SSE. What it does
 * depends on the model name it receives, so one server can play a healthy model and a broken one:
 * {@code status-NNN} answers that status (echoing the bearer key, as some providers do), {@code plain-503}
 * a non-JSON error, {@code hang} never answers, {@code gated-stream} holds after the first chunk until the
 * test opens {@link #gate}, {@code endless-stream} streams until the client goes away.
 */
public final class FakeOpenAi implements AutoCloseable {

    /** One request as it arrived. */
    public record Received(String method, String path, String query, MultiMap headers, String body) {
        public JsonObject json() {
            return new JsonObject(body);
        }
    }

    public static final int STREAM_CHUNKS = 5;

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    public final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    /** GET /v1/models calls (the gateway's model discovery), kept apart from inference requests. */
    public final ConcurrentLinkedQueue<Received> modelListings = new ConcurrentLinkedQueue<>();
    /** Upstream responses whose connection closed before they finished: how cancellation is seen. */
    public final AtomicInteger abandoned = new AtomicInteger();
    public final AtomicInteger openConnections = new AtomicInteger();
    /** Connections ever accepted: how keep-alive (or its absence) is seen. */
    public final AtomicInteger acceptedConnections = new AtomicInteger();
    private final java.util.Map<String, AtomicInteger> counters = new java.util.concurrent.ConcurrentHashMap<>();
    public volatile CompletableFuture<Void> gate = new CompletableFuture<>();
    /** Completed when a gated stream has written its first chunk. */
    public volatile CompletableFuture<Void> firstChunkSent = new CompletableFuture<>();

    public FakeOpenAi() {
        server = vertx.createHttpServer()
                .connectionHandler(c -> {
                    openConnections.incrementAndGet();
                    acceptedConnections.incrementAndGet();
                    c.closeHandler(v -> openConnections.decrementAndGet());
                })
                .requestHandler(this::handle);
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
        abandoned.set(0);
        gate = new CompletableFuture<>();
        firstChunkSent = new CompletableFuture<>();
    }

    /** Waits until at least {@code n} responses were abandoned by the gateway; false after 10 s. */
    public boolean abandonedAwait(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (abandoned.get() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    public List<Received> receivedList() {
        return List.copyOf(received);
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            Received r = new Received(req.method().name(), req.path(), req.query(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                    body.toString());
            HttpServerResponse res = req.response();
            if (req.path().equals("/v1/models")) {
                modelListings.add(r);
                json(res, 200, new JsonObject().put("object", "list").put("data", new JsonArray()
                        .add(new JsonObject().put("id", "upstream-model").put("object", "model"))));
                return;
            }
            received.add(r);
            JsonObject request = new JsonObject(body);
            // Azure OpenAI answers for the deployment in the path, whatever the body's model says.
            String model = req.path().startsWith("/openai/deployments/") ? req.path().split("/")[3] : request.getString("model", "");
            boolean stream = request.getBoolean("stream", false);
            if (model.startsWith("status-")) {
                error(res, Integer.parseInt(model.substring(7)), req.getHeader("Authorization"));
                return;
            }
            if (model.startsWith("flaky-")) {
                // flaky-<n>-<tag>: the first n requests with this tag get a 503, the rest succeed.
                String[] parts = model.split("-", 3);
                int seen = counters.computeIfAbsent(parts[2], k -> new AtomicInteger()).getAndIncrement();
                if (seen < Integer.parseInt(parts[1])) {
                    error(res, 503, null);
                    return;
                }
            }
            if (model.startsWith("refuse-key-")) {
                // refuse-key-<value>: 401 for requests made with that key value, success for any other.
                if (("Bearer " + model.substring(11)).equals(req.getHeader("Authorization"))) {
                    error(res, 401, null);
                    return;
                }
            }
            switch (model) {
                case "plain-503" -> res.setStatusCode(503).putHeader("content-type", "text/plain").end("upstream overloaded");
                case "hang" -> res.closeHandler(v -> abandoned.incrementAndGet());
                case "gated-stream" -> gatedStream(res, model);
                case "endless-stream" -> endlessStream(res, model);
                // Azure OpenAI's throttling: its wait in milliseconds, retry-after-ms.
                case "throttled" -> {
                    res.putHeader("retry-after-ms", "1500");
                    error(res, 429, null);
                }
                // Azure OpenAI's content filter on the prompt: a 400 with code content_filter and its verdicts.
                case "content-filtered" -> json(res, 400, new JsonObject().put("error", new JsonObject()
                        .put("message", "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.")
                        .put("type", (String) null).put("param", "prompt").put("code", "content_filter")
                        .put("innererror", new JsonObject().put("code", "ResponsibleAIPolicyViolation")
                                .put("content_filter_result", new JsonObject().put("hate", new JsonObject().put("filtered", true).put("severity", "high"))))));
                case "rate-limited" -> {
                    res.putHeader("Retry-After", "1");
                    error(res, 429, null);
                }
                case "close-mid-stream" -> {
                    sseHead(res);
                    res.write(chunk(model, 0));
                    res.write(chunk(model, 1)).onComplete(v -> req.connection().close());
                }
                case "stall-mid-stream" -> {
                    sseHead(res);
                    res.write(chunk(model, 0));
                    res.closeHandler(v -> abandoned.incrementAndGet());
                }
                case "malformed-sse" -> {
                    sseHead(res);
                    res.write("data: {not json\n\n");
                    res.write("event without data\n\n");
                    res.end("data: [DONE]\n\n");
                }
                case "tool-call" -> toolCall(res, model, stream);
                case "invalid-json" -> res.setStatusCode(200).putHeader("content-type", "application/json").end("{\"id\": \"x\", oops");
                case "reset-before-headers" -> req.connection().close();
                // An answer of over 1 MiB, its usage last as OpenAI writes it, sent in many network writes.
                case "large-answer" -> largeAnswer(res, model);
                default -> {
                    if (stream) {
                        JsonObject options = request.getJsonObject("stream_options");
                        stream(res, model, options != null && options.getBoolean("include_usage", false));
                    } else if (req.path().endsWith("/embeddings")) {
                        json(res, 200, embeddings(model));
                    } else if (req.path().endsWith("/chat/completions")) {
                        json(res, 200, chatCompletion(model));
                    } else {
                        json(res, 200, completion(model));
                    }
                }
            }
        });
    }

    public static final int LARGE_ANSWER_CHARS = 1_500_000;

    /**
     * A model that calls {@code get_weather({"city":"Paris"})}: as one completion, or streamed as OpenAI does
     * (the call's id and name first, its arguments in fragments, then {@code finish_reason: tool_calls} and the usage).
     */
    private static void toolCall(HttpServerResponse res, String model, boolean stream) {
        JsonObject call = new JsonObject().put("id", "call_weather").put("type", "function")
                .put("function", new JsonObject().put("name", "get_weather").put("arguments", "{\"city\": \"Paris\"}"));
        if (!stream) {
            json(res, 200, chatCompletion(model).put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "tool_calls")
                    .put("message", new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray().add(call))))));
            return;
        }
        sseHead(res);
        String[] deltas = {
            "{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_weather\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}",
            "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\": \"}}]}",
            "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}"};
        for (String d : deltas) {
            res.write("data: {\"id\":\"chatcmpl-tool\",\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":" + d + "}]}\n\n");
        }
        res.write("data: {\"id\":\"chatcmpl-tool\",\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n");
        res.write("data: {\"id\":\"chatcmpl-tool\",\"model\":\"" + model + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":12}}\n\n");
        res.end("data: [DONE]\n\n");
    }

    private static void largeAnswer(HttpServerResponse res, String model) {
        String body = chatCompletion(model).put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                .put("message", new JsonObject().put("role", "assistant").put("content", "y".repeat(LARGE_ANSWER_CHARS)))
                .put("finish_reason", "length"))).put("usage", new JsonObject().put("prompt_tokens", 9).put("completion_tokens", 375000)
                        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", 8))).encode();
        res.setStatusCode(200).setChunked(true).putHeader("content-type", "application/json");
        for (int at = 0; at < body.length(); at += 64 * 1024) {
            res.write(body.substring(at, Math.min(body.length(), at + 64 * 1024)));
        }
        res.end();
    }

    private static void error(HttpServerResponse res, int status, String auth) {
        json(res, status, new JsonObject().put("error", new JsonObject()
                .put("message", "Rejected by upstream" + (auth == null ? "" : "; key used: " + auth))
                .put("type", "upstream_test").put("code", "status_" + status)));
    }

    public static JsonObject chatCompletion(String model) {
        return new JsonObject().put("id", "chatcmpl-fake").put("object", "chat.completion").put("created", 1).put("model", model)
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                        .put("message", new JsonObject().put("role", "assistant").put("content", "hello from " + model))
                        .put("finish_reason", "stop")))
                .put("usage", new JsonObject().put("prompt_tokens", 3).put("completion_tokens", 4).put("total_tokens", 7));
    }

    private static JsonObject completion(String model) {
        return new JsonObject().put("id", "cmpl-fake").put("object", "text_completion").put("model", model)
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("text", "hello").put("finish_reason", "stop")));
    }

    private static JsonObject embeddings(String model) {
        return new JsonObject().put("object", "list").put("model", model)
                .put("data", new JsonArray().add(new JsonObject().put("object", "embedding").put("index", 0)
                        .put("embedding", new JsonArray().add(0.1).add(0.2))));
    }

    public static String chunk(String model, int i) {
        return "data: " + new JsonObject().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk").put("model", model)
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                        .put("delta", new JsonObject().put("content", "tok" + i)).putNull("finish_reason")))
                .encode() + "\n\n";
    }

    private static void json(HttpServerResponse res, int status, JsonObject body) {
        res.setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }

    private static void sseHead(HttpServerResponse res) {
        res.setStatusCode(200).setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
    }

    private void stream(HttpServerResponse res, String model, boolean usage) {
        sseHead(res);
        for (int i = 0; i < STREAM_CHUNKS; i++) {
            res.write(chunk(model, i));
        }
        if (usage) {
            // OpenAI's final chunk when stream_options.include_usage is set: no choices, the usage.
            res.write("data: " + new JsonObject().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk").put("model", model)
                    .put("choices", new JsonArray()).put("usage", new JsonObject().put("prompt_tokens", 11).put("completion_tokens", 5)
                            .put("total_tokens", 16)).encode() + "\n\n");
        }
        res.end("data: [DONE]\n\n");
    }

    private void gatedStream(HttpServerResponse res, String model) {
        sseHead(res);
        res.closeHandler(v -> {
            if (!res.ended()) {
                abandoned.incrementAndGet();
            }
        });
        res.write(chunk(model, 0)).onComplete(v -> firstChunkSent.complete(null));
        gate.thenRun(() -> vertx.runOnContext(v -> {
            if (res.closed()) {
                return;
            }
            for (int i = 1; i < STREAM_CHUNKS; i++) {
                res.write(chunk(model, i));
            }
            res.end("data: [DONE]\n\n");
        }));
    }

    private void endlessStream(HttpServerResponse res, String model) {
        sseHead(res);
        long[] timer = {0};
        int[] i = {0};
        res.closeHandler(v -> {
            vertx.cancelTimer(timer[0]);
            abandoned.incrementAndGet();
        });
        timer[0] = vertx.setPeriodic(20, id -> {
            if (!res.closed()) {
                res.write(chunk(model, i[0]++));
            }
        });
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
