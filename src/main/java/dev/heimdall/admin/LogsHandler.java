package dev.heimdall.admin;

import dev.heimdall.provider.OpenAiError;
import dev.heimdall.store.LogEntry;
import dev.heimdall.store.RequestLogStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * GET /api/logs: the request log, newest first. Filters: {@code model}, {@code provider}, {@code status},
 * {@code since} / {@code until} (ISO-8601 instants); paging: {@code limit} (1-1000, default 100) and
 * {@code before} (the {@code next_before} of the previous page).
 */
@Singleton
public class LogsHandler {

    private final RequestLogStore store;

    public LogsHandler(RequestLogStore store) {
        this.store = store;
    }

    void handle(RoutingContext ctx) {
        RequestLogStore.Query query;
        try {
            query = new RequestLogStore.Query(param(ctx, "model"), param(ctx, "provider"), integer(ctx, "status"),
                    instant(ctx, "since"), instant(ctx, "until"), limit(ctx), before(ctx));
        } catch (IllegalArgumentException e) {
            Replies.error(ctx, OpenAiError.invalidRequest(400, "invalid_query", null, e.getMessage()));
            return;
        }
        ctx.vertx().executeBlocking(() -> store.page(query), false).onComplete(ar -> {
            if (ar.failed()) {
                Replies.failure(ctx, ar.cause());
                return;
            }
            List<LogEntry> rows = ar.result();
            JsonArray data = new JsonArray();
            rows.forEach(e -> data.add(json(e)));
            JsonObject body = new JsonObject().put("object", "list").put("data", data);
            body.put("next_before", rows.size() == query.limit() ? rows.get(rows.size() - 1).id() : null);
            Replies.json(ctx, 200, body);
        });
    }

    private static JsonObject json(LogEntry e) {
        return new JsonObject().put("id", e.id()).put("time", Instant.ofEpochMilli(e.timestampMillis()).toString())
                .put("operation", e.operation()).put("requested_model", e.requestedModel()).put("provider", e.provider())
                .put("model", e.model()).put("key_name", e.keyName()).put("status", e.status()).put("error_type", e.errorType())
                .put("stream", e.stream()).put("attempts", e.attempts()).put("latency_ms", e.latencyMillis())
                .put("overhead_ms", e.overheadMillis()).put("ttft_ms", e.ttftMillis())
                .put("input_tokens", e.inputTokens()).put("output_tokens", e.outputTokens()).put("cost_usd", e.costUsd())
                .put("virtual_key", e.virtualKey());
    }

    private static String param(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        return v == null || v.isBlank() ? null : v;
    }

    private static Integer integer(RoutingContext ctx, String name) {
        String v = param(ctx, name);
        try {
            return v == null ? null : Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + name + "' must be a whole number");
        }
    }

    private static Long instant(RoutingContext ctx, String name) {
        String v = param(ctx, name);
        try {
            return v == null ? null : Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + name + "' must be an ISO-8601 instant such as 2026-11-23T10:00:00Z");
        }
    }

    private static int limit(RoutingContext ctx) {
        Integer limit = integer(ctx, "limit");
        if (limit != null && (limit < 1 || limit > 1000)) {
            throw new IllegalArgumentException("'limit' must be between 1 and 1000");
        }
        return limit == null ? 100 : limit;
    }

    private static long before(RoutingContext ctx) {
        String v = param(ctx, "before");
        try {
            long before = v == null ? 0 : Long.parseLong(v);
            if (before >= 0) {
                return before;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("'before' must be a log id (the next_before of the previous page)");
    }
}
