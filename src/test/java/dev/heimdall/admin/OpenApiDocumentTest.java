package dev.heimdall.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hand-written OpenAPI document (META-INF/openapi.yaml) against the routes {@link AdminRoutes} registers:
 * every route is documented, and every documented operation is a route. SmallRye cannot scan Vert.x handlers,
 * so this is what keeps the two in step.
 */
class OpenApiDocumentTest {

    private static final Path ROUTES = Path.of("src/main/java/dev/heimdall/admin/AdminRoutes.java");
    private static final Path DOCUMENT = Path.of("src/main/resources/META-INF/openapi.yaml");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    /** Any method-specific registration: each must be one the patterns below understand. */
    private static final Pattern ANY_ROUTE = Pattern.compile("router\\.(get|post|put|delete|patch|head|options|trace)\\(");
    /** {@code router.get("/api/config")}. */
    private static final Pattern LITERAL_ROUTE = Pattern.compile("router\\.(get|post|put|delete|patch|head|options|trace)\\(\"([^\"]+)\"\\)");
    /** {@code router.get(base)} or {@code router.get(base + "/:id")}, inside the loop over {@link GovernanceAdmin.Kind}. */
    private static final Pattern KIND_ROUTE = Pattern.compile(
            "router\\.(get|post|put|delete|patch|head|options|trace)\\(base(?:\\s*\\+\\s*\"([^\"]*)\")?\\)");
    /** {@code String base = "/api/governance/" + kind.path;}. */
    private static final Pattern KIND_BASE = Pattern.compile("String base = \"([^\"]+)\"\\s*\\+\\s*kind\\.path;");
    private static final Pattern PATH_PARAM = Pattern.compile(":([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}/]+)}");

    private static String routesSource;
    private static JsonNode document;

    @BeforeAll
    static void read() throws IOException {
        routesSource = Files.readString(ROUTES);
        document = new YAMLMapper().readTree(DOCUMENT.toFile());
    }

    /** "GET /api/providers/{provider}" for each route AdminRoutes registers under /api/. */
    static Set<String> registeredRoutes() {
        Set<String> routes = new TreeSet<>();
        int understood = 0;
        Matcher literal = LITERAL_ROUTE.matcher(routesSource);
        while (literal.find()) {
            understood++;
            if (!literal.group(2).endsWith("/*")) { // a filter on every path below (the JSON content-type check), not an endpoint
                routes.add(operation(literal.group(1), literal.group(2)));
            }
        }
        Matcher base = KIND_BASE.matcher(routesSource);
        assertTrue(base.find(), "AdminRoutes builds the governance routes from \"<prefix>\" + kind.path");
        String prefix = base.group(1);
        Matcher perKind = KIND_ROUTE.matcher(routesSource);
        while (perKind.find()) {
            understood++;
            String suffix = perKind.group(2) == null ? "" : perKind.group(2);
            for (GovernanceAdmin.Kind kind : GovernanceAdmin.Kind.values()) {
                routes.add(operation(perKind.group(1), prefix + kind.path + suffix));
            }
        }
        int registrations = 0;
        Matcher any = ANY_ROUTE.matcher(routesSource);
        while (any.find()) {
            registrations++;
        }
        assertEquals(registrations, understood, "every router.<method>(…) in AdminRoutes must be a literal path or base [+ \"…\"];"
                + " extend this test for a new form rather than leaving a route unchecked");
        return routes;
    }

    private static String operation(String method, String vertxPath) {
        return method.toUpperCase() + " " + PATH_PARAM.matcher(vertxPath).replaceAll("{$1}");
    }

    /** "GET /api/providers/{provider}" for each operation the document describes. */
    static Set<String> documentedOperations() {
        Set<String> operations = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> item : path.getValue().properties()) {
                if (METHODS.contains(item.getKey())) {
                    operations.add(item.getKey().toUpperCase() + " " + path.getKey());
                }
            }
        }
        return operations;
    }

    @Test
    void theRoutesAreFound() {
        Set<String> routes = registeredRoutes();
        // A floor, so that a parser that finds nothing cannot pass: the literal routes and five kinds × five operations.
        assertTrue(routes.size() >= 25 + 10, "found only " + routes);
        assertTrue(routes.contains("GET /api/governance/virtual-keys/{id}"), routes.toString());
        assertTrue(routes.contains("POST /api/governance/virtual-keys/{id}/rotate"), routes.toString());
        assertTrue(routes.stream().allMatch(r -> r.split(" ", 2)[1].startsWith("/api/")), routes.toString());
    }

    @Test
    void everyRouteIsDocumented() {
        Set<String> missing = new TreeSet<>(registeredRoutes());
        missing.removeAll(documentedOperations());
        assertTrue(missing.isEmpty(), "routes of AdminRoutes missing from openapi.yaml: " + missing);
    }

    @Test
    void everyDocumentedOperationIsARoute() {
        Set<String> stale = new TreeSet<>(documentedOperations());
        stale.removeAll(registeredRoutes());
        assertTrue(stale.isEmpty(), "operations in openapi.yaml that AdminRoutes does not register: " + stale);
    }

    @Test
    void theDocumentIsTheManagementApis() {
        assertEquals("3.0.3", document.path("openapi").asText());
        assertEquals("Heimdall management API", document.path("info").path("title").asText());
        assertFalse(document.path("info").path("version").asText().isEmpty());
        assertEquals("basic", document.path("components").path("securitySchemes").path("adminBasic").path("scheme").asText());
        for (String schema : List.of("Error", "Secret", "Provider", "ProviderKey", "KeyHealth", "NetworkConfig", "VirtualKey",
                "ProviderAccess", "Team", "Customer", "Budget", "RateLimit", "Counter", "Alias", "ConfigView", "LogEntry")) {
            assertTrue(document.path("components").path("schemas").has(schema), "components.schemas." + schema);
        }
    }

    /** Each {name} of a path is declared as a path parameter of each of its operations. */
    @Test
    void everyPathParameterIsDeclared() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            Set<String> expected = new TreeSet<>();
            Matcher m = TEMPLATE_PARAM.matcher(path.getKey());
            while (m.find()) {
                expected.add(m.group(1));
            }
            for (Map.Entry<String, JsonNode> item : path.getValue().properties()) {
                if (!METHODS.contains(item.getKey())) {
                    continue;
                }
                Set<String> declared = new TreeSet<>();
                for (JsonNode list : List.of(path.getValue().path("parameters"), item.getValue().path("parameters"))) {
                    for (JsonNode p : list) {
                        JsonNode parameter = resolve(p);
                        if ("path".equals(parameter.path("in").asText())) {
                            declared.add(parameter.path("name").asText());
                        }
                    }
                }
                if (!declared.equals(expected)) {
                    problems.add(item.getKey().toUpperCase() + " " + path.getKey() + " declares path parameters " + declared);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Every $ref names something the document defines. */
    @Test
    void everyReferenceResolves() {
        List<String> dangling = new ArrayList<>();
        collectDangling(document, dangling);
        assertTrue(dangling.isEmpty(), "unresolved $ref: " + dangling);
    }

    private static void collectDangling(JsonNode node, List<String> dangling) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && resolve(node).isMissingNode()) {
                dangling.add(ref.asText());
            }
            node.forEach(child -> collectDangling(child, dangling));
        } else if (node.isArray()) {
            node.forEach(child -> collectDangling(child, dangling));
        }
    }

    private static JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        if (ref == null) {
            return node;
        }
        String pointer = ref.asText();
        return pointer.startsWith("#/") ? document.at(pointer.substring(1)) : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
