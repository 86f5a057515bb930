package dev.heimdall.provider;

/**
 * An upstream call that produced no response: unreachable (502) or too slow (504). The message names
 * the provider and its host, never a key.
 */
public final class UpstreamFailure extends RuntimeException {

    private final int status;
    private final String code;

    public UpstreamFailure(int status, String code, String message) {
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
