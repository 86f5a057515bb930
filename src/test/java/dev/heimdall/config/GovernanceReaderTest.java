package dev.heimdall.config;

import static dev.heimdall.config.ConfigParserTest.assertProblem;
import static dev.heimdall.config.ConfigParserTest.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.config.GovernanceConfig.Owner;
import dev.heimdall.config.GovernanceConfig.VirtualKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bifrost's {@code governance} section. */
class GovernanceReaderTest {

    private static final Map<String, String> ENV = Map.of("VK_PLATFORM", "sk-bf-platform-secret-1", "BIFROST_ADMIN_USERNAME", "admin",
            "BIFROST_ADMIN_PASSWORD", "admin-pass-secret", "OPENAI_API_KEY", "sk-openai", "ANTHROPIC_API_KEY", "sk-ant");

    private final ConfigReader r = new ConfigReader(ENV::get);

    private static final String PROVIDERS = """
            {"openai": {"keys": [{"name": "openai-primary", "value": "env.OPENAI_API_KEY", "models": ["*"], "weight": 1.0}]},
             "anthropic": {"keys": [{"name": "anthropic-primary", "value": "env.ANTHROPIC_API_KEY", "models": ["*"], "weight": 1.0}]}}
            """;

    private GovernanceConfig read(String governanceJson) {
        return read(governanceJson, false);
    }

    private GovernanceConfig read(String governanceJson, boolean enforce) {
        Map<String, ProviderConfig> providers = new ProvidersReader(r).read(tree(PROVIDERS));
        return new GovernanceReader(r).read(tree(governanceJson), providers, enforce);
    }

    /** Bifrost's "Full Governance Example" (docs: deployment-guides/config-json/governance), as published. */
    @Test
    void bifrostsFullExampleLoadsUnchanged() throws Exception {
        String config = """
                {
                  "$schema": "https://www.getbifrost.ai/schema",
                  "encryption_key": "env.BIFROST_ENCRYPTION_KEY",
                  "client": {"enforce_auth_on_inference": true},
                  "governance": {
                    "auth_config": {"is_enabled": true, "admin_username": "env.BIFROST_ADMIN_USERNAME", "admin_password": "env.BIFROST_ADMIN_PASSWORD"},
                    "budgets": [{"id": "budget-platform", "max_limit": 1000.00, "reset_duration": "1M", "virtual_key_id": "vk-platform"}],
                    "rate_limits": [{"id": "rl-platform", "request_max_limit": 5000, "request_reset_duration": "1h",
                                     "token_max_limit": 5000000, "token_reset_duration": "1h"}],
                    "virtual_keys": [{"id": "vk-platform", "name": "platform-key", "value": "env.VK_PLATFORM", "is_active": true,
                                      "rate_limit_id": "rl-platform",
                                      "provider_configs": [{"provider": "openai", "allowed_models": ["*"], "key_ids": ["*"], "weight": 1}]}],
                    "routing_rules": [{"id": "fallback-to-anthropic", "name": "Fallback on error", "cel_expression": "true",
                                       "targets": [{"provider": "openai", "weight": 1.0}], "fallbacks": ["anthropic"]}]
                  },
                  "providers": %s,
                  "config_store": {"enabled": true, "type": "postgres", "config": {"host": "env.PG_HOST", "port": "5432"}}
                }
                """.formatted(PROVIDERS);
        ParsedConfig parsed = ConfigParser.parse(ConfigJson.read(config.getBytes(StandardCharsets.UTF_8), "config.json"), "config.json", ENV::get);
        GovernanceConfig g = parsed.config().governance();
        assertTrue(g.enforceAuth());
        assertEquals("admin", g.adminAuth().username().value());
        VirtualKey key = g.virtualKeys().get("vk-platform");
        assertEquals("sk-bf-platform-secret-1", key.value().value());
        assertEquals("env.VK_PLATFORM", key.value().toString(), "a key's value is never shown");
        assertEquals("rl-platform", key.rateLimitId());
        assertEquals(new Owner(Owner.Kind.VIRTUAL_KEY, "vk-platform"), g.budgets().get("budget-platform").owner());
        assertEquals(1000.0, g.budgets().get("budget-platform").maxLimitUsd());
        assertEquals("1M", g.budgets().get("budget-platform").reset().toString());
        assertEquals(5000L, g.rateLimits().get("rl-platform").requestMax());
        assertTrue(parsed.warnings().contains("$.governance.routing_rules is not implemented by Heimdall yet; it is ignored"),
                parsed.warnings().toString());
        assertFalse(parsed.warnings().toString().contains("secret"));
    }

