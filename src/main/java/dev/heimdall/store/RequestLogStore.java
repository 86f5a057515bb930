package dev.heimdall.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The request log in SQLite: batched inserts, filtered pages, retention. */
public final class RequestLogStore {

    /** Filters for {@link #page}; null means any. */
    public record Query(String model, String provider, Integer status, Long sinceMillis, Long untilMillis, int limit, long beforeId) {
    }

    private final Database db;

    public RequestLogStore(Database db) {
        this.db = db;
    }

    public void insert(List<LogEntry> entries) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO request_log (ts, operation, requested_model, provider, model,"
                    + " key_name, status, error_type, stream, attempts, latency_ms, overhead_ms, ttft_ms, input_tokens, output_tokens,"
                    + " cost_usd, virtual_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (LogEntry e : entries) {
                    s.setLong(1, e.timestampMillis());
                    s.setString(2, e.operation());
                    s.setString(3, e.requestedModel());
                    s.setString(4, e.provider());
                    s.setString(5, e.model());
                    s.setString(6, e.keyName());
                    s.setInt(7, e.status());
                    s.setString(8, e.errorType());
                    s.setInt(9, e.stream() ? 1 : 0);
                    s.setInt(10, e.attempts());
                    s.setDouble(11, e.latencyMillis());
                    s.setDouble(12, e.overheadMillis());
                    setNullable(s, 13, e.ttftMillis());
                    setNullable(s, 14, e.inputTokens());
                    setNullable(s, 15, e.outputTokens());
                    setNullable(s, 16, e.costUsd());
                    s.setString(17, e.virtualKey());
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    /** Newest first; {@code beforeId} pages backwards (0 for the first page). */
    public List<LogEntry> page(Query q) {
        StringBuilder sql = new StringBuilder("SELECT id, ts, operation, requested_model, provider, model, key_name, status, error_type,"
                + " stream, attempts, latency_ms, overhead_ms, ttft_ms, input_tokens, output_tokens, cost_usd, virtual_key FROM request_log"
                + " WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.model() != null) {
            sql.append(" AND (model = ? OR requested_model = ?)");
            args.add(q.model());
            args.add(q.model());
        }
        if (q.provider() != null) {
            sql.append(" AND provider = ?");
            args.add(q.provider());
        }
        if (q.status() != null) {
            sql.append(" AND status = ?");
            args.add(q.status());
        }
        if (q.sinceMillis() != null) {
            sql.append(" AND ts >= ?");
            args.add(q.sinceMillis());
        }
        if (q.untilMillis() != null) {
            sql.append(" AND ts < ?");
            args.add(q.untilMillis());
        }
        if (q.beforeId() > 0) {
            sql.append(" AND id < ?");
            args.add(q.beforeId());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(q.limit());
        return db.inTransaction(c -> {
            List<LogEntry> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    s.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new LogEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getString(7), rs.getInt(8), rs.getString(9), rs.getInt(10) == 1, rs.getInt(11),
                                rs.getDouble(12), rs.getDouble(13), nullableDouble(rs, 14), nullableLong(rs, 15), nullableLong(rs, 16),
                                nullableDouble(rs, 17), rs.getString(18)));
                    }
                }
            }
            return out;
        });
    }

    public int deleteOlderThan(long cutoffMillis) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM request_log WHERE ts < ?")) {
                s.setLong(1, cutoffMillis);
                return s.executeUpdate();
            }
        });
    }

    private static Double nullableDouble(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }

    private static Long nullableLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static void setNullable(PreparedStatement s, int i, Number v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.NUMERIC);
        } else if (v instanceof Double d) {
            s.setDouble(i, d);
        } else {
            s.setLong(i, v.longValue());
        }
    }
}
