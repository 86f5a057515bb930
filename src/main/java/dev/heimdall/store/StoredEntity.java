package dev.heimdall.store;

/**
 * A config entity as kept in the store: its JSON text (env references unresolved, virtual-key values
 * hashed), hash, when its content last changed, and who owns it.
 */
public record StoredEntity(String kind, String name, String hash, String json, long changedAtMillis, Origin origin) {

    /** config.json owns what it declares; the management API owns what it created. */
    public enum Origin { FILE, API }

    public String id() {
        return kind + "/" + name;
    }
}
