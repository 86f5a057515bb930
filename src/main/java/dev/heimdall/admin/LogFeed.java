package dev.heimdall.admin;

import dev.heimdall.provider.OpenAiError;
import dev.heimdall.store.LogEntry;
import dev.heimdall.store.LoggedRequests;
import dev.heimdall.store.RequestLogStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /api/logs/stream}: new request-log rows as Server-Sent Events ({@code event: log}, the row as JSON),
 * as the writer stores them (every 100 ms), so the log page updates while traffic flows. The request path
 * does nothing for it: rows reach the feed from the log writer's thread, and with nobody following, the
 * batch is dropped at once. A follower too slow to read is let go rather than buffered for. With a log
 * shared by the replicas (a postgres {@code logs_store}), the rows the other replicas write arrive too, as
 * they announce them.
 */
@ApplicationScoped
public class LogFeed {

    static final int MAX_FOLLOWERS = 32;
    private static final long HEARTBEAT_MILLIS = 15_000;

    private record Follower(HttpServerResponse response, RequestLogStore.Filter filter) {
    }

    private final Set<Follower> followers = ConcurrentHashMap.newKeySet();
    private final RequestLogStore store;
    private AutoCloseable otherReplicas = () -> { };

    public LogFeed(RequestLogStore store) {
        this.store = store;
    }

    /** After GatewayStartup (priority 10) opened the stores. */
    void start(@Observes @jakarta.annotation.Priority(20) io.quarkus.runtime.StartupEvent event) {
        otherReplicas = store.follow(() -> !followers.isEmpty(), rows -> onLogged(new LoggedRequests(rows)));
    }

    void follow(RoutingContext ctx, RequestLogStore.Filter filter) {
        if (followers.size() >= MAX_FOLLOWERS) {
            Replies.error(ctx, new OpenAiError(503, "server_error", "too_many_followers", null,
                    "The live log already has " + MAX_FOLLOWERS + " followers; try again later."));
            return;
        }
        HttpServerResponse response = ctx.response().setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no"); // nginx and kgateway's Envoy would otherwise hold events back
        Follower follower = new Follower(response, filter);
        followers.add(follower);
        long heartbeat = ctx.vertx().setPeriodic(HEARTBEAT_MILLIS, id -> response.write(": keep-alive\n\n"));
        response.closeHandler(v -> {
            followers.remove(follower);
            ctx.vertx().cancelTimer(heartbeat);
        });
        response.write(": following the request log\n\n");
    }

    /** Followers never end by themselves: end them, so a graceful shutdown does not wait for its timeout. */
    void stop(@Observes io.quarkus.runtime.ShutdownEvent event) throws Exception {
        otherReplicas.close();
        for (Follower f : followers) {
            followers.remove(f);
            f.response().end();
        }
    }

    void onLogged(@Observes LoggedRequests logged) {
        if (followers.isEmpty()) {
            return;
        }
        for (Follower f : followers) {
            Buffer events = Buffer.buffer();
            for (LogEntry e : logged.entries()) {
                if (f.filter().test(e)) {
                    events.appendString("event: log\ndata: ").appendBuffer(LogViews.entry(e).toBuffer()).appendString("\n\n");
                }
            }
            if (events.length() == 0) {
                continue;
            }
            if (f.response().writeQueueFull()) {
                followers.remove(f);
                f.response().reset();
            } else {
                f.response().write(events);
            }
        }
    }
}
