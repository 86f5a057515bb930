package dev.heimdall.telemetry;

import dev.heimdall.exchange.ResponseCapture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an OpenAI-shaped answer says about itself for its span: id, model, finish reasons and the
 * assistant's text. (Usage is not read here: the relay reports it on the exchange.) Read from the captured bytes after the client has them;
 * anything malformed is skipped, never thrown. Runs on the telemetry thread.
 */
record ResponseSummary(String id, String model, List<String> finishReasons, String content) {

    static final ResponseSummary EMPTY = new ResponseSummary(null, null, List.of(), null);

    static ResponseSummary of(ResponseCapture capture, boolean eventStream) {
        if (capture == null) {
            return EMPTY;
        }
        Buffer captured = capture.bytes();
        if (captured.length() == 0) {
            return EMPTY;
        }
        return eventStream ? fromEvents(captured.toString(), capture.whole()) : capture.whole() ? fromJson(captured) : EMPTY;
    }

    private static ResponseSummary fromJson(Buffer body) {
        try {
            JsonObject json = new JsonObject(body);
            Set<String> finish = new LinkedHashSet<>();
            StringBuilder content = new StringBuilder();
            JsonArray choices = json.getJsonArray("choices");
            readChoices(choices, "message", finish, content);
            return new ResponseSummary(json.getString("id"), json.getString("model"), List.copyOf(finish),
                    choices == null ? null : content.toString());
        } catch (RuntimeException e) {
            return EMPTY;
        }
    }

    private static ResponseSummary fromEvents(String text, boolean whole) {
        String id = null;
        String model = null;
        Set<String> finish = new LinkedHashSet<>();
        StringBuilder content = new StringBuilder();
        List<String> lines = new ArrayList<>(text.lines().toList());
        if (!whole && !lines.isEmpty()) {
            lines.remove(0); // a tail may start mid-line
        }
        for (String line : lines) {
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).strip();
            if (data.equals("[DONE]") || !data.startsWith("{")) {
                continue;
            }
            try {
                JsonObject chunk = new JsonObject(data);
                id = id == null ? chunk.getString("id") : id;
                model = model == null ? chunk.getString("model") : model;
                readChoices(chunk.getJsonArray("choices"), "delta", finish, content);
            } catch (RuntimeException e) {
                // a malformed event is the upstream's problem; the client got it as it was
            }
        }
        return new ResponseSummary(id, model, List.copyOf(finish), whole ? content.toString() : null);
    }

    /** Finish reasons and text of {@code choices}; chat puts text in {@code message}/{@code delta}, completions in {@code text}. */
    private static void readChoices(JsonArray choices, String messageField, Set<String> finish, StringBuilder content) {
        if (choices == null) {
            return;
        }
        for (Object c : choices) {
            if (c instanceof JsonObject choice) {
                addIfText(finish, choice.getValue("finish_reason"));
                JsonObject message = choice.getJsonObject(messageField);
                if (message != null && message.getValue("content") instanceof String s) {
                    content.append(s);
                } else if (choice.getValue("text") instanceof String s) {
                    content.append(s);
                }
            }
        }
    }

    private static void addIfText(Set<String> set, Object value) {
        if (value instanceof String s && !s.isEmpty()) {
            set.add(s);
        }
    }
}
