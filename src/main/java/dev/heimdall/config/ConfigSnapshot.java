package dev.heimdall.config;

import dev.heimdall.store.StoredEntity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The configuration in force, as read back from the store after an import or a management API write.
 * Immutable; a change replaces it whole and fires it as a CDI event so each consumer swaps its own
 * derived state.
 */
public record ConfigSnapshot(
        GatewayConfig config,
        String configHash,
        Instant appliedAt,
        String source,
        Map<String, EntityState> entities,
        List<String> warnings) {

    /**
     * One entity in force ({@code kind/name}, see {@link ConfigJson#split}): its content hash, when that
     * content was stored, who owns it, and whether it hides an API-created entity of the same name.
     */
    public record EntityState(String hash, Instant changedAt, StoredEntity.Origin origin, boolean shadowsApi) {
    }

    public ConfigSnapshot {
        entities = Map.copyOf(entities);
        warnings = List.copyOf(warnings);
    }

    /** The state of one entity in force, or null. */
    public EntityState entity(String kind, String name) {
        return entities.get(kind + "/" + name);
    }
}