    /** Bifrost's "Customers & Teams" example: a customer's budget_id, a team's budget declared on the budget. */
    @Test
    void customersAndTeamsOwnTheirBudgets() {
        GovernanceConfig g = read("""
                {"customers": [{"id": "customer-acme", "name": "Acme Corp", "budget_id": "budget-acme-monthly", "rate_limit_id": "rl-acme-hourly"}],
                 "teams": [{"id": "team-ml", "name": "ML Team", "customer_id": "customer-acme"}],
                 "rate_limits": [{"id": "rl-acme-hourly", "request_max_limit": 100, "request_reset_duration": "1h"}],
                 "budgets": [{"id": "budget-acme-monthly", "max_limit": 2000.00, "reset_duration": "1M"},
                             {"id": "budget-team-ml", "max_limit": 500.00, "reset_duration": "1M", "team_id": "team-ml"}],
                 "virtual_keys": [{"id": "vk-ml", "name": "ml", "value": "sk-bf-ml", "team_id": "team-ml",
                                   "provider_configs": [{"provider": "anthropic"}]}]}
                """);
        assertEquals(List.of(), r.problems());
        assertEquals(new Owner(Owner.Kind.CUSTOMER, "customer-acme"), g.budgets().get("budget-acme-monthly").owner());
        assertEquals(new Owner(Owner.Kind.TEAM, "team-ml"), g.budgets().get("budget-team-ml").owner());
        assertEquals("customer-acme", g.teams().get("team-ml").customerId());
        assertEquals("rl-acme-hourly", g.customers().get("customer-acme").rateLimitId());
        assertTrue(g.virtualKeys().get("vk-ml").providerConfigs().get(0).allowedModels().all());
    }

    @Test
    void customersMayCarryInlineBudgets() {
        GovernanceConfig g = read("""
                {"customers": [{"id": "c1", "budgets": [{"id": "b-inline", "max_limit": 5, "reset_duration": "1d"}]}]}
                """);
        assertEquals(List.of(), r.problems());
        assertEquals(new Owner(Owner.Kind.CUSTOMER, "c1"), g.budgets().get("b-inline").owner());
    }

    @Test
    void badReferencesStopStartUpWithThePath() {
        read("""
                {"budgets": [{"id": "b1", "max_limit": 5, "reset_duration": "1d", "virtual_key_id": "vk-nope"},
                             {"id": "b2", "max_limit": 5, "reset_duration": "1d", "team_id": "t1", "customer_id": "c1"}],
                 "teams": [{"id": "t1", "customer_id": "c-missing"}],
                 "customers": [{"id": "c1", "rate_limit_id": "rl-missing"}],
                 "virtual_keys": [{"id": "vk1", "value": "sk-bf-1", "team_id": "t1", "customer_id": "c1",
                                   "provider_configs": [{"provider": "groq"}, {"provider": "openai", "key_ids": ["openai-primary", "not-a-key"]}]}]}
                """);
        List<ConfigProblem> p = r.problems();
        assertProblem(p, "$.governance.budgets[0].virtual_key_id", "names virtual key \"vk-nope\", which is not declared");
        assertProblem(p, "$.governance.budgets[1]", "more than one of");
        assertProblem(p, "$.governance.teams[0].customer_id", "names customer \"c-missing\"");
        assertProblem(p, "$.governance.customers[0].rate_limit_id", "names rate limit \"rl-missing\"");
        assertProblem(p, "$.governance.virtual_keys[0]", "sets both team_id and customer_id");
        assertProblem(p, "$.governance.virtual_keys[0].provider_configs[0].provider", "names provider \"groq\"");
        assertProblem(p, "$.governance.virtual_keys[0].provider_configs[1].key_ids[1]", "\"not-a-key\" is no key of provider openai");
        assertEquals(7, p.size(), p.toString());
    }

