package dev.genstream.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.jobs.PromptLines;
import dev.genstream.app.streams.GenstreamConfig;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/ without Docker or a cluster: every YAML file parses, every configuration key they (and the example
 * properties) set is one genstream reads, and the pieces agree with each other (ports, probes, paths, volumes).
 */
class DeployFilesTest {
    static final Path DEPLOY = Path.of(System.getProperty("genstream.home", "..")).resolve("deploy");

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    static List<Map<String, Object>> yaml(String file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(Files.readString(DEPLOY.resolve(file)))) {
            if (doc != null) docs.add(map(doc));
        }
        assertThat(docs).as(file).isNotEmpty();
        return docs;
    }

    static Map<String, Object> kind(String file, String kind) throws IOException {
        return yaml(file).stream().filter(d -> kind.equals(d.get("kind"))).findFirst().orElseThrow(() -> new AssertionError(file + " has no " + kind));
    }

    /** Every key=value line, commented out or not: the commented examples must name real keys too. */
    static List<String> propertyKeys(String text) {
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^#?([a-z][a-z0-9_]*(?:\\.[a-z0-9_]+)+)=").matcher(text);
        while (m.find()) keys.add(m.group(1));
        return keys;
    }

    @Test
    void theExamplePropertiesNameOnlyKeysGenstreamReads() throws IOException {
        String text = Files.readString(DEPLOY.resolve("genstream.properties"));
        List<String> keys = propertyKeys(text);
        assertThat(keys).contains("bootstrap.servers", "state.dir", GenstreamConfig.HTTP_PORT, GenstreamConfig.SHUTDOWN_LEAVE_GROUP,
                "security.protocol", "sasl.jaas.config", "basic.auth.user.info", "schema.registry.ssl.truststore.location");
        assertThat(keys).allSatisfy(k -> assertThat(ConfigKeys.known(k)).as("known key %s", k).isTrue());
        Properties p = new Properties();
        p.load(new StringReader(text));
        GenstreamConfig c = GenstreamConfig.of(Map.of(), Map.of());
        for (String k : p.stringPropertyNames()) c = c.with(k, p.getProperty(k));
        assertThat(c.getInt(GenstreamConfig.HTTP_PORT)).isEqualTo(9464);
        assertThat(c.getLong(GenstreamConfig.SHUTDOWN_TIMEOUT_MS)).isEqualTo(30_000);
    }

    @Test
    void theKeyCheckRejectsWhatGenstreamDoesNotRead() {
        assertThat(ConfigKeys.known("genstream.no.such.key")).isFalse();
        assertThat(ConfigKeys.known("consumer.sesion.timeout.ms")).isFalse();
        assertThat(ConfigKeys.known("main.consumer.group.instance.id")).isTrue();
        assertThat(ConfigKeys.fromEnv("GENSTREAM_KAFKA_GROUP_INSTANCE_ID")).isEqualTo("group.instance.id");
    }

    @Test
    void composeRunsKafkaKraftARegistryTwoReplicasAndAOneShotProducer() throws Exception {
        Map<String, Object> services = map(yaml("compose.yaml").get(0).get("services"));
        Map<String, Object> kafka = map(services.get("kafka"));
        assertThat((String) kafka.get("image")).startsWith("apache/kafka:");
        assertThat(map(kafka.get("environment")).get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
        assertThat((String) map(services.get("registry")).get("image")).startsWith("apicurio/apicurio-registry:");
        List<String> hosts = new ArrayList<>();
        for (String name : List.of("genstream-1", "genstream-2", "sample-producer")) {
            Map<String, Object> s = map(services.get(name));
            if (!name.startsWith("sample")) {
                hosts.add((String) s.get("hostname"));
                assertThat(map(s.get("build")).get("dockerfile")).isEqualTo("deploy/Dockerfile");
            }
            for (var e : map(s.get("environment")).entrySet()) {
                String key = ConfigKeys.fromEnv(e.getKey());
                if (key != null) assertThat(ConfigKeys.known(key)).as("%s in %s -> %s", e.getKey(), name, key).isTrue();
            }
            for (Object v : list(s.get("volumes"))) {
                String host = ((String) v).split(":")[0];
                assertThat(DEPLOY.resolve(host)).as("%s mounts %s", name, host).exists();
            }
        }
        assertThat(hosts).doesNotHaveDuplicates().hasSize(2); // each replica its own group.instance.id
        List<Object> command = list(map(services.get("sample-producer")).get("command"));
        assertThat(command).startsWith("produce").contains("/samples/prompts.jsonl");
        PromptLines.Result samples = new PromptLines(2048, (n, text) -> "line-" + n)
                .read(Files.newBufferedReader(DEPLOY.resolve("samples/prompts.jsonl")));
        assertThat(samples.problems()).isEmpty();
        assertThat(samples.valid()).isNotEmpty().allSatisfy(l -> assertThat(l.request().getRequestId()).startsWith("sample-"));
    }

    @Test
    void theStatefulSetWiresPodNamesProbesStateVolumeAndCredentials() throws IOException {
        Properties config = new Properties();
        config.load(new StringReader((String) map(kind("k8s/configmap.yaml", "ConfigMap").get("data")).get("genstream.properties")));
        assertThat(config.stringPropertyNames()).allSatisfy(k -> assertThat(ConfigKeys.known(k)).as("ConfigMap key %s", k).isTrue());

        Map<String, Object> sts = kind("k8s/statefulset.yaml", "StatefulSet");
        Map<String, Object> pod = map(map(map(sts.get("spec")).get("template")).get("spec"));
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        Map<String, Object> instanceId = list(container.get("env")).stream().map(DeployFilesTest::map)
                .filter(e -> "GENSTREAM_KAFKA_GROUP_INSTANCE_ID".equals(e.get("name"))).findFirst().orElseThrow();
        assertThat(map(map(instanceId.get("valueFrom")).get("fieldRef")).get("fieldPath")).isEqualTo("metadata.name");
        assertThat(map(map(container.get("livenessProbe")).get("httpGet")).get("path")).isEqualTo("/health/live");
        assertThat(map(map(container.get("readinessProbe")).get("httpGet")).get("path")).isEqualTo("/health/ready");
        assertThat(map(list(container.get("ports")).get(0)).get("containerPort")).hasToString(config.getProperty(GenstreamConfig.HTTP_PORT));
        assertThat(map(container.get("resources"))).containsKeys("requests", "limits");
        long grace = ((Number) pod.get("terminationGracePeriodSeconds")).longValue();
        assertThat(grace * 1000).isGreaterThan(Long.parseLong(config.getProperty(GenstreamConfig.SHUTDOWN_TIMEOUT_MS)));

        String stateMount = list(container.get("volumeMounts")).stream().map(DeployFilesTest::map)
                .filter(m -> "state".equals(m.get("name"))).map(m -> (String) m.get("mountPath")).findFirst().orElseThrow();
        assertThat(config.getProperty("state.dir")).startsWith(stateMount + "/");
        assertThat(list(map(sts.get("spec")).get("volumeClaimTemplates")).stream().map(t -> map(map(t).get("metadata")).get("name"))).contains("state");
        assertThat(config.getProperty(GenstreamConfig.MODEL_PATH)).startsWith("/models/");

        Map<String, Object> secret = map(kind("k8s/secret.yaml", "Secret").get("stringData"));
        assertThat(secret.keySet()).allSatisfy(k -> assertThat(ConfigKeys.known(ConfigKeys.fromEnv(k))).as("Secret key %s", k).isTrue());
        Map<String, Object> pdb = kind("k8s/pdb.yaml", "PodDisruptionBudget");
        assertThat(map(map(pdb.get("spec")).get("selector"))).isEqualTo(map(sts.get("spec")).get("selector"));
        for (Object r : list(yaml("k8s/kustomization.yaml").get(0).get("resources"))) assertThat(DEPLOY.resolve("k8s/" + r)).exists();
    }

    @Test
    void theDockerfileCopiesTheServiceClassPathAndRunsTheEntrypoint() throws IOException {
        String docker = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertThat(docker).contains("FROM maven:3.9-eclipse-temurin-25 AS build").contains("streams-app/target/service-lib/*.jar")
                .contains("jdk.incubator.vector").contains("USER 10001").contains("VOLUME [\"/models\"")
                .contains("ENTRYPOINT [\"/app/entrypoint.sh\"]").contains("COPY deploy/entrypoint.sh /app/entrypoint.sh")
                .contains("CMD [\"run\", \"--config\", \"/etc/genstream/genstream.properties\"]");
        assertThat(Files.isExecutable(DEPLOY.resolve("entrypoint.sh"))).isTrue();
    }
}
