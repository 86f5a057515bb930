package dev.heimdall.provider;

/**
 * Why an upstream call produced no answer to relay, in no API's format: the status the client should
 * get, the error's type and code (the upstream's own where it sent them, else the gateway's, such as
 * {@code provider_timeout}), its message with configured secrets masked, and the upstream's
 * {@code Retry-After} header when it sent one. Each inbound dialect renders it in its own shape.
 */
public record ProviderError(int status, String type, String code, String param, String message, String retryAfter) {

    /** An error of the gateway's own about an upstream (unreachable, timed out, broken). */
    public static ProviderError upstream(int status, String code, String message) {
        return new ProviderError(status, "upstream_error", code, null, message, null);
    }

    /** An upstream error whose body is in no format the translator knows: the body (cut at 500 characters) becomes the message. */
    public static ProviderError unparsed(int status, String provider, String text, String retryAfter) {
        String detail = text.strip();
        if (detail.length() > 500) {
            detail = detail.substring(0, 500) + "…";
        }
        return new ProviderError(status, "upstream_error", "provider_http_" + status, null,
                "Provider '" + provider + "' returned HTTP " + status + (detail.isEmpty() ? "" : ": " + detail), retryAfter);
    }
}
