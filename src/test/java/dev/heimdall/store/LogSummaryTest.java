package dev.heimdall.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Aggregates into totals, an even series and top groups; percentiles read from the latency histogram. */
class LogSummaryTest {

    private static final long MINUTE = 60_000;

    @Test
    void emptyBucketsAreKeptSoTheAxisIsEven() {
        LogSummary s = LogSummary.of(List.of(new LogSummary.Cell(2 * MINUTE, null, 6, 4, 1, 40, 8, 0.5, 200)), 0, 5 * MINUTE, MINUTE, 10);
        assertEquals(5, s.series().size());
        assertEquals(0, s.series().get(0).totals().requests());
        assertNull(s.series().get(0).totals().latencyP50Ms(), "no requests, no percentile");
        assertEquals(4, s.series().get(2).totals().requests());
        assertEquals(1, s.totals().errors());
        assertEquals(50.0, s.totals().latencyAvgMs());
    }

    @Test
    void percentilesFallInsideTheirLatencyClass() {
        // 90 requests in (20, 50] ms, 10 in (500, 1000] ms.
        List<LogSummary.Cell> cells = List.of(new LogSummary.Cell(0, "glm-5", 5, 90, 0, 0, 0, 0, 90 * 30),
                new LogSummary.Cell(0, "gpt-4o", 9, 10, 2, 0, 0, 0.25, 10 * 800));
        LogSummary s = LogSummary.of(cells, 0, MINUTE, MINUTE, 10);
        double p50 = s.totals().latencyP50Ms();
        double p95 = s.totals().latencyP95Ms();
        assertTrue(p50 > 20 && p50 <= 50, "p50 " + p50);
        assertTrue(p95 > 500 && p95 <= 1000, "p95 " + p95);
        assertEquals(List.of("glm-5", "gpt-4o"), s.groups().stream().map(LogSummary.Group::key).toList(), "busiest first");
        assertEquals(0.25, s.groups().get(1).totals().costUsd());
        assertEquals(1, LogSummary.of(cells, 0, MINUTE, MINUTE, 1).groups().size(), "only the top groups");
    }
}
