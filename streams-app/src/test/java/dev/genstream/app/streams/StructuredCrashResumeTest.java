package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genstream.app.registry.SchemaRegistryClient;
import dev.genstream.engine.generate.Generator;
import dev.genstream.engine.model.Model;
import dev.genstream.engine.testing.BundledModel;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * avro_subject requests in an app JVM killed with SIGKILL twice mid-generation: a read_committed reader sees
 * exactly one structured record per request, decoding with the subject's schema, equal to what an uninterrupted
 * run writes (the same JSON, as the grammar mask is deterministic).
 */
@Timeout(900)
class StructuredCrashResumeTest extends KafkaTestBase {
    static final String SCHEMA = """
            {"type":"record","name":"Story","namespace":"demo","fields":[
              {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["LAW","SONG"]}},
              {"name":"text","type":"string"},
              {"name":"verses","type":{"type":"array","items":"int"}}]}""";

    @Test
    void structuredRecordsSurviveKillMinusNineExactlyOnce() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        GenstreamConfig c = env.config("scrash", Map.of(GenstreamConfig.BATCH_SIZE, "4",
                GenstreamConfig.TOPIC_STRUCTURED, "structured-" + tag,
                "main.consumer.group.instance.id", "scrash-instance-" + tag, "consumer.session.timeout.ms", "10000"));
        Schema schema = new Schema.Parser().parse(SCHEMA);
        int id;
        try (SchemaRegistryClient registry = SchemaRegistryClient.fromConfig(c.kafka())) {
            id = registry.register("story-" + tag, schema);
        }
        Path configFile = ServiceJvm.writeConfig(c);
        List<PromptRequest> requests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            requests.add(PromptRequest.newBuilder().setRequestId("s-" + i).setPrompt(PROMPTS[i]).setCreatedAt(Instant.now())
                    .setAvroSubject("story-" + tag)
                    .setParams(GenerationParams.newBuilder().setMaxTokens(500 + 10 * i).setTemperature(0.9f).setSeed(700L + i).build()).build());
        }
        Map<String, String> expected = new HashMap<>();
        try (Model m = Model.load(BundledModel.path(), 2); SchemaRegistryClient registry = SchemaRegistryClient.fromConfig(c.kafka())) {
            PromptValidator v = new PromptValidator(m.tokenizer(), null, "kjv", m.config().contextLength(), 2048, AvroSubjects.of(registry));
            Generator g = new Generator(m, m.tokenizer(), m.config().contextLength());
            for (PromptRequest r : requests) {
                PromptValidator.Accepted a = v.validate(r);
                expected.put(r.getRequestId(), g.generate(a.promptIds(), a.params(), t -> {}).text());
            }
        }

        Path log = Files.createTempFile("genstream-scrash-app", ".log");
        Process app = ServiceJvm.launch(configFile, log);
        env.send(c, requests);
        app = ServiceJvm.killMidGeneration(env, c, configFile, log, app, 2, requests.size(), new ArrayList<>());
        try {
            KafkaTestEnv.Outputs out = env.collect(c, o -> o.completions().size() >= requests.size(), Duration.ofSeconds(300));
            assertThat(out.completions()).as("completions (app log: %s)", log).hasSize(requests.size());
            Map<String, List<byte[]>> structured = readStructured(c, requests.size());
            for (PromptRequest r : requests) {
                String rid = r.getRequestId();
                Completion done = out.completionsOf(rid).get(0);
                assertThat(done.getText()).as(rid).isEqualTo(expected.get(rid));
                assertThat(done.getFinishReason().name()).isIn("stop", "eos");
                assertThat(structured.get(rid)).as(rid + " structured records").hasSize(1);
                byte[] wire = structured.get(rid).get(0);
                assertThat(ByteBuffer.wrap(wire, 1, 4).getInt()).isEqualTo(id);
                GenericRecord rec = new GenericDatumReader<GenericRecord>(schema).read(null,
                        DecoderFactory.get().binaryDecoder(wire, 5, wire.length - 5, null));
                assertThat(rec.get("text").toString()).isNotNull();
                assertThat(rec.get("kind").toString()).isIn("LAW", "SONG");
            }
        } finally {
            app.destroyForcibly().waitFor();
        }
    }

    private static Map<String, List<byte[]>> readStructured(GenstreamConfig c, int n) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("group.id", "reader-" + UUID.randomUUID());
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        Map<String, List<byte[]>> out = new HashMap<>();
        long settle = 0, deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(c.get(GenstreamConfig.TOPIC_STRUCTURED)));
            while (System.nanoTime() < deadline && (out.size() < n || System.nanoTime() < settle)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                if (out.size() >= n && settle == 0) settle = System.nanoTime() + Duration.ofMillis(1500).toNanos(); // catch duplicates
            }
        }
        return out;
    }
}
