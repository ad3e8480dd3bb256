package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.embedded.EmbeddedKafka;
import dev.genstream.app.registry.EmbeddedSchemaRegistry;
import dev.genstream.app.registry.SchemaRegistryClient;
import dev.genstream.schemas.PromptRequest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The registry goes down while records arrive: a record whose schema id the service already holds keeps flowing
 * from its cache, and one with a schema id it has never seen waits and is retried until the registry is back. No
 * transient outage is dead-lettered (a definitive 404 is, in BadInputTest).
 */
class RegistryOutageTest {
    @Test
    void aNewSchemaIdWaitsOutTheOutageAndAKnownOneKeepsFlowing() throws Exception {
        Path dir = Files.createTempDirectory("genstream-outage-");
        Path journal = dir.resolve("schemas.jsonl");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().withJournal(journal).start();
            int port = URI.create(registry.url()).getPort();
            KafkaTestEnv env = new KafkaTestEnv(kafka.bootstrapServers(), registry.url());
            GenstreamConfig c = env.config("outage", Map.of(GenstreamConfig.REGISTRY_RETRY_MS, "1500"));
            try (GenstreamApp app = GenstreamApp.start(c)) {
                env.send(c, List.of(KafkaTestEnv.request("before", "In the beginning", 6, 0f, null)));
                env.collect(c, o -> o.completions().size() >= 1, Duration.ofSeconds(120));

                // A BACKWARD-compatible v2 (one more int field, default 0) gets a schema id the service has not seen.
                int v2;
                try (SchemaRegistryClient client = SchemaRegistryClient.fromConfig(c.kafka())) {
                    v2 = client.register(c.get(GenstreamConfig.TOPIC_PROMPTS) + "-value", withPriority(PromptRequest.getClassSchema()));
                }
                int v1 = idOfFirstPrompt(env, c);
                assertThat(v2).isNotEqualTo(v1);
                byte[] known = wire(v1, KafkaTestEnv.request("known", "And God said", 6, 0f, null), false);
                byte[] fresh = wire(v2, KafkaTestEnv.request("fresh", "Blessed are the", 6, 0f, null), true);

                registry.close();
                env.sendRaw(c, "known".getBytes(StandardCharsets.UTF_8), known);
                env.sendRaw(c, "fresh".getBytes(StandardCharsets.UTF_8), fresh);
                // Read by key only: a fresh reader could not decode values while the registry is down.
                List<String> completed = List.of();
                for (long end = System.currentTimeMillis() + 60_000; !completed.contains("known") && System.currentTimeMillis() < end; ) {
                    completed = env.keys(c, c.get(GenstreamConfig.TOPIC_COMPLETIONS), Duration.ofSeconds(3));
                }
                assertThat(completed).as("a cached schema id flows during the outage").containsOnlyOnce("known").doesNotContain("fresh");
                Thread.sleep(4_000); // several retry rounds and thread replacements
                assertThat(env.keys(c, c.get(GenstreamConfig.TOPIC_COMPLETIONS), Duration.ofSeconds(2))).doesNotContain("fresh");
                assertThat(env.keys(c, c.get(GenstreamConfig.TOPIC_DLQ), Duration.ofSeconds(2))).as("nothing is dead-lettered for a transient outage").isEmpty();

                registry = new EmbeddedSchemaRegistry().withJournal(journal).start(port);
                KafkaTestEnv.Outputs after = env.collect(c, o -> o.completionsOf("fresh").size() == 1, Duration.ofSeconds(120));
                assertThat(after.completionsOf("fresh")).hasSize(1);
                assertThat(after.completionsOf("known")).hasSize(1);
                assertThat(after.completionsOf("before")).hasSize(1);
                assertThat(after.deadLetters()).isEmpty();
            } finally {
                registry.close();
            }
        }
    }

    /** The schema id in the header of the first record on the prompts topic (sent by the registry-backed serializer). */
    private static int idOfFirstPrompt(KafkaTestEnv env, GenstreamConfig c) throws Exception {
        byte[] value = env.firstRaw(c, c.get(GenstreamConfig.TOPIC_PROMPTS));
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    /** Confluent wire format: magic 0, the schema id, then the Avro binary; v2 appends its extra int field (0). */
    private static byte[] wire(int id, PromptRequest r, boolean v2) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(PromptRequest.class).write(r, enc);
        if (v2) enc.writeInt(0);
        enc.flush();
        return out.toByteArray();
    }

    private static Schema withPriority(Schema record) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) fields.add(new Schema.Field(f, f.schema()));
        fields.add(new Schema.Field("priority", Schema.create(Schema.Type.INT), "Scheduling priority.", 0));
        Schema copy = Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
        record.getObjectProps().forEach(copy::addProp);
        return copy;
    }
}
