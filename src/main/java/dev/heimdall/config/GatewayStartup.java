package dev.heimdall.config;

import dev.heimdall.store.Database;
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
 * Start-up order: the app dir must exist and be writable before SQLite opens its file there, the schema
 * must be current before the import, and a configuration must be in force before readiness turns up.
 * Then config.json is watched. A failure here stops the process with the reason.
 */
@ApplicationScoped
public class GatewayStartup {

    private static final Logger LOG = Logger.getLogger(GatewayStartup.class);

    private final GatewaySettings settings;
    private final Database database;
    private final ConfigService configs;
    private final Vertx vertx;
    private long watchTimer = -1;

    public GatewayStartup(GatewaySettings settings, Database database, ConfigService configs, Vertx vertx) {
        this.settings = settings;
        this.database = database;
        this.configs = configs;
        this.vertx = vertx;
    }

    void start(@Observes @Priority(10) StartupEvent event) throws InvalidConfigException {
        prepareAppDir(Path.of(settings.appDir()));
        database.migrate();
        try {
            configs.loadAtStartup();
        } catch (InvalidConfigException e) {
            LOG.error(e.getMessage());
            throw e;
        }
        long every = settings.configWatchInterval().toMillis();
        if (every > 0) {
            watchTimer = vertx.setPeriodic(every, id -> vertx.executeBlocking(() -> configs.reloadIfChanged(), false));
            LOG.infof("Watching %s for changes every %d ms", configs.configFile(), every);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (watchTimer >= 0) {
            vertx.cancelTimer(watchTimer);
        }
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
