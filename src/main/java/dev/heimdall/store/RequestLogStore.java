package dev.heimdall.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The request log (each pod's SQLite file, or one PostgreSQL table for every replica): batched inserts, filtered pages, summaries for charts, retention. */
public final class RequestLogStore {

    /**
     * Which rows: each filter null (or empty) means any. {@code models} match the answering or the requested
     * model; {@code outcome} is an exact status, or {@link #SUCCESS} (below 400) / {@link #ERROR} (400 and up).
     */
    public record Filter(List<String> models, List<String> providers, List<String> virtualKeys, Integer outcome, Boolean stream,
            Long sinceMillis, Long untilMillis) {

        public static final Filter ANY = new Filter(List.of(), List.of(), List.of(), null, null, null, null);

        public Filter {
            models = models == null ? List.of() : List.copyOf(models);
            providers = providers == null ? List.of() : List.copyOf(providers);
            virtualKeys = virtualKeys == null ? List.of() : List.copyOf(virtualKeys);
        }

        /** Whether a row passes, for rows that never went through SQL (the live feed). */
        public boolean test(LogEntry e) {
            return (models.isEmpty() || models.contains(e.model()) || models.contains(e.requestedModel()))
                    && (providers.isEmpty() || providers.contains(e.provider()))
                    && (virtualKeys.isEmpty() || virtualKeys.contains(e.virtualKey()))
                    && (outcome == null || outcome == SUCCESS && e.status() < 400 || outcome == ERROR && e.status() >= 400 || outcome == e.status())
                    && (stream == null || stream == e.stream())
                    && (sinceMillis == null || e.timestampMillis() >= sinceMillis) && (untilMillis == null || e.timestampMillis() < untilMillis);
        }
    }

    /** {@link Filter#outcome} for every answer below 400. */
    public static final int SUCCESS = -1;
    /** {@link Filter#outcome} for every answer of 400 and up (the client's mistakes, refusals and failures). */
    public static final int ERROR = -2;

    /** A page: newest first, below {@code beforeId} when it is above 0 (a cursor), after skipping {@code offset} rows. */
    public record Query(Filter filter, int limit, long beforeId, int offset) {
    }

    /** The PostgreSQL channel on which a replica announces the ids of the rows it wrote. */
    static final String WRITES_CHANNEL = "heimdall_request_log";
    /** PostgreSQL's limit on a notification's payload is 8000 bytes: a batch's ids go 500 to a notification. */
    private static final int MAX_LISTED_IDS = 500;

    private final Database db;
    private final String origin = java.util.UUID.randomUUID().toString();

    public RequestLogStore(Database db) {
        this.db = db;
    }

    /**
     * Calls {@code onRows} on a thread of its own with the rows other replicas wrote into a shared log, as they
     * commit them, so a replica's live feed shows every replica's traffic. {@code wanted} is asked first: when
     * nobody follows, no row is read. Nothing to follow in a pod's own SQLite file.
     */
    public AutoCloseable follow(java.util.function.BooleanSupplier wanted, java.util.function.Consumer<List<LogEntry>> onRows) {
        if (!shared()) {
            return () -> { };
        }
        return ChangeListener.start(db, WRITES_CHANNEL, origin, said -> {
            if (!wanted.getAsBoolean()) {
                return;
            }
            List<LogEntry> rows = new ArrayList<>();
            for (String ids : said) {
                rows.addAll(written(ids));
            }
            if (!rows.isEmpty()) {
                onRows.accept(rows);
            }
        });
    }

    /** The rows a notification names ({@code 1,2,5}). */
    private List<LogEntry> written(String ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String[] listed = ids.split(",");
        List<Object> args = new ArrayList<>();
        for (String id : listed) {
            args.add(Long.parseLong(id));
        }
        return rows("SELECT " + COLUMNS + " FROM request_log WHERE id IN " + marks(listed.length) + " ORDER BY id", args);
    }

    /** The rows a query selects ({@link #COLUMNS}), in its order. */
    private List<LogEntry> rows(String sql, List<Object> args) {
        return db.inTransaction(c -> {
            List<LogEntry> out = new ArrayList<>();
            try (PreparedStatement s = prepare(c, sql, args); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(entry(rs));
                }
            }
            return out;
        });
    }

    /** Which database holds the log (never with a password). */
    public String describe() {
        return db.name();
    }

    /** Whether every replica writes its rows here. */
    public boolean shared() {
        return db.dialect() == Dialect.POSTGRES;
    }

    /** Writes the entries in one transaction; returns them with the ids the database gave them. */
    public List<LogEntry> insert(List<LogEntry> entries) {
        boolean returning = db.dialect() == Dialect.POSTGRES;
        return db.inTransaction(c -> {
            String sql = "INSERT INTO request_log (ts, operation, requested_model, provider, model, key_name, status, error_type,"
                    + " stream, attempts, latency_ms, overhead_ms, ttft_ms, input_tokens, output_tokens, cost_usd, virtual_key, trace_id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
            List<Long> ids = new ArrayList<>(entries.size());
            try (PreparedStatement s = returning ? c.prepareStatement(sql, new String[] {"id"}) : c.prepareStatement(sql)) {
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
                    s.setString(18, e.traceId());
                    s.addBatch();
                }
                s.executeBatch();
                if (returning) {
                    // Other replicas insert into the same table meanwhile: only RETURNING says which ids are ours.
                    try (ResultSet rs = s.getGeneratedKeys()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                }
            }
            if (!returning) {
                // One writer per file (RequestLog flushes under a lock) and one transaction: the batch's ids are consecutive.
                try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
                    rs.next();
                    long last = rs.getLong(1);
                    for (long id = last - entries.size() + 1; id <= last; id++) {
                        ids.add(id);
                    }
                }
            } else {
                for (int from = 0; from < ids.size(); from += MAX_LISTED_IDS) {
                    String said = ids.subList(from, Math.min(ids.size(), from + MAX_LISTED_IDS)).stream().map(String::valueOf)
                            .collect(java.util.stream.Collectors.joining(","));
                    db.dialect().notify(c, WRITES_CHANNEL, ChangeListener.payload(origin, said));
                }
            }
            List<LogEntry> written = new ArrayList<>(entries.size());
            for (int i = 0; i < entries.size(); i++) {
                written.add(entries.get(i).withId(ids.get(i)));
            }
            return written;
        });
    }

    /** Newest first. */
    public List<LogEntry> page(Query q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM request_log WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        where(q.filter(), sql, args);
        if (q.beforeId() > 0) {
            sql.append(" AND id < ?");
            args.add(q.beforeId());
        }
        sql.append(" ORDER BY id DESC LIMIT ? OFFSET ?");
        args.add(q.limit());
        args.add(q.offset());
        return rows(sql.toString(), args);
    }

    /** One row, or null. */
    public LogEntry byId(long id) {
        List<LogEntry> found = rows("SELECT " + COLUMNS + " FROM request_log WHERE id = ?", List.of(id));
        return found.isEmpty() ? null : found.get(0);
    }

    /** How many rows pass the filter. */
    public long count(Filter filter) {
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM request_log WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        where(filter, sql, args);
        return db.inTransaction(c -> {
            try (PreparedStatement s = prepare(c, sql.toString(), args); ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /**
     * The rows of the filter aggregated per time bucket of {@code bucketMillis} and, when {@code groupBy} names
     * a column ({@code model}, {@code provider}, {@code virtual_key}), per group: counts, tokens, cost and a
     * latency histogram over {@link LogSummary#LATENCY_BOUNDS_MS}, from which percentiles are read. One SQL
     * pass, whatever the number of rows; nothing but aggregates leaves the database.
     */
    public List<LogSummary.Cell> summary(Filter filter, long bucketMillis, String groupBy) {
        String group = switch (groupBy == null ? "" : groupBy) {
            case "model" -> "coalesce(model, requested_model)";
            case "provider" -> "provider";
            case "virtual_key" -> "virtual_key";
            default -> "NULL";
        };
        StringBuilder latencyClass = new StringBuilder("CASE");
        double[] bounds = LogSummary.LATENCY_BOUNDS_MS;
        for (int i = 0; i < bounds.length; i++) {
            latencyClass.append(" WHEN latency_ms <= ").append(bounds[i]).append(" THEN ").append(i);
        }
        latencyClass.append(" ELSE ").append(bounds.length).append(" END");
        StringBuilder sql = new StringBuilder("SELECT (ts / ?) * ?, " + group + ", " + latencyClass + ", count(*),"
                + " sum(CASE WHEN status >= 400 THEN 1 ELSE 0 END), sum(coalesce(input_tokens, 0)), sum(coalesce(output_tokens, 0)),"
                + " sum(coalesce(cost_usd, 0)), sum(latency_ms) FROM request_log WHERE 1 = 1");
        List<Object> args = new ArrayList<>(List.of(bucketMillis, bucketMillis));
        where(filter, sql, args);
        sql.append(" GROUP BY 1, 2, 3");
        return db.inTransaction(c -> {
            List<LogSummary.Cell> out = new ArrayList<>();
            try (PreparedStatement s = prepare(c, sql.toString(), args); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new LogSummary.Cell(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                            rs.getLong(7), rs.getDouble(8), rs.getDouble(9)));
                }
            }
            return out;
        });
    }

    private static final String COLUMNS = "id, ts, operation, requested_model, provider, model, key_name, status, error_type,"
            + " stream, attempts, latency_ms, overhead_ms, ttft_ms, input_tokens, output_tokens, cost_usd, virtual_key, trace_id";

    private static LogEntry entry(ResultSet rs) throws SQLException {
        return new LogEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getInt(8), rs.getString(9), rs.getInt(10) == 1, rs.getInt(11),
                rs.getDouble(12), rs.getDouble(13), nullableDouble(rs, 14), nullableLong(rs, 15), nullableLong(rs, 16),
                nullableDouble(rs, 17), rs.getString(18), rs.getString(19));
    }

    private static void where(Filter f, StringBuilder sql, List<Object> args) {
        if (!f.models().isEmpty()) {
            sql.append(" AND (model IN ").append(marks(f.models().size())).append(" OR requested_model IN ").append(marks(f.models().size())).append(')');
            args.addAll(f.models());
            args.addAll(f.models());
        }
        in(sql, args, "provider", f.providers());
        in(sql, args, "virtual_key", f.virtualKeys());
        if (f.outcome() != null) {
            sql.append(f.outcome() == SUCCESS ? " AND status < 400" : f.outcome() == ERROR ? " AND status >= 400" : " AND status = ?");
            if (f.outcome() >= 0) {
                args.add(f.outcome());
            }
        }
        if (f.stream() != null) {
            sql.append(" AND stream = ?");
            args.add(f.stream() ? 1 : 0);
        }
        if (f.sinceMillis() != null) {
            sql.append(" AND ts >= ?");
            args.add(f.sinceMillis());
        }
        if (f.untilMillis() != null) {
            sql.append(" AND ts < ?");
            args.add(f.untilMillis());
        }
    }

    private static void in(StringBuilder sql, List<Object> args, String column, List<String> values) {
        if (!values.isEmpty()) {
            sql.append(" AND ").append(column).append(" IN ").append(marks(values.size()));
            args.addAll(values);
        }
    }

    private static String marks(int n) {
        return "(" + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
    }

    private static PreparedStatement prepare(java.sql.Connection c, String sql, List<Object> args) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < args.size(); i++) {
            s.setObject(i + 1, args.get(i));
        }
        return s;
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
