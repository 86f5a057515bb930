package dev.heimdall.provider;

import io.vertx.core.Vertx;

/**
 * Fires once when nothing happened for {@code idleMillis}. {@link #touch()} is a volatile write, not a
 * timer reset, so a stream of many small chunks costs one timer per idle period, not one per chunk.
 */
final class IdleWatch {

    private final Vertx vertx;
    private final long idleNanos;
    private final Runnable onIdle;
    private volatile long lastActivity;
    private volatile boolean stopped;
    private long timerId;

    IdleWatch(Vertx vertx, long idleMillis, Runnable onIdle) {
        this.vertx = vertx;
        this.idleNanos = idleMillis * 1_000_000L;
        this.onIdle = onIdle;
        this.lastActivity = System.nanoTime();
        this.timerId = vertx.setTimer(idleMillis, this::check);
    }

    void touch() {
        lastActivity = System.nanoTime();
    }

    void stop() {
        stopped = true;
        vertx.cancelTimer(timerId);
    }

    private void check(long id) {
        if (stopped) {
            return;
        }
        long quietFor = System.nanoTime() - lastActivity;
        if (quietFor >= idleNanos) {
            stopped = true;
            onIdle.run();
        } else {
            timerId = vertx.setTimer(Math.max(1, (idleNanos - quietFor) / 1_000_000L), this::check);
        }
    }
}
