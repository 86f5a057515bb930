package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heimdall's {@code aliases}: a public model name for one {@code provider/model} or an ordered list of
 * them, each checked against the providers read before.
 */
final class AliasesReader {

    private final ConfigReader r;

    AliasesReader(ConfigReader r) {
        this.r = r;
    }

    Map<String, AliasConfig> read(JsonNode node, Map<String, ProviderConfig> providers) {
        Map<String, AliasConfig> aliases = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return aliases;
        }
        if (!node.isObject()) {
            r.problem("$.aliases", "must be an object mapping a public model name to \"provider/model\" or a list of them");
            return aliases;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = "$.aliases." + e.getKey();
            List<String> targets = new ArrayList<>();
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                targets.add(v.textValue());
            } else if (v.isArray() && !v.isEmpty()) {
                for (int i = 0; i < v.size(); i++) {
                    if (v.get(i).isTextual()) {
                        targets.add(v.get(i).textValue());
                    } else {
                        r.problem(path + "[" + i + "]", "must be a \"provider/model\" string");
                    }
                }
            } else {
                r.problem(path, "must be a \"provider/model\" string or a non-empty list of them");
                continue;
            }
            for (int i = 0; i < targets.size(); i++) {
                String t = targets.get(i);
                String tp = v.isArray() ? path + "[" + i + "]" : path;
                int slash = t.indexOf('/');
                ProviderConfig provider = slash > 0 ? providers.get(t.substring(0, slash)) : null;
                if (provider == null) {
                    r.problem(tp, "target \"" + t + "\" must start with a configured provider (" + String.join(", ", providers.keySet()) + ")");
                } else if (!provider.serves(t.substring(slash + 1))) {
                    r.problem(tp, "no key of provider \"" + provider.name() + "\" serves model \"" + t.substring(slash + 1) + "\"");
                }
            }
            aliases.put(e.getKey(), new AliasConfig(e.getKey(), targets));
        }
        return aliases;
    }
}
