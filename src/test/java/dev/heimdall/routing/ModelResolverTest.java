package dev.heimdall.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.ConfigParser;
import dev.heimdall.config.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelResolverTest {

    static GatewayConfig config(String json) throws Exception {
        return ConfigParser.parse(ConfigJson.read(json.getBytes(StandardCharsets.UTF_8), "t"), "t", n -> null).config();
    }

    static final String MULTI = """
            {"providers": {
               "openai": {"keys": [{"value": "x", "models": ["glm-5", "gpt-4o"]}]},
               "vllm": {"keys": [{"value": "", "models": ["meta-llama/Llama-3.1-8B", "shared", "glm5", "openai/gpt-oss-20b"],
                                  "aliases": {"glm-5-fast": "glm5"}}]},
               "groq": {"keys": [{"value": "g", "models": ["shared"]}]}},
             "aliases": {"fast": "vllm/glm5", "smart": ["openai/gpt-4o", "groq/shared"]}}
            """;

    static Route resolve(String name) throws Exception {
        return new ModelResolver(config(MULTI)).resolve(name);
    }

    static void assertTarget(Route r, String provider, String model) {
        assertEquals(provider, r.primary().provider().name());
        assertEquals(model, r.primary().model());
    }

    @Test
    void providerSlashModelRoutesWithTheModelUnchanged() throws Exception {
        assertTarget(resolve("openai/glm-5"), "openai", "glm-5");
    }

    @Test
    void doubledPrefixFromAiderResolvesOnce() throws Exception {
        assertTarget(resolve("openai/openai/glm-5"), "openai", "glm-5");
    }

    @Test
    void slashNameThatIsNotAProviderIsABareModel() throws Exception {
        assertTarget(resolve("meta-llama/Llama-3.1-8B"), "vllm", "meta-llama/Llama-3.1-8B");
    }

    @Test
    void providerNamedPrefixFallsBackToABareUpstreamName() throws Exception {
        assertTarget(resolve("openai/gpt-oss-20b"), "vllm", "openai/gpt-oss-20b");
    }

    @Test
    void bareNameRoutesWhenExactlyOneProviderServesIt() throws Exception {
        assertTarget(resolve("glm-5"), "openai", "glm-5");
        assertTarget(resolve("glm-5-fast"), "vllm", "glm-5-fast");
    }

    @Test
    void ambiguousBareNameIsA400ListingTheChoices() {
        RoutingException e = assertThrows(RoutingException.class, () -> resolve("shared"));
        assertEquals(400, e.status());
        assertEquals("model_ambiguous", e.code());
        assertTrue(e.getMessage().contains("vllm/shared") && e.getMessage().contains("groq/shared"), e.getMessage());
    }

    @Test
    void unknownNameIsA404ListingValidIds() {
        RoutingException e = assertThrows(RoutingException.class, () -> resolve("gpt-5"));
        assertEquals(404, e.status());
        assertEquals("model_not_found", e.code());
        assertTrue(e.getMessage().contains("openai/glm-5") && e.getMessage().contains("fast"), e.getMessage());
        RoutingException unserved = assertThrows(RoutingException.class, () -> resolve("openai/glm5"));
        assertTrue(unserved.getMessage().contains("provider \"openai\" has no key serving model \"glm5\""), unserved.getMessage());
        RoutingException notConfigured = assertThrows(RoutingException.class, () -> resolve("anthropic/claude"));
        assertTrue(notConfigured.getMessage().contains("provider \"anthropic\" is not configured"), notConfigured.getMessage());
    }

    @Test
    void noHyphenNormalisation() {
        assertThrows(RoutingException.class, () -> resolve("openai/glm5"));
    }

    @Test
    void gatewayAliasesNameTheirTargetsInOrder() throws Exception {
        assertTarget(resolve("fast"), "vllm", "glm5");
        Route smart = resolve("smart");
        assertEquals(List.of("openai/gpt-4o", "groq/shared"), smart.targets().stream().map(Target::id).toList());
    }

    @Test
    void singleProviderAcceptingAnyModelTakesBareNames() throws Exception {
        ModelResolver r = new ModelResolver(config("{\"providers\": {\"vllm\": {\"network_config\": {\"base_url\": \"http://v:8000\"}}}}"));
        assertTarget(r.resolve("Qwen/Qwen3-4B"), "vllm", "Qwen/Qwen3-4B");
        assertTarget(r.resolve("vllm/Qwen/Qwen3-4B"), "vllm", "Qwen/Qwen3-4B");
    }

    @Test
    void modelListHasEveryProviderModelAndAlias() throws Exception {
        List<String> ids = new ModelResolver(config(MULTI)).models().stream().map(ModelEntry::id).toList();
        assertEquals(List.of("openai/glm-5", "openai/gpt-4o", "vllm/meta-llama/Llama-3.1-8B", "vllm/shared", "vllm/glm5",
                "vllm/openai/gpt-oss-20b", "vllm/glm-5-fast", "groq/shared", "fast", "smart"), ids);
    }
}
