package dev.heimdall.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The management API through the running gateway: every write validated as config.json is, applied at once
 * to the request path, refused for what config.json owns, and never answering with a secret.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class ManagementApiTest {

    private static final String PROVIDER_SECRET = "sk-api-provider-canary-8f2d41";

    @Fake
    FakeOpenAi upstream;

    private static Response post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path);
    }

    private static Response put(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).put(path);
    }

    private static JsonObject json(Response r, int status) {
        assertEquals(status, r.statusCode(), r.asString());
        return new JsonObject(r.asString());
    }

    private static JsonObject error(Response r, int status, String code) {
        JsonObject error = json(r, status).getJsonObject("error");
        assertEquals(code, error.getString("code"), r.asString());
        return error;
    }

    private static Response chat(String virtualKey) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + virtualKey)
                .body("{\"model\": \"openai/gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").post("/v1/chat/completions");
    }

    @AfterEach
    void cleanUp() {
        for (String path : List.of("/api/governance/virtual-keys/vk-api-test", "/api/governance/teams/team-api-test",
                "/api/governance/customers/cust-api-test", "/api/governance/budgets/budget-api-test", "/api/providers/cerebras",
                "/api/aliases/api-alias")) {
            given().delete(path);
        }
    }

    @Test
    void aVirtualKeyCreatedThroughTheApiIsAdmittedAtOnceWithItsInlineLimits() {
        JsonObject created = json(post("/api/governance/virtual-keys", """
                {"id": "vk-api-test", "name": "ci-bot", "provider_configs": [{"provider": "openai"}],
                 "rate_limit": {"request_max_limit": 1, "request_reset_duration": "1h"},
                 "budget": {"max_limit": 5, "reset_duration": "1M"}}"""), 200);
        JsonObject key = created.getJsonObject("virtual_key");
        String value = key.getString("value");
        assertTrue(value.startsWith("sk-bf-") && value.length() > 30, "a generated value is shown once: " + value);
        assertEquals("api", key.getString("source"));
        assertEquals("vk-vk-api-test-rate-limit", key.getString("rate_limit_id"));
        assertEquals(5.0, key.getJsonArray("budgets").getJsonObject(0).getDouble("max_limit"));

        JsonObject read = json(given().get("/api/governance/virtual-keys/vk-api-test"), 200).getJsonObject("virtual_key");
        assertNull(read.getValue("value"), "the value is never shown again");
        assertFalse(given().get("/api/governance/virtual-keys").asString().contains(value));

        assertEquals(200, chat(value).statusCode(), "admitted without a restart");
        error(chat(value), 429, "request_limited");

        JsonObject updated = json(put("/api/governance/virtual-keys/vk-api-test",
                "{\"rate_limit\": {\"request_max_limit\": 100, \"request_reset_duration\": \"1h\"}, \"description\": \"raised\"}"), 200);
        assertEquals("raised", updated.getJsonObject("virtual_key").getString("description"));
        assertEquals("ci-bot", updated.getJsonObject("virtual_key").getString("name"), "fields not sent are kept");
        json(put("/api/governance/virtual-keys/vk-api-test", "{\"rate_limit\": {\"token_max_limit\": 5000, \"token_reset_duration\": \"1d\"}}"), 200);
        JsonObject limit = json(given().get("/api/governance/rate-limits/vk-vk-api-test-rate-limit"), 200).getJsonObject("rate_limit");
        assertEquals(100, limit.getInteger("request_max_limit"), "an inline limit changes by the fields sent");
        assertEquals(5000, limit.getInteger("token_max_limit"));

        JsonObject rotated = json(post("/api/governance/virtual-keys/vk-api-test/rotate", ""), 200);
        String next = rotated.getJsonObject("virtual_key").getString("value");
        assertTrue(next.startsWith("sk-bf-") && !next.equals(value));
        error(chat(value), 403, "virtual_key_not_found");

        json(given().delete("/api/governance/virtual-keys/vk-api-test"), 200);
        error(chat(next), 403, "virtual_key_not_found");
        error(given().get("/api/governance/rate-limits/vk-vk-api-test-rate-limit"), 404, "not_found");
        error(given().get("/api/governance/budgets/vk-vk-api-test-budget"), 404, "not_found");
    }

    @Test
    void everyWriteIsValidatedWithThePathInTheBody() {
        JsonObject bad = error(post("/api/governance/virtual-keys", """
                {"id": "vk-api-test", "name": "bad", "team_id": "no-such-team", "provider_configs": [{"provider": "nope"}],
                 "budget": {"max_limit": 1, "reset_duration": "fortnight"}}"""), 400, "invalid_config");
        List<String> paths = bad.getJsonArray("problems").stream().map(p -> ((JsonObject) p).getString("path")).toList();
        assertTrue(paths.containsAll(List.of("$.team_id", "$.provider_configs[0].provider", "$.budget.reset_duration")), paths.toString());
        error(given().get("/api/governance/virtual-keys/vk-api-test"), 404, "not_found");

        error(post("/api/governance/teams", "{\"id\": \"team-api-test\"}"), 400, "missing_field");
        error(post("/api/governance/teams", "{\"name\": "), 400, "invalid_json");
        error(post("/api/governance/teams", "[1]"), 400, "invalid_json");
        error(given().get("/api/governance/virtual-keys?limit=0"), 400, "invalid_query");
        error(given().get("/api/governance/widgets"), 404, "unknown_url");
        error(put("/api/providers/openai", "{\"keys\": [{\"value\": \"x\"}]}"), 400, "keys_not_accepted");
        error(given().contentType("text/plain").body("{\"name\": \"csrf\"}").post("/api/governance/teams"), 415, "unsupported_media_type");
        error(given().post("/api/governance/virtual-keys/vk-limited/rotate"), 415, "unsupported_media_type");
    }

    @Test
    void whatConfigJsonDeclaresIsReadOnly() {
        error(put("/api/governance/virtual-keys/vk-limited", "{\"description\": \"mine now\"}"), 409, "owned_by_config_file");
        error(given().delete("/api/providers/openai"), 409, "owned_by_config_file");
        error(post("/api/governance/virtual-keys", "{\"id\": \"vk-limited\", \"name\": \"dup\"}"), 409, "already_exists");
        JsonObject config = json(given().get("/api/config"), 200);
        assertEquals("file", config.getJsonObject("entities").getJsonObject("virtual_key/vk-limited").getString("source"));
        assertFalse(config.getJsonObject("config_store").getBoolean("shared_across_replicas"));
        JsonObject effective = config.getJsonObject("effective");
        assertEquals("<redacted>", effective.getJsonObject("providers").getJsonObject("openai").getJsonArray("keys").getJsonObject(0)
                .getString("value"));
        assertEquals("env.HEIMDALL_TEST_SECRET", effective.getJsonObject("providers").getJsonObject("deepseek").getJsonArray("keys")
                .getJsonObject(0).getString("value"), "a reference is shown: it names the variable");
        assertEquals(7, effective.getJsonObject("governance").getJsonArray("virtual_keys").size());
    }

    @Test
    void teamsCustomersAndBudgetsLinkUpAndDeleteCleanly() {
        json(post("/api/governance/customers", "{\"id\": \"cust-api-test\", \"name\": \"Acme\", \"budget\": {\"max_limit\": 100, \"reset_duration\": \"1M\"}}"), 200);
        JsonObject team = json(post("/api/governance/teams",
                "{\"id\": \"team-api-test\", \"name\": \"Platform\", \"customer_id\": \"cust-api-test\"}"), 200).getJsonObject("team");
        assertEquals("cust-api-test", team.getString("customer_id"));
        JsonObject customer = json(given().get("/api/governance/customers/cust-api-test"), 200).getJsonObject("customer");
        assertEquals(100.0, customer.getJsonArray("budgets").getJsonObject(0).getDouble("max_limit"));
        assertEquals(1, json(given().get("/api/governance/teams?customer_id=cust-api-test"), 200).getInteger("total_count"));

        JsonObject refused = error(given().delete("/api/governance/customers/cust-api-test"), 400, "invalid_config");
        assertTrue(refused.getString("message").contains("cust-api-test"), "a customer a team names cannot go: " + refused);
        json(given().delete("/api/governance/teams/team-api-test"), 200);
        json(given().delete("/api/governance/customers/cust-api-test"), 200);
        error(given().get("/api/governance/budgets/customer-cust-api-test-budget"), 404, "not_found");

        JsonObject budget = json(post("/api/governance/budgets", "{\"id\": \"budget-api-test\", \"max_limit\": 2, \"reset_duration\": \"1d\","
                + " \"virtual_key_id\": \"vk-budget\"}"), 200).getJsonObject("budget");
        assertEquals("api", budget.getString("source"));
        error(post("/api/governance/budgets", "{\"max_limit\": 2, \"reset_duration\": \"1d\"}"), 400, "missing_owner");
        error(post("/api/governance/teams", "{\"id\": \"has space\", \"name\": \"x\"}"), 400, "invalid_id");
    }

    @Test
    void aProviderAndItsKeysAreWriteOnlySecretsAndServeAtOnce() {
        JsonObject created = json(post("/api/providers", """
                {"provider": "cerebras", "keys": [{"name": "main", "value": "%s", "models": ["brand-new"]}],
                 "network_config": {"base_url": "%s"}}""".formatted(PROVIDER_SECRET, upstream.baseUrl())), 200);
        JsonObject key = created.getJsonArray("keys").getJsonObject(0);
        assertEquals("************************" + PROVIDER_SECRET.substring(PROVIDER_SECRET.length() - 4),
                key.getJsonObject("value").getString("value"));
        assertFalse(created.encode().contains(PROVIDER_SECRET));

        upstream.reset();
        Response served = given().contentType(ContentType.JSON).body("{\"model\": \"cerebras/brand-new\", \"messages\": []}")
                .post("/v1/chat/completions");
        assertEquals(200, served.statusCode(), served.asString());
        assertEquals("Bearer " + PROVIDER_SECRET, upstream.receivedList().get(0).headers().get("Authorization"));

        // A GET's body sent back keeps the stored value; the provider's PUT keeps its keys.
        json(put("/api/providers/cerebras/keys/main", key.put("weight", 2.0).encode()), 200);
        json(put("/api/providers/cerebras", "{\"network_config\": {\"base_url\": \"" + upstream.baseUrl() + "\"}}"), 200);
        upstream.reset();
        given().contentType(ContentType.JSON).body("{\"model\": \"cerebras/brand-new\", \"messages\": []}").post("/v1/chat/completions")
                .then().statusCode(200);
        assertEquals("Bearer " + PROVIDER_SECRET, upstream.receivedList().get(0).headers().get("Authorization"));

        JsonObject second = json(post("/api/providers/cerebras/keys", "{\"name\": \"env-key\", \"value\": {\"env_var\": \"HOME\", \"from_env\": true}}"), 200);
        assertEquals("env.HOME", second.getJsonObject("value").getString("env_var"));
        JsonArray keys = json(given().get("/api/providers/cerebras/keys"), 200).getJsonArray("keys");
        assertEquals(2, keys.size());
        JsonObject off = json(put("/api/providers/cerebras/keys/env-key",
                "{\"enabled\": false, \"value\": \"env.HOME\", \"aliases\": {\"fast\": \"brand-new\"}}"), 200);
        assertFalse(off.getBoolean("enabled"), "a disabled key is still listed, and marked: " + off);
        assertEquals("brand-new", off.getJsonObject("aliases").getString("fast"), "with what was written, to edit and re-enable it");
        json(given().delete("/api/providers/cerebras/keys/env-key"), 200);
        error(given().get("/api/providers/cerebras/keys/env-key"), 404, "not_found");

        for (String path : List.of("/api/providers", "/api/providers/cerebras", "/api/providers/cerebras/keys", "/api/config")) {
            assertFalse(given().get(path).asString().contains(PROVIDER_SECRET), path);
        }
        json(given().delete("/api/providers/cerebras"), 200);
        error(given().get("/api/providers/cerebras"), 404, "not_found");
    }

    @Test
    void anAliasWrittenThroughTheApiRoutes() {
        JsonObject alias = json(put("/api/aliases/api-alias", "{\"targets\": [\"openai/gpt-4o\"]}"), 200).getJsonObject("alias");
        assertEquals("api", alias.getString("source"));
        given().contentType(ContentType.JSON).body("{\"model\": \"api-alias\", \"messages\": []}").post("/v1/chat/completions")
                .then().statusCode(200);
        error(put("/api/aliases/api-alias", "{\"targets\": 5}"), 400, "invalid_config");
        error(put("/api/aliases/fast", "{\"targets\": \"openai/gpt-4o\"}"), 409, "owned_by_config_file");
    }
}
