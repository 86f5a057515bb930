package dev.heimdall.config;

import dev.heimdall.store.StoreLocation;
import dev.heimdall.store.Stores;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Start-up order: the app dir must exist and be writable before SQLite opens its file there; config.json says
 * where the stores are (config_store, logs_store), and they are opened and their schemas made current before
 * the import; a configuration must be in force before readiness turns up. Then config.json is watched, and a
 * store the replicas share is followed. A failure here stops the process with the reason.
 */
@ApplicationScoped
public class GatewayStartup {

    private static final Logger LOG = Logger.getLogger(GatewayStartup.class);

    private final GatewaySettings settings;
    private final Stores stores;
    private final ConfigService configs;
    private final Vertx vertx;
    private long watchTimer = -1;
    private AutoCloseable following = () -> { };

    public GatewayStartup(GatewaySettings settings, Stores stores, ConfigService configs, Vertx vertx) {
        this.settings = settings;
        this.stores = stores;
        this.configs = configs;
        this.vertx = vertx;
    }

    void start(@Observes @Priority(10) StartupEvent event) throws InvalidConfigException {
        prepareAppDir(Path.of(settings.appDir()));
        try {
            StoresConfig where = configs.readStores();
            stores.open(where.config(), where.logs());
            LOG.infof("Configuration kept in %s, request log in %s", describe(where.config()), describe(where.logs()));
            configs.loadAtStartup();
        } catch (InvalidConfigException e) {
            LOG.error(e.getMessage());
            throw e;
        }
        following = configs.followSharedStore();
        long every = settings.configWatchInterval().toMillis();
        if (every > 0) {
            watchTimer = vertx.setPeriodic(every, id -> vertx.executeBlocking(() -> configs.reloadIfChanged(), false));
            LOG.infof("Watching %s for changes every %d ms", configs.configFile(), every);
        }
    }

    void stop(@Observes ShutdownEvent event) throws Exception {
        if (watchTimer >= 0) {
            vertx.cancelTimer(watchTimer);
        }
        following.close();
    }

    private static String describe(StoreLocation at) {
        return at.shared() ? at.postgres().describe() + " (shared by the replicas)" : Stores.SQLITE_FILE + " (this pod's own)";
    }

    /** The seeds' most common start-up failure is an unwritable volume; say so plainly. */
    static void prepareAppDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the app dir " + dir.toAbsolutePath() + " (" + e
                    + "). Set heimdall.app-dir / HEIMDALL_APP_DIR to a writable folder.", e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalStateException("The app dir " + dir.toAbsolutePath() + " is not writable by uid "
                    + ConfigService.currentUid() + ", so SQLite cannot create config.db there. In Kubernetes set the pod's"
                    + " securityContext.fsGroup (1000 for this image) or fix the volume's owner.");
        }
    }
}
