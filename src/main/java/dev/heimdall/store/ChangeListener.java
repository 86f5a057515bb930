package dev.heimdall.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL's LISTEN on one pooled connection held by a thread of its own: another replica's committed change
 * arrives as a notification within milliseconds, and {@code onChange} runs once per batch of them (one's own
 * changes, marked with {@code origin}, are skipped). After every (re)connection {@code onChange} runs too, since
 * changes made while nobody listened send no notification. Close stops the thread within a second.
 */
final class ChangeListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeListener.class);
    private static final int POLL_MILLIS = 1000;
    private static final long MAX_BACKOFF_MILLIS = 5000;

    private final Database db;
    private final String channel;
    private final String origin;
    private final Runnable onChange;
    private volatile boolean stopped;

    private ChangeListener(Database db, String channel, String origin, Runnable onChange) {
        this.db = db;
        this.channel = channel;
        this.origin = origin;
        this.onChange = onChange;
    }

    static ChangeListener start(Database db, String channel, String origin, Runnable onChange) {
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
                changed();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!stopped) {
                    PGNotification[] notes = pg.getNotifications(POLL_MILLIS);
                    if (notes != null && java.util.Arrays.stream(notes).anyMatch(n -> !origin.equals(n.getParameter()))) {
                        changed();
                    }
                }
            } catch (SQLException e) {
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

    private void changed() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Could not apply a change from %s", db.name());
        }
    }

    @Override
    public void close() {
        stopped = true;
    }
}
