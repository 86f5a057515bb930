package dev.heimdall.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@link #MAX_FAILURES} failed logins from one address within
 * {@link #WINDOW}, that address gets 429 until the window has passed. Per replica and in memory: enough to
 * make guessing slow, not a ledger.
 */
final class LoginThrottle {

    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(5);
    private static final int MAX_TRACKED = 10_000;

    private record Failures(Instant since, int count) {
    }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    boolean allows(String client, Instant now) {
        Failures f = failures.get(client);
        return f == null || f.count() < MAX_FAILURES || f.since().plus(WINDOW).isBefore(now);
    }

    void failed(String client, Instant now) {
        if (failures.size() >= MAX_TRACKED) {
            failures.entrySet().removeIf(e -> e.getValue().since().plus(WINDOW).isBefore(now));
        }
        failures.compute(client, (k, f) -> f == null || f.since().plus(WINDOW).isBefore(now) ? new Failures(now, 1)
                : new Failures(f.since(), f.count() + 1));
    }

    void clear() {
        failures.clear();
    }
}
