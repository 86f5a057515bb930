package dev.heimdall.governance;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Counters in Redis, shared by every replica: one Lua script checks all of a request's counters and, only if
 * every one admits, counts and reserves, so N replicas enforce one limit exactly (Redis runs a script
 * alone). A counter is a hash ({@code u} charged, {@code r} reserved) keyed by its window's start, so a
 * window resets by moving to a new key, and each key expires after its window. All keys share one hash
 * tag, so the script's keys sit in one slot on a Redis Cluster too. Calls never block: they return
 * Vert.x futures.
 *
 * <p>When Redis fails (down, slow past its timeout), {@link Unavailable} decides: refuse the request (503),
 * or count in this pod's memory meanwhile, with a warning logged once per outage and every such admission
 * counted in {@link #fallbacks}.
 */
public final class RedisLimitStore implements LimitStore {

    private static final Logger LOG = Logger.getLogger(RedisLimitStore.class);
    private static final String PREFIX = "heimdall:{governance}:";
    /** Keys outlive their window a little, so a settle that arrives just after the boundary still finds the reservation. */
    private static final long KEEP_MILLIS = 60_000;
    /** Suffix of a counter's set of reservations; same hash tag, so the same Cluster slot. */
    private static final String RESERVATIONS = ":res";

    // A reservation is also a member "<id>:<amount>" of its counter's set of reservations (key + ":res"),
    // scored by when it expires: whoever touches the counter first after that (the next admission) takes it
    // back, so a request whose pod died never holds its reservation until the window ends. A settle that
    // finds its member gone (expired) only charges.
    private static final String SWEEP = """
            local function sweep(k, rk, now)
              local expired = redis.call('ZRANGEBYSCORE', rk, '-inf', now)
              if #expired == 0 then return end
              local total = 0
              for _, m in ipairs(expired) do total = total + tonumber(string.match(m, ':(%d+)$')) end
              redis.call('ZREMRANGEBYSCORE', rk, '-inf', now)
              if redis.call('HINCRBY', k, 'r', string.format('%d', -total)) < 0 then redis.call('HSET', k, 'r', 0) end
            end
            """;

    // KEYS: n counters, then their n reservation sets. ARGV: now, reservation id, expires-at (ms); then per
    // counter: kind (1 requests, 2 tokens or nano-USD), max, amount, key expire-at (ms). Returns {0, level...} or {i}.
    static final String ADMIT = SWEEP + """
            local n = #KEYS / 2
            for i = 1, n do
              local b = 3 + (i - 1) * 4
              if ARGV[b + 1] ~= '1' then sweep(KEYS[i], KEYS[n + i], ARGV[1]) end
              local used = tonumber(redis.call('HGET', KEYS[i], 'u') or '0')
              local reserved = tonumber(redis.call('HGET', KEYS[i], 'r') or '0')
              local max = tonumber(ARGV[b + 2])
              if ARGV[b + 1] == '1' then
                if used + 1 > max then return {i} end
              elseif used + reserved >= max then return {i} end
            end
            local out = {0}
            for i = 1, n do
              local b = 3 + (i - 1) * 4
              if ARGV[b + 1] == '1' then
                redis.call('HINCRBY', KEYS[i], 'u', 1)
              else
                redis.call('HINCRBY', KEYS[i], 'r', ARGV[b + 3])
                redis.call('ZADD', KEYS[n + i], ARGV[3], ARGV[2] .. ':' .. ARGV[b + 3])
                redis.call('PEXPIREAT', KEYS[n + i], ARGV[b + 4])
              end
              redis.call('PEXPIREAT', KEYS[i], ARGV[b + 4])
              out[i + 1] = tonumber(redis.call('HGET', KEYS[i], 'u') or '0') + tonumber(redis.call('HGET', KEYS[i], 'r') or '0')
            end
            return out
            """;
    // KEYS: n admitted-window keys, their n reservation sets, then n current-window keys. ARGV per counter:
    // the reservation's member, minus the reserved amount (negated in Java: Lua would turn a large negated
    // number into "1e+17", which HINCRBY refuses), charged, expire-at.
    static final String SETTLE = """
            local n = #KEYS / 3
            for i = 1, n do
              local b = (i - 1) * 4
              if redis.call('ZREM', KEYS[n + i], ARGV[b + 1]) == 1 then
                redis.call('HINCRBY', KEYS[i], 'r', ARGV[b + 2])
              end
              redis.call('HINCRBY', KEYS[2 * n + i], 'u', ARGV[b + 3])
              redis.call('PEXPIREAT', KEYS[2 * n + i], ARGV[b + 4])
            end
            return 1
            """;

    // KEYS: the counters a late admission changed, then their reservation sets. ARGV per counter: the field,
    // minus what it added, the reservation's member (empty for request counters).
    static final String UNDO = """
            local n = #KEYS / 2
            for i = 1, n do
              local b = (i - 1) * 3
              if redis.call('EXISTS', KEYS[i]) == 1 and (ARGV[b + 3] == '' or redis.call('ZREM', KEYS[n + i], ARGV[b + 3]) == 1) then
                redis.call('HINCRBY', KEYS[i], ARGV[b + 1], ARGV[b + 2])
              end
            end
            return 1
            """;

    /** What to do while Redis does not answer. */
    public enum Unavailable { REFUSE, LOCAL }

    private final RedisAPI redis;
    private final MemoryLimitStore local;
    private final Unavailable unavailable;
    private final Vertx vertx;
    private final long timeoutMillis;
    private final long reservationTtlMillis;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong fallbacks = new AtomicLong();

    public RedisLimitStore(RedisAPI redis, MemoryLimitStore local, Unavailable unavailable, Vertx vertx, Duration timeout,
            Duration reservationTtl) {
        this.redis = redis;
        this.reservationTtlMillis = reservationTtl.toMillis();
        this.local = local;
        this.unavailable = unavailable;
        this.vertx = vertx;
        this.timeoutMillis = timeout.toMillis();
        // Connect now, so the first requests do not pay for it (and a wrong address is logged at start-up).
        redis.ping(List.of()).onFailure(this::failed).onSuccess(r -> LOG.debug("Redis answers"));
    }

    /** Admissions decided in this pod's memory because Redis did not answer. */
    public long fallbacks() {
        return fallbacks.get();
    }

    @Override
    public Future<Verdict> admit(List<Limit> limits, long tokens, long nanoUsd, long nowMillis) {
        String reservation = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        List<String> args = new ArrayList<>(5 + limits.size() * 6);
        args.add(ADMIT);
        args.add(Integer.toString(limits.size() * 2));
        addKeys(args, limits, nowMillis);
        args.add(Long.toString(nowMillis));
        args.add(reservation);
        args.add(Long.toString(nowMillis + reservationTtlMillis));
        for (Limit l : limits) {
            long start = l.window().start(nowMillis);
            args.add(l.kind() == Limit.Kind.REQUESTS ? "1" : "2");
            args.add(Long.toString(l.max()));
            args.add(Long.toString(amount(l, tokens, nanoUsd)));
            args.add(Long.toString(l.window().end(start) + KEEP_MILLIS));
        }
        Future<Response> call = redis.eval(args);
        return withDeadline(call, late -> undo(limits, late, tokens, nanoUsd, nowMillis, reservation)).map(r -> {
            recovered();
            long refused = r.get(0).toLong();
            if (refused > 0) {
                Limit l = limits.get((int) refused - 1);
                return new Verdict(limits, 0, 0, nowMillis, new long[limits.size()], l, l.window().end(l.window().start(nowMillis)), false);
            }
            long[] level = new long[limits.size()];
            for (int i = 0; i < level.length; i++) {
                level[i] = r.get(i + 1).toLong();
            }
            return new Verdict(limits, tokens, nanoUsd, nowMillis, level, null, 0, false, reservation);
        }).recover(e -> {
            failed(e);
            if (unavailable == Unavailable.LOCAL) {
                fallbacks.incrementAndGet();
                return local.admit(limits, tokens, nanoUsd, nowMillis).map(Verdict::asFallback);
            }
            return Future.failedFuture(new GovernanceRefusal(503, "governance_unavailable",
                    "The gateway cannot check this key's limits right now (its counter store does not answer); retry shortly.", 1));
        });
    }

    @Override
    public void settle(Verdict admitted, long tokens, long nanoUsd, long nowMillis) {
        if (admitted.fallback()) {
            local.settle(admitted, tokens, nanoUsd, nowMillis);
            return;
        }
        List<Limit> charged = admitted.limits().stream().filter(l -> l.kind() != Limit.Kind.REQUESTS).toList();
        if (charged.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(2 + charged.size() * 7);
        args.add(SETTLE);
        args.add(Integer.toString(charged.size() * 3));
        addKeys(args, charged, admitted.admittedAt());
        for (Limit l : charged) {
            args.add(key(l, nowMillis));
        }
        for (Limit l : charged) {
            long reserved = amount(l, admitted.reservedTokens(), admitted.reservedNanoUsd());
            args.add(admitted.reservation() + ":" + reserved);
            args.add(Long.toString(-reserved));
            args.add(Long.toString(amount(l, tokens, nanoUsd)));
            args.add(Long.toString(l.window().end(l.window().start(nowMillis)) + KEEP_MILLIS));
        }
        withDeadline(redis.eval(args), late -> { }).onFailure(e -> {
            failed(e);
            // The charge must not vanish: count it here, where this pod's limits still see it.
            local.charge(charged, tokens, nanoUsd, nowMillis);
        });
    }

    @Override
    public CounterState state(Limit limit, long nowMillis) {
        long end = limit.window().end(limit.window().start(nowMillis));
        try {
            Response r = redis.hmget(List.of(key(limit, nowMillis), "u", "r")).toCompletionStage().toCompletableFuture()
                    .get(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
            return new CounterState(number(r.get(0)), number(r.get(1)), end);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return local.state(limit, nowMillis);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return local.state(limit, nowMillis); // what this pod counted while Redis was away
        }
    }

    /**
     * A slow Redis counts as a failed one after the timeout, so a request never waits longer than that. The
     * command still runs when Redis gets to it; {@code late} gets its answer then, to take back what it did.
     */
    private <T> Future<T> withDeadline(Future<T> call, java.util.function.Consumer<T> late) {
        Promise<T> result = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, id -> result.tryFail("no answer within " + timeoutMillis + " ms"));
        call.onComplete(ar -> {
            vertx.cancelTimer(timer);
            boolean inTime = ar.succeeded() ? result.tryComplete(ar.result()) : result.tryFail(ar.cause());
            if (!inTime && ar.succeeded()) {
                late.accept(ar.result());
            }
        });
        return result.future();
    }

    /**
     * An admission Redis made after its caller stopped waiting (and decided without it): counts it back, so the
     * request is not counted twice nor its reservation held until the window ends.
     */
    private void undo(List<Limit> limits, Response late, long tokens, long nanoUsd, long nowMillis, String reservation) {
        if (late.get(0).toLong() != 0) {
            return; // Redis refused it: it changed nothing
        }
        List<String> args = new ArrayList<>(2 + limits.size() * 5);
        args.add(UNDO);
        args.add(Integer.toString(limits.size() * 2));
        addKeys(args, limits, nowMillis);
        for (Limit l : limits) {
            long amount = amount(l, tokens, nanoUsd);
            boolean requests = l.kind() == Limit.Kind.REQUESTS;
            args.add(requests ? "u" : "r");
            args.add(Long.toString(-amount));
            args.add(requests ? "" : reservation + ":" + amount);
        }
        redis.eval(args).onFailure(e -> LOG.debugf("Could not take back a late Redis admission: %s", e.getMessage()));
    }

    /** Each limit's counter key in the window holding {@code at}, then each one's set of reservations. */
    private static void addKeys(List<String> args, List<Limit> limits, long at) {
        for (Limit l : limits) {
            args.add(key(l, at));
        }
        for (Limit l : limits) {
            args.add(key(l, at) + RESERVATIONS);
        }
    }

    /** What one request adds to {@code l}: itself to a request counter, its tokens or cost to the others. */
    private static long amount(Limit l, long tokens, long nanoUsd) {
        return switch (l.kind()) {
            case REQUESTS -> 1;
            case TOKENS -> tokens;
            case BUDGET -> nanoUsd;
        };
    }

    private static long number(Response r) {
        return r == null ? 0 : r.toLong();
    }

    static String key(Limit l, long nowMillis) {
        return PREFIX + l.counter() + ":" + l.window().start(nowMillis);
    }

    private void failed(Throwable e) {
        if (down.compareAndSet(false, true)) {
            LOG.warnf("Redis does not answer (%s); governance %s until it does", e.getMessage(),
                    unavailable == Unavailable.LOCAL ? "counts in this pod's memory" : "refuses requests with limits (503)");
        }
    }

    private void recovered() {
        if (down.compareAndSet(true, false)) {
            LOG.info("Redis answers again; governance counters are shared again");
        }
    }
}
