package dev.heimdall.provider;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * One upstream call in progress (one attempt of an exchange). Cancelling it resets the HTTP request, which closes that connection:
 * the upstream sees the disconnect and stops generating.
 */
public final class UpstreamCall {

    final Attempt attempt;
    final Translator translator;
    /** What the client asked for (translators read it, e.g. whether the client wants a stream's usage chunk). */
    final InferenceRequest inference;
    /** The gateway added {@code stream_options.include_usage}: the usage chunk is not the client's. */
    final boolean askedUsage;
    HttpClientRequest request;
    HttpClientResponse response;
    IdleWatch watch;
    /** What silence means now: a timeout before the headers, a broken stream after them. */
    volatile Runnable idleAction;
    volatile boolean cancelled;
    volatile boolean timedOut;
    /** The upstream's answer arrived whole: there is nothing left to cancel, and resetting would close a pooled connection. */
    volatile boolean ended;

    UpstreamCall(Attempt attempt, Translator translator, InferenceRequest request, boolean askedUsage) {
        this.translator = translator;
        this.inference = request;
        this.askedUsage = askedUsage;
        this.attempt = attempt;
    }

    public Attempt attempt() {
        return attempt;
    }

    public int status() {
        return response.statusCode();
    }

    /** Attaches the request once a connection is leased; false when the exchange was cancelled meanwhile. */
    boolean attach(HttpClientRequest request) {
        this.request = request;
        if (cancelled) {
            request.reset();
            return false;
        }
        return true;
    }

    void onIdle() {
        idleAction.run();
    }

    /** The answer was read to its end. */
    void ended() {
        ended = true;
        if (watch != null) {
            watch.stop();
        }
    }

    void cancel(String why) {
        if (cancelled || ended) {
            return;
        }
        cancelled = true;
        if (watch != null) {
            watch.stop();
        }
        if (request != null) {
            request.reset();
        }
    }
}
