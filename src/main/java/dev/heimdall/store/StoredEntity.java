package dev.heimdall.store;

/** A config entity as kept in SQLite: its JSON text (env references unresolved), hash and import time. */
public record StoredEntity(String kind, String name, String hash, String json, long importedAtMillis) {
}
