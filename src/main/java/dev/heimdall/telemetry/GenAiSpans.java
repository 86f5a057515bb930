package dev.heimdall.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry GenAI semantic conventions (and Langfuse's extras) on a finished call's spans: the
 * request span carries the call as the client saw it, each attempt span the upstream call it made.
 */
final class GenAiSpans {

    private static final Map<String, String> DOUBLE_PARAMS = Map.of(
            "temperature", "gen_ai.request.temperature", "top_p", "gen_ai.request.top_p",
            "frequency_penalty", "gen_ai.request.frequency_penalty", "presence_penalty", "gen_ai.request.presence_penalty");
    private static final Map<String, String> LONG_PARAMS = Map.of(
            "max_tokens", "gen_ai.request.max_tokens", "max_completion_tokens", "gen_ai.request.max_tokens",
            "seed", "gen_ai.request.seed", "n", "gen_ai.request.choice.count", "top_k", "gen_ai.request.top_k");

    private GenAiSpans() {
    }

    static void end(CallRecord call, ResponseSummary summary) {
        long endEpochNanos = epochNanos(call, call.endNanos);
        for (CallRecord.Attempt a : call.attempts) {
            Span s = a.span;
            s.setAttribute("gen_ai.operation.name", call.operation);
            s.setAttribute("gen_ai.provider.name", a.provider);
            s.setAttribute("gen_ai.request.model", a.model);
            s.setAttribute("server.address", a.host);
            s.setAttribute("server.port", (long) a.port);
            s.setAttribute("heimdall.key.name", a.key);
            if (a.status > 0) {
                s.setAttribute("http.response.status_code", (long) a.status);
            }
            if (a.outcome != null) {
                Telemetry.fail(s, a.outcome);
            }
            s.end(epochNanos(call, a.endNanos == 0 ? call.endNanos : a.endNanos), TimeUnit.NANOSECONDS);
        }
        CallRecord.Attempt last = call.lastAttempt();
        Span span = call.requestSpan;
        span.setAttribute("gen_ai.operation.name", call.operation);
        span.setAttribute("gen_ai.provider.name", last.provider);
        span.setAttribute("gen_ai.request.model", last.model);
        span.setAttribute("heimdall.requested_model", call.requestedModel);
        span.setAttribute("heimdall.attempts", (long) call.attempts.size());
        span.setAttribute("server.address", last.host);
        span.setAttribute("server.port", (long) last.port);
        span.setAttribute("langfuse.observation.type", "generation");
        if (call.sessionId != null) {
            span.setAttribute("langfuse.session.id", call.sessionId);
        }
        JsonObject request = parse(call.requestBody);
        String user = call.userId != null ? call.userId : request == null ? null : request.getString("user");
        if (user != null) {
            span.setAttribute("langfuse.user.id", user);
        }
        if (request != null) {
            requestParams(span, request);
        }
        if (summary.model() != null) {
            span.setAttribute("gen_ai.response.model", summary.model());
        }
        if (summary.id() != null) {
            span.setAttribute("gen_ai.response.id", summary.id());
        }
        if (!summary.finishReasons().isEmpty()) {
            span.setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), summary.finishReasons());
        }
        if (summary.inputTokens() != null) {
            span.setAttribute("gen_ai.usage.input_tokens", summary.inputTokens());
        }
        if (summary.outputTokens() != null) {
            span.setAttribute("gen_ai.usage.output_tokens", summary.outputTokens());
        }
        if (call.stream && call.firstByteNanos > 0) {
            span.setAttribute("langfuse.observation.completion_start_time",
                    Instant.ofEpochSecond(0, epochNanos(call, call.firstByteNanos)).toString());
        }
        if (call.captureContent && request != null) {
            span.setAttribute("gen_ai.input.messages", inputMessages(request).encode());
            if (summary.content() != null) {
                JsonObject out = new JsonObject().put("role", "assistant")
                        .put("parts", new JsonArray().add(new JsonObject().put("type", "text").put("content", summary.content())));
                if (!summary.finishReasons().isEmpty()) {
                    out.put("finish_reason", summary.finishReasons().get(0));
                }
                span.setAttribute("gen_ai.output.messages", new JsonArray().add(out).encode());
            }
        }
        if (call.errorType != null) {
            Telemetry.fail(span, call.errorType);
        }
        span.end(endEpochNanos, TimeUnit.NANOSECONDS);
    }

    private static void requestParams(Span span, JsonObject request) {
        DOUBLE_PARAMS.forEach((field, key) -> {
            if (request.getValue(field) instanceof Number n) {
                span.setAttribute(key, n.doubleValue());
            }
        });
        LONG_PARAMS.forEach((field, key) -> {
            if (request.getValue(field) instanceof Number n) {
                span.setAttribute(key, n.longValue());
            }
        });
        Object stop = request.getValue("stop");
        if (stop instanceof String s) {
            span.setAttribute(AttributeKey.stringArrayKey("gen_ai.request.stop_sequences"), List.of(s));
        } else if (stop instanceof JsonArray a) {
            span.setAttribute(AttributeKey.stringArrayKey("gen_ai.request.stop_sequences"),
                    a.stream().filter(String.class::isInstance).map(String.class::cast).toList());
        }
    }

    /** OpenAI messages in the GenAI "parts" format Langfuse shows as the input. */
    static JsonArray inputMessages(JsonObject request) {
        JsonArray out = new JsonArray();
        Object messages = request.getValue("messages");
        if (messages instanceof JsonArray list) {
            for (Object m : list) {
                if (m instanceof JsonObject message) {
                    out.add(new JsonObject().put("role", message.getString("role", "user")).put("parts", parts(message.getValue("content"))));
                }
            }
        } else if (request.getValue("prompt") != null || request.getValue("input") != null) {
            Object prompt = request.getValue("prompt") != null ? request.getValue("prompt") : request.getValue("input");
            out.add(new JsonObject().put("role", "user").put("parts", parts(prompt)));
        }
        return out;
    }

    private static JsonArray parts(Object content) {
        JsonArray parts = new JsonArray();
        if (content instanceof String s) {
            parts.add(new JsonObject().put("type", "text").put("content", s));
        } else if (content instanceof JsonArray list) {
            for (Object p : list) {
                if (p instanceof JsonObject part && "text".equals(part.getString("type"))) {
                    parts.add(new JsonObject().put("type", "text").put("content", part.getString("text")));
                } else if (p instanceof JsonObject part) {
                    parts.add(new JsonObject().put("type", part.getString("type", "unknown")));
                } else if (p instanceof String s) {
                    parts.add(new JsonObject().put("type", "text").put("content", s));
                }
            }
        }
        return parts;
    }

    private static JsonObject parse(byte[] body) {
        try {
            return body == null ? null : new JsonObject(io.vertx.core.buffer.Buffer.buffer(body));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long epochNanos(CallRecord call, long monotonicNanos) {
        return call.startEpochMillis * 1_000_000L + (monotonicNanos - call.startNanos);
    }
}
