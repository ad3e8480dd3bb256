package dev.genstream.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genstream.app.registry.SchemaRegistryClient;
import dev.genstream.schemas.Completion;
import dev.genstream.schemas.DeadLetter;
import dev.genstream.schemas.ErrorCode;
import dev.genstream.schemas.GenerationParams;
import dev.genstream.schemas.PromptRequest;
import java.nio.ByteBuffer;
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
 * avro_subject end to end on the real broker and Apicurio: the output is the JSON of a record of the subject's
 * schema, and the parsed record is on the structured topic in the Confluent wire format under that schema's id,
 * keyed by request_id; unusable subjects are dead-lettered with a reason.
 */
@Timeout(300)
class AvroSubjectStreamTest extends KafkaTestBase {
    static final String REVIEW = """
            {"type":"record","name":"Verse","namespace":"demo","fields":[
              {"name":"book","type":{"type":"enum","name":"Book","symbols":["GENESIS","EXODUS","PSALMS"]}},
              {"name":"chapter","type":"int"},
              {"name":"summary","type":"string"},
              {"name":"people","type":{"type":"array","items":"string"}},
              {"name":"note","type":["null","string"],"default":null}]}""";

    static PromptRequest.Builder req(String id, String subject) {
        return PromptRequest.newBuilder().setRequestId(id).setPrompt("And Moses said,").setCreatedAt(Instant.now()).setAvroSubject(subject)
                .setParams(GenerationParams.newBuilder().setMaxTokens(90).setTemperature(1f).setSeed((long) id.hashCode()).build());
    }

    @Test
    void outputsAreTypedRecordsOnTheStructuredTopic() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        GenstreamConfig c = env.config("avro", Map.of(GenstreamConfig.CONTEXT_SIZE, "128", GenstreamConfig.MAX_TOKENS_LIMIT, "100",
                GenstreamConfig.TOPIC_STRUCTURED, "structured-" + tag));
        Schema schema = new Schema.Parser().parse(REVIEW);
        int id;
        try (SchemaRegistryClient registry = SchemaRegistryClient.fromConfig(c.kafka())) {
            id = registry.register("verse-" + tag, schema);
            registry.register("blob-" + tag, new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Blob\",\"fields\":[{\"name\":\"b\",\"type\":\"bytes\"}]}"));
        }
        try (GenstreamApp app = GenstreamApp.start(c)) {
            env.send(c, List.of(req("v1", "verse-" + tag).build(), req("v2", "verse-" + tag + ":1").build(),
                    req("v3", "verse-" + tag + "#" + id).build(), req("blob", "blob-" + tag).build(),
                    req("nobody", "nobody-" + tag).build()));
            Map<String, byte[]> records = readStructured(c, 3);
            KafkaTestEnv.Outputs out = env.collect(c, o -> o.completions().size() >= 3 && o.deadLetters().size() >= 2, Duration.ofSeconds(120));

            assertThat(records.keySet()).containsExactlyInAnyOrder("v1", "v2", "v3");
            ObjectMapper json = new ObjectMapper();
            for (var e : records.entrySet()) {
                byte[] wire = e.getValue();
                assertThat(wire[0]).isZero();
                assertThat(ByteBuffer.wrap(wire, 1, 4).getInt()).isEqualTo(id);
                GenericRecord r = new GenericDatumReader<GenericRecord>(schema).read(null,
                        DecoderFactory.get().binaryDecoder(wire, 5, wire.length - 5, null));
                Completion done = out.completionsOf(e.getKey()).get(0);
                assertThat(done.getFinishReason().name()).isIn("stop", "eos");
                JsonNode text = json.readTree(done.getText());
                assertThat(r.get("book").toString()).isEqualTo(text.get("book").asText()).isIn("GENESIS", "EXODUS", "PSALMS");
                assertThat(r.get("chapter")).isEqualTo(text.get("chapter").asInt());
                assertThat(r.get("summary").toString()).isEqualTo(text.get("summary").asText());
                assertThat(((List<?>) r.get("people"))).hasSize(text.get("people").size());
            }
            Map<String, DeadLetter> dead = new HashMap<>();
            for (DeadLetter d : out.deadLetters()) dead.put(d.getRequestId(), d);
            assertThat(dead.get("blob").getErrorCode()).isEqualTo(ErrorCode.UNSUPPORTED_SCHEMA);
            assertThat(dead.get("blob").getReason()).contains("'bytes'");
            assertThat(dead.get("nobody").getErrorCode()).isEqualTo(ErrorCode.UNKNOWN_SCHEMA);
        }
    }

    private static Map<String, byte[]> readStructured(GenstreamConfig c, int n) {
        Map<String, Object> props = new HashMap<>(c.kafka());
        props.put("group.id", "reader-" + UUID.randomUUID());
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        Map<String, byte[]> out = new HashMap<>();
        List<String> keys = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(c.get(GenstreamConfig.TOPIC_STRUCTURED)));
            while (out.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    keys.add(r.key());
                    out.put(r.key(), r.value());
                }
            }
        }
        assertThat(keys).as("one structured record per request").doesNotHaveDuplicates();
        return out;
    }
}
