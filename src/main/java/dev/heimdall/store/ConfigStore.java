package dev.heimdall.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored configuration: config.json's entities (table config_entity) and the management API's
 * (api_entity), kept apart so that neither owner can remove the other's. An import compares each entity's hash with the stored one and,
 * in one transaction, inserts new entities, replaces changed ones, deletes removed ones and leaves
 * unchanged rows untouched. A crash at any point leaves either the old or the new configuration whole.
 * In a database the replicas share, each transaction that changed something tells the others when it commits
 * ({@link #listen}).
 */
public final class ConfigStore {

    /** The PostgreSQL channel on which a change is announced; the payload is the writer's {@link #origin()}. */
    static final String CHANGES_CHANNEL = "heimdall_config";
    /** PostgreSQL's advisory lock that orders the replicas' imports and management-API changes ("heimdall"). */
    private static final long CHANGE_LOCK = 0x6865696d64616c6cL;

    /** An entity to import: {@code json} is its canonical text, {@code hash} that text's digest. */
    public record Incoming(String kind, String name, String hash, String json) {
    }

    private final Database db;
    /** This process's mark on the changes it announces, so it does not reload what it wrote itself. */
    private final String origin = java.util.UUID.randomUUID().toString();

    public ConfigStore(Database db) {
        this.db = db;
    }

    /** Which database this is (never with a password), and whether the replicas share it. */
    public String describe() {
        return db.name();
    }

    public boolean shared() {
        return db.dialect() == Dialect.POSTGRES;
    }

    /**
     * Calls {@code onChange} on a thread of its own after another process committed a change to this store, and
     * after reconnecting (a change may have been missed while the connection was down). Nothing to listen to in
     * a pod's own SQLite file: the returned handle does nothing.
     */
    public AutoCloseable listen(Runnable onChange) {
        return shared() ? ChangeListener.start(db, CHANGES_CHANNEL, origin, said -> onChange.run()) : () -> { };
    }

    public ImportResult importEntities(String configHash, List<Incoming> incoming, long nowMillis) {
        return db.inTransaction(c -> {
            if (shared()) {
                // Another replica's import or API change in between would make this one's comparison stale.
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, CHANGE_LOCK);
                    lock.execute();
                }
            }
            Map<String, String> existing = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT kind, name, hash FROM config_entity");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    existing.put(id(rs.getString(1), rs.getString(2)), rs.getString(3));
                }
            }
            List<String> added = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            List<String> unchanged = new ArrayList<>();
            for (Incoming e : incoming) {
                String id = id(e.kind(), e.name());
                String old = existing.remove(id);
                if (old == null) {
                    upsert(c, e, nowMillis);
                    added.add(id);
                } else if (!old.equals(e.hash())) {
                    upsert(c, e, nowMillis);
                    changed.add(id);
                } else {
                    unchanged.add(id);
                }
            }
            List<String> removed = new ArrayList<>(existing.keySet());
            try (PreparedStatement del = c.prepareStatement("DELETE FROM config_entity WHERE kind = ? AND name = ?")) {
                for (String id : removed) {
                    int slash = id.indexOf('/');
                    del.setString(1, id.substring(0, slash));
                    del.setString(2, id.substring(slash + 1));
                    del.addBatch();
                }
                del.executeBatch();
            }
            ImportResult result = new ImportResult(added, changed, removed, unchanged);
            if (result.changedAnything()) {
                db.dialect().notify(c, CHANGES_CHANNEL, origin);
                try (PreparedStatement s = c.prepareStatement("INSERT INTO config_import"
                        + " (config_hash, imported_at, added, changed, removed, unchanged) VALUES (?, ?, ?, ?, ?, ?)")) {
                    s.setString(1, configHash);
                    s.setLong(2, nowMillis);
                    s.setInt(3, added.size());
                    s.setInt(4, changed.size());
                    s.setInt(5, removed.size());
                    s.setInt(6, unchanged.size());
                    s.executeUpdate();
                }
            }
            return result;
        });
    }

    /** Every stored entity: the file's in the order they were imported, then the API's in the order they were created. */
    public List<StoredEntity> loadAll() {
        return db.inTransaction(c -> {
            List<StoredEntity> all = new ArrayList<>();
            String order = " ORDER BY " + db.dialect().insertionOrder();
            load(c, "SELECT kind, name, hash, json, imported_at FROM config_entity" + order, StoredEntity.Origin.FILE, all);
            load(c, "SELECT kind, name, hash, json, updated_at FROM api_entity" + order, StoredEntity.Origin.API, all);
            return all;
        });
    }

    private static void load(Connection c, String sql, StoredEntity.Origin origin, List<StoredEntity> into) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                into.add(new StoredEntity(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), origin));
            }
        }
    }

    /**
     * Runs {@code work} with every other replica's imports and {@code exclusively} work held off, in a database
     * the replicas share (PostgreSQL's advisory lock, given up after 15 s of waiting): a read of the store and
     * the write decided from it are one step across replicas, as {@code synchronized} makes them within one.
     * A pod's own SQLite file has no one else to hold off. {@code work} must not import.
     */
    public <T> T exclusively(java.util.concurrent.Callable<T> work) throws Exception {
        if (!shared()) {
            return work.call();
        }
        try (Connection c = db.connection(); var s = c.createStatement()) {
            s.execute("SET lock_timeout = '15s'");
            try {
                s.execute("SELECT pg_advisory_lock(" + CHANGE_LOCK + ")");
                try {
                    return work.call();
                } finally {
                    s.execute("SELECT pg_advisory_unlock(" + CHANGE_LOCK + ")");
                }
            } finally {
                s.execute("RESET lock_timeout"); // the connection goes back to the pool as it came
            }
        } catch (SQLException e) {
            throw new StoreException("cannot take the change lock of " + db.name() + " (unreachable, or another replica's change"
                    + " held it for 15 s): " + e.getMessage(), e);
        }
    }

    /** One write of the management API: an entity's new JSON, or its removal when {@code json} is null. */
    public record ApiWrite(String kind, String name, String hash, String json) {
    }

    /** The API's writes, all or none. */
    public void writeApi(List<ApiWrite> writes, long nowMillis) {
        db.inTransaction(c -> {
            try (PreparedStatement put = c.prepareStatement("INSERT INTO api_entity (kind, name, hash, json, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET hash = excluded.hash,"
                    + " json = excluded.json, updated_at = excluded.updated_at");
                    PreparedStatement del = c.prepareStatement("DELETE FROM api_entity WHERE kind = ? AND name = ?")) {
                for (ApiWrite w : writes) {
                    if (w.json() == null) {
                        del.setString(1, w.kind());
                        del.setString(2, w.name());
                        del.executeUpdate();
                    } else {
                        put.setString(1, w.kind());
                        put.setString(2, w.name());
                        put.setString(3, w.hash());
                        put.setString(4, w.json());
                        put.setLong(5, nowMillis);
                        put.setLong(6, nowMillis);
                        put.executeUpdate();
                    }
                }
            }
            db.dialect().notify(c, CHANGES_CHANNEL, origin);
            return null;
        });
    }

    private static void upsert(Connection c, Incoming e, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO config_entity (kind, name, hash, json, imported_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET hash = excluded.hash,"
                + " json = excluded.json, imported_at = excluded.imported_at")) {
            s.setString(1, e.kind());
            s.setString(2, e.name());
            s.setString(3, e.hash());
            s.setString(4, e.json());
            s.setLong(5, now);
            s.executeUpdate();
        }
    }

    private static String id(String kind, String name) {
        return kind + "/" + name;
    }
}
