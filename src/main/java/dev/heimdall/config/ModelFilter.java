package dev.heimdall.config;

import java.util.List;

/**
 * Which names (models a key serves, models or keys a virtual key may use) a list allows. {@code all} comes
 * from a missing list or {@code ["*"]};
 * otherwise only the listed names (Bifrost's v2 semantics: an empty list serves nothing).
 */
public record ModelFilter(boolean all, List<String> names) {

    public static final ModelFilter ALL = new ModelFilter(true, List.of());

    public ModelFilter {
        names = List.copyOf(names);
    }

    public boolean allows(String model) {
        return all || names.contains(model);
    }
}
