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
 * The imported configuration in SQLite. An import compares each entity's hash with the stored one and,
 * in one transaction, inserts new entities, replaces changed ones, deletes removed ones and leaves
 * unchanged rows untouched. A crash at any point leaves either the old or the new configuration whole.
 */
public final class ConfigStore {

    /** An entity to import: {@code json} is its canonical text, {@code hash} that text's digest. */
    public record Incoming(String kind, String name, String hash, String json) {
    }

    private final Database db;

    public ConfigStore(Database db) {
        this.db = db;
    }

    public ImportResult importEntities(String configHash, List<Incoming> incoming, long nowMillis) {
        return db.inTransaction(c -> {
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

    public List<StoredEntity> loadAll() {
        return db.inTransaction(c -> {
            List<StoredEntity> all = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT kind, name, hash, json, imported_at FROM config_entity ORDER BY rowid");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    all.add(new StoredEntity(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
                }
            }
            return all;
        });
    }

    /** A cheap query proving the file is open and readable, for readiness. */
    public boolean ping() {
        try (Connection c = db.connection(); var s = c.createStatement(); var rs = s.executeQuery("SELECT 1")) {
            return rs.next();
        } catch (SQLException e) {
            return false;
        }
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
