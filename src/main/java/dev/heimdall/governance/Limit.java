package dev.heimdall.governance;

import dev.heimdall.config.ResetWindow;

/**
 * One counter a request is checked against: a rate limit's requests or tokens, or a budget, for one owner.
 * {@code counter} names it in every store (memory, SQLite, Redis) and stays stable across restarts and
 * replicas; {@code max} is requests, tokens, or nano-USD; {@code owner} says whose it is in a refusal.
 */
public record Limit(String counter, Kind kind, long max, ResetWindow window, String owner, String id) {

    public enum Kind {
        REQUESTS, TOKENS, BUDGET;
    }

    /** USD to the integer unit budgets are counted in (exact sums, and Redis's INCRBY, need integers). */
    public static long nanoUsd(double usd) {
        return Math.round(usd * 1e9);
    }

    public static double usd(long nanoUsd) {
        return nanoUsd / 1e9;
    }
}
