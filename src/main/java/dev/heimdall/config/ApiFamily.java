package dev.heimdall.config;

/** The wire protocol a provider speaks; decides which adapter in {@code provider} can call it. */
public enum ApiFamily {
    /** Accepts OpenAI's /v1 request and response bodies as they are. */
    OPENAI_COMPATIBLE,
    /** Anthropic's Messages API ({@code /v1/messages}, {@code x-api-key}, its own events); OpenAI clients still reach its OpenAI-compatible layer. */
    ANTHROPIC,
    /** Azure OpenAI: OpenAI's bodies at {@code /openai/deployments/<deployment>/…?api-version=…} of each key's resource, {@code api-key} auth. */
    AZURE_OPENAI,
    /** Needs a translator that does not exist yet (Bedrock, Vertex). */
    UNSUPPORTED
}
