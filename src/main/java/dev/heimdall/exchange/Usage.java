package dev.heimdall.exchange;

/**
 * The tokens an answer used, as its upstream reported them. {@code source} says whether the upstream
 * reported any: an answer without usage is recorded as {@link Source#NONE}, never guessed.
 * {@code cachedInputTokens} is the part of {@code inputTokens} served from the provider's prompt cache.
 */
public record Usage(Long inputTokens, Long outputTokens, Long cachedInputTokens, Source source) {

    /** Where the numbers came from, as the span's {@code heimdall.usage.source} says. */
    public enum Source {
        UPSTREAM("upstream"), NONE("none");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static final Usage NONE = new Usage(null, null, null, Source.NONE);

    public static Usage reported(Long input, Long output, Long cachedInput) {
        return input == null && output == null ? NONE : new Usage(input, output, cachedInput, Source.UPSTREAM);
    }

    public boolean known() {
        return source == Source.UPSTREAM;
    }
}
