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
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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

    /**
     * Issue 18's scale: the registry is down for 30 s while records arrive all along: with the cached schema id,
     * with two ids the service has never seen, and with avro_subject references that need the registry (a subject's
     * latest version, a version) or not (a SUBJECT#ID already cached). The cached ones are answered during the
     * outage; the rest wait (with backoff), nothing is dead-lettered, and each is answered once after it. Only
     * definitive answers dead-letter: a subject and a schema id the registry does not have. The service says once
     * that the registry is unreachable and once that it is back.
     */
    @Test
    @Timeout(300)
    void aThirtySecondOutageHoldsNewIdsAndAvroSubjectsAndDeadLettersOnlyWhatTheRegistryDenies() throws Exception {
        Path dir = Files.createTempDirectory("genstream-outage30-");
        Path journal = dir.resolve("schemas.jsonl");
        LogLines log = LogLines.capture("dev.genstream.app.streams");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); log) {
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().withJournal(journal).start();
            int port = URI.create(registry.url()).getPort();
            KafkaTestEnv env = new KafkaTestEnv(kafka.bootstrapServers(), registry.url());
            GenstreamConfig c = env.config("outage30", Map.of(GenstreamConfig.REGISTRY_RETRY_MS, "1000",
                    GenstreamConfig.CONTEXT_SIZE, "128", GenstreamConfig.MAX_TOKENS_LIMIT, "100"));
            String subject = c.get(GenstreamConfig.TOPIC_PROMPTS) + "-verse";
            int verseId;
            try (SchemaRegistryClient client = SchemaRegistryClient.fromConfig(c.kafka())) {
                verseId = client.register(subject, new Schema.Parser().parse(VERSE));
            }
            try (GenstreamApp app = GenstreamApp.start(c)) {
                // Before: the app caches the prompt schema (v1) and the subject's schema id.
                env.send(c, List.of(KafkaTestEnv.request("before", "In the beginning", 6, 0f, null),
                        structured("before-avro", subject + "#" + verseId)));
                env.collect(c, o -> o.completions().size() >= 2, Duration.ofSeconds(120));
                int v1 = idOfFirstPrompt(env, c);
                int v2, v3;
                try (SchemaRegistryClient client = SchemaRegistryClient.fromConfig(c.kafka())) {
                    Schema withPriority = withPriority(PromptRequest.getClassSchema());
                    v2 = client.register(c.get(GenstreamConfig.TOPIC_PROMPTS) + "-value", withPriority);
                    v3 = client.register(c.get(GenstreamConfig.TOPIC_PROMPTS) + "-value", withField(withPriority, "weight"));
                }
                assertThat(List.of(v1, v2, v3)).doesNotHaveDuplicates();

                registry.close();
                long downAt = System.currentTimeMillis();
                List<String> known = new ArrayList<>(), waiting = new ArrayList<>();
                for (int round = 0; round < 3; round++) { // records keep arriving through the outage
                    String k = "known-" + round, cachedSubject = "cached-subject-" + round;
                    env.sendRaw(c, k.getBytes(StandardCharsets.UTF_8), wire(v1, KafkaTestEnv.request(k, "And God said", 6, 0f, null), 0));
                    env.sendRaw(c, cachedSubject.getBytes(StandardCharsets.UTF_8), wire(v1, structured(cachedSubject, subject + "#" + verseId), 0));
                    known.add(k);
                    known.add(cachedSubject);
                    String fresh2 = "fresh-v2-" + round, fresh3 = "fresh-v3-" + round, latest = "subject-latest-" + round, version = "subject-v1-" + round;
                    env.sendRaw(c, fresh2.getBytes(StandardCharsets.UTF_8), wire(v2, KafkaTestEnv.request(fresh2, "Blessed are the", 6, 0f, null), 1));
                    env.sendRaw(c, fresh3.getBytes(StandardCharsets.UTF_8), wire(v3, KafkaTestEnv.request(fresh3, "Thou shalt not", 6, 0f, null), 2));
                    env.sendRaw(c, latest.getBytes(StandardCharsets.UTF_8), wire(v1, structured(latest, subject), 0));
                    env.sendRaw(c, version.getBytes(StandardCharsets.UTF_8), wire(v1, structured(version, subject + ":1"), 0));
                    waiting.addAll(List.of(fresh2, fresh3, latest, version));
                    Thread.sleep(8_000);
                }
                // Read by key only: a fresh reader could not decode values while the registry is down.
                List<String> completed = List.of();
                while (!completed.containsAll(known) && System.currentTimeMillis() < downAt + 28_000) {
                    completed = env.keys(c, c.get(GenstreamConfig.TOPIC_COMPLETIONS), Duration.ofSeconds(2));
                }
                long knownDoneAt = System.currentTimeMillis() - downAt;
                assertThat(completed).as("cached schema ids and subjects flow during the outage").containsAll(known).doesNotHaveDuplicates()
                        .doesNotContainAnyElementsOf(waiting);
                Thread.sleep(Math.max(0, downAt + 30_000 - System.currentTimeMillis()));
                assertThat(env.keys(c, c.get(GenstreamConfig.TOPIC_COMPLETIONS), Duration.ofSeconds(1))).doesNotContainAnyElementsOf(waiting);
                assertThat(env.keys(c, c.get(GenstreamConfig.TOPIC_DLQ), Duration.ofSeconds(1))).as("nothing is dead-lettered for a transient outage").isEmpty();

                registry = new EmbeddedSchemaRegistry().withJournal(journal).start(port);
                long upAt = System.currentTimeMillis();
                System.out.printf("[registry-outage] down %d ms; %d records with cached ids/subjects answered during it (all within %d ms), %d waited%n",
                        upAt - downAt, known.size(), knownDoneAt, waiting.size());
                // Definitive answers from the registry: no such subject, no such schema id.
                env.sendRaw(c, "no-subject".getBytes(StandardCharsets.UTF_8), wire(v1, structured("no-subject", subject + "-nobody"), 0));
                env.sendRaw(c, "no-id".getBytes(StandardCharsets.UTF_8), wire(987_654, KafkaTestEnv.request("no-id", "Then Peter said", 6, 0f, null), 0));
                KafkaTestEnv.Outputs after = env.collect(c, o -> waiting.stream().allMatch(id -> !o.completionsOf(id).isEmpty())
                        && o.deadLetters().size() >= 2, Duration.ofSeconds(120));
                long allDoneAt = System.currentTimeMillis() - upAt;
                for (String id : concat(List.of("before", "before-avro"), known, waiting)) {
                    assertThat(after.completionsOf(id)).as(id).hasSize(1);
                }
                for (String id : waiting) {
                    if (id.startsWith("subject-")) assertThat(after.completionsOf(id).get(0).getText()).as(id + " is a Verse").contains("\"book\"");
                }
                assertThat(after.deadLetters()).extracting(DeadLetter::getErrorCode).containsOnly(ErrorCode.UNKNOWN_SCHEMA).hasSize(2);
                System.out.printf("[registry-outage] the %d waiting records were all answered within %d ms of the registry's return%n", waiting.size(), allDoneAt);
                assertThat(log.matching("schema registry unreachable")).as("one line for the outage").hasSize(1);
                assertThat(log.matching("schema registry at .* answers again")).as("one line for its return").hasSize(1);
            } finally {
                registry.close();
            }
        }
    }

    static final String VERSE = """
            {"type":"record","name":"Verse","namespace":"demo","fields":[
              {"name":"book","type":{"type":"enum","name":"Book","symbols":["GENESIS","EXODUS","PSALMS"]}},
              {"name":"chapter","type":"int"}]}""";

    private static PromptRequest structured(String id, String avroSubject) {
        PromptRequest r = KafkaTestEnv.request(id, "And Moses said,", 40, 1f, (long) id.hashCode());
        r.setAvroSubject(avroSubject);
        return r;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> l : lists) all.addAll(l);
        return all;
    }

    /** The schema id in the header of the first record on the prompts topic (sent by the registry-backed serializer). */
    private static int idOfFirstPrompt(KafkaTestEnv env, GenstreamConfig c) throws Exception {
        byte[] value = env.firstRaw(c, c.get(GenstreamConfig.TOPIC_PROMPTS));
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    /** Confluent wire format: magic 0, the schema id, then the Avro binary; v2 appends its extra int field (0). */
    private static byte[] wire(int id, PromptRequest r, boolean v2) throws Exception {
        return wire(id, r, v2 ? 1 : 0);
    }

    /** As above, with {@code extraInts} int fields (0) appended, for the evolved versions. */
    private static byte[] wire(int id, PromptRequest r, int extraInts) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(PromptRequest.class).write(r, enc);
        for (int i = 0; i < extraInts; i++) enc.writeInt(0);
        enc.flush();
        return out.toByteArray();
    }

    private static Schema withPriority(Schema record) {
        return withField(record, "priority");
    }

    /** The record with one more int field (default 0) at the end: a BACKWARD-compatible new version. */
    private static Schema withField(Schema record, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) fields.add(new Schema.Field(f, f.schema()));
        fields.add(new Schema.Field(name, Schema.create(Schema.Type.INT), "An added field.", 0));
        Schema copy = Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
        record.getObjectProps().forEach(copy::addProp);
        return copy;
    }
}
