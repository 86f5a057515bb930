package dev.heimdall.provider;

/**
 * A request uses something the upstream's API cannot express: the client gets a 400 naming the field
 * ({@code param}), never a silent drop.
 */
public final class UntranslatableException extends RuntimeException {

    private final String param;

    public UntranslatableException(String param, String message) {
        super(message, null, false, false);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
