package dev.heimdall.execution;

import dev.heimdall.provider.Attempt;
import dev.heimdall.provider.ProviderError;
import io.vertx.core.Future;

/**
 * A check an attempt must pass before it is sent, beyond what admitted the request: governance's limits
 * that apply only to the provider a fallback moves to. A refusal ({@link Refused}) skips that target, as a
 * provider that cannot serve would be skipped, and the plan moves on.
 */
@FunctionalInterface
public interface AttemptGate {

    /** Succeeds when {@code attempt} may be sent; fails with {@link Refused} when it may not. */
    Future<Void> enter(Attempt attempt);

    /** Why a gate kept an attempt from being sent, as the client would see it if nothing else answers. */
    final class Refused extends RuntimeException {
        private final ProviderError error;

        public Refused(ProviderError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }

        public ProviderError error() {
            return error;
        }
    }
}
