package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.schemas.PromptRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.ConfluentKafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same service against Confluent's own broker and Schema Registry images. Runs only where Docker exists;
 * the embedded-broker and Apicurio tests are the ones that always run.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(600)
class StreamingTestcontainersTest {
    static final Network NETWORK = Network.newNetwork();

    @Container
    static final ConfluentKafkaContainer KAFKA = new ConfluentKafkaContainer(DockerImageName.parse("confluentinc/cp-kafka:7.9.0"))
            .withNetwork(NETWORK).withNetworkAliases("kafka").withListener("kafka:19092");

    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>(DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0"))
            .withNetwork(NETWORK)
            .withExposedPorts(8081)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
            .dependsOn(KAFKA)
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

    @Test
    void promptsAreAnsweredThroughConfluentImages() throws Exception {
        KafkaTestEnv env = new KafkaTestEnv(KAFKA.getBootstrapServers(),
                "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081));
        GenstreamConfig c = env.config("tc", Map.of(GenstreamConfig.TOPIC_REPLICATION, "1"));
        List<PromptRequest> requests = new ArrayList<>();
        for (int i = 0; i < 4; i++) requests.add(KafkaTestEnv.request("tc-" + i, "In the beginning", 12, i % 2 == 0 ? 0f : 0.8f, (long) i));
        try (GenstreamApp app = GenstreamApp.start(c)) {
            env.send(c, requests);
            KafkaTestEnv.Outputs out = env.collect(c, o -> o.completions().size() >= 4, Duration.ofSeconds(180));
            assertThat(out.completions()).hasSize(4);
            for (PromptRequest r : requests) {
                StringBuilder joined = new StringBuilder();
                out.tokensOf(r.getRequestId()).forEach(t -> joined.append(t.getText()));
                assertThat(out.completionsOf(r.getRequestId())).singleElement()
                        .satisfies(cp -> assertThat(cp.getText()).isEqualTo(joined.toString()));
            }
        }
    }
}
