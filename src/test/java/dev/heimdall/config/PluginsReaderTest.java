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

/** {@code plugins}, and the otel plugin read whole. */
class PluginsReaderTest {

    private final ConfigReader r = new ConfigReader(name -> name.equals("LANGFUSE_AUTH") ? "Basic cGs6c2s=" : null);

    private PluginsReader.Plugins read(String pluginsJson) {
        return new PluginsReader(r).read(tree(pluginsJson));
    }

    @Test
    void theEnabledOtelPluginIsReadWholeWithEnvHeaders() {
        var plugins = read("""
                [{"name": "otel", "enabled": true, "config": {"collector_url": "http://langfuse:3000/api/public/otel/v1/traces",
                  "service_name": "gw", "headers": {"Authorization": "env.LANGFUSE_AUTH"}}},
                 {"name": "semantic_cache", "enabled": true}]
                """);
        assertEquals(List.of(), r.problems());
        assertEquals("gw", plugins.otel().serviceName());
        assertEquals("Basic cGs6c2s=", plugins.otel().headers().get("Authorization").value());
        assertEquals(2, plugins.all().size(), "every plugin is kept as written");
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("semantic_cache")), r.warnings().toString());
    }

    @Test
    void aDisabledOtelPluginTracesNothingAndIsNotValidated() {
        var plugins = read("[{\"name\": \"otel\", \"enabled\": false, \"config\": {}}]");
        assertEquals(null, plugins.otel());
        assertEquals(List.of(), r.problems());
    }

    @Test
    void otelProblemsAndTheGrpcWarning() {
        read("""
                [{"name": "otel", "config": {"collector_url": "langfuse:3000", "headers": {"X": "env.UNSET"}, "protocol": "grpc"}},
                 {"name": "otel", "config": {"collector_url": "http://second"}},
                 {"name": "otel", "enabled": "yes"}, 7]
                """);
        List<ConfigProblem> p = r.problems();
        assertProblem(p, "$.plugins[0].config.collector_url", "absolute http:// or https:// URL");
        assertProblem(p, "$.plugins[0].config.headers.X", "environment variable UNSET is not set");
        // The first one's URL is invalid, so the second is the plugin in force; "yes" enables the third.
        assertProblem(p, "$.plugins[2]", "a second enabled otel plugin");
        assertFalse(p.stream().anyMatch(x -> x.path().startsWith("$.plugins[1]")), p.toString());
        assertProblem(p, "$.plugins[2].enabled", "true or false");
        assertProblem(p, "$.plugins[3]", "must be an object with a \"name\"");
        assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("$.plugins[0].config.protocol")), r.warnings().toString());
        assertFalse(p.toString().contains("cGs6c2s="));
    }
}
