package dev.heimdall.config;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The configuration in force, as read back from SQLite after an import. Immutable; a reload replaces it
 * whole and fires it as a CDI event so each consumer swaps its own derived state.
 */
public record ConfigSnapshot(
        GatewayConfig config,
        String configHash,
        Instant appliedAt,
        String source,
        Map<String, EntityState> providers,
        List<String> warnings) {

    /** The stored state of one provider: its content hash and when that content was imported. */
    public record EntityState(String hash, Instant importedAt) {
    }

    public ConfigSnapshot {
        providers = Map.copyOf(providers);
        warnings = List.copyOf(warnings);
    }
}
