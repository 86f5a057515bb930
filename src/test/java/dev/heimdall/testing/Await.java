package dev.heimdall.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for an event instead of sleeping a fixed time. The deadline is generous on purpose (tests share two
 * cores with other builds): it only decides how long a broken behaviour takes to fail, never whether a working
 * one passes, so a test's speed is set by the event and not by a guess.
 */
public final class Await {

    /** How long to wait for something that takes milliseconds when the gateway works. */
    public static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    /** Returns once {@code condition} holds; fails with {@code what} after {@link #DEADLINE}. */
    public static void until(String what, BooleanSupplier condition) {
        value(what, DEADLINE, condition::getAsBoolean, ok -> ok);
    }

    /** The first value of {@code read} that {@code ready} accepts; fails with the last value read after {@link #DEADLINE}. */
    public static <T> T value(String what, Supplier<T> read, Predicate<? super T> ready) {
        return value(what, DEADLINE, read, ready);
    }

    public static <T> T value(String what, Duration within, Supplier<T> read, Predicate<? super T> ready) {
        long deadline = System.nanoTime() + within.toNanos();
        T last = read.get();
        while (!ready.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + within.toSeconds() + " s waiting for " + what + "; last seen: " + shown(last));
            }
            sleep(POLL_MILLIS);
            last = read.get();
        }
        return last;
    }

    /**
     * The value of {@code read} once it has stopped changing: the same for {@code quietPolls} polls in a row
     * (and accepted by {@code ready}). For counts that settle after asynchronous work, such as sockets closing.
     */
    public static <T> T settled(String what, int quietPolls, Supplier<T> read, Predicate<? super T> ready) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        T last = read.get();
        int same = 0;
        while (same < quietPolls || !ready.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + DEADLINE.toSeconds() + " s waiting for " + what + " to settle; last seen: " + shown(last));
            }
            sleep(POLL_MILLIS);
            T now = read.get();
            same = now.equals(last) ? same + 1 : 0;
            last = now;
        }
        return last;
    }

    /** A value for a failure message, cut short when it is long (a log, an exposition). */
    private static String shown(Object value) {
        String s = String.valueOf(value);
        return s.length() <= 4_000 ? s : s.substring(0, 2_000) + "\n[…" + (s.length() - 4_000) + " characters…]\n" + s.substring(s.length() - 2_000);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
