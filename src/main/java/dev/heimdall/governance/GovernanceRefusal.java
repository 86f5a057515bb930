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

    /** OpenAI's error type for this status, which OpenAI's clients branch on. */
    public String type() {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "insufficient_quota";
            case 429 -> "rate_limit_error";
            case 503 -> "server_error";
            default -> "permission_error";
        };
    }

    /** This refusal as the error of an attempt it kept from being sent (a fallback's provider limits). */
    public dev.heimdall.provider.ProviderError asProviderError() {
        return new dev.heimdall.provider.ProviderError(status, type(), code, null, getMessage(),
                retryAfterSeconds > 0 ? Long.toString(retryAfterSeconds) : null);
    }

    /** Seconds until the refusing window resets; 0 when waiting does not help. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
