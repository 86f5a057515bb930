package dev.heimdall.telemetry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.heimdall.exchange.ResponseCapture;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an answer (OpenAI's or Anthropic's, JSON or event stream) says about itself for its span: id, model, finish reasons and the
 * assistant's text. (Usage is not read here: the relay reports it on the exchange.) Read from the captured
 * bytes after the client has them, with a streaming parser (no tree); anything malformed is skipped, never
 * thrown. Runs on the telemetry thread.
 */
record ResponseSummary(String id, String model, List<String> finishReasons, String content) {

    static final ResponseSummary EMPTY = new ResponseSummary(null, null, List.of(), null);

    static ResponseSummary of(ResponseCapture capture, boolean eventStream) {
        if (capture == null) {
            return EMPTY;
        }
        byte[] captured = capture.bytes().getBytes();
        if (captured.length == 0) {
            return EMPTY;
        }
        if (!eventStream) {
            if (!capture.whole()) {
                return EMPTY;
            }
            Reader r = new Reader("message");
            return r.object(captured, 0, captured.length) ? r.summary(r.answered) : EMPTY;
        }
        return fromEvents(captured, capture.whole());
    }

    /** Each {@code data:} line of an event stream is one chunk; a tail may start mid-line, so its first line is skipped. */
    private static ResponseSummary fromEvents(byte[] text, boolean whole) {
        Reader r = new Reader("delta");
        int line = 0;
        if (!whole) {
            while (line < text.length && text[line] != '\n') {
                line++;
            }
        }
        while (line < text.length) {
            int end = line;
            while (end < text.length && text[end] != '\n') {
                end++;
            }
            if (end - line > 5 && text[line] == 'd' && text[line + 1] == 'a' && text[line + 2] == 't' && text[line + 3] == 'a'
                    && text[line + 4] == ':') {
                int start = line + 5;
                while (start < end && (text[start] == ' ' || text[start] == '\t')) {
                    start++;
                }
                if (start < end && text[start] == '{') {
                    r.object(text, start, end - start); // a malformed event is the upstream's problem; the client got it as it was
                }
            }
            line = end + 1;
        }
        return r.summary(whole);
    }

    /** Reads answer objects (one JSON answer, or each stream chunk), gathering what they say. */
    private static final class Reader {
        private final String messageField;
        private String id;
        private String model;
        private final Set<String> finish = new LinkedHashSet<>();
        private final StringBuilder content = new StringBuilder();
        private boolean answered;

        Reader(String messageField) {
            this.messageField = messageField;
        }

        /** What was read; the text only when {@code withContent} (an answer with choices or content, a whole stream). */
        ResponseSummary summary(boolean withContent) {
            return new ResponseSummary(id, model, List.copyOf(finish), withContent ? content.toString() : null);
        }

        /** One object; false when it is not valid JSON (what it said before the fault is kept). */
        boolean object(byte[] bytes, int offset, int length) {
            try (JsonParser p = RequestFacts.JSON.createParser(bytes, offset, length)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return false;
                }
                fields(p);
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /**
         * The fields of the object the parser is in. OpenAI's answers put text and finish reasons in
         * {@code choices}; Anthropic's in {@code content} blocks and {@code stop_reason}, and its stream
         * events in {@code message} (message_start) and {@code delta} (text deltas, message_delta). No
         * answer of one has the other's top-level fields, so one reader serves both dialects.
         */
        private void fields(JsonParser p) throws IOException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("id") && v == JsonToken.VALUE_STRING) {
                    id = id == null ? p.getText() : id;
                } else if (field.equals("model") && v == JsonToken.VALUE_STRING) {
                    model = model == null ? p.getText() : model;
                } else if (field.equals("choices") && v == JsonToken.START_ARRAY) {
                    answered = true;
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        if (t == JsonToken.START_OBJECT) {
                            choice(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (field.equals("content") && v == JsonToken.START_ARRAY) {
                    answered = true;
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        if (t == JsonToken.START_OBJECT) {
                            block(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (field.equals("stop_reason") && v == JsonToken.VALUE_STRING) {
                    finish.add(p.getText());
                } else if ((field.equals("message") || field.equals("delta")) && v == JsonToken.START_OBJECT) {
                    fields(p);
                } else if (field.equals("text") && v == JsonToken.VALUE_STRING) {
                    content.append(p.getText()); // an Anthropic text_delta
                } else {
                    p.skipChildren();
                }
            }
        }

        /** An Anthropic content block: its text, when it is a text block. */
        private void block(JsonParser p) throws IOException {
            String type = null;
            String text = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("type") && v == JsonToken.VALUE_STRING) {
                    type = p.getText();
                } else if (field.equals("text") && v == JsonToken.VALUE_STRING) {
                    text = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            if ("text".equals(type) && text != null) {
                content.append(text);
            }
        }

        /** Finish reason and text of a choice; chat puts text in {@code message}/{@code delta}, completions in {@code text}. */
        private void choice(JsonParser p) throws IOException {
            String messageText = null;
            String text = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("finish_reason") && v == JsonToken.VALUE_STRING && !p.getText().isEmpty()) {
                    finish.add(p.getText());
                } else if (field.equals("text") && v == JsonToken.VALUE_STRING) {
                    text = p.getText();
                } else if (field.equals(messageField) && v == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = p.currentName();
                        if (p.nextToken() == JsonToken.VALUE_STRING && inner.equals("content")) {
                            messageText = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            // A message's content when there is one, else a completion's text: one text per choice.
            if (messageText != null) {
                content.append(messageText);
            } else if (text != null) {
                content.append(text);
            }
        }
    }
}
