package dev.heimdall.governance;

import io.vertx.core.MultiMap;

/**
 * The virtual key a client presents, in any of the headers Bifrost's clients use: {@code x-bf-vk} (any
 * value), or an {@code sk-bf-} value in {@code Authorization: Bearer}, {@code x-api-key} (Anthropic's SDKs)
 * or {@code x-goog-api-key} (Gemini's). Other values in those headers are not virtual keys.
 */
final class PresentedKey {

    static final String PREFIX = "sk-bf-";

    private PresentedKey() {
    }

    /** The presented value, or null when the request carries none. */
    static String from(MultiMap headers) {
        String vk = headers.get("x-bf-vk");
        if (vk != null && !vk.isBlank()) {
            return vk.strip();
        }
        String auth = headers.get("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = auth.substring(7).strip();
            if (token.startsWith(PREFIX)) {
                return token;
            }
        }
        for (String name : new String[] {"x-api-key", "x-goog-api-key"}) {
            String value = headers.get(name);
            if (value != null && value.strip().startsWith(PREFIX)) {
                return value.strip();
            }
        }
        return null;
    }
}
