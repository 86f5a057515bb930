package dev.heimdall.config;

import static dev.heimdall.config.ConfigParserTest.assertProblem;
import static dev.heimdall.config.ConfigParserTest.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Heimdall's {@code aliases}, checked against the providers. */
class AliasesReaderTest {

    private static List<ConfigProblem> problems(String json) {
        ConfigReader r = new ConfigReader(name -> null);
        JsonNode root = tree(json);
        Map<String, ProviderConfig> providers = new ProvidersReader(r).read(root.get("providers"));
        new AliasesReader(r).read(root.get("aliases"), providers);
        return r.problems();
    }

    @Test
    void aliasesMustPointAtServedTargets() {
        assertProblem(problems("{\"providers\": {\"openai\": {\"keys\": [{\"value\": \"x\", \"models\": [\"a\"]}]}}, \"aliases\": {\"fast\": \"openai/b\"}}"),
                "$.aliases.fast", "no key of provider \"openai\" serves model \"b\"");
        assertProblem(problems("{\"providers\": {}, \"aliases\": {\"fast\": [\"groq/x\"]}}"),
                "$.aliases.fast[0]", "must start with a configured provider");
    }

    @Test
    void anAliasKeepsItsTargetsInOrder() {
        ConfigReader r = new ConfigReader(name -> null);
        JsonNode root = tree("{\"providers\": {\"openai\": {}, \"groq\": {}}, \"aliases\": {\"fast\": [\"groq/l\", \"openai/g\"]}}");
        var aliases = new AliasesReader(r).read(root.get("aliases"), new ProvidersReader(r).read(root.get("providers")));
        assertEquals(List.of(), r.problems());
        assertEquals(List.of("groq/l", "openai/g"), aliases.get("fast").targets());
    }
}
