package dev.heimdall.config;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The provider names Bifrost's config.json accepts as keys of {@code providers}, with the API family
 * each speaks and the public API root used when {@code network_config.base_url} is absent.
 * The API root is the URL that {@code /chat/completions} is appended to.
 */
public enum BuiltInProvider {
    OPENAI("openai", ApiFamily.OPENAI_COMPATIBLE, "https://api.openai.com/v1"),
    // Anthropic clients get its Messages API; OpenAI clients, until OpenAiToAnthropic exists, its OpenAI-compatible layer.
    ANTHROPIC("anthropic", ApiFamily.ANTHROPIC, "https://api.anthropic.com/v1"),
    AZURE("azure", ApiFamily.AZURE_OPENAI, null),
    BEDROCK("bedrock", ApiFamily.UNSUPPORTED, null),
    VERTEX("vertex", ApiFamily.UNSUPPORTED, null),
    GEMINI("gemini", ApiFamily.OPENAI_COMPATIBLE, "https://generativelanguage.googleapis.com/v1beta/openai"),
    MISTRAL("mistral", ApiFamily.OPENAI_COMPATIBLE, "https://api.mistral.ai/v1", false),
    GROQ("groq", ApiFamily.OPENAI_COMPATIBLE, "https://api.groq.com/openai/v1"),
    COHERE("cohere", ApiFamily.OPENAI_COMPATIBLE, "https://api.cohere.ai/compatibility/v1", false),
    PERPLEXITY("perplexity", ApiFamily.OPENAI_COMPATIBLE, "https://api.perplexity.ai", false),
    XAI("xai", ApiFamily.OPENAI_COMPATIBLE, "https://api.x.ai/v1"),
    CEREBRAS("cerebras", ApiFamily.OPENAI_COMPATIBLE, "https://api.cerebras.ai/v1"),
    DEEPSEEK("deepseek", ApiFamily.OPENAI_COMPATIBLE, "https://api.deepseek.com/v1"),
    OPENROUTER("openrouter", ApiFamily.OPENAI_COMPATIBLE, "https://openrouter.ai/api/v1"),
    FIREWORKS("fireworks", ApiFamily.OPENAI_COMPATIBLE, "https://api.fireworks.ai/inference/v1"),
    HUGGINGFACE("huggingface", ApiFamily.OPENAI_COMPATIBLE, "https://router.huggingface.co/v1"),
    NEBIUS("nebius", ApiFamily.OPENAI_COMPATIBLE, "https://api.studio.nebius.com/v1"),
    PARASAIL("parasail", ApiFamily.OPENAI_COMPATIBLE, "https://api.parasail.io/v1"),
    OLLAMA("ollama", ApiFamily.OPENAI_COMPATIBLE, "http://localhost:11434/v1"),
    SGL("sgl", ApiFamily.OPENAI_COMPATIBLE, "http://localhost:30000/v1"),
    VLLM("vllm", ApiFamily.OPENAI_COMPATIBLE, "http://localhost:8000/v1");

    private static final Map<String, BuiltInProvider> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(BuiltInProvider::configName, Function.identity()));

    private final String configName;
    private final ApiFamily family;
    private final String defaultApiRoot;
    private final boolean acceptsStreamOptions;

    BuiltInProvider(String configName, ApiFamily family, String defaultApiRoot) {
        this(configName, family, defaultApiRoot, true);
    }

    BuiltInProvider(String configName, ApiFamily family, String defaultApiRoot, boolean acceptsStreamOptions) {
        this.configName = configName;
        this.family = family;
        this.defaultApiRoot = defaultApiRoot;
        this.acceptsStreamOptions = acceptsStreamOptions;
    }

    /**
     * Whether the gateway may add {@code stream_options.include_usage} to a stream it forwards. Mistral,
     * Cohere's and Perplexity's compatibility APIs document no such field (and report usage unasked).
     */
    public boolean acceptsStreamOptions() {
        return acceptsStreamOptions;
    }

    public String configName() {
        return configName;
    }

    public ApiFamily family() {
        return family;
    }

    /** The API root used when no base_url is configured; empty for providers that need one. */
    public Optional<String> defaultApiRoot() {
        return Optional.ofNullable(defaultApiRoot);
    }

    public static Optional<BuiltInProvider> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static String knownNames() {
        return Arrays.stream(values()).map(BuiltInProvider::configName).collect(Collectors.joining(", "));
    }
}
