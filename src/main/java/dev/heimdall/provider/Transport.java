package dev.heimdall.provider;

import dev.heimdall.config.KeyConfig;
import dev.heimdall.config.ProviderConfig;
import dev.heimdall.config.Secret;
import dev.heimdall.exchange.Exchange;
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
 * Calls an upstream and relays its answer, knowing no API format: the attempt's {@link Translator} gives
 * the path, headers and body, rewrites (or only reads) the answer chunk by chunk, and reads the upstream's
 * errors. The response, JSON or SSE, is piped back with back-pressure; timeouts, idle streams and
 * cancellation are handled here. A client that goes away resets the upstream request, which frees the
 * upstream's work.
 */
@Singleton
public class Transport {

    private static final Logger LOG = Logger.getLogger(Transport.class);
    private static final int MAX_ERROR_BODY = 1 << 20;
    private static final List<AsciiString> HOP_BY_HOP = Stream.of("connection", "keep-alive", "transfer-encoding",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "upgrade", "content-length").map(AsciiString::of).toList();

    private final Vertx vertx;
    private final UpstreamClients clients;

    public Transport(Vertx vertx, UpstreamClients clients) {
        this.vertx = vertx;
        this.clients = clients;
    }

    /** How relaying an answer ended: the status the client saw and, if it broke, why. */
    public record RelayEnd(int status, String errorType) {
    }

    /**
     * Sends the request and completes when the upstream's status and headers arrive (body paused), or
     * fails with {@link UpstreamFailure} when there is no response: nothing has reached the client yet,
     * so the caller may still try elsewhere. A client that leaves meanwhile cancels the call.
     */
    public Future<UpstreamCall> send(Attempt attempt, Translator translator, InferenceRequest request, Exchange exchange,
            String traceparent) {
        ProviderConfig provider = attempt.provider();
        RequestOptions options = clients.options(translator.root(attempt), translator.path(request, attempt));
        boolean askUsage = translator.asksUsage(request, provider);
        Buffer body;
        try {
            body = translator.body(request, attempt, askUsage);
        } catch (UntranslatableException e) {
            return Future.failedFuture(e);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Translating a request for provider %s failed", provider.name());
            return Future.failedFuture(new UpstreamFailure(500, "translation_failed",
                    "Heimdall could not translate this request for provider '" + provider.name() + "'; the gateway log has the details."));
        }
        UpstreamCall call = new UpstreamCall(attempt, translator, request, askUsage);
        Promise<UpstreamCall> headers = Promise.promise();
        exchange.onClientGone(() -> call.cancel("client disconnected"));
        long timeoutMillis = provider.network().requestTimeout().toMillis();
        call.idleAction = () -> {
            call.timedOut = true;
            call.cancel("no response within " + timeoutMillis + " ms");
            headers.tryFail(new UpstreamFailure(504, "provider_timeout", "Provider '" + provider.name()
                    + "' did not answer within " + provider.network().requestTimeout().toSeconds()
                    + " s (network_config.default_request_timeout_in_seconds)"));
        };
        call.watch = new IdleWatch(vertx, timeoutMillis, call::onIdle);
        clients.forNetwork(provider.network()).request(options).onComplete(ar -> {
            if (ar.failed()) {
                call.watch.stop();
                headers.tryFail(unreachable(provider, options, ar.cause()));
                return;
            }
            HttpClientRequest upstream = ar.result();
            if (!call.attach(upstream)) {
                headers.tryFail(new UpstreamFailure(499, "client_disconnected", "The client went away"));
                return;
            }
            MultiMap h = upstream.headers();
            h.set(HttpHeaders.CONTENT_TYPE, OpenAiError.APPLICATION_JSON);
            h.set(HttpHeaders.ACCEPT, request.stream() ? "text/event-stream" : "application/json");
            translator.headers(attempt, exchange.requestHeaders(), h);
            provider.network().extraHeaders().forEach((name, value) -> h.set(name, value.value()));
            if (traceparent != null) {
                h.set("traceparent", traceparent);
            }
            upstream.end(body).onSuccess(v -> exchange.attemptWritten());
            upstream.response().onComplete(sent -> {
                if (sent.failed()) {
                    call.watch.stop();
                    if (!call.timedOut) {
                        headers.tryFail(unreachable(provider, options, sent.cause()));
                    }
                    return;
                }
                HttpClientResponse response = sent.result();
                // Headers are in; until the body is relayed or read, silence counts against the stream idle limit.
                call.idleAction = () -> call.cancel("upstream silent after its headers");
                call.watch.restart(provider.network().streamIdleTimeout().toMillis());
                response.pause();
                call.response = response;
                headers.tryComplete(call);
            });
        });
        return headers.future();
    }

