package dev.heimdall.config;

import static dev.heimdall.config.ConfigParserTest.assertProblem;
import static dev.heimdall.config.ConfigParserTest.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code providers}: keys, models, network_config, base_url. */
class ProvidersReaderTest {

    /** The providers section of a whole config.json, read by its reader alone (the version rule applied). */
    private static Map<String, ProviderConfig> read(String json) {
        return read(new ConfigReader(name -> null), json);
    }

    private static Map<String, ProviderConfig> read(ConfigReader r, String json) {
        JsonNode root = tree(json);
        if (root.has("version")) {
            r.version(root.get("version").intValue());
        }
        return new ProvidersReader(r).read(root.get("providers"));
    }

    private static List<ConfigProblem> problems(String json) {
        ConfigReader r = new ConfigReader(name -> null);
        read(r, json);
        return r.problems();
    }

    @Test
    void providersAsArrayIsAnErrorNotAnEmptyConfig() {
        assertProblem(problems("{\"providers\": [{\"openai\": {}}]}"), "$.providers", "must be an object keyed by provider name");
    }

    @Test
    void unknownProviderNamesTheKnownOnes() {
        assertProblem(problems("{\"providers\": {\"openia\": {\"keys\": []}}}"), "$.providers.openia", "unknown provider \"openia\"");
        assertProblem(problems("{\"providers\": {\"openia\": {\"keys\": []}}}"), "$.providers.openia", "openai, anthropic");
    }

    @Test
    void keyWithoutValue() {
        assertProblem(problems("{\"providers\": {\"openai\": {\"keys\": [{\"name\": \"k\", \"models\": [\"m\"]}]}}}"),
                "$.providers.openai.keys[0].value", "is required");
    }

    @Test
    void azureKeysNeedTheirResourceAndTakeTheirModelsFromTheDeployments() {
        assertProblem(problems("{\"providers\": {\"azure\": {\"keys\": [{\"name\": \"k\", \"value\": \"x\"}]}}}"),
                "$.providers.azure.keys[0].azure_key_config", "is required for an Azure key");
        assertProblem(problems("{\"providers\": {\"azure\": {\"keys\": [{\"value\": \"x\", \"azure_key_config\": {\"endpoint\": \"my-resource.openai.azure.com\"}}]}}}"),
                "$.providers.azure.keys[0].azure_key_config.endpoint", "https://");
        assertProblem(problems("{\"providers\": {\"azure\": {\"keys\": [{\"value\": \"x\", \"azure_key_config\": {\"endpoint\": \"https://r.openai.azure.com\","
                + " \"client_id\": \"c\", \"client_secret\": \"s\", \"tenant_id\": \"t\"}}]}}}"),
                "$.providers.azure.keys[0].azure_key_config.client_id", "Entra ID");
        KeyConfig key = read("""
                {"providers": {"azure": {"keys": [{"name": "eu", "value": "x", "azure_key_config": {"endpoint": "https://r.openai.azure.com/",
                  "deployments": {"gpt-4o": "gpt4o-eu"}}}]}}}""").get("azure").keys().get(0);
        assertEquals(java.net.URI.create("https://r.openai.azure.com"), key.azure().endpoint());
        assertEquals("2024-10-21", key.azure().apiVersion(), "Bifrost's default version");
        assertEquals("gpt4o-eu", key.azure().deployment("gpt-4o"));
        assertEquals("o3", key.azure().deployment("o3"), "a model not listed is its own deployment");
        assertTrue(key.serves("gpt-4o") && !key.serves("o3"), "without models, a key serves its deployments' models");
    }

    @Test
    void nonPositiveWeight() {
        assertProblem(problems("{\"providers\": {\"openai\": {\"keys\": [{\"value\": \"x\", \"weight\": 0}]}}}"),
                "$.providers.openai.keys[0].weight", "greater than 0");
        assertProblem(problems("{\"providers\": {\"openai\": {\"keys\": [{\"value\": \"x\", \"weight\": -2.5}]}}}"),
                "$.providers.openai.keys[0].weight", "greater than 0");
    }

    @Test
    void malformedBaseUrl() {
        assertProblem(problems("{\"providers\": {\"openai\": {\"network_config\": {\"base_url\": \"vllm-service:8000\"}}}}"),
                "$.providers.openai.network_config.base_url", "absolute http:// or https:// URL");
        assertProblem(problems("{\"providers\": {\"openai\": {\"network_config\": {\"base_url\": \"http://bad host/\"}}}}"),
                "$.providers.openai.network_config.base_url", "not a valid URL");
        assertProblem(problems("{\"providers\": {\"openai\": {\"network_config\": {\"base_url\": \"ftp://host\"}}}}"),
                "$.providers.openai.network_config.base_url", "absolute http:// or https:// URL");
    }

