package dev.heimdall.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL's LISTEN on one pooled connection held by a thread of its own: another replica's committed change
 * arrives as a notification within milliseconds, and {@code onChange} runs once per batch of them with what
 * each said after its writer's {@code origin} (one's own changes, marked with it, are skipped). After every
 * (re)connection {@code onChange} runs too, with nothing, since changes made while nobody listened send no
 * notification; when it fails, it runs again each second until it succeeds. The connection is checked every 30 s
 * (a dropped one is replaced). Close stops the thread within a second.
 */
final class ChangeListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeListener.class);
    private static final int POLL_MILLIS = 1000;
    private static final long MAX_BACKOFF_MILLIS = 5000;
    private static final long CHECK_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    private static final int CHECK_TIMEOUT_SECONDS = 5;

    private final Database db;
    private final String channel;
    private final String origin;
    private final Consumer<List<String>> onChange;
    private volatile boolean stopped;

    private ChangeListener(Database db, String channel, String origin, Consumer<List<String>> onChange) {
        this.db = db;
        this.channel = channel;
        this.origin = origin;
        this.onChange = onChange;
    }

    /** A payload is the writer's origin, then optionally a space and what the change says ({@link #payload}). */
    static ChangeListener start(Database db, String channel, String origin, Consumer<List<String>> onChange) {
        ChangeListener listener = new ChangeListener(db, channel, origin, onChange);
        Thread thread = new Thread(listener::run, "heimdall-store-listener");
        thread.setDaemon(true);
        thread.start();
        return listener;
    }

    private void run() {
        long backoff = 250;
        while (!stopped) {
            try (Connection c = db.connection()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + channel);
                }
                backoff = 250;
                boolean pending = !changed(List.of());
                PGConnection pg = c.unwrap(PGConnection.class);
                long checkedAt = System.nanoTime();
                while (!stopped) {
                    PGNotification[] notes = pg.getNotifications(POLL_MILLIS);
                    List<String> others = new ArrayList<>();
                    for (PGNotification n : notes == null ? new PGNotification[0] : notes) {
                        String p = n.getParameter();
                        if (!p.equals(origin) && !p.startsWith(origin + " ")) {
                            int space = p.indexOf(' ');
                            others.add(space < 0 ? "" : p.substring(space + 1));
                        }
                    }
                    if (!others.isEmpty() || pending) {
                        // A change that could not be applied (the database busy, say) is tried again each second.
                        pending = !changed(others);
                    }
                    if (System.nanoTime() - checkedAt > CHECK_NANOS) {
                        // Waiting for notifications sends nothing: a connection the network dropped without a word
                        // would wait forever. A round trip with a deadline finds out.
                        if (!c.isValid(CHECK_TIMEOUT_SECONDS)) {
                            throw new SQLException("the listening connection does not answer");
                        }
                        checkedAt = System.nanoTime();
                    }
                }
                try (Statement s = c.createStatement()) {
                    s.execute("UNLISTEN *"); // the connection goes back to the pool: nothing must queue for it there
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                LOG.warnf("Not listening for changes on %s (%s); trying again in %d ms", db.name(), e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    /** What a writer sends: its origin, and what changed when there is more to say. */
    static String payload(String origin, String said) {
        return said == null || said.isEmpty() ? origin : origin + " " + said;
    }

    /** Whether {@code onChange} took the change; a failure (anything thrown, errors too) is logged and retried. */
    private boolean changed(List<String> said) {
        try {
            onChange.accept(said);
            return true;
        } catch (Throwable e) {
            LOG.errorf(e, "Could not apply a change from %s; trying again in a second", db.name());
            return false;
        }
    }

    @Override
    public void close() {
        stopped = true;
    }
}
