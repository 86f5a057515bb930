package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heimdall.store.ConfigStore;
import dev.heimdall.store.ImportResult;
import dev.heimdall.store.StoredEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Owns the configuration in force. config.json is read, validated whole, imported into SQLite (only what
 * changed), read back from SQLite and published as an immutable {@link ConfigSnapshot}. An invalid file
 * never replaces a running configuration: it is refused with every reason logged.
 */
@ApplicationScoped
public class ConfigService {

    private static final Logger LOG = Logger.getLogger(ConfigService.class);
    public static final String CONFIG_FILE = "config.json";

    private final ConfigStore store;
    private final Path configFile;
    private final Event<ConfigSnapshot> published;
    private final UnaryOperator<String> env;
    private final Clock clock;
    private volatile ConfigSnapshot current;
    /** Hash of the last file content seen, valid or not, so an unchanged bad file is reported once. */
    private String lastSeenFileHash;

    @Inject
    public ConfigService(ConfigStore store, GatewaySettings settings, Event<ConfigSnapshot> published) {
        this(store, Path.of(settings.appDir()).resolve(CONFIG_FILE), published, System::getenv, Clock.systemUTC());
    }

    public ConfigService(ConfigStore store, Path configFile, Event<ConfigSnapshot> published,
            UnaryOperator<String> env, Clock clock) {
        this.store = store;
        this.configFile = configFile;
        this.published = published;
        this.env = env;
        this.clock = clock;
    }

    /** The configuration in force, or null before start-up has loaded one. */
    public ConfigSnapshot current() {
        return current;
    }

    public Path configFile() {
        return configFile;
    }

    /**
     * Start-up: config.json when present, else what config.db holds from an earlier run, else nothing.
     * An invalid config.json stops start-up: running on a stale configuration would hide the mistake.
     */
    public synchronized ConfigSnapshot loadAtStartup() throws InvalidConfigException {
        byte[] bytes = readFile();
        if (bytes != null) {
            lastSeenFileHash = ConfigJson.sha256(bytes);
            return apply(bytes);
        }
        List<StoredEntity> stored = store.loadAll();
        if (stored.isEmpty()) {
            LOG.warnf("No %s in %s and nothing stored in config.db: starting with no providers", CONFIG_FILE,
                    configFile.getParent());
        } else {
            LOG.warnf("No %s in %s: using the configuration stored in config.db", CONFIG_FILE, configFile.getParent());
        }
        return publish(fromStore(stored, "config.db"), ImportResult.NONE);
    }

    /** Checks config.json and applies it if its content changed. Returns true when a new config was applied. */
    public synchronized boolean reloadIfChanged() {
        byte[] bytes;
        try {
            bytes = readFile();
        } catch (InvalidConfigException e) {
            LOG.errorf("Live reload skipped, the running configuration stays: %s", e.getMessage());
            return false;
        }
        if (bytes == null) {
            return false;
        }
        String hash = ConfigJson.sha256(bytes);
        if (hash.equals(lastSeenFileHash)) {
            return false;
        }
        lastSeenFileHash = hash;
        try {
            apply(bytes);
            return true;
        } catch (InvalidConfigException e) {
            LOG.errorf("Refused the changed %s; the running configuration stays. %s", configFile, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.errorf(e, "Could not apply the changed %s; the running configuration stays", configFile);
            return false;
        }
    }

    private ConfigSnapshot apply(byte[] bytes) throws InvalidConfigException {
        String source = configFile.toString();
        JsonNode root = ConfigJson.read(bytes, source);
        ParsedConfig parsed = ConfigParser.parse(root, source, env);
        JsonNode stored = ConfigJson.forStorage(root);
        List<ConfigStore.Incoming> incoming = new ArrayList<>();
        for (ConfigJson.Entity e : ConfigJson.split(stored)) {
            incoming.add(new ConfigStore.Incoming(e.kind(), e.name(), e.hash(), ConfigJson.canonical(e.json())));
        }
        String configHash = ConfigJson.hash(stored);
        ImportResult result = store.importEntities(configHash, incoming, clock.millis());
        ConfigSnapshot snapshot = fromStore(store.loadAll(), source);
        parsed.warnings().forEach(w -> LOG.warn(w));
        return publish(snapshot, result);
    }

    private ConfigSnapshot fromStore(List<StoredEntity> stored, String source) throws InvalidConfigException {
        List<ConfigJson.Entity> entities = new ArrayList<>();
        Map<String, ConfigSnapshot.EntityState> states = new HashMap<>();
        for (StoredEntity s : stored) {
            entities.add(new ConfigJson.Entity(s.kind(), s.name(), ConfigJson.parse(s.json()), s.hash()));
            if (s.kind().equals(ConfigJson.KIND_PROVIDER)) {
                states.put(s.name(), new ConfigSnapshot.EntityState(s.hash(), Instant.ofEpochMilli(s.importedAtMillis())));
            }
        }
        JsonNode root = ConfigJson.join(entities);
        ParsedConfig parsed = ConfigParser.parse(root, source, env);
        return new ConfigSnapshot(parsed.config(), ConfigJson.hash(root), clock.instant(), source, states, parsed.warnings());
    }

    private ConfigSnapshot publish(ConfigSnapshot snapshot, ImportResult result) {
        published.fire(snapshot);
        current = snapshot;
        LOG.infof("Configuration %s applied from %s: providers %s with %d keys; SQLite import: %s",
                snapshot.configHash().substring(0, 12), snapshot.source(), snapshot.config().providers().keySet(),
                snapshot.config().providers().values().stream().mapToLong(p -> p.keys().size()).sum(), result);
        return snapshot;
    }

    private byte[] readFile() throws InvalidConfigException {
        try {
            return Files.readAllBytes(configFile);
        } catch (NoSuchFileException e) {
            return null;
        } catch (AccessDeniedException e) {
            throw new InvalidConfigException(configFile.toString(), List.of(new ConfigProblem("$",
                    "cannot be read: permission denied for uid " + currentUid() + " (check the file's owner and mode)")));
        } catch (IOException e) {
            throw new InvalidConfigException(configFile.toString(), List.of(new ConfigProblem("$", "cannot be read: " + e)));
        }
    }

    static String currentUid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return String.valueOf(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return System.getProperty("user.name");
        }
    }
}
