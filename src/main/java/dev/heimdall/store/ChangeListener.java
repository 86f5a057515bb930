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
 * notification. Close stops the thread within a second.
 */
final class ChangeListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeListener.class);
    private static final int POLL_MILLIS = 1000;
    private static final long MAX_BACKOFF_MILLIS = 5000;

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
                changed(List.of());
                PGConnection pg = c.unwrap(PGConnection.class);
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
                    if (!others.isEmpty()) {
                        changed(others);
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

    /** What a writer sends: its origin, and what changed when there is more to say. */
    static String payload(String origin, String said) {
        return said == null || said.isEmpty() ? origin : origin + " " + said;
    }

    private void changed(List<String> said) {
        try {
            onChange.accept(said);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Could not apply a change from %s", db.name());
        }
    }

    @Override
    public void close() {
        stopped = true;
    }
}
