package dev.heimdall.provider;

import dev.heimdall.config.KeyConfig;
import dev.heimdall.config.ProviderConfig;

/** One upstream call: a target with the key chosen for it and the model name that key's upstream serves. */
public record Attempt(ProviderConfig provider, KeyConfig key, String publicModel, String upstreamModel) {
}
