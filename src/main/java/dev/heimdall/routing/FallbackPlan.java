package dev.heimdall.routing;

import dev.heimdall.config.NetworkConfig;
import dev.heimdall.provider.Attempt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * What to try next for one request, after each failure (Bifrost's semantics, which users know):
 * <ul>
 * <li>400/404/422 and other client errors end the request at once;</li>
 * <li>401/402/403 set that key aside for this request and move to another key without delay;</li>
 * <li>429 moves to another key of the provider; with none left it waits for Retry-After (or the backoff)
 * and retries, using the retry budget;</li>
 * <li>5xx, network errors and timeouts retry the provider after an exponential backoff with jitter, up to
 * its {@code max_retries};</li>
 * <li>a target the caller's own limits on its provider refuse is skipped for the next one;</li>
 * <li>when a target is exhausted the next one (alias fallback chain, then the request's {@code fallbacks})
 * starts with its own retry budget.</li>
 * </ul>
 * Pure decision logic: it sends nothing and waits for nothing, so every rule is unit-tested.
 */
public final class FallbackPlan {

    /** The next attempt and how long to wait before it. */
    public record Step(Attempt attempt, Duration delay) {
    }

    /** One attempt that failed, for the client's "tried" list and the logs. */
    public record Tried(String target, String key, String outcome) {
        @Override
        public String toString() {
            return target + "=" + outcome;
        }
    }

    private final List<Target> targets;
    private final KeyHealth health;
    private final RandomGenerator random;
    private final List<Tried> tried = new ArrayList<>();
    private final Set<String> setAside = new HashSet<>();
    private int targetIndex;
    private int retriesUsed;
    private int attempts;
    private Failure primaryFailure;

    public FallbackPlan(List<Target> targets, KeyHealth health, RandomGenerator random) {
        this.targets = List.copyOf(targets);
        this.health = health;
        this.random = random;
    }

    /** The first attempt: the primary target, or the first target with a usable key. */
    public Optional<Attempt> first() {
        while (targetIndex < targets.size()) {
            Optional<Attempt> a = pick();
            if (a.isPresent()) {
                return counted(a);
            }
            targetIndex++;
        }
        return Optional.empty();
    }

    /** After {@code failed} ended with {@code failure}: the next step, or empty when the request is over. */
    public Optional<Step> next(Attempt failed, Failure failure) {
        tried.add(new Tried(targets.get(targetIndex).id(), failed.key().name(), failure.toString()));
        if (targetIndex == 0) {
            primaryFailure = failure;
        }
        if (!failure.isFinal() && !isNeutral(failure)) {
            health.onFailure(failed.provider(), failed.key(), failure.retryAfter());
        }
        if (failure.isFinal()) {
            return Optional.empty();
        }
        if (failure.kind() == Failure.Kind.REFUSED) {
            return nextTarget();
        }
        NetworkConfig network = failed.provider().network();
        if (failure.isKeyRefused() || failure.isRateLimited()) {
            setAside.add(failed.key().name());
            Optional<Attempt> other = pick();
            if (other.isPresent()) {
                return counted(other).map(a -> new Step(a, Duration.ZERO));
            }
            setAside.remove(failed.key().name());
            if (failure.isRateLimited() && retriesUsed < network.maxRetries()) {
                retriesUsed++;
                Duration wait = backoff(network);
                if (failure.retryAfter() != null && failure.retryAfter().compareTo(wait) > 0) {
                    wait = failure.retryAfter().compareTo(network.retryBackoffMax()) > 0 ? network.retryBackoffMax() : failure.retryAfter();
                }
                Duration delay = wait;
                return counted(pick()).map(a -> new Step(a, delay));
            }
        } else if (failure.isRetryable() && retriesUsed < network.maxRetries()) {
            retriesUsed++;
            Duration delay = backoff(network);
            Optional<Attempt> again = pick();
            if (again.isPresent()) {
                return counted(again).map(a -> new Step(a, delay));
            }
        }
        return nextTarget();
    }

    private Optional<Step> nextTarget() {
        while (++targetIndex < targets.size()) {
            retriesUsed = 0;
            setAside.clear();
            Optional<Attempt> a = pick();
            if (a.isPresent()) {
                return counted(a).map(x -> new Step(x, Duration.ZERO));
            }
        }
        return Optional.empty();
    }

    private Optional<Attempt> pick() {
        return KeySelector.pick(targets.get(targetIndex), setAside, health, random);
    }

    private Optional<Attempt> counted(Optional<Attempt> a) {
        a.ifPresent(x -> attempts++);
        return a;
    }

    /** A 408 or the gateway's own refusal says nothing about the key; every other non-final failure counts against it. */
    private static boolean isNeutral(Failure failure) {
        return failure.kind() == Failure.Kind.REFUSED || failure.kind() == Failure.Kind.HTTP_STATUS && failure.status() == 408;
    }

    /** initial × 2^(n-1), capped at max, then "equal jitter": between half and all of it. */
    Duration backoff(NetworkConfig network) {
        long initial = network.retryBackoffInitial().toMillis();
        long max = network.retryBackoffMax().toMillis();
        long exp = Math.min(max, initial << Math.min(retriesUsed - 1, 20));
        long jittered = exp / 2 + (exp > 1 ? random.nextLong(exp / 2 + 1) : 0);
        return Duration.ofMillis(jittered);
    }

    public int attempts() {
        return attempts;
    }

    public List<Tried> tried() {
        return List.copyOf(tried);
    }

    /** The failure of the primary target, which the client sees when every target failed. */
    public Failure primaryFailure() {
        return primaryFailure;
    }

    public boolean onPrimary() {
        return targetIndex == 0;
    }
}
