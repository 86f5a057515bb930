package dev.heimdall.config;

/** The wire protocol a provider speaks; decides which adapter in {@code provider} can call it. */
public enum ApiFamily {
    /** Accepts OpenAI's /v1 request and response bodies as they are. */
    OPENAI_COMPATIBLE,
    /** Anthropic's Messages API ({@code /v1/messages}, {@code x-api-key}, its own events); OpenAI clients still reach its OpenAI-compatible layer. */
    ANTHROPIC,
    /** Needs a translator that does not exist yet (Azure deployments, Bedrock, Vertex). */
    UNSUPPORTED
}
