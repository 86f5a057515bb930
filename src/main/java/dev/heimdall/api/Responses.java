package dev.heimdall.api;

import dev.heimdall.governance.GovernanceRefusal;
import dev.heimdall.provider.ErrorFormat;
import dev.heimdall.provider.OpenAiError;
import dev.heimdall.provider.anthropic.AnthropicErrors;
import dev.heimdall.provider.Transport;
import dev.heimdall.provider.UpstreamFailure;
import dev.heimdall.routing.RoutingException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;

/**
 * Writes JSON bodies and maps every failure to an error in the caller's dialect (Anthropic's under
 * {@code /anthropic/}, OpenAI's elsewhere); nothing else writes error bodies.
 */
final class Responses {

    private static final Logger LOG = Logger.getLogger(Responses.class);
    static final long LINGER_MILLIS = 2_000;

    private Responses() {
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, OpenAiError.APPLICATION_JSON)
                .end(body.toBuffer());
    }

    /** The error format of the dialect a path belongs to. */
    static ErrorFormat formatOf(RoutingContext ctx) {
        return ctx.request().path().startsWith(ApiRoutes.ANTHROPIC) ? AnthropicErrors.INSTANCE : ErrorFormat.OPENAI;
    }

    static void error(RoutingContext ctx, OpenAiError error) {
        Transport.sendError(ctx.response(), formatOf(ctx), error);
    }

    /** The error with {@code error.heimdall_tried} listing the attempts that failed before it, when any did. */
    static void error(RoutingContext ctx, OpenAiError error, JsonArray tried) {
        HttpServerResponse response = ctx.response();
        if (tried == null || response.ended() || response.closed()) {
            error(ctx, error);
            return;
        }
        ErrorFormat format = formatOf(ctx);
        JsonObject body = format.json(error);
        body.getJsonObject("error").put("heimdall_tried", tried);
        response.setStatusCode(format.status(error)).putHeader(HttpHeaders.CONTENT_TYPE, OpenAiError.APPLICATION_JSON).end(body.toBuffer());
    }

    /**
     * Sends the error and closes the connection: the unread rest of the body must not be parsed as a
     * request. Like nginx's lingering close, the body still arriving is read and discarded for up to
     * {@link #LINGER_MILLIS} first, so a client still writing it gets to read the answer instead of a
     * broken pipe.
     */
    static void errorAndClose(RoutingContext ctx, OpenAiError error) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        ErrorFormat format = formatOf(ctx);
        response.setStatusCode(format.status(error))
                .putHeader(HttpHeaders.CONTENT_TYPE, OpenAiError.APPLICATION_JSON)
                .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
                .end(format.body(error));
        HttpServerRequest request = ctx.request();
        HttpConnection connection = request.connection();
        if (request.isEnded()) {
            connection.close();
            return;
        }
        long timer = ctx.vertx().setTimer(LINGER_MILLIS, id -> connection.close());
        request.handler(discard -> { });
        request.endHandler(v -> {
            ctx.vertx().cancelTimer(timer);
            connection.close();
        });
        request.resume();
    }

    static OpenAiError toError(Throwable failure) {
        if (failure instanceof ApiException e) {
            return e.error();
        }
        if (failure instanceof RoutingException e) {
            return OpenAiError.invalidRequest(e.status(), e.code(), "model", e.getMessage());
        }
        if (failure instanceof GovernanceRefusal e) {
            return new OpenAiError(e.status(), e.type(), e.code(), null, e.getMessage());
        }
        if (failure instanceof UpstreamFailure e) {
            return OpenAiError.upstream(e.status(), e.code(), e.getMessage());
        }
        LOG.error("Unexpected failure while serving a request", failure);
        return new OpenAiError(500, "server_error", "internal_error", null,
                "Heimdall failed while handling this request; the gateway log has the details.");
    }
}
