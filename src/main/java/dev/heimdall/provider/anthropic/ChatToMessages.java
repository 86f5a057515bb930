package dev.heimdall.provider.anthropic;

import dev.heimdall.provider.UntranslatableException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI chat completion request as an Anthropic Messages request: system and developer messages as
 * {@code system}; text, images (data URIs and URLs) and PDFs as content blocks; assistant
 * {@code tool_calls} as {@code tool_use}; {@code tool} messages as {@code tool_result} blocks of a user turn;
 * tools, {@code tool_choice}, {@code parallel_tool_calls}, {@code reasoning_effort} as thinking, stop
 * sequences, sampling and {@code user}. A field Anthropic cannot express is refused with a 400 naming it
 * unless it holds OpenAI's default ({@link #isDefault}); nothing is dropped silently.
 */
public final class ChatToMessages {

    /** Anthropic requires {@code max_tokens}; a request without one gets this (documented in the README). */
    public static final long DEFAULT_MAX_TOKENS = 4096;

    /** Thinking budgets for OpenAI's {@code reasoning_effort}. */
    private static final Map<String, Long> THINKING = Map.of("low", 1024L, "medium", 4096L, "high", 16384L);

    /** Fields read below; Bifrost's {@code fallbacks} is the gateway's own. */
    private static final Set<String> FIELDS = Set.of("model", "messages", "max_tokens", "max_completion_tokens", "stop", "stream",
            "stream_options", "temperature", "top_p", "user", "tools", "tool_choice", "parallel_tool_calls", "reasoning_effort",
            "fallbacks");
    /** Fields with no effect on Anthropic's answer (storage, billing tier, plain-text format). */
    private static final Set<String> IGNORED = Set.of("store", "metadata", "service_tier", "response_format");

    private ChatToMessages() {
    }

    public static JsonObject translate(byte[] body, String model) {
        JsonObject in = Bodies.parse(body);
        for (String field : in.fieldNames()) {
            Object v = in.getValue(field);
            if (!FIELDS.contains(field) && !IGNORED.contains(field) && !isDefault(field, v)) {
                throw new UntranslatableException(field, "`" + field + "` cannot be expressed in Anthropic's Messages API, where this"
                        + " request is routed; remove it or route to another model.");
            }
        }
        if (in.getValue("response_format") instanceof JsonObject format && !"text".equals(format.getValue("type"))) {
            throw new UntranslatableException("response_format", "Anthropic's Messages API has no `response_format` "
                    + format.getValue("type") + "; describe the format in the prompt or route to another model.");
        }
        JsonObject out = new JsonObject().put("model", model);
        List<String> system = new ArrayList<>();
        JsonArray messages = new JsonArray();
        JsonArray chat = in.getValue("messages") instanceof JsonArray a ? a : null;
        if (chat == null) {
            throw new UntranslatableException("messages", "`messages` must be an array.");
        }
        for (int i = 0; i < chat.size(); i++) {
            String at = "messages[" + i + "]";
            JsonObject m = chat.getValue(i) instanceof JsonObject o ? o : null;
            if (m == null) {
                throw new UntranslatableException(at, "`" + at + "` must be an object.");
            }
            switch (String.valueOf(m.getValue("role"))) {
                case "system", "developer" -> system.add(text(m.getValue("content"), at + ".content"));
                case "user" -> messages.add(new JsonObject().put("role", "user").put("content", userContent(m.getValue("content"), at + ".content")));
                case "assistant" -> messages.add(assistant(m, at));
                case "tool" -> toolResult(m, at, messages);
                default -> throw new UntranslatableException(at + ".role", "Role `" + m.getValue("role") + "` cannot be sent to Anthropic.");
            }
        }
        if (!system.isEmpty()) {
            out.put("system", String.join("\n\n", system));
        }
        out.put("messages", messages);
        long maxTokens = in.getValue("max_completion_tokens") instanceof Number n ? n.longValue()
                : in.getValue("max_tokens") instanceof Number n2 ? n2.longValue() : DEFAULT_MAX_TOKENS;
        Long budget = in.getValue("reasoning_effort") instanceof String effort ? THINKING.get(effort) : null;
        if (budget != null) {
            // Anthropic counts thinking inside max_tokens, which must exceed the budget.
            maxTokens = Math.max(maxTokens, budget + 1024);
            out.put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", budget));
        }
        out.put("max_tokens", maxTokens);
        if (in.getValue("temperature") instanceof Number t) {
            if (t.doubleValue() > 1.0) {
                throw new UntranslatableException("temperature", "Anthropic accepts a temperature from 0 to 1, not " + t + ".");
            }
            out.put("temperature", t);
        }
        if (in.getValue("top_p") instanceof Number p) {
            out.put("top_p", p);
        }
        Object stop = in.getValue("stop");
        if (stop instanceof String s) {
            out.put("stop_sequences", new JsonArray().add(s));
        } else if (stop instanceof JsonArray a && !a.isEmpty()) {
            out.put("stop_sequences", a);
        }
        if (in.getValue("user") instanceof String user) {
            out.put("metadata", new JsonObject().put("user_id", user));
        }
        tools(in, out);
        if (Boolean.TRUE.equals(in.getValue("stream"))) {
            out.put("stream", true);
        }
        return out;
    }

