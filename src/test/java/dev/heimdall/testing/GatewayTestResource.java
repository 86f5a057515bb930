package dev.heimdall.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts a {@link FakeOpenAi} upstream and an app dir whose config.json points the gateway at it, for
 * every {@code @QuarkusTest}. Tests get the upstream and the app dir by annotating fields with {@link Fake}.
 */
public final class GatewayTestResource implements QuarkusTestResourceLifecycleManager {

    /** Marks a field of type {@link FakeOpenAi} or {@link Path} (the app dir) to be filled in. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Fake {
    }

    public static final String KEY_CANARY = "sk-canary-KEY1-0123456789";
    public static final String ENV_CANARY = "sk-canary-ENV-9876543210";
    public static final String HEADER_CANARY = "hdr-canary-5555555555";
    public static final String KEY_B_CANARY = "sk-canary-B-22222222";
    /** Langfuse's Basic credentials (base64 of "pk-canary:sk-canary"), which only the collector may see. */
    /** Virtual keys of the governance section; like every secret, they must never appear in a log or an answer. */
    public static final String VK_LIMITED = "sk-bf-limited-canary-7777777";
    public static final String VK_BUDGET = "sk-bf-budget-canary-8888888";
    public static final String VK_INACTIVE = "sk-bf-inactive-canary-9999999";
    public static final String VK_EXPIRED = "sk-bf-expired-canary-6666666";
    public static final String VK_NARROW = "legacy-narrow-canary-4444444";
    public static final String VK_SPLIT = "sk-bf-split-canary-3333333";
    public static final String VK_FALLBACK = "sk-bf-fallback-canary-1212121";
    public static final String OTEL_AUTH_CANARY = "Basic cGstY2FuYXJ5OnNrLWNhbmFyeQ==";

    public static final String ANTHROPIC_KEY_CANARY = "sk-ant-canary-ANTH-31415926";
    public static final String AZURE_KEY_CANARY = "az-canary-AZURE-27182818";

    /** One Anthropic upstream for the JVM: every configuration names it, including the ones tests restore. */
    private static FakeAnthropic anthropic;

    public static synchronized FakeAnthropic anthropic() {
        if (anthropic == null) {
            anthropic = new FakeAnthropic();
        }
        return anthropic;
    }

    private FakeOpenAi upstream;
    private FakeOtlpCollector collector;
    private Path appDir;

