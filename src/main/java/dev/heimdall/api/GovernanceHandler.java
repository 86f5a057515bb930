package dev.heimdall.api;

import dev.heimdall.config.GovernanceConfig;
import dev.heimdall.config.GovernanceConfig.Budget;
import dev.heimdall.config.GovernanceConfig.ProviderAccess;
import dev.heimdall.config.GovernanceConfig.RateLimit;
import dev.heimdall.config.ModelFilter;
import dev.heimdall.config.ResetWindow;
import dev.heimdall.governance.Governance;
import dev.heimdall.governance.KeyPolicy;
import dev.heimdall.governance.Limit;
import dev.heimdall.governance.LimitStore.CounterState;
import dev.heimdall.governance.Policies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /api/governance/{virtual-keys, teams, customers, budgets, rate-limits}: the governance configuration in
 * force with each counter's current window (used, reserved, remaining, when it resets), read-only until the
 * management API. Lists are wrapped as Bifrost's management API wraps them ({@code {"virtual_keys": [...],
 * "count": n}}). A virtual key's value is never shown; its {@code env.NAME} reference is.
 */
@ApplicationScoped
public class GovernanceHandler {

    private final Governance governance;

    public GovernanceHandler(Governance governance) {
        this.governance = governance;
    }

    void virtualKeys(RoutingContext ctx) {
        list(ctx, "virtual_keys", () -> {
            JsonArray out = new JsonArray();
            for (KeyPolicy p : governance.policies().all()) {
                GovernanceConfig.VirtualKey k = p.key();
                JsonArray access = new JsonArray();
                for (ProviderAccess a : k.providerConfigs()) {
                    access.add(new JsonObject().put("id", a.id()).put("provider", a.provider()).put("weight", a.weight())
                            .put("allowed_models", names(a.allowedModels())).put("key_ids", names(a.keyIds()))
                            .put("rate_limit_id", a.rateLimitId()));
                }
                List<Limit> limits = new ArrayList<>(p.limits());
                p.byProvider().values().forEach(limits::addAll);
                out.add(new JsonObject().put("id", k.id()).put("name", k.name()).put("description", k.description())
                        .put("value", k.value() == null ? null : k.value().redacted()).put("is_active", k.active())
                        .put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString()).put("team_id", k.teamId())
                        .put("customer_id", k.customerId()).put("rate_limit_id", k.rateLimitId()).put("provider_configs", access)
                        .put("limits", limits(limits)));
            }
            return out;
        });
    }

    void teams(RoutingContext ctx) {
        list(ctx, "teams", () -> {
            GovernanceConfig g = governance.policies().config();
            JsonArray out = new JsonArray();
            for (GovernanceConfig.Team t : g.teams().values()) {
                out.add(new JsonObject().put("id", t.id()).put("name", t.name()).put("customer_id", t.customerId())
                        .put("rate_limit_id", t.rateLimitId()).put("budgets", budgetsOf(g, GovernanceConfig.Owner.Kind.TEAM, t.id())));
            }
            return out;
        });
    }

    void customers(RoutingContext ctx) {
        list(ctx, "customers", () -> {
            GovernanceConfig g = governance.policies().config();
            JsonArray out = new JsonArray();
            for (GovernanceConfig.Customer c : g.customers().values()) {
                out.add(new JsonObject().put("id", c.id()).put("name", c.name()).put("rate_limit_id", c.rateLimitId())
                        .put("budgets", budgetsOf(g, GovernanceConfig.Owner.Kind.CUSTOMER, c.id())));
            }
            return out;
        });
    }

    void budgets(RoutingContext ctx) {
        list(ctx, "budgets", () -> {
            GovernanceConfig g = governance.policies().config();
            JsonArray out = new JsonArray();
            for (Budget b : g.budgets().values()) {
                out.add(budget(b));
            }
            return out;
        });
    }

    void rateLimits(RoutingContext ctx) {
        list(ctx, "rate_limits", () -> {
            Policies policies = governance.policies();
            Map<String, Limit> counters = new LinkedHashMap<>();
            for (KeyPolicy p : policies.all()) {
                p.limits().forEach(l -> counters.putIfAbsent(l.counter(), l));
                p.byProvider().values().forEach(ls -> ls.forEach(l -> counters.putIfAbsent(l.counter(), l)));
            }
            JsonArray out = new JsonArray();
            for (RateLimit rl : policies.config().rateLimits().values()) {
                List<Limit> mine = counters.values().stream().filter(l -> l.kind() != Limit.Kind.BUDGET && l.id().equals(rl.id())).toList();
                out.add(new JsonObject().put("id", rl.id()).put("request_max_limit", rl.requestMax())
                        .put("request_reset_duration", text(rl.requestReset())).put("token_max_limit", rl.tokenMax())
                        .put("token_reset_duration", text(rl.tokenReset())).put("counters", limits(mine)));
            }
            return out;
        });
    }

    private JsonArray budgetsOf(GovernanceConfig g, GovernanceConfig.Owner.Kind kind, String id) {
        JsonArray out = new JsonArray();
        for (Budget b : g.budgets().values()) {
            if (b.owner().kind() == kind && b.owner().id().equals(id)) {
                out.add(budget(b));
            }
        }
        return out;
    }

    private JsonObject budget(Budget b) {
        CounterState s = governance.state(Policies.budget(b, ""));
        return new JsonObject().put("id", b.id()).put("max_limit", b.maxLimitUsd()).put("reset_duration", b.reset().toString())
                .put("owner", new JsonObject().put("kind", b.owner().kind().name().toLowerCase()).put("id", b.owner().id()))
                .put("spent_usd", Limit.usd(s.used())).put("reserved_usd", Limit.usd(s.reserved()))
                .put("remaining_usd", Math.max(0, b.maxLimitUsd() - Limit.usd(s.used() + s.reserved())))
                .put("resets_at", Instant.ofEpochMilli(s.windowEnd()).toString());
    }

    private JsonArray limits(List<Limit> limits) {
        JsonArray out = new JsonArray();
        for (Limit l : limits) {
            CounterState s = governance.state(l);
            boolean usd = l.kind() == Limit.Kind.BUDGET;
            out.add(new JsonObject().put("kind", l.kind().name().toLowerCase()).put("id", l.id()).put("owner", l.owner())
                    .put("window", l.window().toString())
                    .put("max", usd ? Limit.usd(l.max()) : (Object) l.max())
                    .put("used", usd ? Limit.usd(s.used()) : (Object) s.used())
                    .put("reserved", usd ? Limit.usd(s.reserved()) : (Object) s.reserved())
                    .put("remaining", usd ? Math.max(0, Limit.usd(l.max() - s.used() - s.reserved()))
                            : (Object) Math.max(0, l.max() - s.used() - s.reserved()))
                    .put("resets_at", Instant.ofEpochMilli(s.windowEnd()).toString()));
        }
        return out;
    }

    private static JsonArray names(ModelFilter f) {
        return f.all() ? new JsonArray().add("*") : new JsonArray(f.names());
    }

    private static String text(ResetWindow w) {
        return w == null ? null : w.toString();
    }

    /** Builds the list on a worker thread (reading counters may wait on Redis) and answers with it. */
    private static void list(RoutingContext ctx, String name, java.util.concurrent.Callable<JsonArray> items) {
        ctx.vertx().executeBlocking(items, false).onComplete(ar -> {
            if (ar.failed()) {
                Responses.error(ctx, Responses.toError(ar.cause()));
            } else {
                Responses.json(ctx, 200, new JsonObject().put(name, ar.result()).put("count", ar.result().size()));
            }
        });
    }
}
