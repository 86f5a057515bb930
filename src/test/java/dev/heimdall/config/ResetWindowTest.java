package dev.heimdall.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResetWindowTest {

    private static final long NOW = Instant.parse("2026-11-25T16:47:13.250Z").toEpochMilli();

    private static String start(String window) {
        return Instant.ofEpochMilli(ResetWindow.parse(window).start(NOW)).toString();
    }

    private static String end(String window) {
        ResetWindow w = ResetWindow.parse(window);
        return Instant.ofEpochMilli(w.end(w.start(NOW))).toString();
    }

    @Test
    void windowsAreAlignedInUtc() {
        assertEquals("2026-11-25T16:47:00Z", start("30s"));
        assertEquals("2026-11-25T16:47:30Z", end("30s"));
        assertEquals("2026-11-25T16:45:00Z", start("5m"));
        assertEquals("2026-11-25T16:00:00Z", start("1h"));
        assertEquals("2026-11-25T00:00:00Z", start("1d"));
        assertEquals("2026-11-26T00:00:00Z", end("1d"));
        assertEquals("2026-11-23T00:00:00Z", start("1w"), "weeks start on Monday");
        assertEquals("2026-11-30T00:00:00Z", end("1w"));
        assertEquals("2026-11-01T00:00:00Z", start("1M"));
        assertEquals("2026-12-01T00:00:00Z", end("1M"));
        assertEquals("2026-10-01T00:00:00Z", start("3M"), "quarters: months counted from year 0");
        assertEquals("2027-01-01T00:00:00Z", end("3M"));
        assertEquals("2026-01-01T00:00:00Z", start("1Y"));
        assertEquals("2027-01-01T00:00:00Z", end("1Y"));
    }

    @Test
    void onlyBifrostsSyntaxParses() {
        assertEquals("1M", ResetWindow.parse("1M").toString());
        assertNull(ResetWindow.parse("1 hour"));
        assertNull(ResetWindow.parse("0d"));
        assertNull(ResetWindow.parse("1x"));
        assertNull(ResetWindow.parse("h"));
    }
}
