package dev.heimdall.admin;

import dev.heimdall.store.LogEntry;
import dev.heimdall.store.LogSummary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Request-log rows and summaries as the management API and the live feed show them. */
final class LogViews {

    private LogViews() {
    }

    static JsonObject entry(LogEntry e) {
        return new JsonObject().put("id", e.id()).put("time", Instant.ofEpochMilli(e.timestampMillis()).toString())
                .put("operation", e.operation()).put("requested_model", e.requestedModel()).put("provider", e.provider())
                .put("model", e.model()).put("key_name", e.keyName()).put("status", e.status()).put("error_type", e.errorType())
                .put("stream", e.stream()).put("attempts", e.attempts()).put("latency_ms", e.latencyMillis())
                .put("overhead_ms", e.overheadMillis()).put("ttft_ms", e.ttftMillis())
                .put("input_tokens", e.inputTokens()).put("output_tokens", e.outputTokens()).put("cost_usd", e.costUsd())
                .put("virtual_key", e.virtualKey()).put("trace_id", e.traceId());
    }

    static JsonObject totals(LogSummary.Totals t) {
        return new JsonObject().put("requests", t.requests()).put("errors", t.errors()).put("input_tokens", t.inputTokens())
                .put("output_tokens", t.outputTokens()).put("cost_usd", t.costUsd()).put("latency_avg_ms", t.latencyAvgMs())
                .put("latency_p50_ms", t.latencyP50Ms()).put("latency_p95_ms", t.latencyP95Ms()).put("latency_p99_ms", t.latencyP99Ms());
    }

    static JsonObject summary(LogSummary s, long from, long to, long bucketMillis, String groupBy) {
        JsonArray series = new JsonArray();
        s.series().forEach(p -> series.add(totals(p.totals()).put("start", Instant.ofEpochMilli(p.startMillis()).toString())));
        JsonArray groups = new JsonArray();
        s.groups().forEach(g -> groups.add(totals(g.totals()).put("key", g.key())));
        return new JsonObject().put("from", Instant.ofEpochMilli(from).toString()).put("to", Instant.ofEpochMilli(to).toString())
                .put("interval_seconds", bucketMillis / 1000).put("group_by", groupBy).put("totals", totals(s.totals()))
                .put("series", series).put("groups", groups);
    }
}
