package dev.heimdall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.ConfigParser;
import dev.heimdall.config.ParsedConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads target/kubernetes/kubernetes.yml as written by {@code ./mvnw package}, types every object with the
 * Kubernetes API model (fabric8), fails on any field the model does not know, and checks what the seeds'
 * failure modes depend on.
 */
class KubernetesManifestsIT {

    static final Path MANIFESTS = Path.of("target/kubernetes/kubernetes.yml");
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static List<HasMetadata> resources;

    @BeforeAll
    static void load() throws Exception {
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

    static PodSpec pod() {
        return one(StatefulSet.class).getSpec().getTemplate().getSpec();
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
        assertEquals(List.of("ConfigMap", "HTTPRoute", "PodDisruptionBudget", "Service", "ServiceMonitor", "StatefulSet"),
                resources.stream().map(HasMetadata::getKind).sorted().toList());
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
    void eachReplicaOwnsItsSqliteVolume() {
        StatefulSet sts = one(StatefulSet.class);
        assertTrue(sts.getSpec().getReplicas() >= 2, "scales beyond one replica");
        var claims = sts.getSpec().getVolumeClaimTemplates();
        assertEquals(1, claims.size());
        assertEquals("data", claims.get(0).getMetadata().getName());
        assertEquals(List.of("ReadWriteOnce"), claims.get(0).getSpec().getAccessModes());
        assertFalse(pod().getVolumes().stream().anyMatch(v -> v.getPersistentVolumeClaim() != null),
                "no single claim shared by every replica");
        assertFalse(sts.getSpec().getSelector().getMatchLabels().containsKey("app.kubernetes.io/version"),
                "StatefulSet selectors are immutable; a version in them breaks upgrades");
        assertEquals(one(Service.class).getMetadata().getName(), sts.getSpec().getServiceName());
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
        Volume tmp = pod().getVolumes().stream().filter(v -> v.getName().equals("tmp")).findFirst().orElseThrow();
        assertNotNull(tmp.getEmptyDir());
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
        Volume config = pod().getVolumes().stream().filter(v -> v.getName().equals("gateway-config")).findFirst().orElseThrow();
        assertEquals("heimdall-config", config.getConfigMap().getName());
        assertEquals(0444, config.getConfigMap().getDefaultMode(), "readable by UID 1000");
    }

    @Test
    void configMapHoldsAValidBundledConfig() throws Exception {
        ConfigMap cm = one(ConfigMap.class);
        assertEquals("heimdall-config", cm.getMetadata().getName());
        String json = cm.getData().get("config.json");
        ParsedConfig parsed = ConfigParser.parse(ConfigJson.read(json.getBytes(StandardCharsets.UTF_8), "configmap"), "configmap", n -> null);
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
        Map<String, String> podLabels = one(StatefulSet.class).getSpec().getTemplate().getMetadata().getLabels();
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
