package dev.heimdall.admin;

import dev.heimdall.store.LogEntry;
import dev.heimdall.store.LogSummary;
import dev.heimdall.store.RequestLogStore;
import dev.heimdall.store.RequestLogStore.Filter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;

/**
 * The request log: {@code GET /api/logs} (newest first, filtered, paged by cursor or offset),
 * {@code GET /api/logs/{id}}, {@code GET /api/logs/summary} (totals, a time series and top groups for charts)
 * and {@code GET /api/logs/stream} (live, {@link LogFeed}). Filters take Heimdall's names and Bifrost's
 * ({@code model}/{@code models}, {@code provider}/{@code providers}, {@code virtual_key}/{@code virtual_keys},
 * {@code since}/{@code start_time}, {@code until}/{@code end_time}; lists comma-separated), plus {@code status}
 * (a code, {@code success} or {@code error}) and {@code stream} ({@code true}/{@code false}).
 */
@ApplicationScoped
public class LogsHandler {

    /** Bucket sizes a summary chooses from: the smallest giving at most {@link #MAX_BUCKETS} buckets. */
    private static final long[] INTERVALS_SECONDS = {60, 300, 900, 3_600, 21_600, 86_400};
    private static final int MAX_BUCKETS = 120;
    /** The longest range a summary covers (the default retention); with daily buckets, 400 of them at most. */
    private static final Duration MAX_SPAN = Duration.ofDays(400);

    private final RequestLogStore store;
    private final LogFeed feed;

    public LogsHandler(RequestLogStore store, LogFeed feed) {
        this.store = store;
        this.feed = feed;
    }

    void list(RoutingContext ctx) {
        Filter filter = filter(ctx);
        RequestLogStore.Query query = new RequestLogStore.Query(filter, number(ctx, "limit", 100, 1, 1000), cursor(ctx),
                number(ctx, "offset", 0, 0, Integer.MAX_VALUE));
        Replies.blocking(ctx, () -> {
            List<LogEntry> rows = store.page(query);
            JsonArray data = new JsonArray();
            rows.forEach(e -> data.add(LogViews.entry(e)));
            return new JsonObject().put("object", "list").put("data", data)
                    .put("next_before", rows.size() == query.limit() ? rows.get(rows.size() - 1).id() : null)
                    .put("total_count", store.count(filter));
        });
    }

    void one(RoutingContext ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw AdminException.notFound("Log entry \"" + ctx.pathParam("id") + "\"");
        }
        Replies.blocking(ctx, () -> {
            LogEntry e = store.byId(id);
            if (e == null) {
                throw AdminException.notFound("Log entry " + id);
            }
            return LogViews.entry(e);
        });
    }

    void summary(RoutingContext ctx) {
        Filter given = filter(ctx);
        long to = given.untilMillis() != null ? given.untilMillis() : System.currentTimeMillis();
        long from = given.sinceMillis() != null ? given.sinceMillis() : to - Duration.ofHours(1).toMillis();
        if (from >= to) {
            throw AdminException.badRequest("invalid_query", "'since' must be before 'until'");
        }
        if (to - from > MAX_SPAN.toMillis()) {
            throw AdminException.badRequest("invalid_query", "a summary covers at most " + MAX_SPAN.toDays() + " days");
        }
        long bucket = interval(ctx, to - from);
        String groupBy = ctx.request().getParam("group_by");
        if (groupBy != null && !List.of("model", "provider", "virtual_key").contains(groupBy)) {
            throw AdminException.badRequest("invalid_query", "'group_by' must be model, provider or virtual_key");
        }
        int top = number(ctx, "top", 10, 1, 100);
        Filter filter = new Filter(given.models(), given.providers(), given.virtualKeys(), given.outcome(), given.stream(), from, to);
        Replies.blocking(ctx, () -> LogViews.summary(LogSummary.of(store.summary(filter, bucket, groupBy), from, to, bucket, top),
                from, to, bucket, groupBy));
    }

    void stream(RoutingContext ctx) {
        feed.follow(ctx, filter(ctx));
    }

    private static long interval(RoutingContext ctx, long spanMillis) {
        String asked = ctx.request().getParam("interval");
        if (asked != null) {
            long seconds = number(ctx, "interval", 60, 10, 86_400);
            if (spanMillis / (seconds * 1000) > 10 * MAX_BUCKETS) {
                throw AdminException.badRequest("invalid_query", "'interval' of " + seconds + " s makes more than "
                        + 10 * MAX_BUCKETS + " buckets over this range; choose a longer one");
            }
            return seconds * 1000;
        }
        for (long seconds : INTERVALS_SECONDS) {
            if (spanMillis / (seconds * 1000) <= MAX_BUCKETS) {
                return seconds * 1000;
            }
        }
        return INTERVALS_SECONDS[INTERVALS_SECONDS.length - 1] * 1000;
    }

    private static Filter filter(RoutingContext ctx) {
        return new Filter(list(ctx, "model", "models"), list(ctx, "provider", "providers"), list(ctx, "virtual_key", "virtual_keys"),
                outcome(ctx), bool(ctx, "stream"), instant(ctx, "since", "start_time"), instant(ctx, "until", "end_time"));
    }

    private static List<String> list(RoutingContext ctx, String name, String bifrostName) {
        String v = param(ctx, name, bifrostName);
        return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static Integer outcome(RoutingContext ctx) {
        String v = param(ctx, "status", null);
        if (v == null) {
            return null;
        }
        if (v.equals("success")) {
            return RequestLogStore.SUCCESS;
        }
        if (v.equals("error")) {
            return RequestLogStore.ERROR;
        }
        return number(ctx, "status", 0, 100, 599);
    }

    private static Boolean bool(RoutingContext ctx, String name) {
        String v = param(ctx, name, null);
        if (v == null) {
            return null;
        }
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        throw AdminException.badRequest("invalid_query", "'" + name + "' must be true or false");
    }

    private static String param(RoutingContext ctx, String name, String alias) {
        String v = ctx.request().getParam(name);
        if ((v == null || v.isBlank()) && alias != null) {
            v = ctx.request().getParam(alias);
        }
        return v == null || v.isBlank() ? null : v;
    }

    private static Long instant(RoutingContext ctx, String name, String alias) {
        String v = param(ctx, name, alias);
        try {
            return v == null ? null : Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw AdminException.badRequest("invalid_query", "'" + name + "' must be an ISO-8601 instant such as 2026-11-23T10:00:00Z");
        }
    }

    private static long cursor(RoutingContext ctx) {
        String v = param(ctx, "before", null);
        try {
            long before = v == null ? 0 : Long.parseLong(v);
            if (before >= 0) {
                return before;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw AdminException.badRequest("invalid_query", "'before' must be a log id (the next_before of the previous page)");
    }

    static int number(RoutingContext ctx, String name, int fallback, int min, int max) {
        String v = ctx.request().getParam(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw AdminException.badRequest("invalid_query", "'" + name + "' must be a whole number from " + min + " to " + max);
    }
}