    @Test
    void aBudgetHasOneOwner() {
        read("""
                {"customers": [{"id": "c1", "budget_id": "b1"}],
                 "budgets": [{"id": "b1", "max_limit": 5, "reset_duration": "1d", "team_id": "t1"}],
                 "teams": [{"id": "t1"}]}
                """);
        assertProblem(r.problems(), "$.governance.budgets[0].team_id", "second owner; it already applies to customer \"c1\"");
    }

    @Test
    void valuesAndDurationsAreChecked() {
        read("""
                {"rate_limits": [{"id": "r1", "request_max_limit": 0, "request_reset_duration": "1h"},
                                 {"id": "r2", "token_max_limit": 10, "token_reset_duration": "1 hour"},
                                 {"id": "r3", "request_max_limit": 10},
                                 {"id": "r4"}],
                 "budgets": [{"id": "b1", "max_limit": -1, "reset_duration": "1d"}, {"id": "b1", "max_limit": 1, "reset_duration": "1d"},
                             {"max_limit": 1, "reset_duration": "2x"}],
                 "virtual_keys": [{"id": "vk1", "value": "env.UNSET_VK", "expires_at": "tomorrow"}, {"id": "vk2", "value": "same"},
                                  {"id": "vk3", "value": "same"}]}
                """);
        List<ConfigProblem> p = r.problems();
        assertProblem(p, "$.governance.rate_limits[0].request_max_limit", "at least 1");
        assertProblem(p, "$.governance.rate_limits[1].token_reset_duration", "not \"1 hour\"");
        assertProblem(p, "$.governance.rate_limits[2].request_reset_duration", "is required");
        assertProblem(p, "$.governance.rate_limits[3]", "needs request_max_limit or token_max_limit");
        assertProblem(p, "$.governance.budgets[0].max_limit", "0 or more");
        assertProblem(p, "$.governance.budgets[1].id", "already used");
        assertProblem(p, "$.governance.budgets[2].id", "is required");
        assertProblem(p, "$.governance.budgets[2].reset_duration", "not \"2x\"");
        assertProblem(p, "$.governance.virtual_keys[0].value", "environment variable UNSET_VK is not set");
        assertProblem(p, "$.governance.virtual_keys[0].expires_at", "UTC time");
        assertProblem(p, "$.governance.virtual_keys[2].value", "same value as $.governance.virtual_keys[1].value");
        assertFalse(p.toString().contains("\"same\""), "a key's value never appears in a message");
    }

