package dev.heimdall.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * config.json as JSON: reading it with exact error positions, splitting it into the entities the
 * store keeps (providers, aliases, governance items, other sections), joining them back, and hashing.
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
    public static final String KIND_ALIAS = "alias";
    public static final String KIND_VIRTUAL_KEY = "virtual_key";
    public static final String KIND_TEAM = "team";
    public static final String KIND_CUSTOMER = "customer";
    public static final String KIND_BUDGET = "budget";
    public static final String KIND_RATE_LIMIT = "rate_limit";
    public static final String KIND_SECTION = "section";

    /** governance's lists, each item one entity of a kind. */
    private static final Map<String, String> GOVERNANCE_LISTS = new LinkedHashMap<>();
    private static final Map<String, String> LIST_OF_KIND = new LinkedHashMap<>();

    static {
        for (String[] list : new String[][] {{"rate_limits", KIND_RATE_LIMIT}, {"budgets", KIND_BUDGET}, {"customers", KIND_CUSTOMER},
                {"teams", KIND_TEAM}, {"virtual_keys", KIND_VIRTUAL_KEY}}) {
            GOVERNANCE_LISTS.put(list[0], list[1]);
            LIST_OF_KIND.put(list[1], list[0]);
        }
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    // Canonical form for hashing: keys sorted so that reordering a file does not count as a change.
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /** One stored unit of configuration: a provider, an alias, a governance item, or a section such as {@code plugins}. */
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
            hashValue(k);
        }
        return copy;
    }

    /** One entity as it is stored: a virtual key with its literal value hashed, anything else as it is. */
    public static JsonNode forStorage(String kind, JsonNode json) {
        if (!kind.equals(KIND_VIRTUAL_KEY)) {
            return json;
        }
        JsonNode copy = json.deepCopy();
        hashValue(copy);
        return copy;
    }

    private static void hashValue(JsonNode key) {
        JsonNode value = key.get("value");
        if (key.isObject() && value != null && value.isTextual() && !value.textValue().startsWith("env.")
                && !value.textValue().startsWith(HASHED) && !value.textValue().isEmpty()) {
            ((ObjectNode) key).put("value", HASHED + sha256(value.textValue()));
        }
    }

    /**
     * Splits a config root into the entities the store keeps, each owned by config.json or by the
     * management API: one per provider, per alias, per governance list item (by its {@code id}), and one per
     * other top-level section (the rest of {@code governance} is one). Parts of the wrong shape stay inside
     * their section, so validation still reports them where the file has them. {@code config_store} and
     * {@code logs_store} say where the stores are, so they are not kept in them (start-up reads them from the file).
     */
    public static List<Entity> split(JsonNode root) {
        List<Entity> entities = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String section = field.getKey();
            JsonNode value = field.getValue();
            if (section.equals("providers") && value.isObject()) {
                value.properties().forEach(p -> entities.add(entity(KIND_PROVIDER, p.getKey(), p.getValue())));
            } else if (section.equals("aliases") && value.isObject()) {
                value.properties().forEach(a -> entities.add(entity(KIND_ALIAS, a.getKey(), a.getValue())));
            } else if (section.equals("governance") && value.isObject()) {
                ObjectNode rest = value.deepCopy();
                for (Map.Entry<String, String> list : GOVERNANCE_LISTS.entrySet()) {
                    JsonNode items = rest.get(list.getKey());
                    if (items != null && items.isArray()) {
                        rest.remove(list.getKey());
                        for (int i = 0; i < items.size(); i++) {
                            JsonNode id = items.get(i).path("id");
                            entities.add(entity(list.getValue(), id.isTextual() ? id.textValue() : "#" + i, items.get(i)));
                        }
                    }
                }
                if (!rest.isEmpty()) {
                    entities.add(entity(KIND_SECTION, section, rest));
                }
            } else if (!StoresReader.SECTIONS.contains(section)) {
                entities.add(entity(KIND_SECTION, section, value));
            }
        }
        return entities;
    }

    private static Entity entity(String kind, String name, JsonNode json) {
        return new Entity(kind, name, json, hash(json));
    }

    /** The inverse of {@link #split}: a config root from entities, list items in the order given. */
    public static JsonNode join(List<Entity> entities) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode providers = MAPPER.createObjectNode();
        ObjectNode aliases = MAPPER.createObjectNode();
        ObjectNode governance = null;
        Map<String, ArrayNode> lists = new LinkedHashMap<>();
        for (Entity e : entities) {
            String list = LIST_OF_KIND.get(e.kind());
            if (e.kind().equals(KIND_PROVIDER)) {
                providers.set(e.name(), e.json());
            } else if (e.kind().equals(KIND_ALIAS)) {
                aliases.set(e.name(), e.json());
            } else if (list != null) {
                lists.computeIfAbsent(list, l -> MAPPER.createArrayNode()).add(e.json());
            } else if (e.kind().equals(KIND_SECTION) && e.name().equals("governance") && e.json().isObject()) {
                governance = e.json().deepCopy();
            } else if (e.kind().equals(KIND_SECTION) && e.name().equals("aliases") && e.json().isObject()) {
                // A row stored before aliases were entities of their own (a config.db without its config.json).
                e.json().properties().forEach(a -> aliases.set(a.getKey(), a.getValue()));
            } else {
                root.set(e.name(), e.json());
            }
        }
        if (!lists.isEmpty()) {
            governance = governance == null ? MAPPER.createObjectNode() : governance;
            for (Map.Entry<String, ArrayNode> list : lists.entrySet()) {
                // Items inside a governance row stored before they were entities of their own come first.
                JsonNode before = governance.get(list.getKey());
                ArrayNode merged = MAPPER.createArrayNode();
                if (before != null && before.isArray()) {
                    merged.addAll((ArrayNode) before);
                }
                merged.addAll(list.getValue());
                governance.set(list.getKey(), merged);
            }
        }
        if (governance != null) {
            root.set("governance", governance);
        }
        if (!aliases.isEmpty()) {
            root.set("aliases", aliases);
        }
        if (!root.has("providers")) { // a "providers" section is one of the wrong shape, kept for validation to report
            root.set("providers", providers);
        }
        return root;
    }

    /** Where an entity sits in a root built by {@link #join} from {@code entities}: a JSON path prefix. */
    public static String pathOf(List<Entity> entities, String kind, String name) {
        if (kind.equals(KIND_PROVIDER)) {
            return "$.providers." + name;
        }
        if (kind.equals(KIND_ALIAS)) {
            return "$.aliases." + name;
        }
        String list = LIST_OF_KIND.get(kind);
        if (list == null) {
            return "$." + name;
        }
        int index = 0;
        for (Entity e : entities) {
            if (e.kind().equals(kind)) {
                if (e.name().equals(name)) {
                    return "$.governance." + list + "[" + index + "]";
                }
                index++;
            }
        }
        return "$.governance." + list;
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
