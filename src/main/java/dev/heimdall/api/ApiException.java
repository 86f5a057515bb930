package dev.heimdall.api;

import dev.heimdall.provider.OpenAiError;

/** A request the gateway refuses, carrying the OpenAI-shaped error the client gets. */
public final class ApiException extends RuntimeException {

    private final transient OpenAiError error;

    public ApiException(OpenAiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public static ApiException badRequest(String code, String param, String message) {
        return new ApiException(OpenAiError.invalidRequest(400, code, param, message));
    }

    public OpenAiError error() {
        return error;
    }
}
