package dev.heimdall.telemetry;

/**
 * The bound on message content a span carries ({@code heimdall.trace-content-limit}): {@code limit} bytes of
 * JSON text per attribute (input or output), shared by all its parts. Text copied as the client wrote it
 * counts its bytes; a text that does not fit is decoded, cut to the characters left and ends with a marker
 * saying how much was left out; once the budget is spent further texts are only the marker.
 */
final class ContentBudget {

    private int left;

    ContentBudget(int limit) {
        this.left = limit;
    }

    /** Whether {@code bytes} of JSON text fit whole (its characters are at most its bytes); if so they are taken. */
    boolean fits(int bytes) {
        if (bytes > left) {
            return false;
        }
        left -= bytes;
        return true;
    }

    String take(String text) {
        if (text.length() <= left) {
            left -= text.length();
            return text;
        }
        int cut = left > 0 && Character.isHighSurrogate(text.charAt(left - 1)) ? left - 1 : left;
        String kept = text.substring(0, cut);
        int omitted = text.length() - cut;
        left = 0;
        return kept + marker(omitted);
    }

    /** The output of an answer too large to keep for its span (over ResponseCapture.LIMIT bytes). */
    static String notCaptured(long bytes) {
        return "…[truncated by Heimdall: an answer of " + bytes + " bytes is not kept for the span]";
    }

    static String marker(int omitted) {
        return "…[truncated by Heimdall: " + omitted + " more characters]";
    }
}
