package dev.heimdall.routing;

import dev.heimdall.config.AliasConfig;
import dev.heimdall.config.BuiltInProvider;
import dev.heimdall.config.GatewayConfig;
import dev.heimdall.config.KeyConfig;
import dev.heimdall.config.ProviderConfig;
import dev.heimdall.provider.DiscoveredModels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns the model name a client sent into targets. Rules, in order:
 * <ol>
 * <li>a gateway alias names its targets (primary, then fallbacks);</li>
 * <li>{@code provider/model} with a configured provider routes there with the model unchanged; a doubled
 * prefix ({@code openai/openai/glm-5}, sent by Aider through LiteLLM) counts once;</li>
 * <li>any other name, slashes included ({@code meta-llama/Llama-3.1-8B}), is a bare model: it routes when
 * exactly one provider lists it (in its keys, or in the models its upstream reported), or when the gateway
 * has a single provider that accepts any model.</li>
 * </ol>
 * Unknown names are 404s and ambiguous ones 400s; both list the valid ids. Built once per config.
 */
public final class ModelResolver {

    private static final int LISTED_IN_ERRORS = 40;
    /** Resolutions are pure for a given config; names that fail are not cached, so the map stays small. */
    private static final int MAX_CACHED = 10_000;

    private final Map<String, Route> resolved = new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, ProviderConfig> providers;
    private final Map<String, AliasConfig> aliases;
    /** Bare model name → providers whose keys list it (in models or aliases). */
    private final Map<String, List<ProviderConfig>> bareIndex;
    private final List<ModelEntry> models;

    public ModelResolver(GatewayConfig config) {
        this(config, DiscoveredModels.NONE);
    }

    public ModelResolver(GatewayConfig config, DiscoveredModels discovered) {
        this.providers = config.providers();
        this.aliases = config.aliases();
        Map<String, List<ProviderConfig>> index = new LinkedHashMap<>();
        Map<String, ModelEntry> listed = new LinkedHashMap<>();
        for (ProviderConfig p : providers.values()) {
            Set<String> names = listedModels(p);
            names.addAll(discovered.byProvider().getOrDefault(p.name(), List.of()));
            for (String m : names) {
                List<ProviderConfig> serving = index.computeIfAbsent(m, k -> new ArrayList<>());
                if (!serving.contains(p)) {
                    serving.add(p);
                }
                listed.putIfAbsent(p.name() + "/" + m, new ModelEntry(p.name() + "/" + m, p.name()));
            }
        }
        for (AliasConfig a : aliases.values()) {
            String owner = a.targets().get(0).substring(0, a.targets().get(0).indexOf('/'));
            listed.putIfAbsent(a.name(), new ModelEntry(a.name(), owner));
        }
        this.bareIndex = index;
        this.models = List.copyOf(listed.values());
    }

    /**
     * A configured provider's target for {@code model} when one of its keys serves it; empty otherwise.
     * Only for a bare name: {@link #qualified} says whether the name already picks its provider.
     */
    public Optional<Target> direct(String provider, String model) {
        ProviderConfig p = providers.get(provider);
        return p != null && p.serves(model) ? Optional.of(new Target(p, model)) : Optional.empty();
    }

    /** Whether {@code requested} names its own route: an alias, or a configured provider's prefix. */
    public boolean qualified(String requested) {
        int slash = requested.indexOf('/');
        return aliases.containsKey(requested) || (slash > 0 && providers.containsKey(requested.substring(0, slash)));
    }

    /** Every id a client can use, as {@code GET /v1/models} lists them. */
    public List<ModelEntry> models() {
        return models;
    }

    public Route resolve(String requested) {
        Route cached = resolved.get(requested);
        if (cached != null) {
            return cached;
        }
        Route route = resolveUncached(requested);
        if (resolved.size() < MAX_CACHED) {
            resolved.put(requested, route);
        }
        return route;
    }

    private Route resolveUncached(String requested) {
        AliasConfig alias = aliases.get(requested);
        if (alias != null) {
            List<Target> targets = new ArrayList<>();
            for (String t : alias.targets()) {
                int slash = t.indexOf('/');
                targets.add(new Target(providers.get(t.substring(0, slash)), t.substring(slash + 1)));
            }
            return new Route(requested, targets);
        }
        int slash = requested.indexOf('/');
        if (slash > 0) {
            ProviderConfig provider = providers.get(requested.substring(0, slash));
            if (provider != null) {
                String prefix = requested.substring(0, slash + 1);
                String model = requested.substring(slash + 1);
                while (model.startsWith(prefix)) {
                    model = model.substring(prefix.length());
                }
                if (!model.isEmpty() && provider.serves(model)) {
                    return new Route(requested, List.of(new Target(provider, model)));
                }
                // "openai/gpt-oss-20b" may be a bare upstream name that happens to start with a provider's name.
                Optional<Route> bare = bare(requested);
                if (bare.isPresent()) {
                    return bare.get();
                }
                throw notFound(requested, "provider \"" + provider.name() + "\" has no key serving model \"" + model + "\"");
            }
        }
        Optional<Route> bare = bare(requested);
        if (bare.isPresent()) {
            return bare.get();
        }
        if (slash > 0 && BuiltInProvider.byName(requested.substring(0, slash)).isPresent()) {
            throw notFound(requested, "provider \"" + requested.substring(0, slash) + "\" is not configured");
        }
        throw notFound(requested, null);
    }

    private Optional<Route> bare(String model) {
        List<ProviderConfig> serving = bareIndex.getOrDefault(model, List.of());
        if (serving.size() == 1) {
            return Optional.of(new Route(model, List.of(new Target(serving.get(0), model))));
        }
        if (serving.size() > 1) {
            String choices = serving.stream().map(p -> p.name() + "/" + model).collect(Collectors.joining(", "));
            throw new RoutingException(400, "model_ambiguous", "The model `" + model + "` is served by "
                    + serving.size() + " providers; name one of: " + choices);
        }
        if (providers.size() == 1) {
            ProviderConfig only = providers.values().iterator().next();
            if (only.keys().stream().anyMatch(k -> k.models().all())) {
                return Optional.of(new Route(model, List.of(new Target(only, model))));
            }
        }
        return Optional.empty();
    }

    private RoutingException notFound(String requested, String detail) {
        String valid = models.isEmpty() ? "none are configured"
                : models.stream().limit(LISTED_IN_ERRORS).map(ModelEntry::id).collect(Collectors.joining(", "))
                        + (models.size() > LISTED_IN_ERRORS ? ", … (" + models.size() + " in all, see GET /v1/models)" : "");
        return new RoutingException(404, "model_not_found", "The model `" + requested + "` does not exist"
                + (detail == null ? "" : " (" + detail + ")") + ". Valid models: " + valid + ".");
    }

    private static Set<String> listedModels(ProviderConfig p) {
        Set<String> names = new LinkedHashSet<>();
        for (KeyConfig k : p.keys()) {
            names.addAll(k.models().names());
            names.addAll(k.aliases().keySet());
        }
        return names;
    }
}
