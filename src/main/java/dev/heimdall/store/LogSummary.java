package dev.heimdall.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The request log aggregated for charts: totals, a series of time buckets (empty buckets included, so a
 * chart's axis is even) and the top groups (models, providers or virtual keys). Latency percentiles come from
 * a histogram over fixed bounds and are interpolated inside a bound's range: exact enough for a chart, and
 * computed from a few hundred aggregate rows whatever the traffic.
 */
public record LogSummary(Totals totals, List<Point> series, List<Group> groups) {

    /** Upper bounds (ms) of the latency classes; a last class holds everything slower. */
    public static final double[] LATENCY_BOUNDS_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000,
            60_000, 120_000, 300_000};

    /** One aggregate row: a bucket, a group (or null) and a latency class. */
    public record Cell(long bucketStart, String group, int latencyClass, long requests, long errors, long inputTokens,
            long outputTokens, double costUsd, double latencySumMs) {
    }

    /** What a set of requests adds up to; percentiles are null when there were none. */
    public record Totals(long requests, long errors, long inputTokens, long outputTokens, double costUsd, Double latencyAvgMs,
            Double latencyP50Ms, Double latencyP95Ms, Double latencyP99Ms) {
    }

    public record Point(long startMillis, Totals totals) {
    }

    public record Group(String key, Totals totals) {
    }

    /** The summary of {@code cells}, with every bucket from {@code fromMillis} to {@code toMillis} and the {@code topGroups} busiest groups. */
    public static LogSummary of(List<Cell> cells, long fromMillis, long toMillis, long bucketMillis, int topGroups) {
        Accumulator all = new Accumulator();
        Map<Long, Accumulator> byBucket = new TreeMap<>();
        Map<String, Accumulator> byGroup = new LinkedHashMap<>();
        for (long start = fromMillis / bucketMillis * bucketMillis; start < toMillis; start += bucketMillis) {
            byBucket.put(start, new Accumulator());
        }
        for (Cell c : cells) {
            all.add(c);
            byBucket.computeIfAbsent(c.bucketStart(), b -> new Accumulator()).add(c);
            if (c.group() != null) {
                byGroup.computeIfAbsent(c.group(), g -> new Accumulator()).add(c);
            }
        }
        List<Point> series = new ArrayList<>();
        byBucket.forEach((start, a) -> series.add(new Point(start, a.totals())));
        List<Group> groups = new ArrayList<>();
        byGroup.forEach((key, a) -> groups.add(new Group(key, a.totals())));
        groups.sort(Comparator.comparingLong((Group g) -> g.totals().requests()).reversed().thenComparing(Group::key));
        return new LogSummary(all.totals(), series, groups.subList(0, Math.min(topGroups, groups.size())));
    }

    private static final class Accumulator {
        private long requests;
        private long errors;
        private long input;
        private long output;
        private double cost;
        private double latencySum;
        private final long[] histogram = new long[LATENCY_BOUNDS_MS.length + 1];

        void add(Cell c) {
            requests += c.requests();
            errors += c.errors();
            input += c.inputTokens();
            output += c.outputTokens();
            cost += c.costUsd();
            latencySum += c.latencySumMs();
            histogram[Math.min(c.latencyClass(), histogram.length - 1)] += c.requests();
        }

        Totals totals() {
            return new Totals(requests, errors, input, output, cost, requests == 0 ? null : latencySum / requests,
                    percentile(0.50), percentile(0.95), percentile(0.99));
        }

        /** The q-quantile, linear inside the class it falls in. */
        private Double percentile(double q) {
            if (requests == 0) {
                return null;
            }
            double target = q * requests;
            long before = 0;
            for (int i = 0; i < histogram.length; i++) {
                if (histogram[i] > 0 && before + histogram[i] >= target) {
                    double lower = i == 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
                    double upper = i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i] : lower * 2;
                    return lower + (upper - lower) * Math.max(0, target - before) / histogram[i];
                }
                before += histogram[i];
            }
            return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
        }
    }
}
