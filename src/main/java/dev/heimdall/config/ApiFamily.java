package dev.heimdall.config;

/** The wire protocol a provider speaks; decides which adapter in {@code provider} can call it. */
public enum ApiFamily {
    /** Accepts OpenAI's /v1 request and response bodies as they are. */
    OPENAI_COMPATIBLE,
    /** Needs a translator that does not exist yet (Azure deployments, Bedrock, Vertex). */
    UNSUPPORTED
}
