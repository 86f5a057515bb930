package dev.heimdall.provider;

import io.vertx.core.Vertx;

/**
 * Fires once when nothing happened for the current limit. {@link #touch()} is a volatile write, not a
 * timer reset, so a stream of many small chunks costs one timer per idle period, not one per chunk; one
 * watch serves an exchange from send (time to headers) to the end of its body (silence between chunks).
 */
final class IdleWatch {

    private final Vertx vertx;
    private final Runnable onIdle;
    private volatile long limitNanos;
    private volatile long lastActivity;
    private volatile boolean stopped;
    private long timerId;
    private long firesAt;

    IdleWatch(Vertx vertx, long limitMillis, Runnable onIdle) {
        this.vertx = vertx;
        this.onIdle = onIdle;
        this.limitNanos = limitMillis * 1_000_000L;
        this.lastActivity = System.nanoTime();
        schedule(limitMillis);
    }

    void touch() {
        lastActivity = System.nanoTime();
    }

    /** Counts silence from now against a new limit (headers arrived: from here on, the stream idle timeout). */
    void restart(long limitMillis) {
        limitNanos = limitMillis * 1_000_000L;
        lastActivity = System.nanoTime();
        if (lastActivity + limitNanos < firesAt) {
            vertx.cancelTimer(timerId);
            schedule(limitMillis);
        }
    }

    void stop() {
        stopped = true;
        vertx.cancelTimer(timerId);
    }

    private void schedule(long millis) {
        firesAt = System.nanoTime() + millis * 1_000_000L;
        timerId = vertx.setTimer(Math.max(1, millis), this::check);
    }

    private void check(long id) {
        if (stopped) {
            return;
        }
        long quietFor = System.nanoTime() - lastActivity;
        if (quietFor >= limitNanos) {
            stopped = true;
            onIdle.run();
        } else {
            schedule((limitNanos - quietFor) / 1_000_000L);
        }
    }
}
