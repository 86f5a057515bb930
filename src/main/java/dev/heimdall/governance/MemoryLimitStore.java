package dev.heimdall.governance;

import dev.heimdall.store.CounterStore;
import io.vertx.core.Future;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters in this process's memory: exact for one instance (one lock makes each admission atomic over all
 * its counters; it is held for a few hundred nanoseconds). What was charged is written to SQLite in the
 * background ({@link #dirty}, by {@link CounterPersistence}) and read back at start-up ({@link #restore}), so
 * a restart does not reset a month's spend.
 */
// Typed: the LimitStore in force is chosen by LimitStores; this class is also Redis's fallback.
@Singleton
@Typed(MemoryLimitStore.class)
public class MemoryLimitStore implements LimitStore {

    /** One counter's current window. */
    private static final class Counter {
        long windowStart;
        long windowEnd;
        long used;
        long reserved;
        boolean dirty;
    }

    private final Map<String, Counter> counters = new HashMap<>();

    @Override
    public synchronized Future<Verdict> admit(List<Limit> limits, long tokens, long nanoUsd, long nowMillis) {
        long[] used = new long[limits.size()];
        for (int i = 0; i < limits.size(); i++) {
            Limit l = limits.get(i);
            Counter c = counter(l, nowMillis);
            boolean full = l.kind() == Limit.Kind.REQUESTS ? c.used + 1 > l.max() : c.used + c.reserved >= l.max();
            if (full) {
                return Future.succeededFuture(new Verdict(limits, 0, 0, nowMillis, used, l, c.windowEnd, false));
            }
        }
        for (int i = 0; i < limits.size(); i++) {
            Limit l = limits.get(i);
            Counter c = counter(l, nowMillis);
            switch (l.kind()) {
                case REQUESTS -> {
                    c.used++;
                    c.dirty = true;
                }
                case TOKENS -> c.reserved += tokens;
                case BUDGET -> c.reserved += nanoUsd;
            }
            used[i] = c.used + c.reserved;
        }
        return Future.succeededFuture(new Verdict(limits, tokens, nanoUsd, nowMillis, used, null, 0, false));
    }

    @Override
    public synchronized void settle(Verdict admitted, long tokens, long nanoUsd, long nowMillis) {
        for (Limit l : admitted.limits()) {
            if (l.kind() == Limit.Kind.REQUESTS) {
                continue;
            }
            Counter c = counter(l, nowMillis);
            if (c.windowStart <= admitted.admittedAt()) { // the reservation was made in this window
                c.reserved = Math.max(0, c.reserved - (l.kind() == Limit.Kind.TOKENS ? admitted.reservedTokens() : admitted.reservedNanoUsd()));
            }
            c.used += l.kind() == Limit.Kind.TOKENS ? tokens : nanoUsd;
            c.dirty = true;
        }
    }

    /** Charges usage that no reservation preceded (a settle the shared store could not take). */
    synchronized void charge(List<Limit> limits, long tokens, long nanoUsd, long nowMillis) {
        for (Limit l : limits) {
            if (l.kind() != Limit.Kind.REQUESTS) {
                Counter c = counter(l, nowMillis);
                c.used += l.kind() == Limit.Kind.TOKENS ? tokens : nanoUsd;
                c.dirty = true;
            }
        }
    }

    @Override
    public synchronized CounterState state(Limit limit, long nowMillis) {
        Counter c = counter(limit, nowMillis);
        return new CounterState(c.used, c.reserved, c.windowEnd);
    }

    /** The counter in the window holding {@code now}; a new window starts from zero. */
    private Counter counter(Limit l, long now) {
        Counter c = counters.computeIfAbsent(l.counter(), k -> new Counter());
        if (now >= c.windowEnd || now < c.windowStart) {
            c.windowStart = l.window().start(now);
            c.windowEnd = l.window().end(c.windowStart);
            c.used = 0;
            c.reserved = 0;
        }
        return c;
    }

    /** Counters charged since the last call, to persist; clears their mark. */
    public synchronized List<CounterStore.Row> dirty() {
        List<CounterStore.Row> out = new ArrayList<>();
        for (Map.Entry<String, Counter> e : counters.entrySet()) {
            Counter c = e.getValue();
            if (c.dirty) {
                c.dirty = false;
                out.add(new CounterStore.Row(e.getKey(), c.windowStart, c.used));
            }
        }
        return out;
    }

    /** Marks counters whose write failed, so the next write retries them. */
    synchronized void markDirty(List<CounterStore.Row> rows) {
        for (CounterStore.Row r : rows) {
            Counter c = counters.get(r.counter());
            if (c != null) {
                c.dirty = true;
            }
        }
    }

    /** Restores persisted counters; one whose stored window is no longer current starts from zero. */
    public synchronized void restore(List<CounterStore.Row> stored, Map<String, Limit> limitsByCounter, long nowMillis) {
        for (CounterStore.Row s : stored) {
            Limit l = limitsByCounter.get(s.counter());
            if (l == null || l.window().start(nowMillis) != s.windowStart()) {
                continue;
            }
            Counter c = counter(l, nowMillis);
            c.used = Math.max(c.used, s.used());
        }
    }
}
