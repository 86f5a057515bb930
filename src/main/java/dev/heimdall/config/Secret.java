package dev.heimdall.config;

/**
 * A configured value that must never be shown: a key's value, a header value.
 * {@code reference} is what config.json says ({@code env.NAME}, or null for a literal), {@code value}
 * the resolved text sent upstream. {@link #toString()} and {@link #redacted()} never reveal the value.
 */
public record Secret(String reference, String value) {

    public static final String REDACTED = "<redacted>";

    public boolean isEmpty() {
        return value == null || value.isEmpty();
    }

    /** What may be shown to an operator: the env reference (a name, not a secret) or a fixed mask. */
    public String redacted() {
        return reference != null ? reference : REDACTED;
    }

    @Override
    public String toString() {
        return redacted();
    }
}