    /**
     * Pipes a successful upstream answer to the client: status, headers, then the body as it arrives,
     * reading its usage on the way (for a stream whose usage the gateway asked for, without the usage
     * chunk). A stream that breaks after it started ends with an SSE error event, never a silent cut.
     * The usage is on the exchange before the returned future completes.
     */
    public Future<RelayEnd> relay(UpstreamCall call, HttpServerResponse client, Exchange exchange) {
        HttpClientResponse response = call.response;
        ProviderConfig provider = call.attempt.provider();
        Promise<RelayEnd> done = Promise.promise();
        boolean sse = isEventStream(response);
        AnswerTranslation answer = call.translator.answer(call.inference, sse, call.askedUsage);
        ErrorFormat errors = call.translator.clientErrors();
        client.setStatusCode(response.statusCode());
        copyHeaders(response.headers(), client.headers(), call.translator.passesUpstreamHeaders());
        String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && !answer.rewrites()) {
            client.putHeader(HttpHeaders.CONTENT_LENGTH, length);
        } else {
            client.setChunked(true);
        }
        exchange.answerStarted(response.statusCode(), sse);
        Runnable report = () -> exchange.answerReported(answer.usage(), answer.model(), answer.events());
        long idleMillis = provider.network().streamIdleTimeout().toMillis();
        IdleWatch idle = call.watch;
        call.idleAction = () -> {
            // The client's error first: resetting the upstream fires its exception handler, which stays silent.
            report.run();
            endBroken(client, sse, errors, OpenAiError.upstream(504, "stream_idle_timeout", "Provider '" + provider.name()
                    + "' sent nothing for " + provider.network().streamIdleTimeout().toSeconds()
                    + " s (network_config.stream_idle_timeout_in_seconds)"));
            call.cancel("stream idle for " + idleMillis + " ms");
            done.tryComplete(new RelayEnd(response.statusCode(), "stream_idle_timeout"));
        };
        response.handler(chunk -> {
            idle.touch();
            Buffer out = answer.onChunk(chunk);
            if (out.length() == 0) {
                return;
            }
            exchange.answerChunk(out);
            client.write(out);
            if (client.writeQueueFull()) {
                response.pause();
                client.drainHandler(v -> response.resume());
            }
        });
        response.endHandler(v -> {
            call.ended();
            Buffer rest = answer.onEnd();
            if (rest != null && rest.length() > 0) {
                exchange.answerChunk(rest);
                client.write(rest);
            }
            report.run();
            boolean gone = client.closed() && !client.ended();
            if (!client.ended()) {
                client.end();
            }
            done.tryComplete(gone ? new RelayEnd(499, "client_disconnected") : new RelayEnd(response.statusCode(), null));
        });
        response.exceptionHandler(err -> {
            idle.stop();
            report.run();
            if (!call.cancelled) {
                // Not our doing (an idle timeout or a departed client cancel first): the upstream broke.
                LOG.debugf("Upstream %s broke mid-response: %s", provider.name(), err.toString());
                endBroken(client, sse, errors, OpenAiError.upstream(502, "stream_interrupted",
                        "Provider '" + provider.name() + "' closed the response before it was complete"));
                done.tryComplete(new RelayEnd(response.statusCode(), "stream_interrupted"));
            } else {
                done.tryComplete(new RelayEnd(499, "client_disconnected"));
            }
        });
        response.resume();
        return done.future();
    }

    /**
     * Reads an upstream error response whole (capped at 1 MiB) and masks any configured secret it echoes,
     * so the caller can decide to retry elsewhere or to return it. OpenAI's error fields are kept as the
     * upstream sent them; any other body becomes the message.
     */
    public Future<ProviderError> readError(UpstreamCall call) {
        HttpClientResponse response = call.response;
        ProviderConfig provider = call.attempt.provider();
        Promise<ProviderError> done = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() < MAX_ERROR_BODY) {
                body.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_ERROR_BODY - body.length()));
            }
        });
        response.exceptionHandler(err -> {
            call.watch.stop();
            done.tryComplete(ProviderError.upstream(502, "stream_interrupted",
                    "Provider '" + provider.name() + "' closed the connection while sending an error"));
        });
        response.endHandler(v -> {
            call.ended();
            String text = scrub(body.toString(StandardCharsets.UTF_8), provider);
            ProviderError error = call.translator.error(response.statusCode(), text, retryAfter(response), provider);
            done.tryComplete(error);
        });
        response.resume();
        return done.future();
    }

    /** {@code Retry-After}, or Azure OpenAI's {@code retry-after-ms} rounded up to whole seconds. */
    private static String retryAfter(HttpClientResponse response) {
        String seconds = response.getHeader("Retry-After");
        String millis = response.getHeader("retry-after-ms");
        if (seconds != null || millis == null) {
            return seconds;
        }
        try {
            return Long.toString((Math.max(0, Long.parseLong(millis.trim())) + 999) / 1000);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Sends a whole error response in the client's format, unless the client already got a status line. */
    public static void sendError(HttpServerResponse client, ErrorFormat format, OpenAiError error) {
        if (client.ended() || client.closed()) {
            return;
        }
        if (client.headWritten()) {
            client.end();
            return;
        }
        client.setStatusCode(format.status(error))
                .putHeader(HttpHeaders.CONTENT_TYPE, OpenAiError.APPLICATION_JSON)
                .end(format.body(error));
    }

    private static void endBroken(HttpServerResponse client, boolean sse, ErrorFormat format, OpenAiError error) {
        if (client.ended() || client.closed()) {
            return;
        }
        if (!client.headWritten()) {
            sendError(client, format, error);
        } else if (sse) {
            client.end(format.sseEvent(error));
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

    /**
     * The upstream's headers, except hop-by-hop ones and rate-limit headers the gateway set for the client's
     * own limits; only the content headers when the answer is translated to another API.
     */
    private static void copyHeaders(MultiMap from, MultiMap to, boolean all) {
        for (var e : from) {
            String name = e.getKey();
            if (!all && !isContentHeader(name)) {
                continue;
            }
            if (!isHopByHop(name) && !(name.regionMatches(true, 0, "x-ratelimit-", 0, 12) && to.contains(name))) {
                to.add(name, e.getValue());
            }
        }
    }

    private static boolean isContentHeader(String name) {
        return AsciiString.contentEqualsIgnoreCase(HttpHeaders.CONTENT_TYPE, name) || AsciiString.contentEqualsIgnoreCase(HttpHeaders.CACHE_CONTROL, name);
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
