package dev.genstream.app.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.genstream.schemas.PromptRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry contract against the embedded registry, plus what only a registry we control can show. */
class RegistryEmbeddedTest extends RegistryContract {
    static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void start() {
        registry = new EmbeddedSchemaRegistry().start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Override
    String registryUrl() {
        return registry.url();
    }

    @Test
    void serdeKeepsWorkingAfterTheRegistryIsGone() {
        String topic = Samples.topic("offline");
        try (var own = new EmbeddedSchemaRegistry().start();
             var serde = GenstreamSerdes.forClass(PromptRequest.class, Map.of(RegistryConfig.URL, own.url()), false)) {
            byte[] first = serde.serializer().serialize(topic, Samples.prompt("r-0"));
            assertThat(own.requestCount()).isEqualTo(1);
            own.close();
            for (int i = 1; i < 20; i++) {
                PromptRequest r = Samples.prompt("r-" + i);
                assertThat(serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, r))).isEqualTo(r);
            }
            assertThat(serde.deserializer().deserialize(topic, first)).isEqualTo(Samples.prompt("r-0"));
            assertThat(serde.client().requestsSent()).isEqualTo(1);
        }
    }

    @Test
    void failsOverToTheNextUrlWhenTheFirstRefusesConnections() throws IOException {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        String urls = "http://127.0.0.1:" + dead + "," + registry.url();
        try (var c = SchemaRegistryClient.fromConfig(Map.of(RegistryConfig.URL, urls))) {
            String subject = Samples.topic("failover") + "-value";
            int id = c.register(subject, PromptRequest.SCHEMA$);
            assertThat(c.requestsSent()).isEqualTo(2);
            assertThat(c.latest(subject).id()).isEqualTo(id); // straight to the URL that worked
            assertThat(c.requestsSent()).isEqualTo(3);
        }
        try (var c = SchemaRegistryClient.fromConfig(Map.of(RegistryConfig.URL, "http://127.0.0.1:" + dead))) {
            SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, () -> c.getById(1));
            assertThat(e.status()).isEqualTo(SchemaRegistryException.UNREACHABLE);
            assertThat(e.getMessage()).contains("127.0.0.1:" + dead);
        }
    }

    @Test
    void unreachableRegistryIsARegistryErrorNotAPoisonRecord() throws IOException {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        try (var serde = GenstreamSerdes.forClass(PromptRequest.class,
                Map.of(RegistryConfig.URL, "http://127.0.0.1:" + dead), false)) {
            AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                    () -> serde.deserializer().deserialize("t", new byte[] {0, 0, 0, 0, 1, 2}));
            assertThat(e.kind()).isEqualTo(AvroSerdeException.Kind.REGISTRY_ERROR);
            assertThat(e.deadLetterCode()).isEmpty();
        }
    }

    @Test
    void kafkaCanInstantiateTheSerdesByClassName() {
        String topic = Samples.topic("byname");
        Map<String, Object> c = Map.of(RegistryConfig.URL, registry.url(),
                RegistryConfig.SPECIFIC_VALUE_TYPE, PromptRequest.class.getName());
        try (var serializer = new AvroSerializer<PromptRequest>(); var deserializer = new AvroDeserializer<>()) {
            serializer.configure(c, false);
            deserializer.configure(c, false);
            byte[] bytes = serializer.serialize(topic, Samples.prompt("r-n"));
            assertThat(deserializer.deserialize(topic, bytes)).isEqualTo(Samples.prompt("r-n"));
        }
        // Without a configured type, a generated class on the class path is still found by the writer's name.
        try (var deserializer = new AvroDeserializer<>()) {
            deserializer.configure(Map.of(RegistryConfig.URL, registry.url()), false);
            byte[] bytes = GenstreamSerdes.forClass(PromptRequest.class, c, false).serializer()
                    .serialize(topic, Samples.prompt("r-m"));
            assertThat(deserializer.deserialize(topic, bytes)).isEqualTo(Samples.prompt("r-m"));
        }
    }

    @Test
    void compatibilityLevelsFollowAvroResolution() {
        String subject = Samples.topic("levels") + "-value";
        var withPriority = Evolve.withPriority(PromptRequest.SCHEMA$);
        var withTenant = Evolve.withRequiredTenant(PromptRequest.SCHEMA$);
        client.register(subject, PromptRequest.SCHEMA$);
        assertThat(client.getCompatibility(subject)).isEqualTo("BACKWARD"); // Confluent's default
        client.setCompatibility(subject, "FORWARD");
        assertThat(client.isCompatible(subject, withTenant)).isTrue(); // old readers ignore the new field
        assertThat(client.isCompatible(subject, withPriority)).isTrue();
        client.setCompatibility(subject, "FULL");
        assertThat(client.isCompatible(subject, withTenant)).isFalse();
        assertThat(client.isCompatible(subject, withPriority)).isTrue();
        client.setCompatibility(subject, "NONE");
        assertThat(client.isCompatible(subject, withTenant)).isTrue();
        SchemaRegistryException bad = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.setCompatibility(subject, "SIDEWAYS"));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.errorCode()).isEqualTo(42203);
    }
}
