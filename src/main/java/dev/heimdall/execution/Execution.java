package dev.heimdall.execution;

import dev.heimdall.provider.ProviderError;
import dev.heimdall.provider.UpstreamCall;
import dev.heimdall.routing.FallbackPlan;

/**
 * How running a plan ended: an upstream answer to relay ({@code answer}), or the error for the client
 * ({@code error}), or neither when the client left; with the plan, which knows what was tried.
 */
public record Execution(UpstreamCall answer, ProviderError error, FallbackPlan plan) {

    public boolean clientGone() {
        return answer == null && error == null;
    }
}
