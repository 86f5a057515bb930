package dev.heimdall.governance;

/**
 * What a model costs, in USD per million tokens. A cache price of 0 means the source lists none.
 * {@code cacheWritePerMtok} (Anthropic's cache creation) is carried for callers that meter cache
 * writes separately; {@link #cost} does not use it.
 */
public record ModelPrice(double inputPerMtok, double outputPerMtok, double cacheReadPerMtok, double cacheWritePerMtok) {

    private static final double TOKENS_PER_MTOK = 1_000_000.0;

    /**
     * USD cost of one exchange. {@code inputTokens} INCLUDES {@code cachedInputTokens}, as in OpenAI's
     * {@code prompt_tokens} / {@code cached_tokens}: the uncached part is charged at the input price and
     * the cached part at the cache-read price, or at the input price when the model has no cache-read
     * price. Output is charged at the output price. A cached count above {@code inputTokens} is capped
     * to it, so inconsistent usage from an upstream never yields a negative uncached count.
     */
    public double cost(long inputTokens, long cachedInputTokens, long outputTokens) {
        long cached = Math.min(cachedInputTokens, inputTokens);
        double cachedRate = cacheReadPerMtok > 0 ? cacheReadPerMtok : inputPerMtok;
        return ((inputTokens - cached) * inputPerMtok + cached * cachedRate + outputTokens * outputPerMtok)
                / TOKENS_PER_MTOK;
    }
}
