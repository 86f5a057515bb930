package dev.heimdall.telemetry;

import dev.heimdall.exchange.AttemptRecord;
import dev.heimdall.exchange.Exchange;
import dev.heimdall.exchange.TraceContext;
import dev.heimdall.exchange.Usage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A completed exchange as OpenTelemetry GenAI spans (with Langfuse's extras): one generation span for
 * the call as the client saw it and, when it took more than one attempt (retries, fallbacks), a child
 * per attempt. A plain call is one span: its only attempt adds nothing Langfuse would show. Built on the
 * telemetry thread from what the exchange recorded.
 */
final class GenAiSpans {

    private static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    private static final AttributeKey<List<String>> STOP_SEQUENCES = AttributeKey.stringArrayKey("gen_ai.request.stop_sequences");

    private GenAiSpans() {
    }

    static List<SpanData> of(Exchange ex, Resource resource, int contentLimit) {
        TraceContext trace = ex.trace();
        List<AttemptRecord> attempts = ex.attempts();
        if (trace == null || !trace.sampled() || attempts.isEmpty()) {
            return List.of();
        }
        TraceFlags flags = TraceFlags.getSampled();
        SpanContext parent = trace.parentSpanId() == null ? SpanContext.getInvalid()
                : SpanContext.createFromRemoteParent(trace.traceId(), trace.parentSpanId(), flags, TraceState.getDefault());
        SpanContext self = SpanContext.create(trace.traceId(), SpanId.fromLong(trace.spanId()), flags, TraceState.getDefault());
        AttemptRecord first = attempts.get(0);
        AttemptRecord last = ex.lastAttempt();
        String name = ex.operation() + " " + first.model();
        List<SpanData> spans = new ArrayList<>(attempts.size() == 1 ? 1 : attempts.size() + 1);
        spans.add(new ExchangeSpan(name, self, parent, status(ex.errorType()), ex.startEpochMillis() * 1_000_000L,
                ex.epochNanos(ex.endNanos()), generation(ex, last, contentLimit), resource));
        if (attempts.size() > 1) {
            for (int i = 0; i < attempts.size(); i++) {
                AttemptRecord a = attempts.get(i);
                // The first attempt's upstream call carried the generation's own id; later ones their own.
                long id = i == 0 ? TraceContext.newSpanId() : a.spanId();
                SpanContext child = SpanContext.create(trace.traceId(), SpanId.fromLong(id), flags, TraceState.getDefault());
                spans.add(new ExchangeSpan(name, child, self, status(a.outcome()), ex.epochNanos(a.startNanos()),
                        ex.epochNanos(a.endNanos() == 0 ? ex.endNanos() : a.endNanos()), attempt(ex, a), resource));
            }
        }
        return spans;
    }

    private static StatusData status(String errorType) {
        return errorType == null ? StatusData.unset() : StatusData.create(StatusCode.ERROR, errorType);
    }

    private static Attributes attempt(Exchange ex, AttemptRecord a) {
        AttributesBuilder b = Attributes.builder()
                .put("gen_ai.operation.name", ex.operation())
                .put("gen_ai.provider.name", a.provider())
                .put("gen_ai.request.model", a.model())
                .put("server.address", a.host())
                .put("server.port", (long) a.port())
                .put("heimdall.key.name", a.key());
        if (a.status() > 0) {
            b.put("http.response.status_code", (long) a.status());
        }
        if (a.outcome() != null) {
            b.put("error.type", a.outcome());
        }
        return b.build();
    }

    private static Attributes generation(Exchange ex, AttemptRecord last, int contentLimit) {
        AttributesBuilder b = Attributes.builder()
                .put("gen_ai.operation.name", ex.operation())
                .put("gen_ai.provider.name", last.provider())
                .put("gen_ai.request.model", last.model())
                .put("heimdall.requested_model", ex.requestedModel())
                .put("heimdall.attempts", (long) ex.attempts().size())
                .put("heimdall.key.name", last.key())
                .put("server.address", last.host())
                .put("server.port", (long) last.port())
                .put("langfuse.observation.type", "generation");
        if (ex.status() > 0) {
            b.put("http.response.status_code", (long) ex.status());
        }
        if (ex.sessionId() != null) {
            b.put("langfuse.session.id", ex.sessionId());
        }
        RequestFacts request = RequestFacts.read(ex.requestBody(), ex.captureContent(), contentLimit);
        String user = ex.userId() != null ? ex.userId() : request.user();
        if (user != null) {
            b.put("langfuse.user.id", user);
        }
        request.doubles().forEach(b::put);
        request.longs().forEach(b::put);
        if (request.stop() != null) {
            b.put(STOP_SEQUENCES, request.stop());
        }
        ResponseSummary summary = ResponseSummary.of(ex.capture(), ex.eventStream());
        String responseModel = summary.model() != null ? summary.model() : ex.responseModel();
        if (responseModel != null) {
            b.put("gen_ai.response.model", responseModel);
        }
        if (summary.id() != null) {
            b.put("gen_ai.response.id", summary.id());
        }
        if (!summary.finishReasons().isEmpty()) {
            b.put(FINISH_REASONS, summary.finishReasons());
        }
        Usage usage = ex.usage();
        b.put("heimdall.usage.source", usage.source().label());
        if (usage.inputTokens() != null) {
            b.put("gen_ai.usage.input_tokens", usage.inputTokens());
        }
        if (usage.outputTokens() != null) {
            b.put("gen_ai.usage.output_tokens", usage.outputTokens());
        }
        if (usage.cachedInputTokens() != null) {
            b.put("gen_ai.usage.cache_read.input_tokens", usage.cachedInputTokens());
        }
        if (ex.stream() && ex.firstByteNanos() > 0) {
            b.put("langfuse.observation.completion_start_time", Instant.ofEpochSecond(0, ex.epochNanos(ex.firstByteNanos())).toString());
        }
        if (ex.captureContent()) {
            if (request.inputMessages() != null) {
                b.put("gen_ai.input.messages", request.inputMessages());
            }
            String text = summary.content() != null ? new ContentBudget(contentLimit).take(summary.content())
                    : ex.capture() != null && !ex.capture().whole() ? ContentBudget.notCaptured(ex.capture().total()) : null;
            if (text != null) {
                JsonObject out = new JsonObject().put("role", "assistant").put("parts", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("content", text)));
                if (!summary.finishReasons().isEmpty()) {
                    out.put("finish_reason", summary.finishReasons().get(0));
                }
                b.put("gen_ai.output.messages", new JsonArray().add(out).encode());
            }
        }
        if (ex.errorType() != null) {
            b.put("error.type", ex.errorType());
        }
        return b.build();
    }
}
