package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * What the section readers share while one config.json is read: every problem found so far with its JSON
 * path (all are reported at once), the warnings, the environment that {@code env.NAME} values come from,
 * and the top-level {@code version} rule; plus the checks every section repeats, each with one wording.
 * Messages never contain secret values.
 */
final class ConfigReader {

    static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final UnaryOperator<String> env;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    /** Bifrost's schema version: in 2 (the default) an empty list allows nothing, in 1 everything. */
    private int version = 2;

    ConfigReader(UnaryOperator<String> env) {
        this.env = env;
    }

    List<ConfigProblem> problems() {
        return problems;
    }

    List<String> warnings() {
        return warnings;
    }

    int version() {
        return version;
    }

    void version(int version) {
        this.version = version;
    }

    void problem(String path, String reason) {
        problems.add(new ConfigProblem(path, reason));
    }

    void warn(String message) {
        warnings.add(message);
    }

    /** Resolves {@code env.NAME}; an unset variable is a problem (Bifrost would silently send ""). */
    Secret secret(String path, String text) {
        if (!text.startsWith("env.")) {
            return new Secret(null, text);
        }
        String name = text.substring(4);
        if (!ENV_NAME.matcher(name).matches()) {
            problem(path, "\"" + text + "\" is not a valid environment reference (env.NAME with letters, digits and _)");
            return null;
        }
        String value = env.apply(name);
        if (value == null) {
            problem(path, "environment variable " + name + " is not set");
            return null;
        }
        return new Secret(text, value);
    }

    int integer(String path, JsonNode node, int dflt, int min, int max) {
        if (node == null || node.isNull()) {
            return dflt;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            problem(path, "must be a whole number, not " + kind(node));
            return dflt;
        }
        int v = node.intValue();
        if (v < min || v > max) {
            problem(path, "must be between " + min + " and " + max + ", got " + v);
            return dflt;
        }
        return v;
    }

    /** A true/false field; absent or null gives {@code dflt}, anything but a boolean is a problem. */
    boolean bool(String path, JsonNode node, boolean dflt) {
        if (node == null || node.isNull()) {
            return dflt;
        }
        if (!node.isBoolean()) {
            problem(path, "must be true or false");
            return node.asBoolean(dflt); // read on leniently ("false" is false) so later checks see what was meant
        }
        return node.booleanValue();
    }

    String optionalString(String path, JsonNode node, String dflt) {
        if (node == null || node.isNull()) {
            return dflt;
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            problem(path, "must be a non-empty string");
            return dflt;
        }
        return node.textValue();
    }

    /**
     * A list of {@code noun} names ({@code models}, {@code allowed_models}, {@code key_ids}): absent or
     * {@code ["*"]} allows all; an empty list allows nothing in version 2 (said in a warning ending in
     * {@code emptyMeans}) and all in version 1.
     */
    ModelFilter allowList(String path, JsonNode node, String noun, String emptyMeans) {
        if (node == null || node.isNull()) {
            return ModelFilter.ALL;
        }
        if (!node.isArray()) {
            problem(path, "must be an array of " + noun + " names, not " + kind(node));
            return ModelFilter.ALL;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            if (!m.isTextual() || m.textValue().isBlank()) {
                problem(path + "[" + i + "]", "must be a non-empty " + noun + " name");
            } else if (m.textValue().equals("*")) {
                return ModelFilter.ALL;
            } else {
                names.add(m.textValue());
            }
        }
        if (names.isEmpty()) {
            if (version == 1) {
                return ModelFilter.ALL;
            }
            warn(path + " is empty, so " + emptyMeans + " (use [\"*\"] for all " + noun + "s, or \"version\": 1)");
        }
        return new ModelFilter(false, names);
    }

    /** A model-name map (key aliases): public name to upstream name. */
    Map<String, String> modelNameMap(String path, JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            problem(path, "must be an object mapping a public model name to the upstream model name");
            return map;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual() || e.getValue().textValue().isBlank()) {
                problem(path + "." + e.getKey(), "must be a non-empty model name");
            } else {
                map.put(e.getKey(), e.getValue().textValue());
            }
        }
        return map;
    }

    void warnUnknown(String path, JsonNode node, Set<String> known) {
        for (String field : iterable(node.fieldNames())) {
            if (!known.contains(field)) {
                warnings.add(path + "." + field + " is not a known field; it is ignored");
            }
        }
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    static <T> Iterable<T> iterable(Iterator<T> it) {
        return () -> it;
    }
}