    @Test
    void baseUrlNeverDoublesTheVersionSegment() throws Exception {
        Map<String, String> cases = Map.of(
                "http://vllm-service:8000", "http://vllm-service:8000/v1",
                "http://vllm-service:8000/", "http://vllm-service:8000/v1",
                "http://vllm-service:8000/v1", "http://vllm-service:8000/v1",
                "http://vllm-service:8000/v1/", "http://vllm-service:8000/v1",
                "https://api.groq.com/openai/v1", "https://api.groq.com/openai/v1",
                "https://generativelanguage.googleapis.com/v1beta/openai", "https://generativelanguage.googleapis.com/v1beta/openai",
                "https://openrouter.ai/api", "https://openrouter.ai/api/v1");
        for (var c : cases.entrySet()) {
            String json = "{\"providers\": {\"openai\": {\"network_config\": {\"base_url\": \"" + c.getKey() + "\"}}}}";
            assertEquals(c.getValue(), read(json).get("openai").network().apiRoot().toString(), c.getKey());
        }
    }

    @Test
    void builtInDefaultsWhenNoBaseUrl() throws Exception {
        var providers = read("{\"providers\": {\"openai\": {}, \"groq\": {}, \"ollama\": {}, \"azure\": {}}}");
        assertEquals("https://api.openai.com/v1", providers.get("openai").network().apiRoot().toString());
        assertEquals("https://api.groq.com/openai/v1", providers.get("groq").network().apiRoot().toString());
        assertEquals("http://localhost:11434/v1", providers.get("ollama").network().apiRoot().toString());
        assertEquals(null, providers.get("azure").network().apiRoot());
    }

    @Test
    void modelsSemantics() throws Exception {
        var keys = read("""
                {"providers": {"openai": {"keys": [
                  {"name": "listed", "value": "x", "models": ["a"], "aliases": {"pub": "upstream-name"}},
                  {"name": "star", "value": "x", "models": ["*"]},
                  {"name": "none", "value": "x", "models": []},
                  {"name": "missing", "value": "x"}]}}}
                """).get("openai").keys();
        assertTrue(keys.get(0).serves("a"));
        assertTrue(keys.get(0).serves("pub"));
        assertEquals("upstream-name", keys.get(0).upstreamModel("pub"));
        assertFalse(keys.get(0).serves("b"));
        assertTrue(keys.get(1).serves("anything"));
        assertFalse(keys.get(2).serves("a"), "Bifrost v2: an empty list serves nothing");
        assertTrue(keys.get(3).serves("anything"));
        var v1 = read("{\"version\": 1, \"providers\": {\"openai\": {\"keys\": [{\"value\": \"x\", \"models\": []}]}}}");
        assertTrue(v1.get("openai").keys().get(0).serves("a"), "version 1: an empty list serves all");
    }

    @Test
    void networkNumbersAreChecked() {
        List<ConfigProblem> p = problems("""
                {"providers": {"openai": {"network_config": {"default_request_timeout_in_seconds": 0, "max_retries": -1,
                  "retry_backoff_initial": 1000, "retry_backoff_max": 10, "max_conns_per_host": "many"}}}}
                """);
        assertProblem(p, "$.providers.openai.network_config.default_request_timeout_in_seconds", "between 1 and");
        assertProblem(p, "$.providers.openai.network_config.max_retries", "between 0 and");
        assertProblem(p, "$.providers.openai.network_config.retry_backoff_max", "at least retry_backoff_initial");
        assertProblem(p, "$.providers.openai.network_config.max_conns_per_host", "whole number");
        assertEquals(4, p.size(), p.toString());
    }

    @Test
    void disabledKeysAreLeftOutAndKeylessProvidersGetOneOpenKey() {
        var providers = read("""
                {"providers": {"openai": {"keys": [{"name": "on", "value": "x"}, {"name": "off", "value": "y", "enabled": false}]},
                               "ollama": {}}}
                """);
        assertEquals(List.of("on"), providers.get("openai").keys().stream().map(KeyConfig::name).toList());
        assertEquals(1, providers.get("ollama").keys().size());
        assertTrue(providers.get("ollama").serves("any-model"));
    }
}
