package dev.heimdall.routing;

import java.util.List;

/** The targets a requested model name resolved to, in order of preference (primary first). */
public record Route(String requested, List<Target> targets) {

    public Route {
        targets = List.copyOf(targets);
    }

    public Target primary() {
        return targets.get(0);
    }
}
