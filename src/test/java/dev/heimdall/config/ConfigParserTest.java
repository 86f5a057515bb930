package dev.heimdall.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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

    /** A config.json text as the tree the readers take; test input is always valid JSON. */
    static JsonNode tree(String json) {
        try {
            return ConfigJson.read(json.getBytes(StandardCharsets.UTF_8), "config.json");
        } catch (InvalidConfigException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
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
                {"$schema": "x", "mcp": {}, "surprise": 1,
                 "providers": {"openai": {"keys": [{"value": "x", "colour": "red"}], "network_config": {"speed": 3}, "extra": true}},
                 "plugins": [{"name": "semantic_cache", "enabled": true}]}
                """);
        List<String> w = parsed.warnings();
        assertTrue(w.stream().anyMatch(s -> s.startsWith("$.mcp") && s.contains("ignored")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("$.surprise")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("$.providers.openai.keys[0].colour")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("$.providers.openai.network_config.speed")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("$.providers.openai.extra")), w.toString());
        assertTrue(w.stream().anyMatch(s -> s.contains("semantic_cache")), w.toString());
        assertFalse(w.stream().anyMatch(s -> s.startsWith("$.$schema")), w.toString());
    }
}
