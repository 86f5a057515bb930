package dev.heimdall.provider;

import dev.heimdall.exchange.Usage;

/** Anthropic's usage counts as the gateway's {@link Usage}, whose input includes the cached part (as OpenAI's does). */
public final class AnthropicUsage {

    private AnthropicUsage() {
    }

    public static Usage of(Long input, Long output, Long cacheRead, Long cacheWrite) {
        if (input == null && output == null) {
            return Usage.NONE;
        }
        long all = orZero(input) + orZero(cacheRead) + orZero(cacheWrite);
        return Usage.reported(input == null && cacheRead == null && cacheWrite == null ? null : all, output, cacheRead);
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }
}
