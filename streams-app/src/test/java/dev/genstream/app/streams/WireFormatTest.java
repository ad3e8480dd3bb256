package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.cli.SchemasCommandAccess;
import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.AvroStringSerde;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.app.registry.RegisteredSchema;
import dev.genstream.app.registry.SchemaRegistryClient;
import dev.genstream.app.registry.WireFormat;
import dev.genstream.schemas.PromptRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a non-Java client meets: prompts-value registered at start without Java-only properties (so a Python
 * producer's schema is the same version), self-contained .avsc files, and Avro-encoded output keys on request.
 */
@Timeout(300)
class WireFormatTest {
    static EmbeddedKafka kafka;
    static EmbeddedSchemaRegistry registry;
    static KafkaTestEnv env;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        registry = new EmbeddedSchemaRegistry().start();
        env = new KafkaTestEnv(kafka.bootstrapServers(), registry.url());
    }

    @AfterAll
    static void stop() {
        registry.close();
        kafka.close();
    }

    @Test
    void promptsValueIsRegisteredAtStartAsAPortableSchemaThatOtherLanguagesMatch() throws Exception {
        GenstreamConfig c = env.config("wire", Map.of());
        String subject = WireFormat.subject(c.get(GenstreamConfig.TOPIC_PROMPTS), false);
        try (GenstreamApp app = GenstreamApp.start(c); SchemaRegistryClient client = SchemaRegistryClient.fromConfig(c.kafka())) {
            RegisteredSchema latest = client.latest(subject); // before any producer has sent anything
            assertThat(latest.version()).isEqualTo(1);
            assertThat(latest.schema().toString()).doesNotContain("avro.java.string");
            assertThat(PromptRequest.getClassSchema().toString()).contains("avro.java.string"); // what Java would have sent
            // A Python producer parses the shipped .avsc and registers it: the same id, no second version.
            Path avsc = SchemasCommandAccess.write(dir).resolve("PromptRequest.avsc");
            Schema python = new Schema.Parser().parse(Files.readString(avsc));
            assertThat(client.register(subject, python)).isEqualTo(latest.id());
            // And the Java producer's records carry that id too.
            var sent = env.send(c, List.of(KafkaTestEnv.request("w1", "In the beginning", 4, 0f, null)));
            assertThat(sent).hasSize(1);
            assertThat(client.latest(subject).version()).isEqualTo(1);
        }
    }

    @Test
    void theSchemaFilesAreSelfContainedAndMatchTheGeneratedClasses() throws Exception {
        Path out = SchemasCommandAccess.write(dir);
        Map<String, Schema> expected = Map.of("PromptRequest", PromptRequest.getClassSchema(),
                "TokenEvent", dev.genstream.schemas.TokenEvent.getClassSchema(),
                "Completion", dev.genstream.schemas.Completion.getClassSchema(),
                "DeadLetter", dev.genstream.schemas.DeadLetter.getClassSchema());
        for (var e : expected.entrySet()) {
            String text = Files.readString(out.resolve(e.getKey() + ".avsc"));
            assertThat(text).doesNotContain("avro.java.string");
            Schema alone = new Schema.Parser().parse(text); // a fresh parser: no other file's types known
            assertThat(SchemaNormalization.toParsingForm(alone)).as(e.getKey()).isEqualTo(SchemaNormalization.toParsingForm(e.getValue()));
        }
    }

    @Test
    void avroStringKeysCarryTheRegistryHeaderAndDecodeToTheRequestId() throws Exception {
        GenstreamConfig c = env.config("keys", Map.of(GenstreamConfig.OUTPUT_KEY_FORMAT, "avro-string"));
        try (GenstreamApp app = GenstreamApp.start(c)) {
            assertThat(app.awaitRunning(Duration.ofSeconds(90))).isTrue();
            env.send(c, List.of(KafkaTestEnv.request("k1", "Blessed are the", 5, 0f, null)));
            KafkaTestEnv.Outputs o = env.collect(c, x -> !x.completions().isEmpty(), Duration.ofSeconds(90));
            assertThat(o.completions()).hasSize(1);
        }
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("group.id", "keys-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        String completions = c.get(GenstreamConfig.TOPIC_COMPLETIONS);
        try (var keys = new AvroStringSerde(c.kafka(), true);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(completions));
            ConsumerRecord<byte[], byte[]> r = null;
            for (int i = 0; i < 100 && r == null; i++) {
                var batch = consumer.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) r = batch.iterator().next();
            }
            assertThat(r).isNotNull();
            assertThat(r.key()[0]).isEqualTo(WireFormat.MAGIC);
            assertThat(keys.deserialize(completions, r.key())).isEqualTo("k1");
            try (SchemaRegistryClient client = SchemaRegistryClient.fromConfig(c.kafka())) {
                assertThat(client.latest(WireFormat.subject(completions, true)).schema().getType()).isEqualTo(Schema.Type.STRING);
            }
        }
    }
}
