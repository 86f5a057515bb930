package dev.heimdall.admin;

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
import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.store.StoredEntity;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The governance entities in force as the management API shows them: configuration plus each counter's
 * current window (used, reserved, remaining, when it resets), and who owns the entity ({@code "source"}:
 * {@code file} or {@code api}). A virtual key's value is never shown; its {@code env.NAME} reference is.
 * Reading counters may wait on Redis: call from a worker thread.
 */
@ApplicationScoped
public class GovernanceViews {

    private final Governance governance;
    private final ConfigService configs;

    public GovernanceViews(Governance governance, ConfigService configs) {
        this.governance = governance;
        this.configs = configs;
    }

    Policies policies() {
        return governance.policies();
    }

    JsonObject virtualKey(KeyPolicy p) {
        GovernanceConfig.VirtualKey k = p.key();
        JsonArray access = new JsonArray();
        for (ProviderAccess a : k.providerConfigs()) {
            access.add(new JsonObject().put("id", a.id()).put("provider", a.provider()).put("weight", a.weight())
                    .put("allowed_models", names(a.allowedModels())).put("key_ids", names(a.keyIds()))
                    .put("rate_limit_id", a.rateLimitId()));
        }
        List<Limit> limits = new ArrayList<>(p.limits());
        p.byProvider().values().forEach(limits::addAll);
        String reference = k.value() == null ? null : k.value().reference();
        return new JsonObject().put("id", k.id()).put("name", k.name()).put("description", k.description())
                .put("value", reference != null && reference.startsWith("env.") ? reference : null)
                .put("is_active", k.active())
                .put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString()).put("team_id", k.teamId())
                .put("customer_id", k.customerId()).put("rate_limit_id", k.rateLimitId())
                .put("rate_limit_inline", InlineLimits.isInlineRateLimit("virtual_key_id", k.id(), k.rateLimitId())).put("provider_configs", access)
                .put("budgets", budgetsOf(governance.policies().config(), GovernanceConfig.Owner.Kind.VIRTUAL_KEY, k.id()))
                .put("limits", limits(limits)).put("source", source(ConfigJson.KIND_VIRTUAL_KEY, k.id()));
    }

    JsonObject team(GovernanceConfig.Team t) {
        GovernanceConfig g = governance.policies().config();
        return new JsonObject().put("id", t.id()).put("name", t.name()).put("customer_id", t.customerId())
                .put("rate_limit_id", t.rateLimitId()).put("rate_limit_inline", InlineLimits.isInlineRateLimit("team_id", t.id(), t.rateLimitId()))
                .put("budgets", budgetsOf(g, GovernanceConfig.Owner.Kind.TEAM, t.id()))
                .put("source", source(ConfigJson.KIND_TEAM, t.id()));
    }

    JsonObject customer(GovernanceConfig.Customer c) {
        GovernanceConfig g = governance.policies().config();
        return new JsonObject().put("id", c.id()).put("name", c.name()).put("rate_limit_id", c.rateLimitId())
                .put("rate_limit_inline", InlineLimits.isInlineRateLimit("customer_id", c.id(), c.rateLimitId()))
                .put("budgets", budgetsOf(g, GovernanceConfig.Owner.Kind.CUSTOMER, c.id()))
                .put("source", source(ConfigJson.KIND_CUSTOMER, c.id()));
    }

    JsonObject rateLimit(RateLimit rl) {
        Map<String, Limit> counters = new LinkedHashMap<>();
        for (KeyPolicy p : governance.policies().all()) {
            p.limits().forEach(l -> counters.putIfAbsent(l.counter(), l));
            p.byProvider().values().forEach(ls -> ls.forEach(l -> counters.putIfAbsent(l.counter(), l)));
        }
        List<Limit> mine = counters.values().stream().filter(l -> l.kind() != Limit.Kind.BUDGET && l.id().equals(rl.id())).toList();
        return new JsonObject().put("id", rl.id()).put("request_max_limit", rl.requestMax())
                .put("request_reset_duration", text(rl.requestReset())).put("token_max_limit", rl.tokenMax())
                .put("token_reset_duration", text(rl.tokenReset())).put("counters", limits(mine))
                .put("source", source(ConfigJson.KIND_RATE_LIMIT, rl.id()));
    }

    /** {@code file} or {@code api}: who owns the entity, so the UI can show what it may change. */
    String source(String kind, String id) {
        ConfigSnapshot snapshot = configs.current();
        ConfigSnapshot.EntityState state = snapshot == null ? null : snapshot.entity(kind, id);
        return state == null || state.origin() == StoredEntity.Origin.FILE ? "file" : "api";
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

    JsonObject budget(Budget b) {
        CounterState s = governance.state(Policies.budget(b, ""));
        return new JsonObject().put("id", b.id()).put("max_limit", b.maxLimitUsd()).put("reset_duration", b.reset().toString())
                .put("owner", new JsonObject().put("kind", b.owner().kind().name().toLowerCase()).put("id", b.owner().id()))
                .put("inline", InlineLimits.isInlineBudget(b))
                .put("spent_usd", Limit.usd(s.used())).put("reserved_usd", Limit.usd(s.reserved()))
                .put("remaining_usd", Math.max(0, b.maxLimitUsd() - Limit.usd(s.used() + s.reserved())))
                .put("resets_at", Instant.ofEpochMilli(s.windowEnd()).toString())
                .put("source", source(ConfigJson.KIND_BUDGET, b.id()));
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
}
