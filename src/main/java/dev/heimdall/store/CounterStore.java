package dev.heimdall.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Governance counters as charged in their window, keyed by counter name (see {@code governance.Limit}). */
public final class CounterStore {

    /** One counter's charged value in the window starting at {@code windowStart} (epoch millis). */
    public record Row(String counter, long windowStart, long used) {
    }

    private final Database db;

    public CounterStore(Database db) {
        this.db = db;
    }

    public void save(List<Row> rows, long nowMillis) {
        if (rows.isEmpty()) {
            return;
        }
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO governance_counter (counter, window_start, used, updated_at)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (counter) DO UPDATE SET window_start = excluded.window_start,"
                    + " used = excluded.used, updated_at = excluded.updated_at")) {
                for (Row r : rows) {
                    s.setString(1, r.counter());
                    s.setLong(2, r.windowStart());
                    s.setLong(3, r.used());
                    s.setLong(4, nowMillis);
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    public List<Row> loadAll() {
        return db.inTransaction(c -> {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT counter, window_start, used FROM governance_counter");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
            return rows;
        });
    }
}
