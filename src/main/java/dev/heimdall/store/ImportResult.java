package dev.heimdall.store;

import java.util.List;

/** What an import did, by entity ({@code kind/name}). */
public record ImportResult(List<String> added, List<String> changed, List<String> removed, List<String> unchanged) {

    public ImportResult {
        added = List.copyOf(added);
        changed = List.copyOf(changed);
        removed = List.copyOf(removed);
        unchanged = List.copyOf(unchanged);
    }

    public static final ImportResult NONE = new ImportResult(List.of(), List.of(), List.of(), List.of());

    public boolean changedAnything() {
        return !added.isEmpty() || !changed.isEmpty() || !removed.isEmpty();
    }

    @Override
    public String toString() {
        return "added " + added + ", changed " + changed + ", removed " + removed + ", unchanged " + unchanged.size();
    }
}
