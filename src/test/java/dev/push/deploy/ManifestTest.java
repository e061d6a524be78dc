package dev.push.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.push.cluster.ServiceLaunch;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * No cluster runs here, so the deployment files are checked against the application instead: the probes and ports
 * must be the ones it serves, every environment variable they set must be a setting it reads, and the pod must be
 * given time to drain. Reads the files of the source tree (Maven runs tests from the project directory).
 */
class ManifestTest {

    private static final Path KUBERNETES = Path.of("docker/kubernetes");
    private static final Path COMPOSE = Path.of("docker/compose.yaml");
    private static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final Path CONFIGURATION_DOC = Path.of("docs/configuration.md");
    private static final Path MAIN_SOURCES = Path.of("src/main/java");

    /** A table row of docs/configuration.md: | `property` | default | `ENV_NAME` | what | (other tables have other shapes). */
    private static final Pattern DOC_ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|[^|]*\\|\\s*`([A-Z0-9_]+)`\\s*\\|");

    // ---- what the application serves and reads ----

    private static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(PROPERTIES)) {
            properties.load(reader);
        }
        return properties;
    }

    /** A setting as Quarkus reads it from application.properties, or the extension's default. */
    private static String setting(String name, String extensionDefault) throws IOException {
        return applicationProperties().getProperty(name, extensionDefault);
    }

    private static int httpPort() throws IOException {
        return Integer.parseInt(setting("quarkus.http.port", "8080"));
    }

    /** /q/health/{live,ready,started} unless application.properties moves them (SmallRye Health's defaults). */
    private static String healthPath(String probe, String defaultPath) throws IOException {
        return "/" + setting("quarkus.http.non-application-root-path", "q")
                + "/" + setting("quarkus.smallrye-health.root-path", "health")
                + "/" + setting("quarkus.smallrye-health." + probe + "-path", defaultPath);
    }

    private static String metricsPath() throws IOException {
        return "/" + setting("quarkus.http.non-application-root-path", "q")
                + "/" + setting("quarkus.micrometer.export.prometheus.path", "metrics");
    }

    /** Quarkus' environment naming: upper case, every character but a letter or a digit becomes '_'. */
    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** Documented settings, property → environment variable, from the tables of docs/configuration.md. */
    private static Map<String, String> documentedSettings() throws IOException {
        Map<String, String> settings = new TreeMap<>();
        for (String line : Files.readAllLines(CONFIGURATION_DOC)) {
            Matcher row = DOC_ROW.matcher(line);
            if (row.find()) {
                settings.put(row.group(1), row.group(2));
            }
        }
        return settings;
    }

    /** Every environment variable the application reads as a setting: its properties and its documented settings. */
    private static Set<String> knownEnvironmentNames() throws IOException {
        Set<String> names = new TreeSet<>(documentedSettings().values());
        for (String property : applicationProperties().stringPropertyNames()) {
            // A profile's value (%test.…) is not something a deployment should set.
            if (!property.startsWith("%")) {
                names.add(environmentName(property));
            }
        }
        return names;
    }

    /** How long a graceful stop may take inside the application: the shutdown delay, during which workers drain. */
    private static Duration drainTime() {
        return Duration.ofMillis(dev.push.engine.MasterLoop.DRAIN_MILLIS).plusSeconds(1);
    }

    /** Settings named in the code: @ConfigProperty names, ConfigProvider look-ups and @ConfigMapping members. */
    private static Set<String> settingsInCode() throws IOException {
        Pattern named = Pattern.compile("@ConfigProperty\\(name\\s*=\\s*\"([^\"]+)\"|getOptionalValue\\(\"([^\"]+)\"|\\$\\{([a-z][^:}]*)");
        Pattern mapping = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"\\)");
        Pattern member = Pattern.compile("^\\s+[\\w.<>]+\\s+(\\w+)\\(\\);", Pattern.MULTILINE);
        Set<String> settings = new TreeSet<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path source : sources) {
            String code = Files.readString(source);
            Matcher m = named.matcher(code);
            while (m.find()) {
                settings.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
            }
            Matcher prefix = mapping.matcher(code);
            if (prefix.find()) {
                Matcher members = member.matcher(code);
                while (members.find()) {
                    settings.add(prefix.group(1) + "." + members.group(1).replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
                }
            }
        }
        return settings;
    }

    // ---- the files under test ----

    @SuppressWarnings("unchecked")
    private static Map<String, Object> manifest(String file) throws IOException {
        try (Reader reader = Files.newBufferedReader(KUBERNETES.resolve(file))) {
            return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compose() throws IOException {
        try (Reader reader = Files.newBufferedReader(COMPOSE)) {
            return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, String... path) {
        Object current = node;
        for (String step : path) {
            if (current instanceof List<?> list) {
                current = list.get(Integer.parseInt(step));
            } else if (current instanceof Map<?, ?> map) {
                current = map.get(step);
            } else {
                current = null;
            }
            if (current == null) {
                fail("missing " + String.join(".", path) + " (at " + step + ")");
            }
        }
        return (T) current;
    }

    private static Map<String, Object> pod() throws IOException {
        return at(manifest("deployment.yaml"), "spec", "template", "spec");
    }

    private static Map<String, Object> container() throws IOException {
        List<Map<String, Object>> containers = at(pod(), "containers");
        assertEquals(1, containers.size(), "one container, the service");
        return containers.get(0);
    }

    /** A port given by number or by the container port's name, as a number. */
    private static int containerPort(Object port) throws IOException {
        if (port instanceof Integer number) {
            return number;
        }
        List<Map<String, Object>> ports = at(container(), "ports");
        return ports.stream().filter(p -> port.equals(p.get("name"))).map(p -> (Integer) p.get("containerPort"))
                .findFirst().orElseThrow(() -> new AssertionError("no container port named " + port));
    }

    /** A compose duration ("20s", "1m30s"). */
    private static Duration composeDuration(String value) {
        return Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
    }

    // ---- the checks ----

    @Test
    void probesAskTheHealthEndpointsOnTheHttpPort() throws IOException {
        Map<String, Object> container = container();
        Map<String, String> expected = Map.of(
                "livenessProbe", healthPath("liveness", "live"),
                "readinessProbe", healthPath("readiness", "ready"),
                "startupProbe", healthPath("startup", "started"));
        for (Map.Entry<String, String> probe : expected.entrySet()) {
            assertEquals(probe.getValue(), at(container, probe.getKey(), "httpGet", "path"), probe.getKey() + " path");
            assertEquals(httpPort(), containerPort(at(container, probe.getKey(), "httpGet", "port")), probe.getKey() + " port");
        }
        assertEquals("/q/health/live", healthPath("liveness", "live"), "the README and docs name /q/health/live");
    }

    @Test
    void theReadmeAndTheImagesStartTheJvmAsTheFaultTestsAndTheBenchDo() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String run = readme.lines().filter(l -> l.contains("java ") && l.contains("quarkus-run.jar")).findFirst()
                .orElseThrow(() -> new AssertionError("the README's command that runs the service"));
        for (String option : ServiceLaunch.JVM_OPTIONS) {
            assertTrue(run.contains(" " + option + " "), "the README's command has " + option + ": " + run);
            for (String image : List.of("Dockerfile.jvm", "Dockerfile.jvm-appcds", "Dockerfile.jvm-aot")) {
                String entrypoint = Files.readString(Path.of("docker", image)).lines()
                        .filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
                assertTrue(entrypoint.contains("\"" + option + "\""), image + " starts the JVM with " + option);
            }
        }
    }

    @Test
    void theAotImageRecordsItsCacheWithTheTrainingRunAndStartsWithIt() throws IOException {
        String image = Files.readString(Path.of("docker", "Dockerfile.jvm-aot"));
        String training = image.lines().filter(l -> l.startsWith("RUN java")).findFirst()
                .orElseThrow(() -> new AssertionError("Dockerfile.jvm-aot records its cache in a RUN step"));
        assertTrue(training.contains("-XX:AOTCacheOutput=app.aot") && training.contains(dev.push.training.TrainingRun.ARGUMENT),
                training);
        String entrypoint = image.lines().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
        assertTrue(entrypoint.contains("\"-XX:AOTCache=app.aot\""), entrypoint);
        assertTrue(image.contains("-Dquarkus.package.jar.type=aot-jar"), "the image says how to build its jar layout");
    }

    @Test
    void servicePortsAndScrapeAnnotationsReachTheApplication() throws IOException {
        List<Map<String, Object>> ports = at(container(), "ports");
        Integer httpPort = httpPort();
        assertTrue(ports.stream().anyMatch(p -> httpPort.equals(p.get("containerPort"))),
                "the container exposes quarkus.http.port");
        List<Map<String, Object>> servicePorts = at(manifest("service.yaml"), "spec", "ports");
        for (Map<String, Object> port : servicePorts) {
            assertEquals(httpPort(), containerPort(port.get("targetPort")), "Service targetPort");
        }
        Map<String, String> annotations = at(manifest("deployment.yaml"), "spec", "template", "metadata", "annotations");
        assertEquals(metricsPath(), annotations.get("prometheus.io/path"));
        assertEquals(String.valueOf(httpPort()), annotations.get("prometheus.io/port"));
    }

    @Test
    void selectorsFindThePods() throws IOException {
        Map<String, Object> deployment = manifest("deployment.yaml");
        Map<String, String> podLabels = at(deployment, "spec", "template", "metadata", "labels");
        List<Map<String, String>> selectors = List.of(
                at(deployment, "spec", "selector", "matchLabels"),
                at(manifest("service.yaml"), "spec", "selector"),
                at(manifest("poddisruptionbudget.yaml"), "spec", "selector", "matchLabels"));
        for (Map<String, String> selector : selectors) {
            assertFalse(selector.isEmpty());
            selector.forEach((label, value) -> assertEquals(value, podLabels.get(label), "pod label " + label));
        }
        assertEquals(3, (Integer) at(deployment, "spec", "replicas"));
    }

    @Test
    void theDeploymentReadsTheConfigMapAndTheSecretItShips() throws IOException {
        List<Map<String, Map<String, String>>> sources = at(container(), "envFrom");
        Set<String> referenced = new TreeSet<>();
        for (Map<String, Map<String, String>> source : sources) {
            source.values().forEach(ref -> referenced.add(ref.get("name")));
        }
        Set<String> shipped = Set.of(at(manifest("configmap.yaml"), "metadata", "name"),
                at(manifest("secret.template.yaml"), "metadata", "name"));
        assertEquals(shipped, referenced);
    }

    @Test
    void everyEnvironmentVariableSetIsOneTheApplicationReads() throws IOException {
        Map<String, String> set = new LinkedHashMap<>();
        Map<String, String> configMap = at(manifest("configmap.yaml"), "data");
        configMap.keySet().forEach(name -> set.put(name, "configmap.yaml"));
        Map<String, String> secret = at(manifest("secret.template.yaml"), "stringData");
        secret.keySet().forEach(name -> set.put(name, "secret.template.yaml"));
        Object env = container().get("env");
        if (env instanceof List<?> entries) {
            for (Object entry : entries) {
                set.put(at(entry, "name"), "deployment.yaml");
            }
        }
        Map<String, Object> services = at(compose(), "services");
        for (Map.Entry<String, Object> service : services.entrySet()) {
            if (service.getKey().startsWith("push-")) {
                Map<String, Object> environment = at(service.getValue(), "environment");
                environment.keySet().forEach(name -> set.put(name, "compose.yaml " + service.getKey()));
            }
        }
        assertTrue(set.containsKey("QUARKUS_MONGODB_CONNECTION_STRING"), "production needs a real MongoDB");
        assertTrue(set.size() > 3, "found the environment of the manifests: " + set);

        Set<String> known = knownEnvironmentNames();
        List<String> unknown = new ArrayList<>();
        set.forEach((name, file) -> {
            if (!known.contains(name)) {
                unknown.add(name + " (" + file + ")");
            }
        });
        assertEquals(List.of(), unknown, "settings the application does not read; known: " + known);
    }

    @Test
    void composeRunsThreeInstancesOnTheHttpPortWithTheSameSettingsAsKubernetes() throws IOException {
        Map<String, Object> services = at(compose(), "services");
        List<String> instances = services.keySet().stream().filter(s -> s.startsWith("push-")).toList();
        assertEquals(3, instances.size(), "three push instances");
        Map<String, String> configMap = at(manifest("configmap.yaml"), "data");
        String containerPort = ":" + httpPort();
        for (String instance : instances) {
            List<String> ports = at(services.get(instance), "ports");
            assertTrue(ports.stream().allMatch(p -> p.endsWith(containerPort)), instance + " publishes quarkus.http.port");
            Map<String, Object> environment = at(services.get(instance), "environment");
            assertTrue(environment.containsKey("QUARKUS_MONGODB_CONNECTION_STRING"), instance + " uses the replica set");
            for (String engineSetting : configMap.keySet().stream().filter(k -> k.startsWith("PUSH_ENGINE_")).toList()) {
                if (environment.containsKey(engineSetting)) {
                    assertEquals(configMap.get(engineSetting), String.valueOf(environment.get(engineSetting)), engineSetting);
                }
            }
            Duration grace = composeDuration(at(services.get(instance), "stop_grace_period"));
            assertTrue(grace.compareTo(drainTime()) > 0, instance + " stop_grace_period " + grace + " <= drain " + drainTime());
        }
        assertTrue(services.containsKey("mongo") && services.containsKey("webhook-sink"));
    }

    /**
     * What several instances must be given alike, or they do not act as one service: the same database (without one,
     * each instance starts an embedded database of its own), and the same key for channel credentials (sealed by one
     * instance, opened by another). The console's session key needs nothing: the first instance stores one in the
     * database for all (dev.push.security.SessionKey, shown by ClusterFaultIT); if a manifest sets it anyway, it must
     * be the same for every instance too.
     */
    static final List<String> SHARED_BY_ALL_INSTANCES = List.of("QUARKUS_MONGODB_CONNECTION_STRING", "PUSH_CREDENTIALS_KEY");
    static final String SESSION_KEY = "QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY";

    @Test
    void everySettingSeveralInstancesMustShareIsSetAlikeForEveryInstance() throws IOException {
        // Kubernetes: every pod of the Deployment reads the same ConfigMap and Secret.
        Map<String, String> pods = new TreeMap<>();
        Map<String, String> configMap = at(manifest("configmap.yaml"), "data");
        Map<String, String> secret = at(manifest("secret.template.yaml"), "stringData");
        pods.putAll(configMap);
        pods.putAll(secret);
        for (String name : SHARED_BY_ALL_INSTANCES) {
            assertTrue(pods.containsKey(name) && !String.valueOf(pods.get(name)).isBlank(), "the pods get " + name);
        }
        // Compose: every instance gets each of them, with one value.
        Map<String, Object> services = at(compose(), "services");
        List<String> instances = services.keySet().stream().filter(s -> s.startsWith("push-")).toList();
        List<String> shared = new ArrayList<>(SHARED_BY_ALL_INSTANCES);
        shared.add(SESSION_KEY);
        for (String name : shared) {
            Set<String> values = new TreeSet<>();
            int setting = 0;
            for (String instance : instances) {
                Map<String, Object> environment = at(services.get(instance), "environment");
                if (environment.containsKey(name)) {
                    setting++;
                    values.add(String.valueOf(environment.get(name)));
                }
            }
            if (name.equals(SESSION_KEY) && setting == 0) {
                continue;
            }
            assertEquals(instances.size(), setting, "every compose instance sets " + name);
            assertEquals(1, values.size(), "one value of " + name + " for all: " + values);
        }
        // Nothing in the properties makes the session key differ per instance or profile.
        assertTrue(applicationProperties().stringPropertyNames().stream().noneMatch(p -> p.endsWith("quarkus.http.auth.session.encryption-key")),
                "the session key is shared through the database, not set in application.properties");
    }

    @Test
    void podsAreGivenTimeToDrain() throws IOException {
        Map<String, Object> pod = pod();
        int grace = at(pod, "terminationGracePeriodSeconds");
        List<String> preStop = at(container(), "lifecycle", "preStop", "exec", "command");
        assertEquals("sleep", preStop.get(0), "preStop pauses so the pod leaves the Service before SIGTERM");
        Duration pause = Duration.ofSeconds(Long.parseLong(preStop.get(1)));
        // The grace period counts from the start of preStop: the pause, then the drain, then Quarkus' own shutdown.
        Duration needed = pause.plus(drainTime());
        assertTrue(Duration.ofSeconds(grace).compareTo(needed) > 0,
                "terminationGracePeriodSeconds " + grace + " must exceed preStop " + pause + " + drain " + drainTime());
    }

    @Test
    void theConfigurationDocumentNamesEachSettingsEnvironmentVariableCorrectly() throws IOException {
        Map<String, String> documented = documentedSettings();
        assertTrue(documented.size() > 20, "read the tables of docs/configuration.md: " + documented.keySet());
        documented.forEach((property, env) -> assertEquals(environmentName(property), env, property));
    }

    @Test
    void everySettingTheCodeAndPropertiesNameIsDocumented() throws IOException {
        Set<String> documented = documentedSettings().keySet();
        Set<String> named = new TreeSet<>(settingsInCode());
        assertTrue(named.contains("push.engine.lease-timeout"), "found the @ConfigMapping members: " + named);
        named.addAll(applicationProperties().stringPropertyNames());
        List<String> undocumented = named.stream().filter(s -> !documented.contains(s))
                // Test-profile values of documented settings are documented with the setting itself.
                .filter(s -> !(s.startsWith("%test.") && documented.contains(s.substring("%test.".length()))))
                .toList();
        assertEquals(List.of(), undocumented, "settings missing from docs/configuration.md");
    }
}
