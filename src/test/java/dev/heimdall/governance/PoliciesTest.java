package dev.heimdall.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.ConfigParser;
import dev.heimdall.config.GovernanceConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What applies to a key: its own limits, its team's and its customer's, and its provider config's. */
class PoliciesTest {

    private static GovernanceConfig governance(String json) throws Exception {
        return ConfigParser.parse(ConfigJson.read(json.getBytes(StandardCharsets.UTF_8), "config.json"), "config.json", Map.<String, String>of()::get)
                .config().governance();
    }

    @Test
    void everyBudgetAndLimitUpTheChainApplies() throws Exception {
        Policies p = new Policies(governance("""
                {"providers": {"openai": {"keys": [{"value": "x"}]}, "groq": {"keys": [{"value": "y"}]}},
                 "governance": {
                   "rate_limits": [{"id": "rl-key", "request_max_limit": 10, "request_reset_duration": "1m"},
                                   {"id": "rl-team", "token_max_limit": 1000, "token_reset_duration": "1h"},
                                   {"id": "rl-cust", "request_max_limit": 100, "request_reset_duration": "1d"},
                                   {"id": "rl-openai", "request_max_limit": 5, "request_reset_duration": "1m"}],
                   "customers": [{"id": "acme", "name": "Acme", "rate_limit_id": "rl-cust", "budgets": [{"id": "b-acme", "max_limit": 100, "reset_duration": "1M"}]}],
                   "teams": [{"id": "ml", "name": "ML", "customer_id": "acme", "rate_limit_id": "rl-team"}],
                   "budgets": [{"id": "b-team", "max_limit": 10, "reset_duration": "1w", "team_id": "ml"},
                               {"id": "b-key", "max_limit": 1, "reset_duration": "1d", "virtual_key_id": "vk"},
                               {"id": "b-pc", "max_limit": 0.5, "reset_duration": "1d", "provider_config_id": "pc-openai"}],
                   "virtual_keys": [{"id": "vk", "name": "key", "value": "sk-bf-chain", "team_id": "ml", "rate_limit_id": "rl-key",
                                     "provider_configs": [{"id": "pc-openai", "provider": "openai", "rate_limit_id": "rl-openai"},
                                                          {"provider": "groq"}]}]}}
                """));
        KeyPolicy key = p.find("sk-bf-chain");
        assertEquals(List.of("vk:vk:rl:rl-key:requests", "budget:b-key", "team:ml:rl:rl-team:tokens", "budget:b-team",
                "customer:acme:rl:rl-cust:requests", "budget:b-acme"), key.limitsFor("groq").stream().map(Limit::counter).toList());
        assertEquals(List.of("vk:vk:openai:rl:rl-openai:requests", "budget:b-pc"),
                key.limitsFor("openai").subList(6, 8).stream().map(Limit::counter).toList(), "the provider config's own limits when it serves");
        assertEquals("team ML", key.limitsFor("groq").get(3).owner());
        assertEquals(Limit.nanoUsd(100), key.limitsFor("groq").get(5).max());
        assertNull(p.find("sk-bf-other"));
    }
}
