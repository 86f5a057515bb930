package dev.heimdall.testing;

import static io.restassured.RestAssured.given;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples from the gateway's /metrics exposition. */
public final class Prometheus {

    private Prometheus() {
    }

    public static String scrape() {
        return given().get("/metrics").then().statusCode(200).extract().asString();
    }

    /**
     * The sum of the samples of {@code name} whose label set contains every one of {@code labels}
     * ({@code key="value"} pairs, as in the exposition); 0 when there is none.
     */
    public static double sample(String exposition, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(exposition);
        double total = 0;
        while (m.find()) {
            String set = "," + m.group(1) + ",";
            boolean all = true;
            for (String label : labels) {
                all &= set.contains("," + label + ",");
            }
            if (all) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    /** {@code key="value"}, as a label appears in the exposition. */
    public static String label(String key, String value) {
        return key + "=\"" + value + "\"";
    }
}
