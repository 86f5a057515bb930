package dev.heimdall.provider;

/** The OpenAI API operations Heimdall forwards, with the path under the API root and the GenAI operation name. */
public enum Endpoint {
    CHAT_COMPLETIONS("/chat/completions", "chat"),
    COMPLETIONS("/completions", "text_completion"),
    EMBEDDINGS("/embeddings", "embeddings");

    private final String path;
    private final String operation;

    Endpoint(String path, String operation) {
        this.path = path;
        this.operation = operation;
    }

    public String path() {
        return path;
    }

    public String operation() {
        return operation;
    }
}
