package dev.heimdall.provider;

import dev.heimdall.config.KeyConfig;
import dev.heimdall.config.ProviderConfig;
import dev.heimdall.config.Secret;
import dev.heimdall.telemetry.CallRecord;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Singleton;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Calls an OpenAI-compatible upstream (openai, vllm, ollama, groq, mistral, …) and relays its answer.
 * The request body goes out as the client sent it with only {@code model} rewritten; the response,
 * JSON or SSE, is piped back chunk by chunk with back-pressure and never buffered whole. A client that
 * goes away resets the upstream request, which frees the upstream's work.
 */
@Singleton
public class OpenAiPassthrough {

    private static final Logger LOG = Logger.getLogger(OpenAiPassthrough.class);
    private static final int MAX_ERROR_BODY = 1 << 20;
    private static final List<AsciiString> HOP_BY_HOP = Stream.of("connection", "keep-alive", "transfer-encoding",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "upgrade", "content-length").map(AsciiString::of).toList();

    private final Vertx vertx;
    private final UpstreamClients clients;

    public OpenAiPassthrough(Vertx vertx, UpstreamClients clients) {
        this.vertx = vertx;
        this.clients = clients;
    }

    /**
     * Sends the request and completes when the upstream's status and headers arrive (body paused), or
     * fails with {@link UpstreamFailure} when there is no response: nothing has reached the client yet,
     * so the caller may still try elsewhere.
     */
    public Future<UpstreamExchange> send(Attempt attempt, InferenceRequest request, HttpServerResponse client, String traceparent,
            CallRecord call) {
        ProviderConfig provider = attempt.provider();
        RequestOptions options = clients.options(provider.network().apiRoot(), request.endpoint());
        UpstreamExchange exchange = new UpstreamExchange(attempt);
        Promise<UpstreamExchange> headers = Promise.promise();
        client.closeHandler(v -> exchange.cancel("client disconnected"));
        long timeoutMillis = provider.network().requestTimeout().toMillis();
        exchange.idleAction = () -> {
            exchange.timedOut = true;
            exchange.cancel("no response within " + timeoutMillis + " ms");
            headers.tryFail(new UpstreamFailure(504, "provider_timeout", "Provider '" + provider.name()
                    + "' did not answer within " + provider.network().requestTimeout().toSeconds()
                    + " s (network_config.default_request_timeout_in_seconds)"));
        };
        exchange.watch = new IdleWatch(vertx, timeoutMillis, exchange::onIdle);
        clients.forNetwork(provider.network()).request(options).onComplete(ar -> {
            if (ar.failed()) {
                exchange.watch.stop();
                headers.tryFail(unreachable(provider, options, ar.cause()));
                return;
            }
            HttpClientRequest upstream = ar.result();
            if (!exchange.attach(upstream)) {
                return;
            }
            MultiMap h = upstream.headers();
            h.set(HttpHeaders.CONTENT_TYPE, OpenAiError.APPLICATION_JSON);
            h.set(HttpHeaders.ACCEPT, request.stream() ? "text/event-stream" : "application/json");
            KeyConfig key = attempt.key();
            if (!key.value().isEmpty()) {
                h.set(HttpHeaders.AUTHORIZATION, "Bearer " + key.value().value());
            }
            provider.network().extraHeaders().forEach((name, value) -> h.set(name, value.value()));
            if (traceparent != null) {
                h.set("traceparent", traceparent);
            }
            upstream.end(request.bodyWithModel(attempt.upstreamModel())).onSuccess(v -> call.upstreamWritten());
            upstream.response().onComplete(sent -> {
                if (sent.failed()) {
                    exchange.watch.stop();
                    if (!exchange.timedOut) {
                        headers.tryFail(unreachable(provider, options, sent.cause()));
                    }
                    return;
                }
                HttpClientResponse response = sent.result();
                // Headers are in; until the body is relayed or read, silence counts against the stream idle limit.
                exchange.idleAction = () -> exchange.cancel("upstream silent after its headers");
                exchange.watch.restart(provider.network().streamIdleTimeout().toMillis());
                response.pause();
                exchange.response = response;
                headers.tryComplete(exchange);
            });
        });
        return headers.future();
    }

