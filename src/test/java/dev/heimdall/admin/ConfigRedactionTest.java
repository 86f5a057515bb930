package dev.heimdall.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heimdall.config.ConfigJson;
import org.junit.jupiter.api.Test;

/** Secrets are found by name wherever they are, sections Heimdall ignores included; limits and references stay. */
class ConfigRedactionTest {

    @Test
    void everySecretIsHiddenAndEverythingElseStays() {
        JsonNode shown = ConfigRedaction.redact(ConfigJson.parse("""
                {"providers": {"openai": {"keys": [{"name": "k", "value": "sk-LEAK-1", "models": ["glm-5"]},
                                                   {"name": "e", "value": "env.OPENAI_KEY"}],
                                          "network_config": {"base_url": "http://vllm:8000", "extra_headers": {"X-Org": "LEAK-2"}},
                                          "proxy_config": {"type": "http", "password": "LEAK-3"}},
                               "bedrock": {"keys": [{"value": "", "bedrock_key_config": {"access_key": "LEAK-4", "secret_key": "LEAK-5",
                                                                                         "session_token": "LEAK-6", "region": "us-east-1"}}]}},
                 "encryption_key": "LEAK-7",
                 "config_store": {"type": "postgres", "config": {"host": "pg", "password": "LEAK-8"}},
                 "plugins": [{"name": "otel", "config": {"headers": {"Authorization": "Basic LEAK-9"}}},
                             {"name": "maxim", "config": {"api_key": "LEAK-10"}}],
                 "governance": {"auth_config": {"admin_username": "admin", "admin_password": "LEAK-11"},
                                "rate_limits": [{"id": "rl", "token_max_limit": 1000, "token_reset_duration": "1h"}],
                                "virtual_keys": [{"id": "vk", "value": "sha256:abc", "is_active": true}]}}
                """));
        String text = shown.toString();
        for (int i = 1; i <= 11; i++) {
            assertFalse(text.contains("LEAK-" + i), "LEAK-" + i + " in " + text);
        }
        assertEquals("env.OPENAI_KEY", shown.at("/providers/openai/keys/1/value").textValue());
        assertEquals("glm-5", shown.at("/providers/openai/keys/0/models/0").textValue());
        assertEquals("us-east-1", shown.at("/providers/bedrock/keys/0/bedrock_key_config/region").textValue());
        assertEquals(1000, shown.at("/governance/rate_limits/0/token_max_limit").intValue(), "a token limit is no token");
        assertEquals("1h", shown.at("/governance/rate_limits/0/token_reset_duration").textValue());
        assertEquals("admin", shown.at("/governance/auth_config/admin_username").textValue());
        assertEquals(true, shown.at("/governance/virtual_keys/0/is_active").booleanValue());
        assertEquals("pg", shown.at("/config_store/config/host").textValue());
    }
}
