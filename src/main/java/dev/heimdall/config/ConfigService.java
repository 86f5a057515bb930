package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Owns the configuration in force. config.json is read, validated whole, imported into SQLite (only what
 * changed), read back from SQLite and published as an immutable {@link ConfigSnapshot}. An invalid file
 * never replaces a running configuration: it is refused with every reason logged. The management API's
 * changes go the same way ({@link #change}): what the file declares is the file's, the rest the API's.
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
    private final int replicas;
    private volatile ConfigSnapshot current;
    /** Hash of the last file content seen, valid or not, so an unchanged bad file is reported once. */
    private String lastSeenFileHash;
    /** config.json's {@code config_store} and {@code logs_store} as start-up opened them; a change needs a restart. */
    private JsonNode storesAtStart;

    @Inject
    public ConfigService(ConfigStore store, GatewaySettings settings, Event<ConfigSnapshot> published) {
        this(store, Path.of(settings.appDir()).resolve(CONFIG_FILE), published, System::getenv, Clock.systemUTC(), settings.replicas());
    }

    public ConfigService(ConfigStore store, Path configFile, Event<ConfigSnapshot> published,
            UnaryOperator<String> env, Clock clock) {
        this(store, configFile, published, env, clock, 1);
    }

    ConfigService(ConfigStore store, Path configFile, Event<ConfigSnapshot> published,
            UnaryOperator<String> env, Clock clock, int replicas) {
        this.replicas = replicas;
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
     * Where the stores are, from config.json's {@code config_store} and {@code logs_store} (SQLite when there is no
     * file or they are absent). Read before the stores open, since the rest of the configuration is kept in them.
     */
    public synchronized StoresConfig readStores() throws InvalidConfigException {
        byte[] bytes = readFile();
        if (bytes == null) {
            storesAtStart = storeSections(null);
            return StoresConfig.LOCAL;
        }
        JsonNode root = ConfigJson.read(bytes, configFile.toString());
        storesAtStart = storeSections(root);
        return ConfigParser.stores(root, configFile.toString(), env, LOG::warn);
    }

    private static JsonNode storeSections(JsonNode root) {
        ObjectNode sections = JsonNodeFactory.instance.objectNode();
        if (root != null && root.isObject()) {
            StoresReader.SECTIONS.stream().sorted().filter(root::has).forEach(name -> sections.set(name, root.get(name)));
        }
        return sections;
    }

    /** Which database keeps the configuration (never with a password), and whether every replica reads it. */
    public String storeName() {
        return store.describe();
    }

    public boolean storeShared() {
        return store.shared();
    }

    /**
     * What an API write must say when it reaches this pod only (SQLite, several replicas), or null: a change the
     * other replicas never see is worse when nobody is told.
     */
    public String localOnlyWarning() {
        return store.shared() || replicas <= 1 ? null
                : "Stored in this pod's own " + store.describe() + ": the other " + (replicas - 1) + " replica(s) behind the Service do not"
                        + " see this change. Declare it in config.json (the ConfigMap), or give config.json a postgres config_store.";
    }

    /**
     * Follows a store the replicas share: another replica's change (its API write, its import of a changed file)
     * is applied here as soon as PostgreSQL announces it. Does nothing for a pod's own SQLite file.
     */
    public AutoCloseable followSharedStore() {
        return store.listen(this::refreshFromStore);
    }

    /**
     * Applies what the store holds now when it differs from what is in force. A stored configuration this
     * replica finds invalid (written by a newer release, say) is refused and the running one stays.
     */
    synchronized boolean refreshFromStore() {
        ConfigSnapshot next;
        try {
            next = fromStore(store.loadAll(), current == null ? store.describe() : current.source());
        } catch (InvalidConfigException e) {
            LOG.errorf("Refused a change from %s; the running configuration stays. %s", store.describe(), e.getMessage());
            return false;
        }
        if (current != null && next.configHash().equals(current.configHash()) && next.entities().equals(current.entities())) {
            return false;
        }
        publish(next, "a change another replica made in " + store.describe());
        return true;
    }

    /**
     * Start-up: config.json when present, else what config.db holds from an earlier run, else nothing.
     * An invalid config.json stops start-up: running on a stale configuration would hide the mistake.
     */
    public synchronized ConfigSnapshot loadAtStartup() throws InvalidConfigException {
        byte[] bytes = readFile();
        if (bytes != null) {
            lastSeenFileHash = ConfigJson.sha256(bytes);
            return apply(bytes, true);
        }
        List<StoredEntity> stored = store.loadAll();
        if (stored.isEmpty()) {
            LOG.warnf("No %s in %s and nothing stored in config.db: starting with no providers", CONFIG_FILE,
                    configFile.getParent());
        } else {
            LOG.warnf("No %s in %s: using the configuration stored in config.db", CONFIG_FILE, configFile.getParent());
        }
        return publish(fromStore(stored, "config.db"), "from config.db");
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
        try {
            apply(bytes, false);
            lastSeenFileHash = hash;
            return true;
        } catch (InvalidConfigException e) {
            lastSeenFileHash = hash; // the file's own fault: said once, until it changes
            LOG.errorf("Refused the changed %s; the running configuration stays. %s", configFile, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            // The store's fault (a shared database unreachable, say): the same file is tried again at the next check.
            LOG.errorf("Could not apply the changed %s; the running configuration stays, and it is tried again: %s", configFile, e.getMessage());
            return false;
        }
    }

    /**
     * Validates the file with the API's entities beside it (a file entity may name an API-created budget) and
     * imports it. A live change that would leave an API entity invalid is refused like any invalid file, and
     * the running configuration stays; at start-up there is none to keep, so such API entities are left out of
     * force instead (kept stored, each named in the log and in the snapshot's warnings) and the file applies.
     */
    private ConfigSnapshot apply(byte[] bytes, boolean startup) throws InvalidConfigException {
        String source = configFile.toString();
        JsonNode root = ConfigJson.read(bytes, source);
        if (!startup && storesAtStart != null && !storeSections(root).equals(storesAtStart)) {
            LOG.warnf("config_store / logs_store changed in %s: the stores in use stay until the next start", CONFIG_FILE);
        }
        List<ConfigJson.Entity> file = ConfigJson.split(root);
        Set<String> declared = new HashSet<>();
        file.forEach(e -> declared.add(e.kind() + "/" + e.name()));
        List<ConfigJson.Entity> api = new ArrayList<>();
        for (StoredEntity s : store.loadAll()) {
            if (s.origin() == StoredEntity.Origin.API && !declared.contains(s.id())) {
                api.add(entity(s));
            }
        }
        ParsedConfig parsed = startup ? resolve(file, api, source).parsed()
                : ConfigParser.parse(ConfigJson.join(concat(file, api)), source, env);
        JsonNode forStorage = ConfigJson.forStorage(root);
        List<ConfigStore.Incoming> incoming = new ArrayList<>();
        for (ConfigJson.Entity e : ConfigJson.split(forStorage)) {
            incoming.add(new ConfigStore.Incoming(e.kind(), e.name(), e.hash(), ConfigJson.canonical(e.json())));
        }
        ImportResult result = store.importEntities(ConfigJson.hash(forStorage), incoming, clock.millis());
        ConfigSnapshot snapshot = fromStore(store.loadAll(), source);
        parsed.warnings().forEach(w -> LOG.warn(w));
        snapshot.entities().forEach((id, state) -> {
            if (state.shadowsApi()) {
                LOG.warnf("%s is declared by %s, which owns it now; the version created through the management API is kept"
                        + " but not in force until the file stops declaring it", id, CONFIG_FILE);
            }
        });
        return publish(snapshot, "import into " + store.describe() + ": " + result);
    }

    /**
     * One change the management API asks for: an entity's new JSON, or its removal ({@code json} null).
     * {@code bodyPath} is where the entity is in the client's request body ({@code $} for the body itself,
     * {@code $.budget} for a budget written inline), so problems are reported where the client wrote them.
     */
    public record EntityChange(String kind, String name, JsonNode json, String bodyPath) {

        public static EntityChange put(String kind, String name, JsonNode json, String bodyPath) {
            return new EntityChange(kind, name, json, bodyPath);
        }

        public static EntityChange remove(String kind, String name) {
            return new EntityChange(kind, name, null, null);
        }

        String id() {
            return kind + "/" + name;
        }
    }

    /** A change names an entity config.json declares: the file owns it, and the API may not change it. */
    public static final class FileOwnedException extends Exception {

        public FileOwnedException(String id) {
            super(id + " is declared by " + CONFIG_FILE + ", which owns it: change it there", null, false, false);
        }
    }

    /**
     * Applies the management API's changes: checked against ownership, validated with the whole configuration
     * they would make (the readers config.json goes through, so the messages are the same; a path inside
     * the changed entity is given relative to it, {@code $.budget_id}), stored in one transaction and
     * published as a reload would be. Nothing is stored when anything is refused.
     */
    public synchronized ConfigSnapshot change(List<EntityChange> changes) throws InvalidConfigException, FileOwnedException {
        Owned owned = Owned.of(store.loadAll());
        Map<String, ConfigJson.Entity> effective = new LinkedHashMap<>();
        for (StoredEntity s : owned.inForce()) {
            effective.put(s.id(), entity(s));
        }
        Set<String> fileOwned = owned.fileIds();
        Set<String> apiOwned = owned.apiIds();
        List<ConfigStore.ApiWrite> writes = new ArrayList<>();
        for (EntityChange c : changes) {
            if (fileOwned.contains(c.id()) && c.json() == null && apiOwned.contains(c.id())) {
                // The API's shadowed version goes; the file's stays in force.
                writes.add(new ConfigStore.ApiWrite(c.kind(), c.name(), null, null));
                continue;
            }
            if (fileOwned.contains(c.id())) {
                throw new FileOwnedException(c.id());
            }
            if (c.json() == null) {
                effective.remove(c.id());
                writes.add(new ConfigStore.ApiWrite(c.kind(), c.name(), null, null));
            } else {
                JsonNode kept = ConfigJson.forStorage(c.kind(), c.json());
                effective.put(c.id(), new ConfigJson.Entity(c.kind(), c.name(), c.json(), ConfigJson.hash(kept)));
                writes.add(new ConfigStore.ApiWrite(c.kind(), c.name(), ConfigJson.hash(kept), ConfigJson.canonical(kept)));
            }
        }
        List<ConfigJson.Entity> candidate = new ArrayList<>(effective.values());
        try {
            ConfigParser.parse(ConfigJson.join(candidate), MANAGEMENT_API, env);
        } catch (InvalidConfigException e) {
            throw relative(e, candidate, changes);
        }
        store.writeApi(writes, clock.millis());
        ConfigSnapshot snapshot = fromStore(store.loadAll(), current == null ? MANAGEMENT_API : current.source());
        return publish(snapshot, "management API: " + changes.stream().map(c -> (c.json() == null ? "removed " : "wrote ") + c.id()).toList());
    }

    static final String MANAGEMENT_API = "the management API";

    /**
     * Runs {@code work} with no other change or reload in between, on any replica: a read of the store and the
     * {@link #change} built from it are one step, so two concurrent edits of one entity cannot lose either, and
     * two replicas cannot both create one id. In a shared store, what other replicas wrote is applied first.
     */
    public synchronized <T> T atomically(java.util.concurrent.Callable<T> work) throws Exception {
        return store.exclusively(() -> {
            if (store.shared()) {
                refreshFromStore();
            }
            return work.call();
        });
    }

    /**
     * The configuration in force as config.json would write it (env references unresolved, virtual-key
     * values hashed; literal secrets still in it, so redact before showing), with the owner of each entity.
     */
    public synchronized JsonNode effectiveJson() {
        return ConfigJson.join(Owned.of(store.loadAll()).inForce().stream().map(ConfigService::entity).toList());
    }

    /** The stored entities with their owners: the ids each owner has, and which are in force (an API entity the file also declares is shadowed). */
    private record Owned(List<StoredEntity> stored, Set<String> fileIds, Set<String> apiIds) {

        static Owned of(List<StoredEntity> stored) {
            Set<String> file = new HashSet<>();
            Set<String> api = new HashSet<>();
            stored.forEach(s -> (s.origin() == StoredEntity.Origin.FILE ? file : api).add(s.id()));
            return new Owned(stored, file, api);
        }

        /** The file's entities, then the API's it does not shadow, in stored order. */
        List<StoredEntity> inForce() {
            return stored.stream().filter(s -> s.origin() == StoredEntity.Origin.FILE || !fileIds.contains(s.id())).toList();
        }
    }

    private static ConfigJson.Entity entity(StoredEntity s) {
        return new ConfigJson.Entity(s.kind(), s.name(), ConfigJson.parse(s.json()), s.hash());
    }

    /** The stored JSON of the entity in force under this kind and name (the file's when both have one), or null. */
    public synchronized StoredEntity stored(String kind, String name) {
        StoredEntity found = null;
        for (StoredEntity s : store.loadAll()) {
            if (s.kind().equals(kind) && s.name().equals(name) && (found == null || s.origin() == StoredEntity.Origin.FILE)) {
                found = s;
            }
        }
        return found;
    }

    /** Problems inside a changed entity with their paths in the client's body. */
    private static InvalidConfigException relative(InvalidConfigException e, List<ConfigJson.Entity> candidate, List<EntityChange> changes) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (ConfigProblem p : e.problems()) {
            String path = p.path();
            for (EntityChange c : changes) {
                String prefix = ConfigJson.pathOf(candidate, c.kind(), c.name());
                if (c.json() != null && c.bodyPath() != null
                        && (path.equals(prefix) || path.startsWith(prefix + ".") || path.startsWith(prefix + "["))) {
                    path = c.bodyPath() + path.substring(prefix.length());
                    break;
                }
            }
            problems.add(new ConfigProblem(path, p.reason()));
        }
        return new InvalidConfigException(MANAGEMENT_API, problems);
    }

    /**
     * The configuration in force from what is stored: every file entity, and every API entity the file does
     * not declare (one the file does declare stays stored, shadowed).
     */
    private ConfigSnapshot fromStore(List<StoredEntity> stored, String source) throws InvalidConfigException {
        Map<String, ConfigSnapshot.EntityState> states = new HashMap<>();
        Owned owned = Owned.of(stored);
        List<ConfigJson.Entity> file = new ArrayList<>();
        List<ConfigJson.Entity> api = new ArrayList<>();
        for (StoredEntity s : owned.inForce()) {
            boolean fromFile = s.origin() == StoredEntity.Origin.FILE;
            (fromFile ? file : api).add(entity(s));
            states.put(s.id(), new ConfigSnapshot.EntityState(s.hash(), Instant.ofEpochMilli(s.changedAtMillis()), s.origin(),
                    fromFile && owned.apiIds().contains(s.id())));
        }
        Resolved resolved = resolve(file, api, source);
        resolved.suspended().keySet().forEach(states::remove);
        List<String> warnings = new ArrayList<>(resolved.parsed().warnings());
        resolved.suspended().forEach((id, why) -> warnings.add(id + " (created through the management API) is not in force: " + why));
        JsonNode root = ConfigJson.join(resolved.inForce());
        return new ConfigSnapshot(resolved.parsed().config(), ConfigJson.hash(root), clock.instant(), source, states, warnings);
    }

    /** What is in force: every file entity, and the API entities that are valid beside them; the others with why. */
    private record Resolved(ParsedConfig parsed, List<ConfigJson.Entity> inForce, Map<String, String> suspended) {
    }

    /**
     * Parses the file's and the API's entities together. When problems lie inside API entities, those are left
     * out (the file owns what it declares, and config.json must always start) and the rest is parsed again;
     * problems in the file's own entities are the file's, and refuse it.
     */
    private Resolved resolve(List<ConfigJson.Entity> file, List<ConfigJson.Entity> api, String source) throws InvalidConfigException {
        List<ConfigJson.Entity> apiInForce = new ArrayList<>(api);
        Map<String, String> suspended = new LinkedHashMap<>();
        while (true) {
            List<ConfigJson.Entity> all = concat(file, apiInForce);
            try {
                return new Resolved(ConfigParser.parse(ConfigJson.join(all), source, env), all, suspended);
            } catch (InvalidConfigException e) {
                List<ConfigJson.Entity> blamed = new ArrayList<>();
                for (ConfigJson.Entity a : apiInForce) {
                    String prefix = ConfigJson.pathOf(all, a.kind(), a.name());
                    for (ConfigProblem p : e.problems()) {
                        if (p.path().equals(prefix) || p.path().startsWith(prefix + ".") || p.path().startsWith(prefix + "[")) {
                            blamed.add(a);
                            suspended.putIfAbsent(a.kind() + "/" + a.name(), p.path().substring(prefix.length()).isEmpty() ? p.reason()
                                    : "$" + p.path().substring(prefix.length()) + ": " + p.reason());
                            LOG.errorf("%s/%s, created through the management API, is left out of force: %s", a.kind(), a.name(), p);
                            break;
                        }
                    }
                }
                if (blamed.isEmpty()) {
                    throw e;
                }
                apiInForce.removeAll(blamed);
            }
        }
    }

    private static List<ConfigJson.Entity> concat(List<ConfigJson.Entity> a, List<ConfigJson.Entity> b) {
        List<ConfigJson.Entity> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private ConfigSnapshot publish(ConfigSnapshot snapshot, String what) {
        published.fire(snapshot);
        current = snapshot;
        LOG.infof("Configuration %s applied from %s: providers %s with %d keys; %s",
                snapshot.configHash().substring(0, 12), snapshot.source(), snapshot.config().providers().keySet(),
                snapshot.config().providers().values().stream().mapToLong(p -> p.keys().size()).sum(), what);
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