    @Test
    void emptyListsFollowTheVersionRule() {
        GovernanceConfig v2 = read("{\"virtual_keys\": [{\"id\": \"vk\", \"value\": \"x\", \"provider_configs\": [{\"provider\": \"openai\", \"allowed_models\": []}]}]}");
        assertFalse(v2.virtualKeys().get("vk").providerConfigs().get(0).allowedModels().all());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("allowed_models is empty, so this entry allows no model")), r.warnings().toString());
        GovernanceConfig none = read("{\"virtual_keys\": [{\"id\": \"vk\", \"value\": \"x\"}]}");
        assertEquals(List.of(), none.virtualKeys().get("vk").providerConfigs());
        r.version(1);
        GovernanceConfig v1 = read("{\"virtual_keys\": [{\"id\": \"vk\", \"value\": \"x\"}]}");
        assertEquals(2, v1.virtualKeys().get("vk").providerConfigs().size(), "version 1: no provider_configs allows every provider");
        assertEquals(List.of(), r.problems());
    }

    @Test
    void authConfigAndItsInferenceOverride() {
        GovernanceConfig off = read("{\"auth_config\": {\"is_enabled\": true, \"admin_username\": \"a\", \"admin_password\": \"p\","
                + " \"disable_auth_on_inference\": true}}", true);
        assertFalse(off.enforceAuth(), "auth_config.disable_auth_on_inference overrides client.enforce_auth_on_inference");
        assertEquals("p", off.adminAuth().password().value());
        assertNull(read("{\"auth_config\": {\"is_enabled\": false, \"admin_username\": \"a\", \"admin_password\": \"p\"}}").adminAuth());
        assertFalse(read("{\"auth_config\": {\"is_enabled\": false, \"disable_auth_on_inference\": false}}").enforceAuth(),
                "Bifrost's defaults in auth_config do not turn enforcement on");
        read("{\"auth_config\": {\"is_enabled\": true, \"admin_username\": \"a\"}}");
        assertProblem(r.problems(), "$.governance.auth_config.admin_password", "is required");
        assertTrue(new GovernanceReader(r).read(null, Map.of(), true).enforceAuth());
    }

    /** Bifrost's custom pricing: the scopes Heimdall applies, a JSON-encoded patch, checked fields. */
    @Test
    void pricingOverridesForSelfHostedModels() {
        GovernanceConfig g = read("""
                {"pricing_overrides": [
                  {"id": "p1", "name": "glm-5 on our GPUs", "scope_kind": "provider", "provider_id": "openai", "match_type": "exact",
                   "pattern": "glm-5", "request_types": ["chat_completion", "responses"],
                   "pricing_patch": "{\\"input_cost_per_token\\":0.0000006,\\"output_cost_per_token\\":0.0000022}"},
                  {"id": "p2", "name": "all claude", "scope_kind": "global", "match_type": "wildcard", "pattern": "claude-3*",
                   "request_types": ["chat_completion"], "pricing_patch": {"cache_read_input_token_cost": 0}},
                  {"id": "p3", "name": "per key", "scope_kind": "virtual_key", "virtual_key_id": "vk", "pattern": "x", "request_types": ["embedding"]}
                ]}
                """);
        assertEquals(List.of(), r.problems());
        assertEquals(new PriceOverride("p1", "openai", false, "glm-5", java.util.Set.of("chat"), 0.0000006, 0.0000022, null, null),
                g.priceOverrides().get(0));
        assertEquals(new PriceOverride("p2", null, true, "claude-3", java.util.Set.of("chat"), null, null, 0.0, null), g.priceOverrides().get(1));
        assertEquals(2, g.priceOverrides().size());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("pricing_overrides[2].scope_kind \"virtual_key\" is not applied")), r.warnings().toString());
        read("""
                {"pricing_overrides": [{"id": "p", "scope_kind": "provider", "provider_id": "nope", "match_type": "wildcard", "pattern": "x",
                                        "request_types": [], "pricing_patch": "{not json"}]}
                """);
        assertProblem(r.problems(), "$.governance.pricing_overrides[0].provider_id", "names provider \"nope\"");
        assertProblem(r.problems(), "$.governance.pricing_overrides[0].pattern", "must end with *");
    }

    @Test
    void unimplementedSectionsAreReportedByPath() {
        read("{\"model_configs\": [], \"routing_rules\": [], \"nonsense\": 1}");
        assertTrue(r.warnings().contains("$.governance.model_configs is not implemented by Heimdall yet; it is ignored"));
        assertTrue(r.warnings().contains("$.governance.nonsense is not a known field; it is ignored"));
    }
}
