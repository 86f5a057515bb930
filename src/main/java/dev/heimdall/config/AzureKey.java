package dev.heimdall.config;

import java.net.URI;
import java.util.Map;

/**
 * Bifrost's {@code azure_key_config} of one Azure OpenAI key: the resource's {@code endpoint}
 * ({@code https://<resource>.openai.azure.com}), its {@code deployments} (model name → deployment name; a
 * model not listed is taken as its own deployment name) and the {@code api_version} every call carries.
 */
public record AzureKey(URI endpoint, Map<String, String> deployments, String apiVersion) {

    /** Azure's current GA version, Bifrost's default too. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";

    public AzureKey {
        deployments = Map.copyOf(deployments);
    }

    public String deployment(String model) {
        return deployments.getOrDefault(model, model);
    }
}
