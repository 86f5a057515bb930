package dev.heimdall.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * config.json as JSON: reading it with exact error positions, splitting it into the entities the
 * store keeps (one per provider, one per other top-level section), joining them back, and hashing.
 * Only the tree model is used, so nothing here needs reflection in a native image.
 */
public final class ConfigJson {

    private static final MessageDigest SHA256;

    static {
        try {
            SHA256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    public static final String KIND_PROVIDER = "provider";
    public static final String KIND_SECTION = "section";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    // Canonical form for hashing: keys sorted so that reordering a file does not count as a change.
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /** One stored unit of configuration: a provider, or a top-level section such as {@code plugins}. */
    public record Entity(String kind, String name, JsonNode json, String hash) {
    }

    private ConfigJson() {
    }

    public static JsonNode read(byte[] bytes, String source) throws InvalidConfigException {
        try {
            JsonNode root = MAPPER.readTree(bytes);
            if (root == null || root.isMissingNode()) {
                throw new InvalidConfigException(source, List.of(new ConfigProblem("$", "the file is empty")));
            }
            return root;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new InvalidConfigException(source, List.of(new ConfigProblem("$", "invalid JSON" + where + ": " + describe(e))));
        } catch (java.io.IOException e) {
            throw new InvalidConfigException(source, List.of(new ConfigProblem("$", "cannot be read: " + e.getMessage())));
        }
    }

    /**
     * Jackson quotes the offending token in its messages; a token next to a broken quote can be a key's
     * value, so quoted text is masked unless it is a field name in a duplicate-field message.
     */
    private static String describe(JsonProcessingException e) {
        if (e instanceof JsonEOFException) {
            return "unexpected end of input (an object or array is not closed)";
        }
        String msg = e.getOriginalMessage();
        if (msg.startsWith("Duplicate field")) {
            return msg;
        }
        msg = msg.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
        int nl = msg.indexOf('\n');
        return nl > 0 ? msg.substring(0, nl) : msg;
    }

    /** How a virtual key's literal value is kept at rest: its SHA-256, never the value. */
    public static final String HASHED = "sha256:";

    /**
     * The config as it is stored in SQLite: each literal virtual-key value replaced by {@code sha256:<hex>}
     * ({@code env.NAME} references stay references), so config.db never holds a key a client could present.
     * The readers accept the hashed form, so a configuration read back from the store still admits the key.
     */
    public static JsonNode forStorage(JsonNode root) {
        JsonNode keys = root.path("governance").path("virtual_keys");
        if (!keys.isArray()) {
            return root;
        }
        JsonNode copy = root.deepCopy();
        for (JsonNode k : copy.path("governance").path("virtual_keys")) {
            JsonNode value = k.get("value");
            if (k.isObject() && value != null && value.isTextual() && !value.textValue().startsWith("env.")
                    && !value.textValue().startsWith(HASHED) && !value.textValue().isEmpty()) {
                ((ObjectNode) k).put("value", HASHED + sha256(value.textValue()));
            }
        }
        return copy;
    }

    /** Splits a config root into entities; non-object roots and non-object providers yield none for that part. */
    public static List<Entity> split(JsonNode root) {
        List<Entity> entities = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals("providers") && field.getValue().isObject()) {
                for (Map.Entry<String, JsonNode> p : field.getValue().properties()) {
                    entities.add(new Entity(KIND_PROVIDER, p.getKey(), p.getValue(), hash(p.getValue())));
                }
            } else {
                entities.add(new Entity(KIND_SECTION, field.getKey(), field.getValue(), hash(field.getValue())));
            }
        }
        return entities;
    }

    /** The inverse of {@link #split}: rebuilds a config root from stored entities. */
    public static JsonNode join(List<Entity> entities) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode providers = MAPPER.createObjectNode();
        for (Entity e : entities) {
            if (e.kind().equals(KIND_PROVIDER)) {
                providers.set(e.name(), e.json());
            } else {
                root.set(e.name(), e.json());
            }
        }
        root.set("providers", providers);
        return root;
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored configuration is not valid JSON", e);
        }
    }

    public static String canonical(JsonNode node) {
        try {
            // Round-trip through a Map so ORDER_MAP_ENTRIES_BY_KEYS applies at every depth.
            Object plain = CANONICAL.treeToValue(node, Object.class);
            return CANONICAL.writeValueAsString(plain);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hash(JsonNode node) {
        return sha256(canonical(node).getBytes(StandardCharsets.UTF_8));
    }

    /** Hex SHA-256 of {@code bytes}. Called per request (virtual keys), so it clones a prototype rather than look up the provider. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(((MessageDigest) SHA256.clone()).digest(bytes));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 is cloneable", e);
        }
    }

    /** Hex SHA-256 of a text's UTF-8 bytes. */
    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
