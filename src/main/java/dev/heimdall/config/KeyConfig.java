package dev.heimdall.config;

import java.util.Map;

/**
 * One credential of a provider. {@code aliases} maps a public model name to the name this key's
 * upstream serves (for example {@code glm-5 -> glm5}), so clients never depend on upstream spelling.
 * {@code azure} is the key's Azure resource (null for other providers).
 */
public record KeyConfig(String name, Secret value, double weight, ModelFilter models, Map<String, String> aliases, AzureKey azure) {

    public KeyConfig {
        aliases = Map.copyOf(aliases);
    }

    public KeyConfig(String name, Secret value, double weight, ModelFilter models, Map<String, String> aliases) {
        this(name, value, weight, models, aliases, null);
    }

    public boolean serves(String model) {
        return models.allows(model) || aliases.containsKey(model);
    }

    /** The model name to send upstream for a public model this key serves. */
    public String upstreamModel(String model) {
        return aliases.getOrDefault(model, model);
    }
}