    @Override
    public Map<String, String> start() {
        upstream = new FakeOpenAi();
        collector = new FakeOtlpCollector();
        try {
            appDir = Files.createTempDirectory("heimdall-it");
            Files.writeString(appDir.resolve("config.json"), config(upstream.baseUrl(), collector.url()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("heimdall.app-dir", appDir.toString(), "heimdall.config-watch-interval", "200ms",
                "heimdall.trace-export-delay", "100ms");
    }

    /** The configuration with tracing to nowhere (port 9 refuses), for tests that start their own gateway. */
    public static String config(String upstream) {
        return config(upstream, "http://127.0.0.1:9" + FakeOtlpCollector.PATH);
    }

    /** The configuration every gateway test starts from; tests that change config.json restore it. */
    public static String config(String upstream, String collector) {
        return """
                {
                  "$schema": "https://www.getbifrost.ai/schema",
                  "providers": {
                    "openai": {
                      "keys": [{"name": "primary", "value": "%2$s", "weight": 1.0, "models": ["*"]}],
                      "network_config": {
                        "base_url": "%1$s",
                        "extra_headers": {"X-Org": "acme", "X-Api-Secret": "%3$s"},
                        "default_request_timeout_in_seconds": 5,
                        "stream_idle_timeout_in_seconds": 5
                      }
                    },
                    "deepseek": {
                      "keys": [
                        {"name": "a", "value": "env.HEIMDALL_TEST_SECRET", "weight": 3, "models": ["ds-chat", "shared-model"]},
                        {"name": "b", "value": "%4$s", "weight": 1, "models": ["ds-chat"]}
                      ],
                      "network_config": {"base_url": "%1$s/v1"}
                    },
                    "vllm": {
                      "keys": [{"name": "local", "value": "", "models": ["meta-llama/Llama-3.1-8B", "shared-model", "glm5", "openai/gpt-oss-20b"],
                                "aliases": {"glm-5-fast": "glm5"}}],
                      "network_config": {"base_url": "%1$s/v1/"}
                    },
                    "groq": {
                      "keys": [{"name": "g", "value": "gsk-canary-GROQ-11111111", "models": ["llama-3.3-70b"]}],
                      "network_config": {"base_url": "http://127.0.0.1:1"}
                    },
                    "mistral": {
                      "keys": [{"name": "m", "value": "mistral-key", "models": ["hang"]}],
                      "network_config": {"base_url": "%1$s", "default_request_timeout_in_seconds": 1}
                    },
                    "fireworks": {
                      "keys": [{"name": "f1", "value": "fw-key-one", "models": ["*"]}, {"name": "f2", "value": "fw-key-two", "models": ["*"]}],
                      "network_config": {"base_url": "%1$s", "max_retries": 2, "retry_backoff_initial": 20, "retry_backoff_max": 100,
                                         "default_request_timeout_in_seconds": 1, "stream_idle_timeout_in_seconds": 1}
                    },
                    "xai": {
                      "keys": [{"name": "x", "value": "xai-key", "models": ["*"]}],
                      "network_config": {"base_url": "%1$s"}
                    },
                    "anthropic": {
                      "keys": [{"name": "ant", "value": "%14$s", "models": ["*"]}],
                      "network_config": {"base_url": "%15$s", "max_retries": 1, "retry_backoff_initial": 10, "retry_backoff_max": 20}
                    },
                    "azure": {
                      "keys": [{"name": "az", "value": "%16$s", "azure_key_config": {"endpoint": "%1$s",
                                "deployments": {"gpt-4o-azure": "gpt4o-prod", "azure-throttled": "throttled", "azure-filtered": "content-filtered"},
                                "api_version": "2024-10-21"}}]
                    },
                    "bedrock": {
                      "keys": [{"name": "br", "value": "br-key", "models": ["claude-bedrock"]}]
                    }
                  },
                  "aliases": {"fast": "vllm/glm5", "smart": ["openai/gpt-4o", "vllm/shared-model"],
                              "resilient": ["fireworks/status-503", "groq/llama-3.3-70b", "xai/grok-ok"]},
                  "plugins": [{"name": "telemetry", "enabled": true},
                              {"name": "otel", "enabled": true, "config": {"service_name": "heimdall-test", "trace_type": "otel",
                               "protocol": "http", "collector_url": "%5$s",
                               "headers": {"Authorization": "%6$s", "x-langfuse-ingestion-version": "4"}}}],
                  "client": {"max_request_body_size_mb": 1},
                  "governance": {
                    "rate_limits": [{"id": "rl-three", "request_max_limit": 3, "request_reset_duration": "1h",
                                     "token_max_limit": 1000000, "token_reset_duration": "1d"},
                                    {"id": "rl-one", "request_max_limit": 1, "request_reset_duration": "1h"},
                                    {"id": "rl-fw-tokens", "token_max_limit": 1000000, "token_reset_duration": "1d"}],
                    "budgets": [{"id": "b-tiny", "max_limit": 0.0001, "reset_duration": "1M", "virtual_key_id": "vk-budget"}],
                    "virtual_keys": [
                      {"id": "vk-limited", "name": "limited", "value": "%7$s", "rate_limit_id": "rl-three",
                       "provider_configs": [{"provider": "openai", "allowed_models": ["*"]}]},
                      {"id": "vk-budget", "name": "budget", "value": "%8$s", "provider_configs": [{"provider": "openai"}]},
                      {"id": "vk-inactive", "name": "inactive", "value": "%9$s", "is_active": false,
                       "provider_configs": [{"provider": "openai"}]},
                      {"id": "vk-expired", "name": "expired", "value": "%10$s", "expires_at": "2020-01-01T00:00:00Z",
                       "provider_configs": [{"provider": "openai"}]},
                      {"id": "vk-narrow", "name": "narrow", "value": "%11$s",
                       "provider_configs": [{"provider": "deepseek", "allowed_models": ["ds-chat"], "key_ids": ["b"]}]},
                      {"id": "vk-split", "name": "split", "value": "%12$s",
                       "provider_configs": [{"provider": "deepseek", "weight": 3}, {"provider": "vllm", "weight": 1}]},
                      {"id": "vk-fallback", "name": "fallback", "value": "%13$s",
                       "provider_configs": [{"provider": "fireworks", "rate_limit_id": "rl-fw-tokens"},
                                            {"provider": "xai", "rate_limit_id": "rl-one"}]}
                    ]
                  }
                }
                """.formatted(upstream, KEY_CANARY, HEADER_CANARY, KEY_B_CANARY, collector, OTEL_AUTH_CANARY, VK_LIMITED, VK_BUDGET,
                VK_INACTIVE, VK_EXPIRED, VK_NARROW, VK_SPLIT, VK_FALLBACK,
                ANTHROPIC_KEY_CANARY, anthropic().baseUrl(), AZURE_KEY_CANARY);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(upstream, new TestInjector.AnnotatedAndMatchesType(Fake.class, FakeOpenAi.class));
        injector.injectIntoFields(appDir, new TestInjector.AnnotatedAndMatchesType(Fake.class, Path.class));
        injector.injectIntoFields(anthropic(), new TestInjector.AnnotatedAndMatchesType(Fake.class, FakeAnthropic.class));
        injector.injectIntoFields(collector, new TestInjector.AnnotatedAndMatchesType(Fake.class, FakeOtlpCollector.class));
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
        if (collector != null) {
            collector.close();
        }
    }
}
