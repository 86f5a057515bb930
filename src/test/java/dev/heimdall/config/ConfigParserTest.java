package dev.heimdall.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigParserTest {

    private static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-from-env-abcdef");

    static ParsedConfig parse(String json) throws InvalidConfigException {
        return ConfigParser.parse(ConfigJson.read(json.getBytes(StandardCharsets.UTF_8), "config.json"), "config.json", ENV::get);
    }

    static List<ConfigProblem> problems(String json) {
        return assertThrows(InvalidConfigException.class, () -> parse(json)).problems();
    }

    static void assertProblem(List<ConfigProblem> problems, String path, String reasonPart) {
        assertTrue(problems.stream().anyMatch(p -> p.path().equals(path) && p.reason().contains(reasonPart)),
                () -> "expected a problem at " + path + " containing '" + reasonPart + "', got " + problems);
    }

    @Test
    void seedsConfigParsesWithDefaultsApplied() throws Exception {
        String seeds = """
                {"$schema": "https://www.getbifrost.ai/schema",
                 "providers": {"openai": {"keys": [{"name": "local-vllm", "value": "dummy", "weight": 1.0, "models": ["glm-5"]}],
                                          "network_config": {"base_url": "http://vllm-service:8000"}}},
                 "plugins": [{"enabled": true, "name": "otel", "config": {"service_name": "bifrost", "trace_type": "otel",
                   "protocol": "http", "collector_url": "http://langfuse-web.langfuse.svc.cluster.local:3000/api/public/otel/v1/traces",
                   "headers": {"Authorization": "Basic cGs6c2s=", "x-langfuse-ingestion-version": "4"}}}]}
                """;
        ParsedConfig parsed = parse(seeds);
        ProviderConfig openai = parsed.config().providers().get("openai");
        assertEquals("http://vllm-service:8000/v1", openai.network().apiRoot().toString());
        assertEquals(30, openai.network().requestTimeout().toSeconds());
        assertEquals(60, openai.network().streamIdleTimeout().toSeconds());
        assertEquals(5000, openai.network().maxConnsPerHost());
        assertEquals("dummy", openai.keys().get(0).value().value());
        assertTrue(openai.serves("glm-5"));
        assertFalse(openai.serves("glm5"));
        assertEquals(List.of(), parsed.warnings(), "$schema is not worth a warning");
        assertTrue(parsed.config().plugins().get(0).enabled());
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
    void invalidJsonGivesLineAndColumn() {
        List<ConfigProblem> p = problems("{\n  \"providers\": {\n    \"openai\": {\"keys\": [}\n  }\n}");
        assertEquals(1, p.size());
        assertEquals("$", p.get(0).path());
        assertTrue(p.get(0).reason().contains("line 3, column"), p.toString());
    }

    @Test
    void invalidJsonNeverQuotesATokenThatMayBeASecret() {
        List<ConfigProblem> p = problems("{\"providers\": {\"openai\": {\"keys\": [{\"value\": sk-live-abcdef123456}]}}}");
        assertFalse(p.toString().contains("sk-live"), p.toString());
    }

    @Test
    void unsetEnvNamesVariableAndPathButSetEnvResolves() throws Exception {
        assertProblem(problems("{\"providers\": {\"openai\": {\"keys\": [{\"value\": \"env.MISSING_KEY\"}]}}}"),
                "$.providers.openai.keys[0].value", "environment variable MISSING_KEY is not set");
        KeyConfig key = parse("{\"providers\": {\"openai\": {\"keys\": [{\"value\": \"env.OPENAI_API_KEY\"}]}}}")
                .config().providers().get("openai").keys().get(0);
        assertEquals("sk-from-env-abcdef", key.value().value());
        assertEquals("env.OPENAI_API_KEY", key.value().redacted());
        assertFalse(key.toString().contains("sk-from-env"), "a key's toString must not show its value");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<ConfigProblem> p = problems("""
                {"providers": {
                   "openai": {"keys": [{"name": "a"}, {"value": "x", "weight": 0}], "network_config": {"base_url": "nope"}},
                   "nosuch": {},
                   "groq": {"keys": [{"value": "env.UNSET_GROQ"}]}},
                 "plugins": [{"name": "otel", "config": {"trace_type": "zipkin"}}]}
                """);
        assertProblem(p, "$.providers.openai.keys[0].value", "is required");
        assertProblem(p, "$.providers.openai.keys[1].weight", "greater than 0");
        assertProblem(p, "$.providers.openai.network_config.base_url", "absolute");
        assertProblem(p, "$.providers.nosuch", "unknown provider");
        assertProblem(p, "$.providers.groq.keys[0].value", "UNSET_GROQ");
        assertProblem(p, "$.plugins[0].config.collector_url", "is required");
        assertProblem(p, "$.plugins[0].config.trace_type", "\"otel\" or \"genai_extension\"");
        assertEquals(7, p.size(), p.toString());
        String message = assertThrows(InvalidConfigException.class, () -> parse("{\"providers\": []}")).getMessage();
        assertTrue(message.contains("$.providers: must be an object"), message);
    }

    @Test
    void unknownKeysAreWarnedNotRejected() throws Exception {
        ParsedConfig parsed = parse("""
                {"$schema": "x", "governance": {}, "surprise": 1,
                 "providers": {"openai": {"keys": [{"value": "x", "colour": "red"}], "network_config": {"speed": 3}, "extra": true}},
                 "plugins": [{"name": "semantic_cache", "enabled": true}]}
                """);
        List<String> w = parsed.warnings();
        assertTrue(w.stream().anyMatch(s -> s.startsWith("$.governance") && s.contains("ignored")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("$.surprise")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("$.providers.openai.keys[0].colour")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("$.providers.openai.network_config.speed")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("$.providers.openai.extra")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.contains("semantic_cache")), w.toString());
        assertFalse(w.stream().anyMatch(s -> s.startsWith("$.$schema")), w.toString());
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
            assertEquals(c.getValue(), parse(json).config().providers().get("openai").network().apiRoot().toString(), c.getKey());
        }
    }

    @Test
    void builtInDefaultsWhenNoBaseUrl() throws Exception {
        var providers = parse("{\"providers\": {\"openai\": {}, \"groq\": {}, \"ollama\": {}, \"azure\": {}}}").config().providers();
        assertEquals("https://api.openai.com/v1", providers.get("openai").network().apiRoot().toString());
        assertEquals("https://api.groq.com/openai/v1", providers.get("groq").network().apiRoot().toString());
        assertEquals("http://localhost:11434/v1", providers.get("ollama").network().apiRoot().toString());
        assertEquals(null, providers.get("azure").network().apiRoot());
    }

    @Test
    void modelsSemantics() throws Exception {
        var keys = parse("""
                {"providers": {"openai": {"keys": [
                  {"name": "listed", "value": "x", "models": ["a"], "aliases": {"pub": "upstream-name"}},
                  {"name": "star", "value": "x", "models": ["*"]},
                  {"name": "none", "value": "x", "models": []},
                  {"name": "missing", "value": "x"}]}}}
                """).config().providers().get("openai").keys();
        assertTrue(keys.get(0).serves("a"));
        assertTrue(keys.get(0).serves("pub"));
        assertEquals("upstream-name", keys.get(0).upstreamModel("pub"));
        assertFalse(keys.get(0).serves("b"));
        assertTrue(keys.get(1).serves("anything"));
        assertFalse(keys.get(2).serves("a"), "Bifrost v2: an empty list serves nothing");
        assertTrue(keys.get(3).serves("anything"));
        var v1 = parse("{\"version\": 1, \"providers\": {\"openai\": {\"keys\": [{\"value\": \"x\", \"models\": []}]}}}");
        assertTrue(v1.config().providers().get("openai").keys().get(0).serves("a"), "version 1: an empty list serves all");
    }

    @Test
    void aliasesMustPointAtServedTargets() {
        assertProblem(problems("{\"providers\": {\"openai\": {\"keys\": [{\"value\": \"x\", \"models\": [\"a\"]}]}}, \"aliases\": {\"fast\": \"openai/b\"}}"),
                "$.aliases.fast", "no key of provider \"openai\" serves model \"b\"");
        assertProblem(problems("{\"providers\": {}, \"aliases\": {\"fast\": [\"groq/x\"]}}"),
                "$.aliases.fast[0]", "must start with a configured provider");
    }

    @Test
    void numericLimitsAreChecked() {
        List<ConfigProblem> p = problems("""
                {"providers": {"openai": {"network_config": {"default_request_timeout_in_seconds": 0, "max_retries": -1,
                  "retry_backoff_initial": 1000, "retry_backoff_max": 10, "max_conns_per_host": "many"}}},
                 "client": {"max_request_body_size_mb": 0}}
                """);
        assertProblem(p, "$.providers.openai.network_config.default_request_timeout_in_seconds", "between 1 and");
        assertProblem(p, "$.providers.openai.network_config.max_retries", "between 0 and");
        assertProblem(p, "$.providers.openai.network_config.retry_backoff_max", "at least retry_backoff_initial");
        assertProblem(p, "$.providers.openai.network_config.max_conns_per_host", "whole number");
        assertProblem(p, "$.client.max_request_body_size_mb", "between 1 and");
    }
}
