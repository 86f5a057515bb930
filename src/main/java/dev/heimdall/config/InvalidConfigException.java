package dev.heimdall.config;

import java.util.List;
import java.util.stream.Collectors;

/** config.json cannot be used; carries every problem found, not just the first. */
public final class InvalidConfigException extends Exception {

    private final transient List<ConfigProblem> problems;

    public InvalidConfigException(String source, List<ConfigProblem> problems) {
        super("Invalid configuration in " + source + " (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "):\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
