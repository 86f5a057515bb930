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

/** Bifrost's {@code client} section. */
class ClientReaderTest {

    private final ConfigReader r = new ConfigReader(name -> null);

    private ClientConfig read(String clientJson) {
        return new ClientReader(r).read(tree(clientJson));
    }

    @Test
    void absentMeansBifrostsDefaults() {
        assertEquals(ClientConfig.DEFAULTS, new ClientReader(r).read(null));
        assertEquals(ClientConfig.DEFAULTS, read("{}"));
        assertEquals(List.of(), r.problems());
    }

    @Test
    void valuesAreRead() {
        ClientConfig c = read("""
                {"max_request_body_size_mb": 8, "disable_content_logging": true, "log_retention_days": 30, "enable_logging": false,
                 "enforce_governance_header": false}
                """);
        assertEquals(new ClientConfig(8, true, 30, false, false), c);
        assertEquals(List.of(), r.problems());
    }

    @Test
    void limitsAndTypesAreChecked() {
        read("{\"max_request_body_size_mb\": 0, \"log_retention_days\": 1.5, \"disable_content_logging\": \"yes\", \"enable_logging\": 1}");
        List<ConfigProblem> p = r.problems();
        assertProblem(p, "$.client.max_request_body_size_mb", "between 1 and");
        assertProblem(p, "$.client.log_retention_days", "whole number");
        assertProblem(p, "$.client.disable_content_logging", "true or false");
        assertProblem(p, "$.client.enable_logging", "true or false");
        assertEquals(4, p.size(), p.toString());
        read("[]");
        assertProblem(r.problems(), "$.client", "must be an object");
    }
}
