package dev.heimdall.routing;

/** One id of {@code GET /v1/models}: {@code provider/model} or a gateway alias, and who serves it. */
public record ModelEntry(String id, String ownedBy) {
}
