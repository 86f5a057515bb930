package dev.heimdall.routing;

/**
 * A model name that cannot be routed. {@code status} and {@code code} are what the client gets
 * (404 {@code model_not_found}, 400 {@code model_ambiguous}); the message lists the valid choices.
 */
public final class RoutingException extends RuntimeException {

    private final int status;
    private final String code;

    public RoutingException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
