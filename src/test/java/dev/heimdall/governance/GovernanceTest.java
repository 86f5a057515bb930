package dev.heimdall.governance;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.Await;
import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Virtual keys, limits and budgets from the test config's governance section, through the real gateway. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class GovernanceTest {

    private static final String GPT_4O = "{\"model\": \"openai/gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    @Fake
    FakeOpenAi upstream;

    @Inject
    Governance governance;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private static Response chat(String header, String value, String body) {
        return given().contentType(ContentType.JSON).header(header, value).body(body).post("/v1/chat/completions");
    }

    private static void assertRefused(Response r, int status, String code) {
        assertEquals(status, r.statusCode(), r.asString());
        JsonObject error = new JsonObject(r.asString()).getJsonObject("error");
        assertEquals(code, error.getString("code"), r.asString());
        assertTrue(error.containsKey("type") && error.containsKey("message") && error.containsKey("param"), r.asString());
    }

    @Test
    void unknownInactiveAndExpiredKeysAreRefusedBeforeAnyUpstreamCall() {
        assertRefused(chat("Authorization", "Bearer sk-bf-nobody-0000", GPT_4O), 403, "virtual_key_not_found");
        assertRefused(chat("x-bf-vk", GatewayTestResource.VK_INACTIVE, GPT_4O), 403, "virtual_key_blocked");
        Response expired = chat("x-api-key", GatewayTestResource.VK_EXPIRED, GPT_4O);
        assertRefused(expired, 403, "virtual_key_blocked");
        assertTrue(expired.asString().contains("expired at 2020-01-01T00:00:00Z"), expired.asString());
        assertEquals(List.of(), upstream.receivedList());
        // A bearer token that is no virtual key (a provider key, Bifrost's direct-key style) is not taken for one.
        assertEquals(200, chat("Authorization", "Bearer sk-some-provider-key", GPT_4O).statusCode());
    }

    @Test
    void aKeyReachesOnlyItsProvidersModelsAndKeys() {
        Response ok = chat("x-bf-vk", GatewayTestResource.VK_NARROW, "{\"model\": \"deepseek/ds-chat\", \"messages\": []}");
        assertEquals(200, ok.statusCode(), ok.asString());
        FakeOpenAi.Received sent = upstream.receivedList().get(0);
        assertEquals("Bearer " + GatewayTestResource.KEY_B_CANARY, sent.headers().get("Authorization"),
                "key_ids [\"b\"] allows only provider key b, whatever its weight");
        assertFalse(sent.headers().contains("x-bf-vk"), "the virtual key never goes upstream");
        assertRefused(chat("x-bf-vk", GatewayTestResource.VK_NARROW, "{\"model\": \"deepseek/shared-model\", \"messages\": []}"),
                403, "model_blocked");
        assertRefused(chat("x-bf-vk", GatewayTestResource.VK_NARROW,
                "{\"model\": \"deepseek/shared-model\", \"fallbacks\": [\"deepseek/ds-chat\"], \"messages\": []}"), 403, "model_blocked");
        Response provider = chat("x-bf-vk", GatewayTestResource.VK_NARROW, GPT_4O);
        assertRefused(provider, 403, "provider_blocked");
        assertTrue(provider.asString().contains("may use: deepseek"), provider.asString());
    }

    @Test
    void aKeySpreadsABareModelNameOverItsProvidersByWeight() {
        String body = "{\"model\": \"shared-model\", \"messages\": []}";
        assertEquals(400, given().contentType(ContentType.JSON).body(body).post("/v1/chat/completions").statusCode(),
                "without a key the bare name is ambiguous (deepseek and vllm serve it)");
        java.util.Set<String> served = new java.util.HashSet<>();
        for (int i = 0; i < 40 && served.size() < 2; i++) {
            Response r = chat("x-bf-vk", GatewayTestResource.VK_SPLIT, body);
            assertEquals(200, r.statusCode(), r.asString());
            served.add(r.header("x-heimdall-provider"));
        }
        // Weights 3:1: both serve within 40 requests unless something is wrong (chance of missing one: 0.75^40 + 0.25^40 ~ 1e-5).
        assertEquals(java.util.Set.of("deepseek", "vllm"), served);
    }

    @Test
    void aKeyListsOnlyTheModelsItMayCall() {
        JsonObject list = new JsonObject(given().header("x-bf-vk", GatewayTestResource.VK_NARROW).get("/v1/models").asString());
        assertEquals(List.of("deepseek/ds-chat"), list.getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")).toList());
        assertTrue(new JsonObject(given().get("/v1/models").asString()).getJsonArray("data").size() > 5, "without a key: everything");
        Response blocked = given().header("x-bf-vk", GatewayTestResource.VK_NARROW).get("/v1/models/openai/gpt-4o");
        assertRefused(blocked, 403, "provider_blocked");
        assertRefused(given().header("x-bf-vk", "sk-bf-nobody").get("/v1/models"), 403, "virtual_key_not_found");
    }

    @Test
    void aRequestLimitAdmitsExactlyItsCountInAnyHeaderFormThenSaysWhenItResets() {
        String[][] forms = {{"x-bf-vk", GatewayTestResource.VK_LIMITED}, {"Authorization", "Bearer " + GatewayTestResource.VK_LIMITED},
                {"x-goog-api-key", GatewayTestResource.VK_LIMITED}};
        for (int i = 0; i < forms.length; i++) {
            Response r = chat(forms[i][0], forms[i][1], GPT_4O);
            assertEquals(200, r.statusCode(), r.asString());
            assertEquals("3", r.header("x-ratelimit-limit-requests"));
            assertEquals(String.valueOf(2 - i), r.header("x-ratelimit-remaining-requests"));
            assertTrue(r.header("x-ratelimit-reset-requests").matches("(\\d+m)?\\d+s"), r.header("x-ratelimit-reset-requests"));
            assertEquals("1000000", r.header("x-ratelimit-limit-tokens"));
            assertEquals(1, r.headers().getValues("x-ratelimit-remaining-requests").size(), "the upstream's own header does not add a second");
        }
        Response refused = chat("x-api-key", GatewayTestResource.VK_LIMITED, GPT_4O);
        assertRefused(refused, 429, "request_limited");
        long retry = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retry >= 1 && retry <= 3600, refused.header("Retry-After"));
        assertTrue(refused.asString().contains("virtual key limited") && refused.asString().contains("3 requests per 1h"), refused.asString());
        assertEquals(3, upstream.receivedList().size());
    }

    @Test
    void aBudgetRefusesOnceSpentAndNamesItself() {
        Limit budget = governance.policies().all().stream().filter(p -> p.key().id().equals("vk-budget")).findFirst().orElseThrow()
                .limits().get(0);
        int admitted = 0;
        Response r;
        while ((r = chat("x-bf-vk", GatewayTestResource.VK_BUDGET, GPT_4O)).statusCode() == 200) {
            admitted++;
            long charged = 47_500L * admitted; // 3 input tokens at $2.50/M + 4 output at $10/M, in nano-USD
            Await.until("the answer to be charged", () -> governance.state(budget).used() == charged);
            assertTrue(admitted < 10, "the budget never refused");
        }
        assertRefused(r, 402, "budget_exceeded");
        assertEquals(3, admitted, "$0.0001 admits while less than it is spent: 0, 47.5, 95 micro-USD");
        assertTrue(r.asString().contains("Budget 'b-tiny' of virtual key budget ($0.00 per 1M)"), r.asString());
    }

    @Test
    void theGovernanceApiShowsEachEntityAndItsCountersButNoKeyValue() {
        JsonObject keys = new JsonObject(given().get("/api/governance/virtual-keys").asString());
        assertEquals(7, keys.getInteger("count"));
        JsonObject narrow = keys.getJsonArray("virtual_keys").stream().map(JsonObject.class::cast)
                .filter(k -> k.getString("id").equals("vk-narrow")).findFirst().orElseThrow();
        assertNull(narrow.getValue("value"), "a literal value is never shown (an env.NAME reference would be)");
        assertEquals("file", narrow.getString("source"));
        assertEquals(new JsonArray().add("b"), narrow.getJsonArray("provider_configs").getJsonObject(0).getJsonArray("key_ids"));
        JsonObject budget = new JsonObject(given().get("/api/governance/budgets").asString()).getJsonArray("budgets").getJsonObject(0);
        assertEquals("b-tiny", budget.getString("id"));
        assertEquals(new JsonObject().put("kind", "virtual_key").put("id", "vk-budget"), budget.getJsonObject("owner"));
        assertTrue(budget.getString("resets_at").endsWith("-01T00:00:00Z"), budget.toString());
        JsonObject limit = new JsonObject(given().get("/api/governance/rate-limits").asString()).getJsonArray("rate_limits").getJsonObject(0);
        assertEquals(3, limit.getInteger("request_max_limit"));
        assertEquals("virtual key limited", limit.getJsonArray("counters").getJsonObject(0).getString("owner"));
    }

    @Test
    void withoutAdminCredentialsTheAdminApiAnswersOnlyOnLoopback() throws Exception {
        java.net.InetAddress outside = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> { try { return i.isUp() && !i.isLoopback(); } catch (java.net.SocketException e) { return false; } })
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(outside != null, "this machine has no non-loopback IPv4 address");
        int port = io.restassured.RestAssured.port;
        Response refused = given().baseUri("http://" + outside.getHostAddress()).port(port).get("/api/logs");
        assertRefused(refused, 403, "admin_api_loopback_only");
        assertEquals(200, given().baseUri("http://" + outside.getHostAddress()).port(port).get("/health").statusCode(),
                "health stays open for the kubelet");
        assertEquals(200, given().get("/api/logs").statusCode());
    }

    @Test
    void aStreamWhoseClientDidNotAskForUsageIsStillPricedAndLogged() {
        Response r = given().contentType(ContentType.JSON)
                .body("{\"model\": \"openai/gpt-4o-2024-08-06\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"priced\"}]}")
                .post("/v1/chat/completions");
        assertEquals(200, r.statusCode());
        assertFalse(r.asString().contains("\"usage\""), "the client did not ask for the usage chunk");
        JsonObject row = Await.value("the stream's request-log row", () -> {
            JsonArray data = new JsonObject(given().get("/api/logs?limit=50").asString()).getJsonArray("data");
            for (int i = 0; i < data.size(); i++) {
                JsonObject e = data.getJsonObject(i);
                // A model name no other test streams, so the row found is this request's.
                if ("openai/gpt-4o-2024-08-06".equals(e.getString("requested_model"))) {
                    return e;
                }
            }
            return null;
        }, e -> e != null);
        assertEquals(11 * 2.5e-6 + 5 * 10e-6, row.getDouble("cost_usd"), 1e-12);
    }

    @Test
    void aFallbackToAnotherProviderPassesThatProvidersOwnLimitsAndOnlyTheServingProviderIsCharged() {
        KeyPolicy key = governance.policies().all().stream().filter(p -> p.key().id().equals("vk-fallback")).findFirst().orElseThrow();
        Limit fireworksTokens = key.byProvider().get("fireworks").get(0);
        String body = "{\"model\": \"fireworks/status-503\", \"fallbacks\": [\"xai/grok-ok\"], \"messages\": []}";

        Response first = chat("x-bf-vk", GatewayTestResource.VK_FALLBACK, body);
        assertEquals(200, first.statusCode(), first.asString());
        assertEquals("xai", first.header("x-heimdall-provider"));
        Await.until("the exchange to settle", () -> governance.state(fireworksTokens).reserved() == 0);
        assertEquals(0, governance.state(fireworksTokens).used(), "fireworks did not answer: its own token limit is not charged");

        upstream.reset();
        Response second = chat("x-bf-vk", GatewayTestResource.VK_FALLBACK, body);
        assertEquals(503, second.statusCode(), "xai's own limit (1 request per hour) refuses the fallback: " + second.asString());
        assertTrue(upstream.receivedList().stream().noneMatch(r -> r.body().contains("grok-ok")), "nothing was sent to xai");
        assertTrue(upstream.receivedList().stream().anyMatch(r -> r.body().contains("status-503")), "fireworks was still tried");
    }
}