    /**
     * Pipes a successful upstream answer to the client: status, headers, then the body as it arrives. A
     * stream that breaks after it started ends with an SSE error event, never a silent cut.
     */
    public Future<Void> relay(UpstreamExchange exchange, HttpServerResponse client, CallRecord call) {
        HttpClientResponse response = exchange.response;
        ProviderConfig provider = exchange.attempt.provider();
        Promise<Void> done = Promise.promise();
        client.setStatusCode(response.statusCode());
        copyHeaders(response.headers(), client.headers());
        String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            client.putHeader(HttpHeaders.CONTENT_LENGTH, length);
        } else {
            client.setChunked(true);
        }
        boolean sse = isEventStream(response);
        call.responseStarted(response.statusCode(), sse);
        long idleMillis = provider.network().streamIdleTimeout().toMillis();
        IdleWatch idle = exchange.watch;
        exchange.idleAction = () -> {
            // The client's error first: resetting the upstream fires its exception handler, which stays silent.
            call.finished(response.statusCode(), "stream_idle_timeout");
            endBroken(client, sse, OpenAiError.upstream(504, "stream_idle_timeout", "Provider '" + provider.name()
                    + "' sent nothing for " + provider.network().streamIdleTimeout().toSeconds()
                    + " s (network_config.stream_idle_timeout_in_seconds)"));
            exchange.cancel("stream idle for " + idleMillis + " ms");
            done.tryComplete();
        };
        response.handler(chunk -> {
            idle.touch();
            call.chunk(chunk);
            client.write(chunk);
            if (client.writeQueueFull()) {
                response.pause();
                client.drainHandler(v -> response.resume());
            }
        });
        response.endHandler(v -> {
            idle.stop();
            if (!client.ended()) {
                client.end();
            }
            call.finished(response.statusCode(), client.closed() && !client.ended() ? "client_disconnected" : null);
            done.tryComplete();
        });
        response.exceptionHandler(err -> {
            idle.stop();
            if (!exchange.cancelled) {
                // Not our doing (an idle timeout or a departed client cancel first): the upstream broke.
                LOG.debugf("Upstream %s broke mid-response: %s", provider.name(), err.toString());
                call.finished(response.statusCode(), "stream_interrupted");
                endBroken(client, sse, OpenAiError.upstream(502, "stream_interrupted",
                        "Provider '" + provider.name() + "' closed the response before it was complete"));
            } else if (call.errorType() == null) {
                call.finished(499, "client_disconnected");
            }
            done.tryComplete();
        });
        response.resume();
        return done.future();
    }

    /**
     * Reads an upstream error response whole (capped at 1 MiB), masks any configured secret it echoes and
     * puts it in OpenAI's shape, so the caller can decide to retry elsewhere or to return it.
     */
    public Future<UpstreamError> readError(UpstreamExchange exchange) {
        HttpClientResponse response = exchange.response;
        ProviderConfig provider = exchange.attempt.provider();
        Promise<UpstreamError> done = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() < MAX_ERROR_BODY) {
                body.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_ERROR_BODY - body.length()));
            }
        });
        response.exceptionHandler(err -> {
            exchange.watch.stop();
            done.tryComplete(new UpstreamError(502, OpenAiError.upstream(502, "stream_interrupted",
                    "Provider '" + provider.name() + "' closed the connection while sending an error").json(), null));
        });
        response.endHandler(v -> {
            exchange.watch.stop();
            String text = scrub(body.toString(StandardCharsets.UTF_8), provider);
            JsonObject json;
            try {
                json = new JsonObject(text);
                if (!(json.getValue("error") instanceof JsonObject)) {
                    json = upstreamError(response.statusCode(), provider, text).json();
                }
            } catch (DecodeException | ClassCastException e) {
                json = upstreamError(response.statusCode(), provider, text).json();
            }
            done.tryComplete(new UpstreamError(response.statusCode(), json, response.getHeader("Retry-After")));
        });
        response.resume();
        return done.future();
    }

    private static OpenAiError upstreamError(int status, ProviderConfig provider, String text) {
        String detail = text.strip();
        if (detail.length() > 500) {
            detail = detail.substring(0, 500) + "…";
        }
        return new OpenAiError(status, "upstream_error", "provider_http_" + status, null,
                "Provider '" + provider.name() + "' returned HTTP " + status + (detail.isEmpty() ? "" : ": " + detail));
    }

    /** Sends a whole error response, unless the client already got a status line. */
    public static void sendError(HttpServerResponse client, OpenAiError error) {
        if (client.ended() || client.closed()) {
            return;
        }
        if (client.headWritten()) {
            client.end();
            return;
        }
        client.setStatusCode(error.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, OpenAiError.APPLICATION_JSON)
                .end(error.body());
    }

    private static void endBroken(HttpServerResponse client, boolean sse, OpenAiError error) {
        if (client.ended() || client.closed()) {
            return;
        }
        if (!client.headWritten()) {
            sendError(client, error);
        } else if (sse) {
            client.end(error.sseEvent());
        } else {
            // A JSON body cut short cannot be repaired; closing tells the client it is incomplete.
            client.reset();
        }
    }

    /** Replaces any configured secret an upstream echoes back (some quote the key they rejected). */
    static String scrub(String text, ProviderConfig provider) {
        String out = text;
        for (KeyConfig k : provider.keys()) {
            out = mask(out, k.value());
        }
        for (Secret s : provider.network().extraHeaders().values()) {
            out = mask(out, s);
        }
        return out;
    }

    private static String mask(String text, Secret secret) {
        String v = secret.value();
        return v != null && v.length() >= 6 ? text.replace(v, Secret.REDACTED) : text;
    }

    private static void copyHeaders(MultiMap from, MultiMap to) {
        for (var e : from) {
            if (!isHopByHop(e.getKey())) {
                to.add(e.getKey(), e.getValue());
            }
        }
    }

    private static boolean isHopByHop(String name) {
        for (AsciiString h : HOP_BY_HOP) {
            if (h.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isEventStream(HttpClientResponse response) {
        String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.startsWith("text/event-stream");
    }

    private static UpstreamFailure unreachable(ProviderConfig provider, RequestOptions options, Throwable cause) {
        String where = options.getHost() + ":" + options.getPort();
        String why;
        if (cause instanceof ConnectException || cause instanceof io.netty.channel.ConnectTimeoutException) {
            why = "connection failed (" + cause.getMessage() + ")";
        } else if (cause instanceof UnknownHostException) {
            why = "host not found";
        } else if (cause instanceof javax.net.ssl.SSLException) {
            why = "TLS handshake failed";
        } else if (cause instanceof io.vertx.core.http.HttpClosedException) {
            why = "connection closed before a response";
        } else {
            why = cause.getClass().getSimpleName();
        }
        LOG.debugf("Upstream %s (%s) failed: %s", provider.name(), where, cause.toString());
        return new UpstreamFailure(502, "provider_unreachable",
                "Provider '" + provider.name() + "' is unreachable at " + where + ": " + why);
    }
}
