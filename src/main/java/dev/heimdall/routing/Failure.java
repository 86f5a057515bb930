package dev.heimdall.routing;

import java.time.Duration;

/**
 * Why an attempt did not produce an answer to relay: an upstream HTTP status, a network failure, a
 * timeout, or the gateway's own limits for that provider ({@code REFUSED}, nothing was sent).
 * {@code retryAfter} is the upstream's Retry-After, when it sent one.
 */
public record Failure(Kind kind, int status, Duration retryAfter) {

    /** The classes of failure the retry rules distinguish. */
    public enum Kind { HTTP_STATUS, NETWORK, TIMEOUT, REFUSED }

    public static Failure status(int status, Duration retryAfter) {
        return new Failure(Kind.HTTP_STATUS, status, retryAfter);
    }

    public static Failure network() {
        return new Failure(Kind.NETWORK, 502, null);
    }

    public static Failure timeout() {
        return new Failure(Kind.TIMEOUT, 504, null);
    }

    /** A limit of the caller's on this target's provider refused it: no key of it is to blame or worth a retry. */
    public static Failure refused(int status) {
        return new Failure(Kind.REFUSED, status, null);
    }

    /** 400, 404, 422 and other client errors: the request itself is wrong, nothing else will help. */
    public boolean isFinal() {
        return kind == Kind.HTTP_STATUS && status >= 400 && status < 500
                && status != 401 && status != 402 && status != 403 && status != 408 && status != 429;
    }

    /** 401/402/403: this key is refused; another key may work, at once. */
    public boolean isKeyRefused() {
        return kind == Kind.HTTP_STATUS && (status == 401 || status == 402 || status == 403);
    }

    public boolean isRateLimited() {
        return kind == Kind.HTTP_STATUS && status == 429;
    }

    /** 5xx, 408, network errors and timeouts: worth the same provider again after a backoff. */
    public boolean isRetryable() {
        return kind == Kind.NETWORK || kind == Kind.TIMEOUT || kind == Kind.HTTP_STATUS && (status >= 500 || status == 408);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case HTTP_STATUS -> String.valueOf(status);
            case NETWORK -> "unreachable";
            case TIMEOUT -> "timeout";
            case REFUSED -> "refused-" + status;
        };
    }
}
