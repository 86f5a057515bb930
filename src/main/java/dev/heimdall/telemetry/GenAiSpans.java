package dev.heimdall.telemetry;

import dev.heimdall.exchange.AttemptRecord;
import dev.heimdall.exchange.Exchange;
import dev.heimdall.exchange.TraceContext;
import dev.heimdall.exchange.Usage;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    private GenAiSpans() {
    }

    static List<ExchangeSpan> of(Exchange ex, int contentLimit) {
        TraceContext trace = ex.trace();
        List<AttemptRecord> attempts = ex.attempts();
        if (trace == null || !trace.sampled() || attempts.isEmpty()) {
            return List.of();
        }
        String self = TraceContext.hex(trace.spanId());
        AttemptRecord first = attempts.get(0);
        AttemptRecord last = ex.lastAttempt();
        String name = ex.operation() + " " + first.model();
        List<ExchangeSpan> spans = new ArrayList<>(attempts.size() == 1 ? 1 : attempts.size() + 1);
        spans.add(new ExchangeSpan(name, trace.traceId(), trace.spanId(), trace.parentSpanId(), true, ex.errorType(),
                ex.startEpochMillis() * 1_000_000L, ex.epochNanos(ex.endNanos()), generation(ex, last, contentLimit)));
        if (attempts.size() > 1) {
            for (int i = 0; i < attempts.size(); i++) {
                AttemptRecord a = attempts.get(i);
                // The first attempt's upstream call carried the generation's own id; later ones their own.
                long id = i == 0 ? TraceContext.newSpanId() : a.spanId();
                spans.add(new ExchangeSpan(name, trace.traceId(), id, self, false, a.outcome(), ex.epochNanos(a.startNanos()),
                        ex.epochNanos(a.endNanos() == 0 ? ex.endNanos() : a.endNanos()), attempt(ex, a)));
            }
        }
        return spans;
    }

    private static SpanAttributes attempt(Exchange ex, AttemptRecord a) {
        SpanAttributes b = new SpanAttributes()
                .put("gen_ai.operation.name", ex.operation())
                .put("gen_ai.provider.name", a.provider())
                .put("gen_ai.request.model", a.model())
                .put("server.address", a.host())
                .put("server.port", (long) a.port())
                .put("heimdall.key.name", a.key());
        if (a.status() > 0) {
            b.put("http.response.status_code", (long) a.status());
        }
        return b.put("error.type", a.outcome());
    }

    private static SpanAttributes generation(Exchange ex, AttemptRecord last, int contentLimit) {
        SpanAttributes b = new SpanAttributes()
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
        b.put("langfuse.session.id", ex.sessionId());
        RequestFacts request = RequestFacts.read(ex.requestBody(), ex.captureContent(), contentLimit);
        b.put("langfuse.user.id", ex.userId() != null ? ex.userId() : request.user());
        request.doubles().forEach(b::put);
        request.longs().forEach(b::put);
        b.putStrings("gen_ai.request.stop_sequences", request.stop());
        ResponseSummary summary = ResponseSummary.of(ex.capture(), ex.eventStream());
        b.put("gen_ai.response.model", summary.model() != null ? summary.model() : ex.responseModel());
        b.put("gen_ai.response.id", summary.id());
        if (!summary.finishReasons().isEmpty()) {
            b.putStrings("gen_ai.response.finish_reasons", summary.finishReasons());
        }
        Usage usage = ex.usage();
        b.put("heimdall.usage.source", usage.source().label());
        b.put("gen_ai.usage.input_tokens", usage.inputTokens());
        b.put("gen_ai.usage.output_tokens", usage.outputTokens());
        b.put("gen_ai.usage.cache_read.input_tokens", usage.cachedInputTokens());
        if (ex.costNanoUsd() != null) {
            b.put("gen_ai.usage.cost", ex.costNanoUsd() / 1e9); // Langfuse reads this as the observation's total cost
        }
        b.put("heimdall.virtual_key", ex.virtualKey());
        if (ex.stream() && ex.firstByteNanos() > 0) {
            b.put("langfuse.observation.completion_start_time", Instant.ofEpochSecond(0, ex.epochNanos(ex.firstByteNanos())).toString());
        }
        if (ex.captureContent()) {
            b.putUtf8("gen_ai.input.messages", request.inputMessages());
            String text = summary.content() != null ? new ContentBudget(contentLimit).take(summary.content())
                    : ex.capture() != null && !ex.capture().whole() ? ContentBudget.notCaptured(ex.capture().total()) : null;
            if (text != null) {
                b.putUtf8("gen_ai.output.messages", outputMessages(text,
                        summary.finishReasons().isEmpty() ? null : summary.finishReasons().get(0)));
            }
        }
        return b.put("error.type", ex.errorType());
    }

    /** The answer as GenAI output messages: one assistant message with one text part. */
    private static byte[] outputMessages(String text, String finishReason) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 96);
        try (JsonGenerator g = RequestFacts.JSON.createGenerator(out)) {
            g.writeStartArray();
            g.writeStartObject();
            g.writeStringField("role", "assistant");
            g.writeArrayFieldStart("parts");
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("content", text);
            g.writeEndObject();
            g.writeEndArray();
            if (finishReason != null) {
                g.writeStringField("finish_reason", finishReason);
            }
            g.writeEndObject();
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
