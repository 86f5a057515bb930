package dev.heimdall.governance;

/**
 * Governance refused a request, in no client's dialect: the status, Bifrost's name for the reason as
 * {@code code}, a message that names the key, limit or budget (never a secret), and for limits the
 * seconds until the window resets. The inbound API renders it in its own error shape.
 */
public final class GovernanceRefusal extends RuntimeException {

    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    GovernanceRefusal(int status, String code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Seconds until the refusing window resets; 0 when waiting does not help. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
