package dev.heimdall.telemetry;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an OpenAI-shaped answer says about itself: id, model, finish reasons, usage, the assistant's text
 * and, for streams, how many events it had. Read from the captured bytes after the client has them;
 * anything malformed is skipped, never thrown.
 */
record ResponseSummary(String id, String model, List<String> finishReasons, Long inputTokens, Long outputTokens,
        String content, int events) {

    static final ResponseSummary EMPTY = new ResponseSummary(null, null, List.of(), null, null, null, 0);

    static ResponseSummary of(Buffer captured, boolean eventStream, boolean whole) {
        if (captured == null || captured.length() == 0) {
            return EMPTY;
        }
        return eventStream ? fromEvents(captured.toString(), whole) : whole ? fromJson(captured) : EMPTY;
    }

    private static ResponseSummary fromJson(Buffer body) {
        try {
            JsonObject json = new JsonObject(body);
            Set<String> finish = new LinkedHashSet<>();
            StringBuilder content = new StringBuilder();
            JsonArray choices = json.getJsonArray("choices");
            readChoices(choices, "message", finish, content);
            JsonObject usage = json.getJsonObject("usage");
            return new ResponseSummary(json.getString("id"), json.getString("model"), List.copyOf(finish),
                    usage == null ? null : usage.getLong("prompt_tokens"), usage == null ? null : usage.getLong("completion_tokens"),
                    choices == null ? null : content.toString(), 0);
        } catch (RuntimeException e) {
            return EMPTY;
        }
    }

    private static ResponseSummary fromEvents(String text, boolean whole) {
        String id = null;
        String model = null;
        Set<String> finish = new LinkedHashSet<>();
        Long in = null;
        Long out = null;
        StringBuilder content = new StringBuilder();
        int events = 0;
        List<String> lines = new ArrayList<>(text.lines().toList());
        if (!whole && !lines.isEmpty()) {
            lines.remove(0); // a tail may start mid-line
        }
        for (String line : lines) {
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).strip();
            events++;
            if (data.equals("[DONE]") || !data.startsWith("{")) {
                continue;
            }
            try {
                JsonObject chunk = new JsonObject(data);
                id = id == null ? chunk.getString("id") : id;
                model = model == null ? chunk.getString("model") : model;
                readChoices(chunk.getJsonArray("choices"), "delta", finish, content);
                if (chunk.getValue("usage") instanceof JsonObject usage) {
                    in = usage.getLong("prompt_tokens");
                    out = usage.getLong("completion_tokens");
                }
            } catch (RuntimeException e) {
                // a malformed event is the upstream's problem; the client got it as it was
            }
        }
        return new ResponseSummary(id, model, List.copyOf(finish), in, out, whole ? content.toString() : null, events);
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
