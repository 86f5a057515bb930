package dev.heimdall.config;

/** One thing wrong with config.json: where (a JSON path such as {@code $.providers.openai.keys[0].value}) and why. */
public record ConfigProblem(String path, String reason) {

    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
