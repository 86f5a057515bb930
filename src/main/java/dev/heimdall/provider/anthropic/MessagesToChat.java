package dev.heimdall.provider.anthropic;

import dev.heimdall.provider.UntranslatableException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An Anthropic Messages request as an OpenAI chat completion request, keeping what Claude Code depends on:
 * system blocks, images, documents, the whole {@code tool_use} / {@code tool_result} history, tool
 * definitions and {@code tool_choice}, thinking, stop sequences and streaming. What has no OpenAI
 * equivalent and would change the answer (server tools, MCP servers, containers) is refused with a 400
 * naming the field; hints that do not change it ({@code cache_control}, {@code service_tier},
 * {@code context_management}) are left out.
 */
public final class MessagesToChat {

    /** Fields read below, plus Bifrost's {@code fallbacks} (the gateway's own). */
    private static final Set<String> FIELDS = Set.of("model", "messages", "system", "max_tokens", "stop_sequences", "stream",
            "temperature", "top_p", "top_k", "tools", "tool_choice", "metadata", "thinking", "fallbacks");
    /** Advisory fields with no effect on what a self-hosted model answers. */
    private static final Set<String> IGNORED = Set.of("service_tier", "context_management");

    private MessagesToChat() {
    }

    /** The chat completion request for {@code model}; {@code askUsage} adds {@code stream_options.include_usage}. */
    public static JsonObject translate(byte[] body, String model, boolean askUsage) {
        JsonObject in = Bodies.parse(body);
        for (String field : in.fieldNames()) {
            if (!FIELDS.contains(field) && !IGNORED.contains(field) && in.getValue(field) != null) {
                throw new UntranslatableException(field, "`" + field + "` has no equivalent in the OpenAI-compatible API of the model"
                        + " this request is routed to; remove it or route to an Anthropic model.");
            }
        }
        JsonObject out = new JsonObject().put("model", model);
        JsonArray messages = new JsonArray();
        system(in.getValue("system"), messages);
        JsonArray history = array(in, "messages");
        for (int i = 0; i < history.size(); i++) {
            message(object(history.getValue(i), "messages[" + i + "]"), "messages[" + i + "]", messages);
        }
        out.put("messages", messages);
        copy(in, "max_tokens", out, "max_tokens");
        copy(in, "temperature", out, "temperature");
        copy(in, "top_p", out, "top_p");
        copy(in, "top_k", out, "top_k");
        if (in.getValue("stop_sequences") instanceof JsonArray stop && !stop.isEmpty()) {
            out.put("stop", stop);
        }
        if (in.getValue("metadata") instanceof JsonObject meta && meta.getValue("user_id") instanceof String user) {
            out.put("user", user);
        }
        tools(in, out);
        thinking(in.getValue("thinking"), out);
        if (Boolean.TRUE.equals(in.getValue("stream"))) {
            out.put("stream", true);
            if (askUsage) {
                out.put("stream_options", new JsonObject().put("include_usage", true));
            }
        }
        return out;
    }