    /**
     * Whether a field OpenAI's clients send whatever the user asked for holds OpenAI's own default, which
     * asks for nothing Anthropic lacks: null, {@code n: 1}, zero penalties, no log probabilities, no logit
     * bias. Any other value of a field not translated is refused (a {@code seed} of 0 too: it is a seed).
     */
    private static boolean isDefault(String field, Object v) {
        if (v == null) {
            return true;
        }
        return switch (field) {
            case "n" -> v instanceof Number n && n.doubleValue() == 1;
            case "presence_penalty", "frequency_penalty", "top_logprobs" -> v instanceof Number n && n.doubleValue() == 0;
            case "logprobs" -> Boolean.FALSE.equals(v);
            case "logit_bias" -> v instanceof JsonObject o && o.isEmpty();
            default -> false;
        };
    }

    /** A system message's content: a string, or text parts. */
    private static String text(Object content, String at) {
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof JsonArray parts) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                JsonObject p = parts.getValue(i) instanceof JsonObject o ? o : new JsonObject();
                if (!"text".equals(p.getValue("type")) || !(p.getValue("text") instanceof String t)) {
                    throw new UntranslatableException(at + "[" + i + "]", "Only text can go into Anthropic's system prompt.");
                }
                texts.add(t);
            }
            return String.join("\n\n", texts);
        }
        throw new UntranslatableException(at, "`" + at + "` must be a string or an array of text parts.");
    }

    private static Object userContent(Object content, String at) {
        if (content instanceof String s) {
            return s;
        }
        if (!(content instanceof JsonArray parts)) {
            throw new UntranslatableException(at, "`" + at + "` must be a string or an array of content parts.");
        }
        JsonArray blocks = new JsonArray();
        for (int i = 0; i < parts.size(); i++) {
            String p = at + "[" + i + "]";
            JsonObject part = parts.getValue(i) instanceof JsonObject o ? o : new JsonObject();
            switch (String.valueOf(part.getValue("type"))) {
                case "text" -> blocks.add(new JsonObject().put("type", "text").put("text", String.valueOf(part.getValue("text"))));
                case "image_url" -> {
                    Object image = part.getValue("image_url");
                    String url = image instanceof JsonObject o ? String.valueOf(o.getValue("url")) : String.valueOf(image);
                    blocks.add(new JsonObject().put("type", "image").put("source", source(url, p + ".image_url.url")));
                }
                case "file" -> {
                    JsonObject file = part.getValue("file") instanceof JsonObject f ? f : new JsonObject();
                    if (!(file.getValue("file_data") instanceof String data) || !data.startsWith("data:application/pdf;base64,")) {
                        throw new UntranslatableException(p + ".file", "Only PDFs sent inline (file_data as a data URI) can go to Anthropic.");
                    }
                    blocks.add(new JsonObject().put("type", "document").put("source", source(data, p + ".file.file_data")));
                }
                default -> throw new UntranslatableException(p + ".type", "A `" + part.getValue("type") + "` part cannot be sent to Anthropic.");
            }
        }
        return blocks;
    }

    /** An image or document source from a data URI ({@code base64}) or a URL ({@code url}). */
    private static JsonObject source(String url, String at) {
        if (url.startsWith("data:")) {
            int semi = url.indexOf(';');
            int comma = url.indexOf(',');
            if (semi < 0 || comma < semi || !url.substring(semi, comma).equals(";base64")) {
                throw new UntranslatableException(at, "A data URI must be base64: data:<media type>;base64,<data>.");
            }
            return new JsonObject().put("type", "base64").put("media_type", url.substring(5, semi)).put("data", url.substring(comma + 1));
        }
        if (url.startsWith("https://") || url.startsWith("http://")) {
            return new JsonObject().put("type", "url").put("url", url);
        }
        throw new UntranslatableException(at, "An image must be a data URI or an http(s) URL.");
    }

    private static JsonObject assistant(JsonObject m, String at) {
        JsonArray blocks = new JsonArray();
        Object content = m.getValue("content");
        if (content != null) {
            String text = text(content, at + ".content");
            if (!text.isEmpty()) {
                blocks.add(new JsonObject().put("type", "text").put("text", text));
            }
        }
        if (m.getValue("tool_calls") instanceof JsonArray calls) {
            for (int i = 0; i < calls.size(); i++) {
                String c = at + ".tool_calls[" + i + "]";
                JsonObject call = calls.getValue(i) instanceof JsonObject o ? o : new JsonObject();
                JsonObject fn = call.getValue("function") instanceof JsonObject f ? f : new JsonObject();
                JsonObject input;
                try {
                    Object args = fn.getValue("arguments");
                    input = args instanceof String s && !s.isBlank() ? new JsonObject(s) : new JsonObject();
                } catch (DecodeException | ClassCastException e) {
                    throw new UntranslatableException(c + ".function.arguments", "Tool call arguments must be a JSON object for Anthropic.");
                }
                blocks.add(new JsonObject().put("type", "tool_use").put("id", String.valueOf(call.getValue("id")))
                        .put("name", String.valueOf(fn.getValue("name"))).put("input", input));
            }
        }
        // Anthropic refuses an empty assistant turn; an empty text keeps the turn order.
        return new JsonObject().put("role", "assistant").put("content", blocks.isEmpty() ? "" : blocks);
    }

    /** A {@code tool} message as a {@code tool_result} block, joining the user turn that already holds results. */
    private static void toolResult(JsonObject m, String at, JsonArray messages) {
        if (!(m.getValue("tool_call_id") instanceof String id)) {
            throw new UntranslatableException(at + ".tool_call_id", "A tool message needs its `tool_call_id`.");
        }
        JsonObject result = new JsonObject().put("type", "tool_result").put("tool_use_id", id)
                .put("content", text(m.getValue("content") == null ? "" : m.getValue("content"), at + ".content"));
        JsonObject last = messages.isEmpty() ? null : messages.getJsonObject(messages.size() - 1);
        if (last != null && "user".equals(last.getValue("role")) && last.getValue("content") instanceof JsonArray blocks
                && blocks.stream().allMatch(b -> b instanceof JsonObject o && "tool_result".equals(o.getValue("type")))) {
            blocks.add(result);
        } else {
            messages.add(new JsonObject().put("role", "user").put("content", new JsonArray().add(result)));
        }
    }

    private static void tools(JsonObject in, JsonObject out) {
        if (in.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
            JsonArray defs = new JsonArray();
            for (int i = 0; i < tools.size(); i++) {
                String at = "tools[" + i + "]";
                JsonObject t = tools.getValue(i) instanceof JsonObject o ? o : new JsonObject();
                if (!"function".equals(t.getValue("type")) || !(t.getValue("function") instanceof JsonObject fn)) {
                    throw new UntranslatableException(at + ".type", "Only function tools can be sent to Anthropic.");
                }
                JsonObject def = new JsonObject().put("name", String.valueOf(fn.getValue("name")));
                if (fn.getValue("description") instanceof String d) {
                    def.put("description", d);
                }
                def.put("input_schema", fn.getValue("parameters") instanceof JsonObject p ? p : new JsonObject().put("type", "object"));
                defs.add(def);
            }
            out.put("tools", defs);
        }
        JsonObject choice = null;
        Object tc = in.getValue("tool_choice");
        if (tc instanceof String s) {
            choice = switch (s) {
                case "auto" -> new JsonObject().put("type", "auto");
                case "required" -> new JsonObject().put("type", "any");
                case "none" -> new JsonObject().put("type", "none");
                default -> throw new UntranslatableException("tool_choice", "`tool_choice` must be auto, required, none or a function.");
            };
        } else if (tc instanceof JsonObject o && o.getValue("function") instanceof JsonObject fn) {
            choice = new JsonObject().put("type", "tool").put("name", String.valueOf(fn.getValue("name")));
        } else if (tc != null) {
            throw new UntranslatableException("tool_choice", "`tool_choice` must be auto, required, none or a function.");
        }
        if (Boolean.FALSE.equals(in.getValue("parallel_tool_calls")) && out.containsKey("tools")) {
            choice = (choice == null ? new JsonObject().put("type", "auto") : choice).put("disable_parallel_tool_use", true);
        }
        if (choice != null) {
            out.put("tool_choice", choice);
        }
    }
}
