package dev.heimdall.admin;

import dev.heimdall.config.ConfigProblem;
import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigService.FileOwnedException;
import dev.heimdall.config.InvalidConfigException;
import dev.heimdall.provider.ErrorFormat;
import dev.heimdall.provider.OpenAiError;
import dev.heimdall.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import org.jboss.logging.Logger;

/**
 * How the management API answers: JSON bodies, and errors in the gateway's OpenAI shape
 * ({@code {"error":{"message","type","code","param"}}}), which Bifrost's scripts read too ({@code error.message}).
 * A refused configuration change also lists every problem with its path in the request body.
 */
final class Replies {

    private static final Logger LOG = Logger.getLogger(Replies.class);

    private Replies() {
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, OpenAiError.APPLICATION_JSON).end(body.toBuffer());
    }

    /** Runs {@code work} on a worker thread (it may read the store, wait on Redis or write), then answers with its body. */
    static void blocking(RoutingContext ctx, Callable<JsonObject> work) {
        Future<JsonObject> done = ctx.vertx().executeBlocking(work, false);
        done.onComplete(ar -> {
            if (ar.succeeded()) {
                json(ctx, 200, ar.result());
            } else {
                failure(ctx, ar.cause());
            }
        });
    }

    /** A write: its reads of the store and its change are one step ({@link ConfigService#atomically}), on a worker thread. */
    static void changing(RoutingContext ctx, ConfigService configs, Callable<JsonObject> work) {
        blocking(ctx, () -> {
            JsonObject reply = configs.atomically(work);
            String warning = configs.localOnlyWarning();
            return warning == null ? reply : reply.put("warning", warning);
        });
    }

    static void failure(RoutingContext ctx, Throwable failure) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        if (failure instanceof AdminException e) {
            error(ctx, new OpenAiError(e.status(), e.status() == 404 ? "not_found_error" : "invalid_request_error", e.code(), e.param(), e.getMessage()));
        } else if (failure instanceof FileOwnedException e) {
            error(ctx, new OpenAiError(409, "invalid_request_error", "owned_by_config_file", null, e.getMessage()));
        } else if (failure instanceof InvalidConfigException e) {
            invalid(ctx, e);
        } else if (failure instanceof StoreException e) {
            // The database, not the request: the admin is told which one and why (no password is ever in it).
            LOG.warnf("The management API could not use the store: %s", e.getMessage());
            error(ctx, new OpenAiError(503, "server_error", "store_unavailable", null, e.getMessage()));
        } else if (failure == null && ctx.statusCode() == 413 || failure instanceof io.vertx.ext.web.handler.HttpException e && e.getStatusCode() == 413) {
            error(ctx, new OpenAiError(413, "invalid_request_error", "request_too_large", null, "The request body is larger than the admin API's limit of "
                    + AdminRoutes.BODY_LIMIT_BYTES / 1024 + " KiB."));
        } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            error(ctx, new OpenAiError(ctx.statusCode(), "invalid_request_error", "bad_request", null, "The request could not be read."));
        } else {
            LOG.error("The management API failed", failure);
            error(ctx, new OpenAiError(500, "server_error", "internal_error", null, "Heimdall failed while handling this request; the gateway log has the details."));
        }
    }

    static void error(RoutingContext ctx, OpenAiError error) {
        json(ctx, error.status(), ErrorFormat.OPENAI.json(error));
    }

    /** 400 with every problem; the first one's path is the error's {@code param}. */
    private static void invalid(RoutingContext ctx, InvalidConfigException e) {
        JsonArray problems = new JsonArray();
        for (ConfigProblem p : e.problems()) {
            problems.add(new JsonObject().put("path", p.path()).put("reason", p.reason()));
        }
        ConfigProblem first = e.problems().isEmpty() ? new ConfigProblem("$", "invalid") : e.problems().get(0);
        JsonObject body = ErrorFormat.OPENAI.json(new OpenAiError(400, "invalid_request_error", "invalid_config", first.path(),
                first.path() + ": " + first.reason() + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more)" : "")));
        body.getJsonObject("error").put("problems", problems);
        json(ctx, 400, body);
    }
}
