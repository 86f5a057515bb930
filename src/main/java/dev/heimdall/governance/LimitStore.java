package dev.heimdall.governance;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where counters live: this process's memory (persisted to SQLite) or, for many replicas, a shared store.
 * Admission is one atomic step over all of a request's limits: either every counter admits and the request is
 * counted and its estimates reserved, or nothing changes and the first limit that refused is named.
 */
public interface LimitStore {

    /**
     * Counts a request against {@code limits}, reserving {@code tokens} on token limits and {@code nanoUsd}
     * on budgets, unless one refuses: a request limit when it is reached, a token limit or budget when what
     * is spent and reserved already reaches it.
     */
    Future<Verdict> admit(List<Limit> limits, long tokens, long nanoUsd, long nowMillis);

    /**
     * Ends an admitted request: releases what {@code admitted} reserved and charges what it really used,
     * into the window in force now.
     */
    void settle(Verdict admitted, long tokens, long nanoUsd, long nowMillis);

    /** A counter's state now (0 used in a window nothing was counted in). May wait on the store: never call it on an event loop. */
    CounterState state(Limit limit, long nowMillis);

    /**
     * What admission decided; {@code refusedBy} is null when the request was admitted. {@code used} is each
     * counter's level (charged + reserved) after admission. {@code fallback} marks a decision taken in this
     * pod's memory because the shared store did not answer, which is also where it is settled;
     * {@code reservation} names the reservation in a shared store (null in memory).
     */
    record Verdict(List<Limit> limits, long reservedTokens, long reservedNanoUsd, long admittedAt, long[] used, Limit refusedBy,
            long resetAt, boolean fallback, String reservation) {

        public Verdict(List<Limit> limits, long reservedTokens, long reservedNanoUsd, long admittedAt, long[] used, Limit refusedBy,
                long resetAt, boolean fallback) {
            this(limits, reservedTokens, reservedNanoUsd, admittedAt, used, refusedBy, resetAt, fallback, null);
        }

        public boolean admitted() {
            return refusedBy == null;
        }

        public Verdict asFallback() {
            return new Verdict(limits, reservedTokens, reservedNanoUsd, admittedAt, used, refusedBy, resetAt, true, null);
        }

        /** This admission restricted to {@code some} of its limits, to settle them apart from the others. */
        public Verdict only(List<Limit> some) {
            List<Limit> kept = new java.util.ArrayList<>(some.size());
            long[] levels = new long[some.size()];
            for (int i = 0; i < limits.size(); i++) {
                if (some.contains(limits.get(i))) {
                    levels[kept.size()] = used[i];
                    kept.add(limits.get(i));
                }
            }
            return new Verdict(List.copyOf(kept), reservedTokens, reservedNanoUsd, admittedAt,
                    java.util.Arrays.copyOf(levels, kept.size()), refusedBy, resetAt, fallback, reservation);
        }
    }

    /** One counter in its current window: what was charged, what in-flight requests reserved, when it resets. */
    record CounterState(long used, long reserved, long windowEnd) {
    }
}
