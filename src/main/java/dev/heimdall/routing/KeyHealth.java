package dev.heimdall.routing;

import dev.heimdall.config.KeyConfig;
import dev.heimdall.config.ProviderConfig;
import dev.heimdall.telemetry.GatewayMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * A circuit breaker per key. After {@link #FAILURES_TO_OPEN} consecutive failures a key cools down
 * (30 s, doubling on each new opening up to 5 min, or a 429's Retry-After when longer); once the
 * cool-down has passed one request may probe it (half-open): success closes it, failure reopens it.
 * The selector skips cooling keys while healthy ones remain.
 */
@Singleton
public class KeyHealth {

    static final int FAILURES_TO_OPEN = 3;
    static final Duration FIRST_COOLDOWN = Duration.ofSeconds(30);
    static final Duration MAX_COOLDOWN = Duration.ofMinutes(5);

    /** What operators see in /api/providers. */
    public enum State { HEALTHY, COOLING_DOWN, PROBING }

    /** A key's state as shown to operators. */
    public record Status(State state, int consecutiveFailures, long cooldownRemainingMillis, int openings) {
    }

    private static final class Entry {
        int failures;
        int openings;
        long openUntil;
        boolean probing;
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private final BiConsumer<String, String> onCooldown;

    @Inject
    public KeyHealth(GatewayMetrics metrics) {
        this(System::nanoTime, metrics::keyCooledDown);
    }

    KeyHealth(LongSupplier nanoClock, BiConsumer<String, String> onCooldown) {
        this.nanoClock = nanoClock;
        this.onCooldown = onCooldown;
    }

    static String id(ProviderConfig provider, KeyConfig key) {
        // The value's hash is part of the identity: a rotated key starts healthy.
        return provider.name() + "/" + key.name() + "/" + Integer.toHexString(key.value().value().hashCode());
    }

    /** True when the key may take a request now: healthy, or cooled down and not already being probed. */
    public boolean available(ProviderConfig provider, KeyConfig key) {
        if (entries.isEmpty()) {
            return true; // no key has failed yet: the common case costs nothing
        }
        Entry e = entries.get(id(provider, key));
        if (e == null) {
            return true;
        }
        synchronized (e) {
            if (e.openUntil == 0) {
                return true;
            }
            return nanoClock.getAsLong() >= e.openUntil && !e.probing;
        }
    }

    /** Called when a request goes to the key; a cooled-down key becomes the half-open probe. */
    public void onAttempt(ProviderConfig provider, KeyConfig key) {
        if (entries.isEmpty()) {
            return;
        }
        Entry e = entries.get(id(provider, key));
        if (e != null) {
            synchronized (e) {
                if (e.openUntil != 0 && nanoClock.getAsLong() >= e.openUntil) {
                    e.probing = true;
                }
            }
        }
    }

    public void onSuccess(ProviderConfig provider, KeyConfig key) {
        if (entries.isEmpty()) {
            return;
        }
        Entry e = entries.get(id(provider, key));
        if (e != null) {
            synchronized (e) {
                e.failures = 0;
                e.openings = 0;
                e.openUntil = 0;
                e.probing = false;
            }
        }
    }

    /** A failure that says something about the key or its upstream (5xx, network, timeout, 401/403, 429). */
    public void onFailure(ProviderConfig provider, KeyConfig key, Duration retryAfter) {
        Entry e = entries.computeIfAbsent(id(provider, key), k -> new Entry());
        synchronized (e) {
            e.failures++;
            if (e.probing || e.failures >= FAILURES_TO_OPEN) {
                long cooldown = Math.min(MAX_COOLDOWN.toNanos(), FIRST_COOLDOWN.toNanos() << Math.min(e.openings, 10));
                if (retryAfter != null) {
                    cooldown = Math.max(cooldown, retryAfter.toNanos());
                }
                e.openings++;
                e.openUntil = nanoClock.getAsLong() + cooldown;
                e.probing = false;
                onCooldown.accept(provider.name(), key.name());
            }
        }
    }

    public Status status(ProviderConfig provider, KeyConfig key) {
        Entry e = entries.get(id(provider, key));
        if (e == null) {
            return new Status(State.HEALTHY, 0, 0, 0);
        }
        synchronized (e) {
            long remaining = e.openUntil == 0 ? 0 : Math.max(0, e.openUntil - nanoClock.getAsLong());
            State state = e.probing ? State.PROBING : remaining > 0 ? State.COOLING_DOWN : State.HEALTHY;
            return new Status(state, e.failures, remaining / 1_000_000, e.openings);
        }
    }
}
