package dev.heimdall.testing;

import dev.heimdall.exchange.Exchange;
import dev.heimdall.exchange.ExchangeListener;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A listener the test application picks up like any other: records every completed exchange that
 * carries an {@code x-test-id} header, so tests can check each way a request ends completes it, once,
 * with the outcome the client saw.
 */
@Singleton
public class CompletionRecorder implements ExchangeListener {

    /** What an exchange looked like when it completed. */
    public record Completed(int status, String errorType, Long inputTokens, Long outputTokens, String usageSource) {
    }

    private final Map<String, List<Completed>> byId = new ConcurrentHashMap<>();

    @Override
    public void completed(Exchange ex) {
        String id = ex.header("x-test-id");
        if (id != null) {
            byId.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(new Completed(ex.status(), ex.errorType(),
                    ex.usage().inputTokens(), ex.usage().outputTokens(), ex.usage().source().label()));
        }
    }

    /** The completions of the exchange tagged {@code id}, once there is one (or after 10 s, empty). */
    public List<Completed> await(String id) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Completed> seen = byId.get(id);
            if (seen != null && !seen.isEmpty()) {
                return List.copyOf(seen);
            }
            Thread.sleep(10);
        }
        return List.of();
    }
}
