package dev.heimdall.provider;

/**
 * The API operations Heimdall forwards, with the path under the API root, the GenAI operation name and
 * the dialect whose clients call it.
 */
public enum Endpoint {
    CHAT_COMPLETIONS("/chat/completions", "chat", false),
    COMPLETIONS("/completions", "text_completion", false),
    EMBEDDINGS("/embeddings", "embeddings", false),
    /** Anthropic's Messages API. */
    MESSAGES("/messages", "chat", true),
    /** Anthropic's token counting, answered by Anthropic or estimated by the gateway. */
    COUNT_TOKENS("/messages/count_tokens", "count_tokens", true);

    private final String path;
    private final String operation;
    private final boolean anthropic;

    Endpoint(String path, String operation, boolean anthropic) {
        this.path = path;
        this.operation = operation;
        this.anthropic = anthropic;
    }

    /** Whether Anthropic's clients call it (under /anthropic/v1); else OpenAI's (under /v1). */
    public boolean anthropic() {
        return anthropic;
    }

    public String path() {
        return path;
    }

    public String operation() {
        return operation;
    }
}
