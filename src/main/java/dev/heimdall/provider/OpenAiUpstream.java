package dev.heimdall.provider;

import dev.heimdall.config.AzureKey;
import dev.heimdall.config.KeyConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.net.URI;

/**
 * Where an upstream that takes OpenAI's bodies is and how it authenticates: most at the provider's API root
 * with {@code Authorization: Bearer}; Azure OpenAI at each key's resource, under the deployment of the
 * model, with the {@code api-version} query and an {@code api-key} header. Translators whose upstream
 * schema is OpenAI's ({@link OpenAiToOpenAi}, {@code AnthropicToOpenAi}) use one of these.
 */
public enum OpenAiUpstream {

    PLAIN {
        @Override
        public URI root(Attempt attempt) {
            return attempt.provider().network().apiRoot();
        }

        @Override
        public String path(String operationPath, Attempt attempt) {
            return operationPath;
        }

        @Override
        public void auth(KeyConfig key, MultiMap upstream) {
            if (!key.value().isEmpty()) {
                upstream.set(HttpHeaders.AUTHORIZATION, "Bearer " + key.value().value());
            }
        }
    },

    AZURE {
        @Override
        public URI root(Attempt attempt) {
            return attempt.key().azure().endpoint();
        }

        @Override
        public String path(String operationPath, Attempt attempt) {
            AzureKey azure = attempt.key().azure();
            return "/openai/deployments/" + java.net.URLEncoder.encode(azure.deployment(attempt.upstreamModel()), java.nio.charset.StandardCharsets.UTF_8)
                    + operationPath + "?api-version=" + java.net.URLEncoder.encode(azure.apiVersion(), java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public void auth(KeyConfig key, MultiMap upstream) {
            upstream.set("api-key", key.value().value());
        }
    };

    /** The URL the path is appended to. */
    public abstract URI root(Attempt attempt);

    /** The path (and query) for an OpenAI operation such as {@code /chat/completions}. */
    public abstract String path(String operationPath, Attempt attempt);

    /** The key's credentials on a request (model discovery uses this too). */
    public abstract void auth(KeyConfig key, MultiMap upstream);
}