    /** {@code system}, a string or text blocks, as the first message. */
    private static void system(Object system, JsonArray messages) {
        if (system == null) {
            return;
        }
        String text;
        if (system instanceof String s) {
            text = s;
        } else if (system instanceof JsonArray blocks) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < blocks.size(); i++) {
                JsonObject b = object(blocks.getValue(i), "system[" + i + "]");
                if (!"text".equals(b.getValue("type"))) {
                    throw new UntranslatableException("system[" + i + "].type", "System blocks must be text, not " + b.getValue("type") + ".");
                }
                parts.add(string(b, "text", "system[" + i + "]"));
            }
            text = String.join("\n\n", parts);
        } else {
            throw new UntranslatableException("system", "`system` must be a string or an array of text blocks.");
        }
        messages.add(new JsonObject().put("role", "system").put("content", text));
    }

    private static void message(JsonObject m, String path, JsonArray out) {
        Object role = m.getValue("role");
        Object content = m.getValue("content");
        if (!"user".equals(role) && !"assistant".equals(role)) {
            throw new UntranslatableException(path + ".role", "`role` must be \"user\" or \"assistant\", not " + role + ".");
        }
        if (content instanceof String text) {
            out.add(new JsonObject().put("role", role).put("content", text));
        } else if (content instanceof JsonArray blocks) {
            if ("user".equals(role)) {
                userBlocks(blocks, path + ".content", out);
            } else {
                out.add(assistantBlocks(blocks, path + ".content"));
            }
        } else {
            throw new UntranslatableException(path + ".content", "`content` must be a string or an array of content blocks.");
        }
    }

    /**
     * A user turn: its {@code tool_result} blocks become one {@code tool} message each (they answer the
     * previous assistant turn, so they come first), the rest one user message.
     */
    private static void userBlocks(JsonArray blocks, String path, JsonArray out) {
        JsonArray parts = new JsonArray();
        for (int i = 0; i < blocks.size(); i++) {
            String at = path + "[" + i + "]";
            JsonObject b = object(blocks.getValue(i), at);
            Object type = b.getValue("type");
            if ("tool_result".equals(type)) {
                out.add(toolResult(b, at, parts));
            } else {
                parts.add(part(b, at));
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        boolean textOnly = parts.stream().allMatch(p -> "text".equals(((JsonObject) p).getValue("type")));
        if (textOnly) {
            List<String> texts = new ArrayList<>();
            parts.forEach(p -> texts.add(((JsonObject) p).getString("text")));
            out.add(new JsonObject().put("role", "user").put("content", String.join("\n\n", texts)));
        } else {
            out.add(new JsonObject().put("role", "user").put("content", parts));
        }
    }

    /** A user content block as an OpenAI content part. */
    private static JsonObject part(JsonObject b, String at) {
        Object type = b.getValue("type");
        if ("text".equals(type)) {
            return new JsonObject().put("type", "text").put("text", string(b, "text", at));
        }
        if ("image".equals(type)) {
            JsonObject source = object(b.getValue("source"), at + ".source");
            String url = switch (String.valueOf(source.getValue("type"))) {
                case "base64" -> "data:" + string(source, "media_type", at + ".source") + ";base64," + string(source, "data", at + ".source");
                case "url" -> string(source, "url", at + ".source");
                default -> throw new UntranslatableException(at + ".source.type", "Image sources must be base64 or url here, not "
                        + source.getValue("type") + ".");
            };
            return new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", url));
        }
        if ("document".equals(type)) {
            JsonObject source = object(b.getValue("source"), at + ".source");
            if ("text".equals(source.getValue("type"))) {
                return new JsonObject().put("type", "text").put("text", string(source, "data", at + ".source"));
            }
            if ("base64".equals(source.getValue("type")) && "application/pdf".equals(source.getValue("media_type"))) {
                String name = b.getValue("title") instanceof String t ? t : "document.pdf";
                return new JsonObject().put("type", "file").put("file", new JsonObject().put("filename", name)
                        .put("file_data", "data:application/pdf;base64," + string(source, "data", at + ".source")));
            }
            throw new UntranslatableException(at + ".source", "Documents must be base64 PDFs or text here.");
        }
        throw new UntranslatableException(at + ".type", "A user turn cannot carry a `" + type + "` block to an OpenAI-compatible model.");
    }

    /** A {@code tool_result} block as a {@code tool} message; images it carries go to {@code parts}, after it. */
    private static JsonObject toolResult(JsonObject b, String at, JsonArray parts) {
        String id = string(b, "tool_use_id", at);
        Object content = b.getValue("content");
        StringBuilder text = new StringBuilder();
        if (Boolean.TRUE.equals(b.getValue("is_error"))) {
            text.append("Error: ");
        }
        if (content instanceof String s) {
            text.append(s);
        } else if (content instanceof JsonArray blocks) {
            for (int i = 0; i < blocks.size(); i++) {
                JsonObject c = object(blocks.getValue(i), at + ".content[" + i + "]");
                if ("text".equals(c.getValue("type"))) {
                    if (text.length() > 0 && !text.toString().equals("Error: ")) {
                        text.append("\n\n");
                    }
                    text.append(string(c, "text", at + ".content[" + i + "]"));
                } else {
                    // OpenAI's tool messages carry text only: the image follows in the user turn.
                    parts.add(part(c, at + ".content[" + i + "]"));
                }
            }
        } else if (content != null) {
            throw new UntranslatableException(at + ".content", "`content` of a tool_result must be a string or blocks.");
        }
        return new JsonObject().put("role", "tool").put("tool_call_id", id).put("content", text.toString());
    }

    /** An assistant turn: its text, its {@code tool_use} blocks as {@code tool_calls}, its thinking as {@code reasoning_content}. */
    private static JsonObject assistantBlocks(JsonArray blocks, String path) {
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        JsonArray calls = new JsonArray();
        for (int i = 0; i < blocks.size(); i++) {
            String at = path + "[" + i + "]";
            JsonObject b = object(blocks.getValue(i), at);
            switch (String.valueOf(b.getValue("type"))) {
                case "text" -> text.append(string(b, "text", at));
                case "tool_use" -> {
                    Object input = b.getValue("input");
                    String args = input instanceof JsonObject o ? o.encode() : input == null ? "{}" : String.valueOf(input);
                    calls.add(new JsonObject().put("id", string(b, "id", at)).put("type", "function")
                            .put("function", new JsonObject().put("name", string(b, "name", at)).put("arguments", args)));
                }
                case "thinking" -> reasoning.append(b.getValue("thinking") instanceof String t ? t : "");
                // Redacted thinking is encrypted for Anthropic's models alone; no other model can read it.
                case "redacted_thinking" -> { }
                default -> throw new UntranslatableException(at + ".type", "An assistant turn cannot carry a `" + b.getValue("type")
                        + "` block to an OpenAI-compatible model.");
            }
        }
        JsonObject m = new JsonObject().put("role", "assistant").put("content", text.length() == 0 && !calls.isEmpty() ? null : text.toString());
        if (!calls.isEmpty()) {
            m.put("tool_calls", calls);
        }
        if (reasoning.length() > 0) {
            m.put("reasoning_content", reasoning.toString());
        }
        return m;
    }

    private static void tools(JsonObject in, JsonObject out) {
        if (in.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
            JsonArray functions = new JsonArray();
            for (int i = 0; i < tools.size(); i++) {
                String at = "tools[" + i + "]";
                JsonObject t = object(tools.getValue(i), at);
                Object type = t.getValue("type");
                if (type != null && !"custom".equals(type)) {
                    throw new UntranslatableException(at + ".type", "Anthropic's server tool `" + type
                            + "` runs only on Anthropic's models; this request is routed to an OpenAI-compatible one.");
                }
                JsonObject fn = new JsonObject().put("name", string(t, "name", at));
                if (t.getValue("description") instanceof String d) {
                    fn.put("description", d);
                }
                fn.put("parameters", t.getValue("input_schema") instanceof JsonObject schema ? schema : new JsonObject().put("type", "object"));
                functions.add(new JsonObject().put("type", "function").put("function", fn));
            }
            out.put("tools", functions);
        }
        if (in.getValue("tool_choice") instanceof JsonObject choice) {
            switch (String.valueOf(choice.getValue("type"))) {
                case "auto" -> out.put("tool_choice", "auto");
                case "any" -> out.put("tool_choice", "required");
                case "none" -> out.put("tool_choice", "none");
                case "tool" -> out.put("tool_choice", new JsonObject().put("type", "function")
                        .put("function", new JsonObject().put("name", string(choice, "name", "tool_choice"))));
                default -> throw new UntranslatableException("tool_choice.type", "`tool_choice.type` must be auto, any, tool or none.");
            }
            if (Boolean.TRUE.equals(choice.getValue("disable_parallel_tool_use"))) {
                out.put("parallel_tool_calls", false);
            }
        } else if (in.getValue("tool_choice") != null) {
            throw new UntranslatableException("tool_choice", "`tool_choice` must be an object.");
        }
    }

    /** Extended thinking as OpenAI's {@code reasoning_effort}: a budget under 4k tokens is low, under 16k medium, else high. */
    private static void thinking(Object thinking, JsonObject out) {
        if (thinking instanceof JsonObject t && "enabled".equals(t.getValue("type"))) {
            long budget = t.getValue("budget_tokens") instanceof Number n ? n.longValue() : 0;
            out.put("reasoning_effort", budget < 4096 ? "low" : budget < 16384 ? "medium" : "high");
        }
    }

    private static void copy(JsonObject in, String from, JsonObject out, String to) {
        Object v = in.getValue(from);
        if (v != null) {
            out.put(to, v);
        }
    }

    private static JsonArray array(JsonObject o, String field) {
        if (o.getValue(field) instanceof JsonArray a) {
            return a;
        }
        throw new UntranslatableException(field, "`" + field + "` must be an array.");
    }

    private static JsonObject object(Object value, String path) {
        if (value instanceof JsonObject o) {
            return o;
        }
        throw new UntranslatableException(path, "`" + path + "` must be an object.");
    }

    private static String string(JsonObject o, String field, String path) {
        if (o.getValue(field) instanceof String s) {
            return s;
        }
        throw new UntranslatableException(path + "." + field, "`" + path + "." + field + "` must be a string.");
    }
}
