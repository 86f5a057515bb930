package dev.heimdall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.ConfigParser;
import dev.heimdall.config.InvalidConfigException;
import dev.heimdall.config.ParsedConfig;
import dev.heimdall.config.StoresConfig;
import dev.heimdall.store.PostgresServer;
import dev.heimdall.store.StoreLocation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Reads target/kubernetes/kubernetes.yml as written by {@code ./mvnw package}, types every object with the
 * Kubernetes API model (fabric8), fails on any field the model does not know, and checks what the seeds'
 * failure modes depend on. The build has two variants, and the system property {@code heimdall.store} (the pom
 * passes the build's) says which one is there: {@code sqlite} (the default: a StatefulSet, a volume per pod) or
 * {@code postgres} ({@code -Dheimdall.store=postgres}: a Deployment whose replicas share one database).
 */
class KubernetesManifestsIT {

    static final Path MANIFESTS = Path.of("target/kubernetes/kubernetes.yml");
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static final String STORE = System.getProperty("heimdall.store", "sqlite");
    static final boolean POSTGRES = STORE.equals("postgres");
    /** The Secret heimdall-postgres's keys, by the env var each becomes. */
    static final Map<String, String> POSTGRES_ENV = Map.of("HEIMDALL_POSTGRES_HOST", "host", "HEIMDALL_POSTGRES_PORT", "port",
            "HEIMDALL_POSTGRES_USER", "user", "HEIMDALL_POSTGRES_PASSWORD", "password", "HEIMDALL_POSTGRES_DB", "database");
    static List<HasMetadata> resources;

    @BeforeAll
    static void load() throws Exception {
        assertTrue(Set.of("sqlite", "postgres").contains(STORE), "heimdall.store is sqlite or postgres: " + STORE);
        resources = parse(Files.readString(MANIFESTS));
    }

    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (!doc.isBlank()) {
                out.add(SERIALIZATION.unmarshal(doc, HasMetadata.class));
            }
        }
        return out;
    }

    static <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = resources.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), "exactly one " + type.getSimpleName() + " in " + MANIFESTS);
        return found.get(0);
    }

    /** The gateway's workload: the StatefulSet, or with PostgreSQL stores the Deployment. */
    static HasMetadata workload() {
        return POSTGRES ? one(Deployment.class) : one(StatefulSet.class);
    }

    static PodTemplateSpec template() {
        return workload() instanceof Deployment d ? d.getSpec().getTemplate() : ((StatefulSet) workload()).getSpec().getTemplate();
    }

    static int replicas() {
        return workload() instanceof Deployment d ? d.getSpec().getReplicas() : ((StatefulSet) workload()).getSpec().getReplicas();
    }

    static PodSpec pod() {
        return template().getSpec();
    }

    static Volume volume(String name) {
        return pod().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("the pod has no volume " + name));
    }

    static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " has no env var " + name));
    }

    /** config.json as the ConfigMap bundles it. */
    static JsonNode bundledConfig() throws InvalidConfigException {
        String json = one(ConfigMap.class).getData().get("config.json");
        return ConfigJson.read(json.getBytes(StandardCharsets.UTF_8), "configmap");
    }

    static Container container(List<Container> containers, String name) {
        return containers.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    static VolumeMount mount(Container c, String name) {
        return c.getVolumeMounts().stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " has no mount " + name));
    }

    @Test
    void everyObjectIsATypedKubernetesObjectWithNoUnknownField() {
        List<String> unknown = new ArrayList<>();
        for (HasMetadata r : resources) {
            assertFalse(r instanceof GenericKubernetesResource, "not a known API type: " + r.getKind());
            collectUnknownFields(r, r.getKind(), unknown);
        }
        assertEquals(List.of(), unknown);
        List<String> kinds = new ArrayList<>(List.of("ConfigMap", "HTTPRoute", "PodDisruptionBudget", "Service", "ServiceMonitor",
                POSTGRES ? "Deployment" : "StatefulSet"));
        kinds.sort(null);
        assertEquals(kinds, resources.stream().map(HasMetadata::getKind).sorted().toList());
        resources.forEach(r -> assertEquals("ai-external", r.getMetadata().getNamespace(), r.getKind()));
    }

    @Test
    void theValidatorCatchesAMisspelledField() {
        HasMetadata typo = parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  securityContext:\n    fsGrup: 1000\n").get(0);
        List<String> unknown = new ArrayList<>();
        collectUnknownFields(typo, "Pod", unknown);
        assertEquals(1, unknown.size(), unknown.toString());
        assertTrue(unknown.get(0).contains("fsGrup"), unknown.toString());
    }

    @Test
    @DisabledIfSystemProperty(named = "heimdall.store", matches = "postgres")
    void eachReplicaOwnsItsSqliteVolume() {
        StatefulSet sts = one(StatefulSet.class);
        assertTrue(sts.getSpec().getReplicas() >= 2, "scales beyond one replica");
        var claims = sts.getSpec().getVolumeClaimTemplates();
        assertEquals(1, claims.size());
        assertEquals("data", claims.get(0).getMetadata().getName());
        assertEquals(List.of("ReadWriteOnce"), claims.get(0).getSpec().getAccessModes());
        assertFalse(pod().getVolumes().stream().anyMatch(v -> v.getName().equals("data")), "data is each replica's claim");
        assertFalse(pod().getVolumes().stream().anyMatch(v -> v.getPersistentVolumeClaim() != null),
                "no single claim shared by every replica");
        assertFalse(sts.getSpec().getSelector().getMatchLabels().containsKey("app.kubernetes.io/version"),
                "StatefulSet selectors are immutable; a version in them breaks upgrades");
        assertEquals(one(Service.class).getMetadata().getName(), sts.getSpec().getServiceName());
    }

    @Test
    @DisabledIfSystemProperty(named = "heimdall.store", matches = "postgres")
    void sqliteStoresAreEachPodsOwn() throws Exception {
        List<String> warnings = new ArrayList<>();
        StoresConfig stores = ConfigParser.stores(bundledConfig(), "configmap", n -> null, warnings::add);
        assertEquals(StoresConfig.LOCAL, stores);
        assertEquals(List.of(), warnings);
        assertFalse(template().getSpec().getContainers().stream().flatMap(c -> c.getEnv().stream())
                .anyMatch(e -> e.getName().startsWith("HEIMDALL_POSTGRES_")), "no database address without PostgreSQL stores");
    }

    @Test
    @EnabledIfSystemProperty(named = "heimdall.store", matches = "postgres")
    void withPostgresStoresTheReplicasAreADeploymentWithNoVolumeOfTheirOwn() {
        Deployment deployment = one(Deployment.class);
        assertFalse(resources.stream().anyMatch(r -> r instanceof StatefulSet || r instanceof PersistentVolumeClaim),
                "no StatefulSet, no claim");
        assertTrue(deployment.getSpec().getReplicas() >= 2, "scales beyond one replica");
        assertFalse(deployment.getAdditionalProperties().containsKey("volumeClaimTemplates"));
        assertFalse(deployment.getSpec().getAdditionalProperties().containsKey("volumeClaimTemplates"));
        assertFalse(deployment.getSpec().getAdditionalProperties().containsKey("podManagementPolicy"));
        assertNotNull(volume("data").getEmptyDir(), "data only holds the config.json the init container places");
        assertFalse(pod().getVolumes().stream().anyMatch(v -> v.getPersistentVolumeClaim() != null));
        assertFalse(deployment.getSpec().getSelector().getMatchLabels().containsKey("app.kubernetes.io/version"),
                "Deployment selectors are immutable; a version in them breaks upgrades");
        var strategy = deployment.getSpec().getStrategy();
        assertEquals("RollingUpdate", strategy.getType());
        assertEquals(0, strategy.getRollingUpdate().getMaxUnavailable().getIntVal(), "a rollout never runs below the replica count");
    }

    @Test
    @EnabledIfSystemProperty(named = "heimdall.store", matches = "postgres")
    void postgresAddressAndPasswordComeFromTheSecret() {
        Container app = container(pod().getContainers(), "heimdall");
        Map<String, String> keys = new TreeMap<>();
        for (EnvVar e : app.getEnv()) {
            if (e.getName().startsWith("HEIMDALL_POSTGRES_")) {
                assertNull(e.getValue(), e.getName() + " is no literal");
                var ref = e.getValueFrom().getSecretKeyRef();
                assertEquals("heimdall-postgres", ref.getName(), e.getName());
                assertFalse(Boolean.TRUE.equals(ref.getOptional()), e.getName() + ": a pod without its database must not start");
                keys.put(e.getName(), ref.getKey());
            }
        }
        assertEquals(new TreeMap<>(POSTGRES_ENV), keys);
    }

    @Test
    @EnabledIfSystemProperty(named = "heimdall.store", matches = "postgres")
    void bundledConfigKeepsBothStoresInPostgresByEnvReference() throws Exception {
        JsonNode root = bundledConfig();
        Set<String> referenced = new TreeSet<>();
        for (String section : List.of("config_store", "logs_store")) {
            JsonNode store = root.get(section);
            assertNotNull(store, section);
            assertTrue(store.path("enabled").asBoolean(false), section + ".enabled");
            assertEquals("postgres", store.path("type").asText(), section + ".type");
            JsonNode config = store.get("config");
            for (String field : List.of("host", "port", "user", "password", "db_name")) {
                String value = config.path(field).asText();
                assertTrue(value.startsWith("env."), section + ".config." + field + " is an env.NAME reference, not a literal: " + value);
                referenced.add(value.substring("env.".length()));
            }
            assertEquals("env.HEIMDALL_POSTGRES_PASSWORD", config.path("password").asText(), section);
        }
        assertEquals(new TreeSet<>(POSTGRES_ENV.keySet()), referenced, "exactly the env vars the container gets from the Secret");

        // What the gateway makes of it: both stores in the database the Secret names, and no start without it.
        Map<String, String> env = Map.of("HEIMDALL_POSTGRES_HOST", "db.example", "HEIMDALL_POSTGRES_PORT", "5433",
                "HEIMDALL_POSTGRES_USER", "heimdall", "HEIMDALL_POSTGRES_PASSWORD", "s3cret-from-secret", "HEIMDALL_POSTGRES_DB", "gateway");
        List<String> warnings = new ArrayList<>();
        StoresConfig stores = ConfigParser.stores(root, "configmap", env::get, warnings::add);
        assertEquals(List.of(), warnings);
        for (StoreLocation location : List.of(stores.config(), stores.logs())) {
            assertTrue(location.shared(), location.toString());
            PostgresServer server = location.postgres();
            assertEquals("db.example", server.host());
            assertEquals(5433, server.port());
            assertEquals("heimdall", server.user());
            assertEquals("s3cret-from-secret", server.password());
            assertEquals("gateway", server.database());
        }
        assertThrows(InvalidConfigException.class, () -> ConfigParser.stores(root, "configmap", n -> null, w -> { }),
                "an unset variable stops start-up");
    }

    @Test
    void theGatewayKnowsTheReplicaCount() {
        Container app = container(pod().getContainers(), "heimdall");
        EnvVar replicas = env(app, "HEIMDALL_REPLICAS");
        assertEquals(String.valueOf(replicas()), replicas.getValue(), "heimdall.replicas is the workload's replicas");
    }

    @Test
    void podRunsAsUid1000WithFsGroupAndALockedDownContainer() {
        var podSecurity = pod().getSecurityContext();
        assertEquals(1000L, podSecurity.getFsGroup());
        assertEquals(1000L, podSecurity.getRunAsUser());
        assertTrue(podSecurity.getRunAsNonRoot());
        Container app = container(pod().getContainers(), "heimdall");
        assertFalse(app.getSecurityContext().getAllowPrivilegeEscalation());
        assertTrue(app.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), app.getSecurityContext().getCapabilities().getDrop());
        assertEquals("/app/data", mount(app, "data").getMountPath());
        assertEquals("/tmp", mount(app, "tmp").getMountPath());
        assertNotNull(volume("tmp").getEmptyDir());
        assertTrue(app.getEnv().stream().anyMatch(e -> e.getName().equals("HEIMDALL_APP_DIR") && e.getValue().equals("/app/data")));
        String image = app.getImage();
        assertTrue(image.endsWith(":0.1.0"), "image tag is the project version: " + image);
    }

    @Test
    void secretsReachTheContainerFromAnOptionalSecret() {
        Container app = container(pod().getContainers(), "heimdall");
        var from = app.getEnvFrom().stream().filter(e -> e.getSecretRef() != null).findFirst().orElseThrow();
        assertEquals("heimdall-secrets", from.getSecretRef().getName(), "QUARKUS_REDIS_HOSTS, admin credentials and keys");
        assertTrue(from.getSecretRef().getOptional(), "a deployment without the Secret still starts");
    }

    @Test
    void initContainerPlacesConfigJsonFromTheConfigMap() {
        Container init = container(pod().getInitContainers(), "setup");
        String image = init.getImage();
        assertTrue(image.matches(".+:[0-9][^:]*") && !image.endsWith(":latest"), "pinned image: " + image);
        assertEquals("/app/data", mount(init, "data").getMountPath());
        assertEquals("/config", mount(init, "gateway-config").getMountPath());
        String script = String.join(" ", init.getCommand());
        assertTrue(script.contains("cp /config/config.json /app/data/config.json"), script);
        assertTrue(script.contains("fsGroup"), "explains an unwritable volume: " + script);
        assertFalse(init.getSecurityContext().getAllowPrivilegeEscalation());
        Volume config = volume("gateway-config");
        assertEquals("heimdall-config", config.getConfigMap().getName());
        assertEquals(0444, config.getConfigMap().getDefaultMode(), "readable by UID 1000");
    }

    @Test
    void configMapHoldsAValidBundledConfig() throws Exception {
        ConfigMap cm = one(ConfigMap.class);
        assertEquals("heimdall-config", cm.getMetadata().getName());
        ParsedConfig parsed = ConfigParser.parse(bundledConfig(), "configmap", n -> null);
        assertEquals(List.of(), parsed.warnings());
        assertTrue(parsed.config().providers().containsKey("openai"));
    }

    @Test
    void resourcesAsInTheSeeds() {
        var resources = container(pod().getContainers(), "heimdall").getResources();
        assertEquals("500m", resources.getRequests().get("cpu").toString());
        assertEquals("512Mi", resources.getRequests().get("memory").toString());
        assertEquals("1000m", resources.getLimits().get("cpu").toString());
        assertEquals("1Gi", resources.getLimits().get("memory").toString());
    }

    @Test
    void probesUseTheHealthPathsTheAppServes() {
        Container app = container(pod().getContainers(), "heimdall");
        assertEquals(PackagedGatewayIT.LIVENESS, path(app.getLivenessProbe()));
        assertEquals(PackagedGatewayIT.READINESS, path(app.getReadinessProbe()));
        assertEquals(PackagedGatewayIT.STARTUP, path(app.getStartupProbe()));
        assertEquals("http", app.getPorts().get(0).getName());
        assertEquals(8080, app.getPorts().get(0).getContainerPort());
    }

    static String path(Probe p) {
        assertEquals(8080, p.getHttpGet().getPort().getIntVal());
        return p.getHttpGet().getPath();
    }

    @Test
    void streamsSurviveRolloutsAndScaleDown() {
        assertTrue(pod().getTerminationGracePeriodSeconds() >= 120);
        Container app = container(pod().getContainers(), "heimdall");
        assertTrue(app.getLifecycle().getPreStop().getSleep().getSeconds() >= 5, "preStop lets the load balancer drain first");
        assertEquals(1, one(PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntVal());
    }

    @Test
    void serviceExposesHttpOn8080ToThePods() {
        Service svc = one(Service.class);
        ServicePort port = svc.getSpec().getPorts().get(0);
        assertEquals("http", port.getName());
        assertEquals(8080, port.getPort());
        assertEquals(8080, port.getTargetPort().getIntVal());
        Map<String, String> podLabels = template().getMetadata().getLabels();
        assertTrue(podLabels.entrySet().containsAll(svc.getSpec().getSelector().entrySet()));
    }

    @Test
    void httpRouteSendsV1FromTheUnifiedGatewayToTheService() {
        HTTPRoute route = one(HTTPRoute.class);
        var parent = route.getSpec().getParentRefs().get(0);
        assertEquals("unified-gateway", parent.getName());
        assertEquals("ai-gateway", parent.getNamespace());
        assertEquals(List.of("api.example.com"), route.getSpec().getHostnames());
        HTTPRouteRule rule = route.getSpec().getRules().get(0);
        assertEquals("PathPrefix", rule.getMatches().get(0).getPath().getType());
        assertEquals("/v1/", rule.getMatches().get(0).getPath().getValue());
        assertEquals(one(Service.class).getMetadata().getName(), rule.getBackendRefs().get(0).getName());
        assertEquals(8080, rule.getBackendRefs().get(0).getPort());
    }

    @Test
    void serviceMonitorScrapesOnlyHeimdallsMetrics() {
        ServiceMonitor sm = one(ServiceMonitor.class);
        Map<String, String> selector = sm.getSpec().getSelector().getMatchLabels();
        assertFalse(selector == null || selector.isEmpty(), "an empty selector scrapes every Service in the namespace");
        assertTrue(one(Service.class).getMetadata().getLabels().entrySet().containsAll(selector.entrySet()));
        assertEquals("http", sm.getSpec().getEndpoints().get(0).getPort());
        assertEquals("/metrics", sm.getSpec().getEndpoints().get(0).getPath());
    }

    /** Walks a typed object's getters and reports every field the model kept as unknown. */
    static void collectUnknownFields(Object o, String path, List<String> unknown) {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                collectUnknownFields(e, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> collectUnknownFields(v, path + "." + k, unknown));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.") || o.getClass().isEnum()) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                collectUnknownFields(value, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }
}
